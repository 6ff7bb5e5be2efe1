// The quiz's state, where it is kept, and how it travels: sessionStorage (this tab only), the page
// URL (which screen: never an answer) and the share link (answers in the fragment, which browsers do
// not send to servers). Plain data and pure functions; the engine decides everything else.
//
// state = {
//   format: 1,
//   steps: [{id, number}],         the questions asked, in order (the last one may be unanswered)
//   answers: {question_id: value}, every answer given, also to questions no longer on the path, so a
//                                  changed mind that comes back finds its answers still there
//   done: bool,                    the engine said the path is complete (next_step → done)
//   view: {kind: "question", id} | {kind: "check"} | {kind: "result"},
//   returnTo: "check" | null,      set by a Change link on the check-answers page
// }

const STORAGE_KEY = "ipma-quiz";
const FORMAT = 1;
export const SHARE_VERSION = 1;
const SHARE_PARAM = "a=";
export const MAX_SHARE_CHARS = 4000;
const MAX_ANSWERS = 64;

export function emptyState() {
  return { format: FORMAT, steps: [], answers: {}, done: false, view: null, returnTo: null };
}

const isPlainObject = (value) =>
  value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

const isId = (value) => typeof value === "string" && /^[A-Za-z0-9_.-]{1,100}$/.test(value);

/** An answer value as the contract allows: option id, boolean, integer, or a list of duty ids. */
export function isAnswerValue(value) {
  if (typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isSafeInteger(value);
  if (typeof value === "string") return value.length <= 200;
  if (Array.isArray(value)) return value.length <= 200 && value.every((item) => isId(item));
  return false;
}

/** Checks the shape of an answers object (the engine checks the meaning). Returns an error or "". */
export function answersShapeError(answers) {
  if (!isPlainObject(answers)) return "the answers are not a list of question and answer";
  const entries = Object.entries(answers);
  if (entries.length > MAX_ANSWERS) return "there are too many answers";
  for (const [key, value] of entries) {
    if (!isId(key)) return "a question name is not valid";
    if (!isAnswerValue(value)) return "an answer is not valid";
  }
  return "";
}

function validView(view) {
  if (!isPlainObject(view)) return null;
  if (view.kind === "question" && isId(view.id)) return { kind: "question", id: view.id };
  if (view.kind === "check" || view.kind === "result") return { kind: view.kind };
  return null;
}

/**
 * The state saved in this tab: null when there is none (or storage is turned off), {state} when it
 * can be used, or {error} with a sentence for the visitor when something is stored that cannot be
 * used (damaged, oversized, saved by another version of the quiz, or edited by hand). The quiz then
 * says so and starts afresh; it never half-trusts a stored state.
 */
export function readStoredState() {
  let raw;
  try {
    raw = window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the quiz still works, it just forgets on reload
  }
  if (raw === null || raw === "") return null;
  const state = raw.length > 100000 ? null : parseState(raw);
  if (!state) return { error: "they were damaged, or saved by another version of the quiz." };
  return { state };
}

/** The state saved in this tab, or null when there is none or it is not usable. */
export function loadState() {
  const stored = readStoredState();
  return stored && stored.state ? stored.state : null;
}

function parseState(raw) {
  try {
    const data = JSON.parse(raw);
    if (!isPlainObject(data) || data.format !== FORMAT) return null;
    if (answersShapeError(data.answers)) return null;
    if (!Array.isArray(data.steps) || data.steps.length > MAX_ANSWERS) return null;
    if (data.view != null && !validView(data.view)) return null;
    if (data.returnTo != null && data.returnTo !== "check") return null;
    if (data.done != null && typeof data.done !== "boolean") return null;
    const steps = [];
    for (const step of data.steps) {
      if (!isPlainObject(step) || !isId(step.id)) return null;
      steps.push({ id: step.id, number: Number.isSafeInteger(step.number) ? step.number : steps.length + 1 });
    }
    return {
      format: FORMAT,
      steps,
      answers: { ...data.answers },
      done: data.done === true,
      view: validView(data.view),
      returnTo: data.returnTo === "check" ? "check" : null,
    };
  } catch {
    return null; // not JSON, or nested too deeply to parse
  }
}

/**
 * Whether answers (and the questions of a saved path) still fit the questions in the rules export:
 * known question ids, an offered option, yes/no as a boolean, a whole number in range, known duty
 * ids. Returns "" or a phrase for the visitor. Answers from storage or a share link made before the
 * questions changed (or edited by hand) are refused here, before anything is shown from them; the
 * engine still checks every answer it is given.
 */
export function answersMismatch(rules, answers, stepIds = []) {
  const questions = new Map(((rules && rules.questions) || []).map((q) => [q.id, q]));
  const duties = new Set();
  for (const group of (rules && rules.duty_groups) || []) {
    for (const duty of group.duties || []) duties.add(duty.id);
  }
  for (const question of questions.values()) {
    if (question.kind === "duties" && question.other && question.other.id) duties.add(question.other.id);
  }
  for (const id of [...stepIds, ...Object.keys(answers)]) {
    if (!questions.has(id)) return "an answer is for a question the quiz no longer asks";
  }
  for (const [id, value] of Object.entries(answers)) {
    if (!fitsQuestion(questions.get(id), value, duties)) return "an answer is not one the quiz offers";
  }
  return "";
}

function fitsQuestion(question, value, duties) {
  if (question.kind === "choice") {
    return typeof value === "string" && (question.options || []).some((option) => option.id === value);
  }
  if (question.kind === "yes_no") return typeof value === "boolean";
  if (question.kind === "number") {
    const min = Number.isSafeInteger(question.min) ? question.min : 0;
    const max = Number.isSafeInteger(question.max) ? question.max : Number.MAX_SAFE_INTEGER;
    return Number.isSafeInteger(value) && value >= min && value <= max;
  }
  if (question.kind === "duties") {
    return Array.isArray(value) && new Set(value).size === value.length && value.every((id) => duties.has(id));
  }
  return true; // a kind this page does not know: the engine judges it
}

export function saveState(state) {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // storage full or disabled: not worth interrupting the visitor for
  }
}

