// The eligibility quiz: one question a screen, check your answers, the result. This module only
// moves between screens and keeps the answers; the Python engine (quiz.api via the worker) decides
// which question comes next, whether the answers are valid, and the result.
//
// The engine's answers for the first screens are already in the page: the build asked it for every
// state that choice and yes/no answers alone can reach (quiz/build/step_table.py), keyed by the exact
// answers. Those screens show at once; anything else waits for Python, with its download progress.
//
// Screens live in the URL's query (?question=ID, ?page=check-answers, ?page=result), one history
// entry each, so the browser's back button works; answers live in sessionStorage (this tab) and,
// for the share link only, in the URL fragment. Nothing is ever sent to a server.

import { ASSETS_URL, EngineError } from "./engine-client.js";
import { focus, h } from "./dom.js";
import {
  answersMismatch,
  clearState,
  decodeShare,
  emptyState,
  pathAnswers,
  readStoredState,
  sameAnswer,
  saveState,
  shareUrl,
  urlForView,
  viewFromUrl,
} from "./quiz-state.js";
import {
  answerText,
  backLink,
  checkAnswers,
  failureView,
  headquarters,
  notice,
  progressMessage,
  questionForm,
  readValue,
  resultView,
  updateProgress,
  validate,
} from "./quiz-views.js";

const SITE_ROOT = new URL("../", ASSETS_URL);

/** Mounts the quiz in root; returns the function that unmounts it (instant navigation away). */
export function mountQuiz(root, engine, rulesOutcome) {
  const quiz = new Quiz(root, engine, rulesOutcome);
  quiz.start();
  return () => quiz.unmount();
}

const isModifiedClick = (event) => event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;

class Quiz {
  constructor(root, engine, rulesOutcome) {
    this.root = root;
    this.engine = engine;
    this.rules = rulesOutcome.rules || null;
    this.rulesError = rulesOutcome.error || null;
    this.pathname = window.location.pathname;
    this.title = document.title;
    this.state = emptyState();
    this.engineQuestions = new Map(); // question id → the engine's own question (next_step)
    this.results = new Map(); // answers JSON → Result, so going back and forth asks once
    this.token = 0; // bumped on every navigation; a stale engine reply is dropped
    this.failed = false;
    this.disposers = [];

    this.status = h("div", { class: "ipma-quiz__status", role: "status", "aria-live": "polite" });
    this.announcer = h("div", { class: "ipma-visually-hidden", "aria-live": "assertive", "aria-atomic": "true" });
    this.notices = h("div", { class: "ipma-quiz__notices" });
    this.main = h("div", { class: "ipma-quiz__main" });
    this.early = takeStaticQuestion(root); // read before the DOM below replaces it
    this.steps = readStepTable(root); // the engine's own answers for the first screens, or null
    root.classList.add("ipma-quiz");
    root.replaceChildren(this.notices, this.status, this.main, this.announcer);
  }

  // --- life cycle ----------------------------------------------------------------------------

  start() {
    const onPopState = () => this.onPopState();
    window.addEventListener("popstate", onPopState);
    this.disposers.push(() => window.removeEventListener("popstate", onPopState));
    this.disposers.push(keepScreensFromInstantNavigation(this));
    this.disposers.push(this.engine.subscribe(() => this.onEngineState()));

    if (!this.rules || !this.firstQuestionId()) {
      const why = this.rulesError && this.rulesError.message ? ` (${this.rulesError.message})` : "";
      this.showFailure(`the rules it needs could not be loaded${why}`);
      return;
    }
    const share = decodeShare(window.location.hash);
    const mismatch = share && share.answers && answersMismatch(this.rules, share.answers);
    if (share && share.error) {
      this.freshStart(`This result link could not be opened. ${share.error} Start the quiz below.`);
    } else if (mismatch) {
      this.freshStart(`This result link could not be opened: ${mismatch}. Start the quiz below.`);
    } else if (share) {
      this.openShare(share.answers);
    } else {
      const stored = readStoredState();
      const state = stored && stored.state;
      const problem = state && answersMismatch(this.rules, state.answers, state.steps.map((step) => step.id));
      if (stored && stored.error) {
        this.freshStart(`Your saved answers could not be used: ${stored.error} Start the quiz below.`);
      } else if (problem) {
        this.freshStart(`Your saved answers could not be used: ${problem}. Start the quiz below.`);
      } else {
        this.state = state || emptyState();
        const view = this.resolveView(viewFromUrl(window.location.href) || this.state.view);
        this.show(view, { history: "replace", focus: false });
      }
    }
    this.onEngineState();
  }

