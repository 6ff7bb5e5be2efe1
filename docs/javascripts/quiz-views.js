// The quiz's screens as DOM, following GOV.UK's question-page, check-answers and confirmation
// patterns. Pure builders: they get data and callbacks, return elements, and never decide anything
// about eligibility (the engine did). Every text goes in as text (dom.js).

import { h, hidden, uniqueId } from "./dom.js";

const NONE = "__none__";

// --- pieces ----------------------------------------------------------------------------------------

export function backLink(href, onClick, text = "Back") {
  return h("a", { class: "ipma-back-link", href, onclick: onClick }, text);
}

// "Question N": the question's place on this person's path. Paths differ in length, so no total.
function caption(step) {
  return h("span", { class: "ipma-caption", text: `Question ${step.number}` });
}

function hint(id, text) {
  return text ? h("div", { class: "ipma-hint", id, text }) : null;
}

function errorMessage(id, text) {
  return h("p", { class: "ipma-error-message", id }, hidden("Error: "), text);
}

/** GOV.UK error summary: a titled list of links to the fields in error; focused when shown. */
export function errorSummary(errors, onLink) {
  return h(
    "div",
    { class: "ipma-error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "ipma-error-summary-title" },
    h("h2", { class: "ipma-error-summary__title", id: "ipma-error-summary-title", text: "There is a problem" }),
    h(
      "ul",
      { class: "ipma-error-summary__list" },
      errors.map((error) =>
        h("li", {}, h("a", { href: `#${error.field}`, onclick: (event) => onLink(event, error.field) }, error.message)),
      ),
    ),
  );
}

function describedBy(...ids) {
  const list = ids.filter(Boolean);
  return list.length ? list.join(" ") : null;
}

// --- a question ------------------------------------------------------------------------------------

/**
 * The form for one question. `value` pre-fills it (an earlier answer), `error` is a message from
 * validate(); onSubmit(value) gets the answer in the contract's form (answers.py).
 * Returns {form, heading, focusTarget}.
 */
export function questionForm({ question, step, value, error, busy, onSubmit, onErrorLink }) {
  const base = `ipma-q-${question.id}`;
  const hintId = question.help ? `${base}-hint` : null;
  const errorId = error ? `${base}-error` : null;
  const heading = h("h2", { class: "ipma-question__heading", tabindex: "-1" });
  let control;
  let firstField = `${base}-0`;

  if (question.kind === "number") {
    firstField = `${base}-input`;
    heading.append(h("label", { for: firstField, text: question.text }));
    const input = h("input", {
      class: "ipma-input ipma-input--number" + (error ? " ipma-input--error" : ""),
      id: firstField,
      name: question.id,
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": describedBy(hintId, errorId),
      "aria-invalid": error ? "true" : null,
      value: value === undefined || value === null ? null : String(value),
    });
    control = h(
      "div",
      { class: "ipma-form-group" + (error ? " ipma-form-group--error" : "") },
      caption(step),
      heading,
      hint(hintId, question.help),
      error ? errorMessage(errorId, error) : null,
      h(
        "div",
        { class: "ipma-input-wrapper" },
        input,
        question.unit ? h("span", { class: "ipma-input__suffix", "aria-hidden": "true", text: question.unit }) : null,
      ),
    );
  } else {
    heading.textContent = question.text;
    const fieldset = h(
      "fieldset",
      { class: "ipma-fieldset", "aria-describedby": describedBy(hintId, errorId) },
      h("legend", { class: "ipma-fieldset__legend" }, caption(step), heading),
      hint(hintId, question.help),
      error ? errorMessage(errorId, error) : null,
    );
    if (question.kind === "duties") fieldset.append(dutyCheckboxes(question, base, value));
    else fieldset.append(radios(question, base, value));
    control = h("div", { class: "ipma-form-group" + (error ? " ipma-form-group--error" : "") }, fieldset);
  }

  const button = h("button", {
    type: "submit",
    class: "md-button md-button--primary ipma-button",
    "aria-disabled": busy ? "true" : null,
    text: "Continue",
  });
  const form = h(
    "form",
    { class: "ipma-question", novalidate: true, "aria-busy": busy ? "true" : null },
    error ? errorSummary([{ field: firstField, message: error }], onErrorLink) : null,
    control,
    button,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit(readValue(form, question));
  });
  return { form, heading, button };
}