export function clearState() {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // as above
  }
}

/** The answers to the questions on the path, in the order asked (steps[0..upto)). */
export function pathAnswers(state, upto = state.steps.length) {
  const answers = {};
  for (const step of state.steps.slice(0, upto)) {
    if (Object.hasOwn(state.answers, step.id)) answers[step.id] = state.answers[step.id];
  }
  return answers;
}

export function sameAnswer(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
  }
  return a === b;
}

// --- the page URL: which screen is showing (question ids and page names only, never answers) -----

export function viewFromUrl(url) {
  const params = new URL(url).searchParams;
  const question = params.get("question");
  if (question !== null) return isId(question) ? { kind: "question", id: question } : null;
  const page = params.get("page");
  if (page === "check-answers") return { kind: "check" };
  if (page === "result") return { kind: "result" };
  return null;
}

/** The URL of a screen: the page's own path with ?question=… or ?page=…, no fragment. */
export function urlForView(view, base = window.location.href) {
  const url = new URL(base);
  url.hash = "";
  url.search = "";
  if (view && view.kind === "question") url.searchParams.set("question", view.id);
  else if (view && view.kind === "check") url.searchParams.set("page", "check-answers");
  else if (view && view.kind === "result") url.searchParams.set("page", "result");
  return url.href;
}

// --- the share link: #a=<base64url of {"v": 1, "answers": {...}}> -------------------------------

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

export function shareUrl(answers, base = window.location.href) {
  const url = new URL(base);
  url.search = "";
  url.hash = SHARE_PARAM + toBase64Url(JSON.stringify({ v: SHARE_VERSION, answers }));
  return url.href;
}

/**
 * The answers in a share link's fragment: null when the fragment is not a share link at all,
 * {answers} when its shape is right (the engine then checks the answers themselves), or {error}
 * with a sentence for the visitor.
 */
export function decodeShare(hash) {
  if (typeof hash !== "string" || !hash.startsWith("#" + SHARE_PARAM)) return null;
  const encoded = hash.slice(1 + SHARE_PARAM.length);
  if (encoded.length > MAX_SHARE_CHARS) return { error: "The link is too long to be a quiz link." };
  let data;
  try {
    data = JSON.parse(fromBase64Url(encoded));
  } catch {
    return { error: "The link is damaged or incomplete: it may have been cut off when it was copied." };
  }
  if (!isPlainObject(data) || !Object.hasOwn(data, "v")) {
    return { error: "The link is damaged or incomplete." };
  }
  if (data.v !== SHARE_VERSION) {
    return { error: "The link was made by a different version of the quiz." };
  }
  const problem = answersShapeError(data.answers);
  if (problem) return { error: `The link is not valid: ${problem}.` };
  return { answers: { ...data.answers } };
}