  unmount() {
    this.token += 1;
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  onEngineState() {
    if (this.engine.state === "failed") {
      this.showFailure(this.failureReason(), this.engine);
      return;
    }
    if (this.engine.state === "ready") {
      this.setPreparing(false);
      this.checkFirstQuestion();
    } else if (this.progress) {
      updateProgress(this.progress, this.engine.progress);
    }
  }

  failureReason() {
    return this.engine.failure || "it could not be loaded";
  }

  // --- screens ---------------------------------------------------------------------------------

  /** Makes a requested screen one that the answers allow; falls back to where the visitor is. */
  resolveView(view) {
    const steps = this.state.steps;
    if (steps.length === 0) {
      const first = this.firstQuestionId();
      this.state.steps = [{ id: first, number: 1 }];
      return { kind: "question", id: first };
    }
    if (view && view.kind === "question") {
      const index = steps.findIndex((step) => step.id === view.id);
      const reachable = index >= 0 && steps.slice(0, index).every((step) => Object.hasOwn(this.state.answers, step.id));
      if (reachable) return view;
    }
    if (view && (view.kind === "check" || view.kind === "result") && this.state.done) return view;
    if (this.state.done) return { kind: "check" };
    const open = steps.find((step) => !Object.hasOwn(this.state.answers, step.id)) || steps[steps.length - 1];
    return { kind: "question", id: open.id };
  }

  /**
   * Shows a screen. history: "push" (a step forward or a link), "replace" (first render, a
   * correction), "none" (popstate: the browser already moved).
   */
  show(view, { history = "push", focus: moveFocus = true, error = null, value } = {}) {
    this.token += 1;
    this.state.view = view;
    if (view.kind !== "question") this.state.returnTo = null; // Change mode ends on leaving the questions
    saveState(this.state);
    if (window.location.pathname !== this.pathname) return; // the visitor has left this page
    const url = urlForView(view);
    if (history === "push" && url !== window.location.href) {
      this.pushed = { from: window.location.href, to: url };
      window.history.pushState(null, "", url);
    } else if (history === "replace" || (history === "push" && url === window.location.href)) {
      window.history.replaceState(window.history.state, "", url);
    }
    this.setPreparing(false);
    const early = this.early; // the pre-rendered first question counts for the first screen only
    this.early = null;
    if (view.kind === "question") this.renderQuestion(view.id, { moveFocus, error, value, early });
    else if (view.kind === "check") this.renderCheck(moveFocus);
    else this.renderResult(moveFocus);
  }

  go(view) {
    this.clearNotices();
    this.show(view, { history: "push" });
  }

  /**
   * The Back link. When the screen before this one in the browser's history is the one the link
   * goes to (the visitor pressed Continue to get here), it is the browser's own back, so the link
   * and the back button never disagree; otherwise (after a reload, or a Change link) a new entry.
   */
  goBack(view) {
    const url = urlForView(view);
    if (this.pushed && this.pushed.to === window.location.href && this.pushed.from === url) {
      this.pushed = null;
      window.history.back();
      return;
    }
    this.go(view);
  }

  onPopState() {
    this.pushed = null;
    if (window.location.pathname !== this.pathname || this.failed) return;
    const requested = viewFromUrl(window.location.href);
    if (!requested) return; // an in-page anchor (#heading), not a quiz screen
    const view = this.resolveView(requested);
    const same = JSON.stringify(view) === JSON.stringify(requested);
    this.show(view, { history: same ? "none" : "replace" });
  }

  renderQuestion(id, { moveFocus, error, value, early = null }) {
    const question = this.question(id);
    const index = this.state.steps.findIndex((s) => s.id === id);
    const step = this.state.steps[index];
    if (!step) {
      this.freshStart("The quiz's questions have changed since you started. Start again below.");
      return;
    }
    if (!question) {
      this.loadQuestion(id, index, { moveFocus, error, value, early });
      return;
    }
    // Taking over the pre-rendered question: what the visitor already chose stays chosen.
    const adopt = early && early.id === id && value === undefined && !error && !Object.hasOwn(this.state.answers, id);
    const answered = value !== undefined ? value : adopt ? readValue(early.form, question) : this.state.answers[id];
    const { form, heading } = questionForm({
      question,
      step,
      value: answered,
      error,
      busy: false,
      onSubmit: (raw) => this.submit(question, raw),
      onErrorLink: (event, field) => {
        event.preventDefault();
        event.stopPropagation();
        const target = document.getElementById(field);
        if (target) target.focus();
      },
    });
    const children = [];
    const back = this.backTarget(index);
    if (back) {
      children.push(backLink(urlForView(back), (event) => this.onLink(event, () => this.goBack(back))));
    }
    children.push(form);
    this.main.replaceChildren(...children);
    this.form = form;
    if (!this.shownFirst) {
      this.shownFirst = true;
      performance.mark("ipma:first-question"); // the first question is in the page and usable
    }
    document.title = `${error ? "Error: " : ""}${question.text} – ${this.title}`;
    if (error) focus(form.querySelector(".ipma-error-summary"));
    else if (moveFocus) this.focusTop(heading);
    if (adopt) {
      // Same ids in both forms: focus goes back where it was, and an early Continue is acted on.
      const focused = early.focusId && document.getElementById(early.focusId);
      if (focused && form.contains(focused)) focused.focus({ preventScroll: true });
      if (early.form.hasAttribute("data-ipma-submitted")) this.submit(question, answered);
    }
  }

  /** A question rules.json cannot show by itself: the engine renders it (the flow up to it). */
  async loadQuestion(id, index, options) {
    const token = this.token;
    const known = ((this.rules && this.rules.questions) || []).some((q) => q.id === id);
    if (!known) {
      this.freshStart("The quiz's questions have changed since you started. Start again below.");
      return;
    }
    const answers = pathAnswers(this.state, index);
    this.main.replaceChildren();
    if (!this.lookup(answers) && this.engine.state !== "ready") this.setPreparing(true, true);
    else this.form = null;
    let step;
    try {
      step = await this.nextStep(answers);
    } catch (err) {
      if (token === this.token) this.onEngineError(err);
      return;
    }
    if (token !== this.token) return;
    this.setPreparing(false);
    if (step.done || step.question.id !== id) {
      this.freshStart("The quiz's questions have changed since you started. Start again below.");
      return;
    }
    this.engineQuestions.set(id, step.question);
    this.renderQuestion(id, options);
  }

  backTarget(index) {
    if (this.state.returnTo === "check") return { kind: "check" };
    if (index > 0) return { kind: "question", id: this.state.steps[index - 1].id };
    return null;
  }

  renderCheck(moveFocus) {
    const rows = [];
    for (const step of this.state.steps) {
      if (!Object.hasOwn(this.state.answers, step.id)) continue;
      const question = this.question(step.id);
      const view = { kind: "question", id: step.id };
      const value = this.state.answers[step.id];
      rows.push({
        id: step.id,
        question: question ? question.text : step.id,
        answer: question ? answerText(question, value) : JSON.stringify(value),
        href: urlForView(view),
      });
    }
    const last = this.state.steps[this.state.steps.length - 1];
    const { element, heading } = checkAnswers({
      rows,
      onChange: (event, id) =>
        this.onLink(event, () => {
          this.state.returnTo = "check";
          this.go({ kind: "question", id });
        }),
      onContinue: () => this.go({ kind: "result" }),
    });
    const back = { kind: "question", id: last.id };
    this.main.replaceChildren(backLink(urlForView(back), (event) => this.onLink(event, () => this.goBack(back))), element);
    document.title = `Check your answers – ${this.title}`;
    if (moveFocus) this.focusTop(heading);
  }

  async renderResult(moveFocus) {
    const token = this.token;
    const answers = pathAnswers(this.state);
    const key = JSON.stringify(answers);
    let result = this.results.get(key) || this.tableResult(answers);
    if (!result) {
      this.main.replaceChildren();
      if (this.engine.state !== "ready") this.setPreparing(true, true);
      else this.form = null;
      try {
        result = await this.engine.request("classify", { answers });
      } catch (err) {
        if (token === this.token) this.onEngineError(err);
        return;
      }
      this.results.set(key, result);
      if (token !== this.token) return;
      this.setPreparing(false);
    }
    const links = this.links();
    const { element, heading } = resultView({
      result,
      shareUrl: shareUrl(answers),
      links,
      checkHref: urlForView({ kind: "check" }),
      onCheck: (event) => this.onLink(event, () => this.go({ kind: "check" })),
      onCopy: (url, status, fieldId) => copy(url, status, fieldId),
      onPrint: () => window.print(),
      onRestart: () => this.restart(),
    });
    this.main.replaceChildren(element);
    const name = result.outcome && result.outcome.kind === "category" ? result.outcome.name : null;
    document.title = `${name ? `Your result: ${name}` : "Your result"} – ${this.title}`;
    this.announce(name ? `Your result: ${name} membership.` : "Your result: no membership category fits your answers yet.");
    if (moveFocus) this.focusTop(heading);
  }

  // --- answering ---------------------------------------------------------------------------------

  async submit(question, raw) {
    if (this.busy) return;
    const checked = validate(question, raw);
    if (checked.error) {
      this.show({ kind: "question", id: question.id }, { history: "replace", error: checked.error, value: raw });
      return;
    }
    this.clearNotices();
    const value = checked.value;
    const state = this.state;
    const index = state.steps.findIndex((step) => step.id === question.id);
    const changed = !Object.hasOwn(state.answers, question.id) || !sameAnswer(state.answers[question.id], value);
    state.answers[question.id] = value;
    saveState(state);

    if (!changed) {
      // The same answer as before: everything after it still holds, no need to ask the engine.
      if (state.returnTo === "check" && state.done) return this.go({ kind: "check" });
      if (index + 1 < state.steps.length) return this.go({ kind: "question", id: state.steps[index + 1].id });
      if (state.done) return this.go({ kind: "check" });
    }
    state.steps = state.steps.slice(0, index + 1);
    state.done = false;
    await this.advance();
  }

  /** Asks the engine what comes next (re-using remembered answers when coming back from Change). */
  async advance() {
    const token = ++this.token;
    this.busy = true;
    try {
      for (;;) {
        const answers = pathAnswers(this.state);
        if (!this.lookup(answers) && this.engine.state !== "ready") this.setPreparing(true);
        const step = await this.nextStep(answers);
        if (token !== this.token) return;
        if (step.done) {
          this.state.done = true;
          this.state.returnTo = null;
          if (step.result) this.results.set(JSON.stringify(answers), step.result);
          this.go({ kind: "check" });
          return;
        }
        const question = step.question;
        this.engineQuestions.set(question.id, question);
        this.state.steps.push({ id: question.id, number: step.number });
        if (this.state.returnTo === "check" && Object.hasOwn(this.state.answers, question.id)) continue;
        this.go({ kind: "question", id: question.id });
        return;
      }
    } catch (err) {
      if (token === this.token) this.onEngineError(err);
    } finally {
      this.busy = false;
    }
  }

  onEngineError(err) {
    if (!(err instanceof EngineError)) {
      // A bug here, not a refusal by the engine: say so rather than quietly drop the answers.
      console.error(err);
      this.showFailure("it stopped with an unexpected error");
      return;
    }
    if (err.type === "EngineUnavailable") {
      this.showFailure(this.failureReason(), this.engine);
      return;
    }
    // The engine refused the answers (AnswerError): the saved answers no longer fit the questions.
    this.freshStart(`Your answers could not be used: ${err.message}. Start again below.`);
  }

  /** Once Python is ready, confirm the first question shown from rules.json is the engine's first. */
  async checkFirstQuestion() {
    if (this.checkedFirst || this.failed || this.lookup({})) return; // the table is the engine's
    const first = this.state.steps[0];
    if (!first || this.state.steps.length > 1) return; // restoring, or already past the first
    this.checkedFirst = true;
    try {
      const step = await this.engine.request("next_step", { answers: {} });
      if (step.done) return;
      this.engineQuestions.set(step.question.id, step.question);
      if (this.state.steps[0] !== first) return; // a share link or a restart replaced the state
      const onFirst = this.state.view && this.state.view.kind === "question" && this.state.view.id === first.id;
      if (first.id === step.question.id) return; // the same question: nothing to change
      // The rules made another question first (rules.json disagreed with the engine): trust the engine.
      if (Object.hasOwn(this.state.answers, first.id) || !onFirst || this.busy) return;
      this.state = emptyState();
      this.state.steps = [{ id: step.question.id, number: step.number }];
      this.show({ kind: "question", id: step.question.id }, { history: "replace", focus: false });
    } catch (err) {
      this.onEngineError(err);
    }
  }

  // --- share links, restarts, failures -------------------------------------------------------------

  /** Rebuilds the path from a share link's answers, step by step through the engine. */
  async openShare(answers) {
    const token = ++this.token;
    window.history.replaceState(window.history.state, "", urlForView({ kind: "result" }));
    this.main.replaceChildren();
    this.form = null;
    const state = emptyState();
    try {
      for (let guard = 0; guard < 100; guard += 1) {
        const path = pathAnswers(state);
        if (!this.lookup(path) && this.engine.state !== "ready") this.setPreparing(true, true);
        const step = await this.nextStep(path);
        if (token !== this.token) return;
        if (step.done) {
          state.done = true;
          this.results.set(JSON.stringify(path), step.result);
          break;
        }
        const id = step.question.id;
        this.engineQuestions.set(id, step.question);
        if (!Object.hasOwn(answers, id)) {
          this.freshStart("This result link is incomplete: it does not answer every question. Start the quiz below.");
          return;
        }
        state.steps.push({ id, number: step.number });
        state.answers[id] = answers[id];
      }
    } catch (err) {
      if (token !== this.token) return;
      if (err instanceof EngineError && err.type === "EngineUnavailable") this.showFailure(this.failureReason(), this.engine);
      else this.freshStart(`This result link could not be opened: ${err.message || err}. Start the quiz below.`);
      return;
    }
    if (!state.done) {
      this.freshStart("This result link could not be opened. Start the quiz below.");
      return;
    }
    this.state = state;
    this.setPreparing(false);
    this.show({ kind: "result" }, { history: "replace" });
  }

  freshStart(message) {
    clearState();
    this.state = emptyState();
    this.results.clear();
    this.clearNotices();
    if (message) this.notices.append(notice(message));
    this.show(this.resolveView(null), { history: "replace", focus: false });
    if (message) focus(this.notices.firstElementChild);
  }

  restart() {
    clearState();
    this.state = emptyState();
    this.clearNotices();
    this.go(this.resolveView(null));
  }

  showFailure(reason, engine = null) {
    if (this.failed) return;
    this.failed = true;
    this.token += 1;
    this.setPreparing(false);
    const { element, heading } = failureView({ reason, engine, what: "quiz", links: this.links() });
    this.main.replaceChildren(element);
    this.notices.replaceChildren();
    if (this.root.contains(document.activeElement) || this.busy) focus(heading);
  }

  // --- helpers -------------------------------------------------------------------------------------

  links() {
    const categoryNames = {};
    for (const category of (this.rules && this.rules.categories) || []) categoryNames[category.id] = category.name;
    return {
      compare: new URL("membership/compare/", SITE_ROOT).href,
      headquarters: headquarters(this.rules),
      categoryNames,
    };
  }

  /** The question to render: the engine's own when it sent one, else built from rules.json. */
  question(id) {
    return this.engineQuestions.get(id) || this.tableQuestion(id) || questionFromRules(this.rules, id);
  }

  /** The engine's step for exactly these answers, from the table the build put in the page. */
  lookup(answers) {
    const step = this.steps ? this.steps.get(JSON.stringify(answers)) : undefined;
    return step && typeof step === "object" ? step : null;
  }

  /** The engine's next step: from the table when it has these answers, else from the worker. */
  async nextStep(answers) {
    return this.lookup(answers) || this.engine.request("next_step", { answers });
  }

  /** The result of a complete set of answers the table holds (next_step's result is classify's). */
  tableResult(answers) {
    const step = this.lookup(answers);
    return step && step.done ? step.result : null;
  }

  tableQuestion(id) {
    for (const step of this.steps ? this.steps.values() : []) {
      if (step && !step.done && step.question && step.question.id === id) return step.question;
    }
    return null;
  }

  firstQuestionId() {
    const step = this.lookup({});
    if (step && !step.done) return step.question.id;
    const questions = (this.rules && this.rules.questions) || [];
    const first = questions.find((q) => !q.ask_when) || questions[0];
    return first ? first.id : null;
  }

  /** Our own links: handled here, not by Material's instant navigation (which would refetch). */
  onLink(event, action) {
    if (isModifiedClick(event)) return; // new tab or window: let the browser do it
    event.preventDefault();
    event.stopPropagation();
    action();
  }

  /** The visible, honest waiting state (aria-busy, live region, download progress) while Python loads. */
  setPreparing(on, replaceMain = false) {
    if (on) {
      this.root.setAttribute("aria-busy", "true");
      if (!this.progress) {
        this.progress = progressMessage(this.engine.progress, "quiz");
        this.status.replaceChildren(this.progress);
      }
      if (this.form) {
        const button = this.form.querySelector("button[type=submit]");
        if (button) button.setAttribute("aria-disabled", "true");
      }
      if (replaceMain) this.form = null;
    } else {
      this.root.removeAttribute("aria-busy");
      this.status.replaceChildren();
      this.progress = null;
      if (this.form) {
        const button = this.form.querySelector("button[type=submit]");
        if (button) button.removeAttribute("aria-disabled");
      }
    }
  }

  announce(text) {
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  clearNotices() {
    this.notices.replaceChildren();
  }

  focusTop(heading) {
    focus(heading);
    // The screen's top (its Back link) must be below the theme's sticky header, not under it.
    const header = document.querySelector(".md-header");
    const clear = header ? header.getBoundingClientRect().bottom : 0;
    const top = this.root.getBoundingClientRect().top;
    if (top < clear || top > window.innerHeight * 0.5) this.root.scrollIntoView({ block: "start" });
  }
}

/**
 * Moving between two screens of the quiz (back and forward) is the quiz's business, not a page
 * change. Material's instant navigation feeds every popstate into `location$` and reloads the page
 * when the path differs from the last one it saw; after a full page load it has seen none, so the
 * first Back would download this page again and replace the quiz (and the visitor's focus). While
 * the quiz is mounted, its own screen URLs are kept out of `location$`. Returns the undo.
 */
function keepScreensFromInstantNavigation(quiz) {
  const subject = window.location$;
  if (!subject || typeof subject.next !== "function") return () => {};
  const own = Object.hasOwn(subject, "next");
  const previous = subject.next;
  subject.next = function next(url) {
    const ours =
      url instanceof URL &&
      quiz.root.isConnected &&
      url.pathname === quiz.pathname &&
      viewFromUrl(url.href) !== null;
    if (!ours) previous.call(subject, url);
  };
  return () => {
    if (own) subject.next = previous;
    else delete subject.next;
  };
}

/**
 * The first question as the build pre-rendered it in the page (quiz/build/static_quiz.py), or null:
 * {form, id, focusId}. The form is kept (detached) so that its inputs can still be read.
 */
function takeStaticQuestion(root) {
  const form = root.querySelector("form[data-ipma-static]");
  if (!form) return null;
  const active = document.activeElement;
  return {
    form,
    id: form.getAttribute("data-ipma-static"),
    focusId: active && active.id && form.contains(active) ? active.id : null,
  };
}

/**
 * The engine's steps the build put in the page (quiz/build/step_table.py: the mount's
 * data-ipma-steps, every distinct step once), as a Map keyed by the exact answers (JSON, in the
 * order asked), or null.
 */
function readStepTable(root) {
  const text = root.getAttribute("data-ipma-steps");
  if (!text) return null;
  try {
    const { states, steps } = JSON.parse(text);
    if (!states || typeof states !== "object" || !Array.isArray(steps)) return null;
    return new Map(Object.entries(states).map(([key, index]) => [key, steps[index]]));
  } catch {
    return null; // a damaged table only costs speed: the worker answers instead
  }
}

/** A question in the engine's next_step shape, from the rules export (before Python is ready). */
export function questionFromRules(rules, id) {
  const source = ((rules && rules.questions) || []).find((q) => q.id === id);
  if (!source) return null;
  // Texts naming rules values ({{ dues.regular }}) are filled in by the engine only: such a
  // question waits for Python rather than show a raw placeholder.
  if (JSON.stringify(source).includes("{{")) return null;
  const question = { ...source };
  if (question.kind === "duties" && !question.none_label) question.none_label = "None of these";
  if (question.kind === "duties" && !question.groups) {
    question.groups = (rules.duty_groups || [])
      .filter((group) => (group.duties || []).length > 0)
      .map((group) => ({ id: group.id, name: group.name, duties: group.duties }));
  }
  return question;
}

async function copy(text, status, fieldId) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Link copied.";
  } catch {
    const field = document.getElementById(fieldId);
    if (field) {
      field.focus();
      field.select();
    }
    status.textContent = "Select the link and copy it.";
  }
}