function radios(question, base, value) {
  const options =
    question.kind === "yes_no"
      ? [
          { id: true, label: "Yes" },
          { id: false, label: "No" },
        ]
      : question.options || [];
  return h(
    "div",
    { class: "ipma-radios" + (question.kind === "yes_no" ? " ipma-radios--inline" : "") },
    options.map((option, index) => {
      const id = `${base}-${index}`;
      const hintId = option.help ? `${id}-hint` : null;
      return h(
        "div",
        { class: "ipma-radios__item" },
        h("input", {
          class: "ipma-radios__input",
          id,
          name: question.id,
          type: "radio",
          value: String(option.id),
          checked: value !== undefined && value === option.id,
          "aria-describedby": hintId,
        }),
        h("label", { class: "ipma-radios__label", for: id, text: option.label }),
        option.help ? h("div", { class: "ipma-hint ipma-radios__hint", id: hintId, text: option.help }) : null,
      );
    }),
  );
}

function dutyCheckboxes(question, base, value) {
  const ticked = new Set(Array.isArray(value) ? value : []);
  let index = 0;
  const groups = (question.groups || []).filter((group) => (group.duties || []).length > 0);
  const container = h("div", { class: "ipma-checkboxes" });
  for (const group of groups) {
    container.append(
      h(
        "fieldset",
        { class: "ipma-fieldset ipma-fieldset--group" },
        h("legend", { class: "ipma-fieldset__legend ipma-fieldset__legend--s", text: group.name }),
        group.duties.map((duty) => {
          const id = `${base}-${index++}`;
          return h(
            "div",
            { class: "ipma-checkboxes__item" },
            h("input", {
              class: "ipma-checkboxes__input",
              id,
              name: question.id,
              type: "checkbox",
              value: duty.id,
              checked: ticked.has(duty.id),
            }),
            h("label", { class: "ipma-checkboxes__label", for: id, text: duty.name }),
          );
        }),
      ),
    );
  }
  if (question.other) {
    const otherId = `${base}-other`;
    container.append(
      h(
        "div",
        { class: "ipma-checkboxes__item ipma-checkboxes__item--other" },
        h("input", {
          class: "ipma-checkboxes__input",
          id: otherId,
          name: question.id,
          type: "checkbox",
          value: question.other.id,
          checked: ticked.has(question.other.id),
        }),
        h("label", { class: "ipma-checkboxes__label", for: otherId, text: question.other.label }),
      ),
    );
  }
  const noneId = `${base}-none`;
  const none = h("input", {
    class: "ipma-checkboxes__input",
    id: noneId,
    name: question.id,
    type: "checkbox",
    value: NONE,
    checked: Array.isArray(value) && value.length === 0,
  });
  container.append(
    h("div", { class: "ipma-checkboxes__divider", text: "or" }),
    h(
      "div",
      { class: "ipma-checkboxes__item" },
      none,
      h("label", { class: "ipma-checkboxes__label", for: noneId, text: question.none_label || "None of these" }),
    ),
  );
  // "None of these" is exclusive, as GOV.UK's checkboxes do it: ticking it clears the duties,
  // ticking a duty clears it.
  container.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.checked) return;
    for (const input of container.querySelectorAll("input[type=checkbox]")) {
      if (input === target) continue;
      if (target.value === NONE || input.value === NONE) input.checked = false;
    }
  });
  return container;
}

/** The form's answer in the contract's form, or undefined when nothing is selected/entered. */
export function readValue(form, question) {
  if (question.kind === "number") {
    return form.querySelector("input").value;
  }
  if (question.kind === "duties") {
    const checked = [...form.querySelectorAll("input[type=checkbox]:checked")].map((input) => input.value);
    if (checked.length === 0) return undefined;
    if (checked.includes(NONE)) return [];
    return checked;
  }
  const selected = form.querySelector("input[type=radio]:checked");
  if (!selected) return undefined;
  if (question.kind === "yes_no") return selected.value === "true";
  return selected.value;
}

/**
 * Checks what the person entered before it goes to the engine: {value} or {error}, with the
 * question's own message from the rules (GOV.UK: "Enter whole years, like 2"). Only "did you answer,
 * and is it a whole number in range": eligibility is never decided here. Nothing is stripped to make
 * a number: "1,5" or "2.5" is not a whole number, and says so.
 */
export function validate(question, raw) {
  const errors = question.errors || {};
  const missing = errors.missing || "Answer this question";
  if (question.kind === "number") {
    const read = wholeNumber(raw, question.min, question.max);
    return read.problem ? { error: errors[read.problem] || missing } : read;
  }
  if (raw === undefined) return { error: missing };
  return { value: raw };
}

/**
 * Typed text as a whole number from min (default 0) to max: {value}, or {problem} naming what is
 * wrong ("missing", "not_whole", "out_of_range"), the keys of a question's error messages. The quiz
 * and the calculator read numbers through it.
 */
export function wholeNumber(raw, min, max) {
  const text = String(raw ?? "").trim();
  if (text === "") return { problem: "missing" };
  if (!/^[0-9]+$/.test(text)) return { problem: "not_whole" };
  const number = Number(text);
  const low = Number.isSafeInteger(min) ? min : 0;
  const high = Number.isSafeInteger(max) ? max : Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(number) || number < low || number > high) return { problem: "out_of_range" };
  return { value: number };
}

/** An answer as the person would say it, for the check-answers page. */
export function answerText(question, value) {
  if (question.kind === "yes_no") return value ? "Yes" : "No";
  if (question.kind === "number") {
    const word = value === 1 ? question.unit_one || question.unit : question.unit; // the rules' words
    const unit = word ? ` ${word}` : "";
    return `${value}${unit}`;
  }
  if (question.kind === "duties") {
    if (!Array.isArray(value) || value.length === 0) return question.none_label || "None of these";
    const names = new Map();
    for (const group of question.groups || []) for (const duty of group.duties || []) names.set(duty.id, duty.name);
    if (question.other) names.set(question.other.id, question.other.label);
    return value.map((id) => names.get(id) || id);
  }
  const option = (question.options || []).find((o) => o.id === value);
  return option ? option.label : String(value);
}

// --- check your answers ----------------------------------------------------------------------------

export function checkAnswers({ rows, onChange, onContinue }) {
  const heading = h("h2", { class: "ipma-question__heading", tabindex: "-1", text: "Check your answers" });
  const list = h(
    "dl",
    { class: "ipma-summary-list" },
    rows.map((row) => {
      const answer = Array.isArray(row.answer)
        ? h("ul", { class: "ipma-summary-list__bullets" }, row.answer.map((item) => h("li", { text: item })))
        : row.answer;
      return h(
        "div",
        { class: "ipma-summary-list__row" },
        h("dt", { class: "ipma-summary-list__key", text: row.question }),
        h("dd", { class: "ipma-summary-list__value" }, answer),
        h(
          "dd",
          { class: "ipma-summary-list__actions" },
          h(
            "a",
            { href: row.href, onclick: (event) => onChange(event, row.id) },
            "Change",
            hidden(` your answer to: ${row.question}`),
          ),
        ),
      );
    }),
  );
  const button = h("button", {
    type: "button",
    class: "md-button md-button--primary ipma-button",
    text: "See your result",
    onclick: onContinue,
  });
  return { element: h("div", { class: "ipma-check" }, heading, list, button), heading, button };
}

// --- the result ------------------------------------------------------------------------------------

/** A source: its title, linked when the address is the page's own, else labelled by where it goes. */
function sourceItem(source) {
  if (source.url_confirmed === false) {
    return h(
      "span",
      {},
      `${source.title} (its own address is not confirmed: `,
      h("a", { href: source.url, rel: "noopener", text: new URL(source.url).host }),
      ")",
    );
  }
  return h("a", { href: source.url, rel: "noopener", text: source.title || source.id });
}

function sourceLinks(sources) {
  const list = (sources || []).filter((source) => source && source.url);
  if (!list.length) return null;
  const items = [];
  list.forEach((source, index) => items.push(index ? "; " : "", sourceItem(source)));
  return h("span", { class: "ipma-source" }, list.length > 1 ? "Sources: " : "Source: ", ...items);
}

function section(title, ...content) {
  return h("section", { class: "ipma-result__section" }, h("h3", { text: title }), ...content);
}

const MARKS = {
  true: { mark: "✓", status: "Met: ", kind: "met" },
  false: { mark: "✗", status: "Not met: ", kind: "missed" },
  null: { mark: "–", status: "Not asked: ", kind: "unknown" },
};

function reasonItem(reason) {
  const look = MARKS[String(reason.met === true ? true : reason.met === false ? false : null)];
  return h(
    "li",
    { class: `ipma-reason ipma-reason--${look.kind}` },
    h("span", { class: "ipma-reason__mark", "aria-hidden": "true", text: look.mark }),
    h(
      "div",
      { class: "ipma-reason__body" },
      h("p", { class: "ipma-reason__text" }, h("strong", { class: "ipma-reason__status", text: look.status }), reason.text),
      reason.detail ? h("p", { class: "ipma-reason__detail", text: reason.detail }) : null,
      reason.note ? h("p", { class: "ipma-reason__note", text: reason.note }) : null,
      sourceLinks(reason.sources),
    ),
  );
}

/**
 * The reasons, each criterion met or missed with its source. When they span several categories
 * (not eligible: the nearest misses), they are grouped under each category's name.
 */
function reasonsBlock(reasons, categoryNames) {
  const groups = [];
  for (const reason of reasons) {
    const category = String(reason.criterion || "").split(".")[0];
    let group = groups.find((g) => g.category === category);
    if (!group) groups.push((group = { category, reasons: [] }));
    group.reasons.push(reason);
  }
  if (groups.length <= 1) return h("ul", { class: "ipma-reasons" }, reasons.map(reasonItem));
  return groups.map((group) =>
    h(
      "div",
      { class: "ipma-reasons__group" },
      h("h4", { text: categoryNames[group.category] || group.category }),
      h("ul", { class: "ipma-reasons" }, group.reasons.map(reasonItem)),
    ),
  );
}

/** The dues lines of the result panel. */
function duesLines(result) {
  const dues = result.dues;
  if (!dues) {
    return [h("p", { class: "ipma-panel__dues-note", text: result.dues_note || "" })];
  }
  const lines = [
    h(
      "p",
      { class: "ipma-panel__dues" },
      h("span", { class: "ipma-panel__amount", text: dues.display }),
      dues.rate_label ? ` a year (${dues.rate_label})` : " a year",
    ),
    h("p", { class: "ipma-panel__label", text: dues.label }),
  ];
  for (const rate of dues.other_rates || []) {
    lines.push(h("p", { class: "ipma-panel__label", text: `${rate.label}: ${rate.display} a year` }));
  }
  return lines;
}

/**
 * The result page. `result` is the engine's Result (ARCHITECTURE.md); `links` holds the share URL
 * and the site links. Returns {element, heading}.
 */
export function resultView({ result, shareUrl, links, onCopy, onPrint, onRestart, onCheck, checkHref }) {
  const outcome = result.outcome || {};
  const eligible = outcome.kind === "category";
  const heading = h("h2", {
    class: "ipma-panel__title",
    tabindex: "-1",
    id: "ipma-result-heading",
  });
  if (eligible) heading.append(h("span", { class: "ipma-panel__kicker", text: "Your membership category" }), outcome.name);
  else heading.textContent = "No membership category fits your answers yet";

  const panel = h(
    "div",
    { class: `ipma-panel ipma-panel--${eligible ? "category" : "none"}` },
    heading,
    eligible ? duesLines(result) : null,
  );

  const parts = [
    h("p", { class: "ipma-disclaimer" }, h("strong", { text: result.disclaimer || "" })),
  ];

  if (!eligible && result.next_steps) parts.push(h("p", { class: "ipma-result__advice", text: result.next_steps }));

  const apply = (result.apply || []).filter((link) => link && link.url);
  if (apply.length) {
    parts.push(
      section(
        eligible ? "Apply" : "What you can do",
        h("ul", { class: "ipma-apply" }, apply.map((link) => h("li", {}, ...applyLink(link)))),
      ),
    );
  }
  if (eligible && result.next_steps) parts.push(h("p", { class: "ipma-result__advice", text: result.next_steps }));

  if ((result.reasons || []).length) {
    parts.push(
      section(
        eligible ? `Why ${outcome.name}` : "Why no category fits yet",
        h("p", {
          class: "ipma-hint",
          text: eligible
            ? `${outcome.name} membership needs each of these, and your answers meet them:`
            : "The categories closest to your answers, and what each one needs:",
        }),
        reasonsBlock(result.reasons, links.categoryNames || {}),
      ),
    );
  }

  if ((result.also_meets || []).length) {
    parts.push(
      section(
        "You also meet the requirements for",
        h(
          "ul",
          { class: "ipma-list" },
          result.also_meets.map((other) =>
            h("li", {}, h("strong", { text: other.name }), other.why_not_chosen ? ` — ${other.why_not_chosen}` : ""),
          ),
        ),
      ),
    );
  }

  if ((result.notes || []).length) {
    parts.push(section("Good to know", ...result.notes.map((note) => h("p", { class: "ipma-result__note", text: note }))));
  }

  const upgrade = result.nearest_upgrade;
  if (upgrade) {
    parts.push(
      section(
        `Within reach: ${upgrade.name}`,
        h("p", { text: upgrade.text }),
        (upgrade.missing || []).length
          ? h("ul", { class: "ipma-list" }, upgrade.missing.map((item) => h("li", { text: item })))
          : null,
        (upgrade.unasked || []).length ? h("p", { class: "ipma-hint", text: "The quiz did not ask about:" }) : null,
        (upgrade.unasked || []).length
          ? h("ul", { class: "ipma-list" }, upgrade.unasked.map((item) => h("li", { text: item })))
          : null,
      ),
    );
  }

  if (eligible && (result.rights || []).length) {
    parts.push(
      section(
        `What ${outcome.name} members can do`,
        h(
          "table",
          { class: "ipma-rights" },
          h("caption", { class: "ipma-visually-hidden", text: `Rights of ${outcome.name} members` }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Right" }), h("th", { scope: "col", text: "Allowed" }))),
          h(
            "tbody",
            {},
            result.rights.map((right) =>
              h(
                "tr",
                {},
                h("th", { scope: "row", text: right.label }),
                h(
                  "td",
                  { class: `ipma-rights__allowed ipma-rights__allowed--${right.allowed}` },
                  h("span", { class: "ipma-rights__value", text: right.allowed_text || right.allowed }),
                  right.text ? h("span", { class: "ipma-rights__text", text: right.text }) : null,
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  if (links.headquarters) {
    parts.push(
      h(
        "p",
        { class: "ipma-result__contact" },
        "Questions about your category? Contact ",
        h("a", { href: links.headquarters.url, rel: "noopener", text: links.headquarters.name }),
        ".",
      ),
    );
  }

  const shareId = uniqueId("ipma-share");
  const copyStatus = h("span", { class: "ipma-share__status", role: "status", "aria-live": "polite" });
  parts.push(
    h(
      "section",
      { class: "ipma-result__section ipma-share ipma-no-print" },
      h("h3", { text: "Keep or share this result" }),
      h(
        "p",
        { class: "ipma-hint", id: `${shareId}-hint` },
        "This link holds your answers after the # sign, which browsers do not send to any server. " +
          "Anyone you give it to can see your answers.",
      ),
      h("label", { class: "ipma-label", for: shareId, text: "Link to this result" }),
      h("input", {
        class: "ipma-input ipma-share__url",
        id: shareId,
        type: "text",
        readonly: true,
        value: shareUrl,
        "aria-describedby": `${shareId}-hint`,
      }),
      h(
        "div",
        { class: "ipma-button-group" },
        h("button", {
          type: "button",
          class: "md-button ipma-button",
          text: "Copy link",
          onclick: () => onCopy(shareUrl, copyStatus, shareId),
        }),
        h("button", { type: "button", class: "md-button ipma-button", text: "Print this result", onclick: onPrint }),
        copyStatus,
      ),
    ),
    h(
      "p",
      { class: "ipma-result__actions ipma-no-print" },
      h("a", { href: checkHref, onclick: onCheck, text: "Check or change your answers" }),
      h("button", { type: "button", class: "ipma-link-button", text: "Start again", onclick: onRestart }),
    ),
  );

  const element = h("div", { class: "ipma-result" }, panel, ...parts);
  return { element, heading };
}

// --- loading and failure ---------------------------------------------------------------------------

/**
 * A link to somewhere else: labelled by its promise ("Apply online – Regular membership") only when
 * the rules confirm its address; otherwise by where it really goes, with the promise as context.
 */
export function applyLink(link) {
  const button = "md-button md-button--primary ipma-button ipma-apply__link";
  if (link.url_confirmed !== false) return [h("a", { class: button, href: link.url, rel: "noopener", text: link.label })];
  return [
    h("span", { class: "ipma-apply__label", text: `${link.label}: ` }),
    h("a", { class: button, href: link.url, rel: "noopener", text: `Go to ${link.destination}` }),
    h("span", { class: "ipma-hint", text: " (the page's own address is not confirmed yet)" }),
  ];
}

/**
 * While the visitor waits for the engine: what it is doing, and how far its download has got
 * ("1.2 of 3.4 MB"), with a progress bar. `what` is "quiz" or "calculator". The first sentence is
 * announced once (role=status); the figures update in place without being read out each time.
 */
export function progressMessage(progress, what) {
  const figures = h("span", { class: "ipma-progress__figures" });
  const bar = h("progress", { class: "ipma-progress__bar", "aria-label": `Download of the ${what}` });
  const element = h(
    "div",
    { class: "ipma-progress" },
    h(
      "p",
      { class: "ipma-preparing" },
      h("span", { class: "ipma-spinner", "aria-hidden": "true" }),
      h("span", { role: "status", text: `Preparing the ${what}. It runs in your browser and downloads once.` }),
    ),
    h("p", { class: "ipma-progress__line" }, figures, bar),
  );
  updateProgress(element, progress);
  return element;
}

/** Shows `progress` ({loaded, total, done}, in bytes) in a progressMessage element. */
export function updateProgress(element, progress) {
  const figures = element.querySelector(".ipma-progress__figures");
  const bar = element.querySelector(".ipma-progress__bar");
  if (!progress || !progress.total) {
    figures.textContent = "Starting the download…";
    bar.removeAttribute("value");
    return;
  }
  if (progress.done) {
    figures.textContent = `Downloaded ${megabytes(progress.total)} MB. Starting…`;
    bar.max = 1;
    bar.value = 1;
    return;
  }
  figures.textContent = `${megabytes(progress.loaded)} of ${megabytes(progress.total)} MB downloaded`;
  bar.max = progress.total;
  bar.value = Math.min(progress.loaded, progress.total);
}

function megabytes(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/**
 * IPMA Headquarters as {name, url} for the failure message and the result: from the rules export,
 * else from the page footer's link (the theme writes it from the rules at build time), so the
 * failure message has the link even when rules.json itself could not be loaded.
 */
export function headquarters(rules) {
  const hq = rules && rules.association && rules.association.headquarters;
  if (hq && hq.url) return { name: hq.name || "IPMA Headquarters", url: hq.url };
  const link = document.querySelector("a[data-ipma-headquarters]");
  return link ? { name: link.textContent.trim() || "IPMA Headquarters", url: link.href } : null;
}

/**
 * What to do when the engine could not load: what happened, honestly, then try again, or the
 * comparison page and Headquarters. `engine` (when the engine is the cause) gives the download's
 * size and whether the line stalled; `alternatives` is the sentence before the two links.
 */
export function failureView({ reason, what, links, engine = null, alternatives = "You can also find your category without it:" }) {
  const heading = h("h2", { tabindex: "-1", text: `The ${what} could not finish loading` });
  const hq = links.headquarters;
  const size = engine && engine.progress && engine.progress.total ? megabytes(engine.progress.total) : null;
  const download = size
    ? `The ${what} runs in your browser: the first time, it downloads about ${size} MB, which takes a minute or so on a slow mobile connection. Later visits reuse it.`
    : `The ${what} runs in your browser, and downloads its program the first time you use it.`;
  const cause = engine && engine.stalled ? `The connection stopped: ${reason}.` : `It stopped because ${reason}.`;
  return {
    heading,
    element: h(
      "div",
      { class: "ipma-notice ipma-notice--error ipma-failure", role: "alert" },
      heading,
      h("p", { text: cause }),
      h("p", { text: download }),
      h("p", { text: "Check your connection and try again. Your answers are kept." }),
      h(
        "p",
        {},
        h("button", {
          type: "button",
          class: "md-button md-button--primary ipma-button",
          text: "Try again",
          onclick: () => window.location.reload(),
        }),
      ),
      h("p", { text: alternatives }),
      h(
        "ul",
        { class: "ipma-list" },
        h("li", {}, h("a", { href: links.compare, text: "compare the membership categories side by side" })),
        hq
          ? h("li", {}, "ask ", h("a", { href: hq.url, rel: "noopener", text: hq.name }), ".")
          : h("li", { text: "ask IPMA Headquarters." }),
      ),
    ),
  };
}

/** A notice above the quiz (e.g. an invalid share link), dismissed with the next answer. */
export function notice(text) {
  return h("div", { class: "ipma-notice ipma-notice--warning", role: "alert" }, h("p", { text }));
}
