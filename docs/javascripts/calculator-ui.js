// The Enterprise calculator: member counts in, the engine's quote out (quiz.api "enterprise").
// What it asks comes from the rules: the build puts the form in the mount's data-ipma-form (a field
// per priced category with its label, hint and limit, a checkbox per question a rate asks, the first
// worked example to start from, where to set one up: quiz.enterprise.calculator_form). Every figure
// and sentence shown comes from the engine's quote; this module reads the inputs, debounces, and lays
// the quote out. It holds no category, rate or price.

import { EngineError, SITE_ROOT } from "./engine-client.js";
import { h, uniqueId } from "./dom.js";
import { applyLink, failureView, headquarters, progressMessage, updateProgress, wholeNumber } from "./quiz-views.js";

const DEBOUNCE_MS = 250;

/** Mounts the calculator in root; returns the function that unmounts it. */
export function mountCalculator(root, engine, rulesOutcome) {
  const rules = rulesOutcome.rules || null;
  const form = readForm(root);
  if (!form) {
    root.replaceChildren(
      failureView({ reason: "its form is missing from the page", what: "calculator", links: links(rules) }).element,
    );
    return () => {};
  }
  const base = uniqueId("ipma-calc");
  const inputs = new Map(); // category id → {field, input, error}
  const toggles = new Map(); // question id → checkbox

  const groups = [];
  for (const field of form.fields) {
    const id = `${base}-${field.category}`;
    const hintId = field.hint ? `${id}-hint` : null;
    const input = h("input", {
      class: "ipma-input ipma-input--number",
      id,
      name: field.category,
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      spellcheck: "false",
      value: String(form.start.counts[field.category] || 0),
      "aria-describedby": hintId,
    });
    const error = h("p", { class: "ipma-error-message", id: `${id}-error`, hidden: true });
    inputs.set(field.category, { field, input, error, hintId });
    groups.push(
      h(
        "div",
        { class: "ipma-form-group ipma-calc__field" },
        h("label", { class: "ipma-label", for: id, text: field.label }),
        field.hint ? h("div", { class: "ipma-hint", id: hintId, text: field.hint }) : null,
        error,
        input,
      ),
    );
    // A rate's checkbox sits right after the field whose rate it changes.
    for (const toggle of form.toggles.filter((t) => t.after === field.category)) groups.push(toggleField(toggle));
  }

  function toggleField(toggle) {
    const id = `${base}-${toggle.question}`;
    const box = h("input", {
      class: "ipma-checkboxes__input",
      id,
      type: "checkbox",
      name: toggle.question,
      checked: Boolean(form.start.answers[toggle.question]),
      "aria-describedby": toggle.hint ? `${id}-hint` : null,
    });
    toggles.set(toggle.question, box);
    return h(
      "div",
      { class: "ipma-checkboxes ipma-calc__field" },
      h(
        "div",
        { class: "ipma-checkboxes__item" },
        box,
        h("label", { class: "ipma-checkboxes__label", for: id, text: toggle.label }),
        toggle.hint ? h("div", { class: "ipma-hint ipma-checkboxes__hint", id: `${id}-hint`, text: toggle.hint }) : null,
      ),
    );
  }

  const formElement = h(
    "form",
    { class: "ipma-calc__form", novalidate: true },
    h("fieldset", { class: "ipma-fieldset" }, h("legend", { class: "ipma-fieldset__legend ipma-fieldset__legend--m", text: "How many members would join?" }), ...groups),
  );
  const summary = h("div", { class: "ipma-calc__summary", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const details = h("div", { class: "ipma-calc__details" });
  const output = h("div", { class: "ipma-calc__output" }, summary, details);
  root.classList.add("ipma-calc");
  root.replaceChildren(formElement, output);

  let timer = null;
  let sequence = 0;
  let disposed = false;
  let progress = null; // the download progress, while the first quote waits for the engine

  /** The request, or null when a field is not a whole number in range (each field says why). */
  function readRequest() {
    const counts = {};
    let ok = true;
    for (const [category, { field, input, error, hintId }] of inputs) {
      const name = field.label.toLowerCase();
      // An empty field counts as none; anything else must be a whole number up to the limit.
      const read = input.value.trim() === "" ? { value: 0 } : wholeNumber(input.value, 0, field.max);
      let problem = "";
      if (read.problem === "not_whole") problem = `Enter a whole number of ${name}, like 3`;
      else if (read.problem) problem = `Enter a number of ${name} up to ${field.max.toLocaleString("en-US")}`;
      if (problem) {
        ok = false;
        error.replaceChildren(h("span", { class: "ipma-visually-hidden", text: "Error: " }), problem);
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", [hintId, error.id].filter(Boolean).join(" "));
        input.classList.add("ipma-input--error");
      } else {
        error.hidden = true;
        error.replaceChildren();
        input.removeAttribute("aria-invalid");
        input.classList.remove("ipma-input--error");
        if (hintId) input.setAttribute("aria-describedby", hintId);
        else input.removeAttribute("aria-describedby");
      }
      counts[category] = read.value;
    }
    const answers = {};
    for (const [question, box] of toggles) answers[question] = box.checked;
    return ok ? { counts, answers } : null;
  }

  /** An invalid input never leaves an old price on screen next to it. */
  function showInvalid() {
    sequence += 1; // a quote still on its way is for numbers no longer there
    output.removeAttribute("aria-busy");
    summary.replaceChildren(h("p", { class: "ipma-calc__invalid", text: "Correct the numbers above to see the prices." }));
    details.replaceChildren();
  }

  async function update() {
    const request = readRequest();
    if (!request) {
      showInvalid();
      return;
    }
    const mine = ++sequence;
    if (engine.state === "loading") {
      progress = progress || progressMessage(engine.progress, "calculator");
      summary.replaceChildren(progress);
      output.setAttribute("aria-busy", "true");
    }
    let quote;
    try {
      quote = await engine.request("enterprise", request);
    } catch (err) {
      if (disposed || mine !== sequence) return;
      output.removeAttribute("aria-busy");
      if (err instanceof EngineError && err.type === "EngineUnavailable") return; // onEngine shows it
      summary.replaceChildren(h("p", { class: "ipma-error-message", text: `These numbers cannot be priced: ${err.message}` }));
      details.replaceChildren();
      return;
    }
    if (disposed || mine !== sequence) return;
    output.removeAttribute("aria-busy");
    progress = null;
    render(quote);
  }

  function render(quote) {
    summary.replaceChildren(
      h(
        "div",
        { class: `ipma-calc__verdict ipma-calc__verdict--${quote.cheaper}` },
        h("p", { class: "ipma-calc__verdict-text", text: quote.verdict }),
        quote.cheaper === "none"
          ? null
          : h(
              "p",
              { class: "ipma-calc__totals" },
              h("span", {}, "Enterprise: ", h("strong", { class: "ipma-calc__enterprise-total", text: quote.enterprise.display })),
              h("span", {}, "Individual dues: ", h("strong", { class: "ipma-calc__individual-total", text: quote.individual.display })),
            ),
      ),
    );
    details.replaceChildren(
      h("p", { class: "ipma-calc__break-even", text: quote.break_even.text }),
      quote.cheaper === "none" ? null : linesTable("Enterprise membership", quote.enterprise, "enterprise"),
      quote.cheaper === "none" ? null : linesTable("Individual memberships", quote.individual, "individual"),
      ...(quote.notes || []).map((note) => h("p", { class: "ipma-calc__note", text: note })),
      h("p", { class: "ipma-hint", text: quote.basis }),
      form.apply.length ? h("ul", { class: "ipma-apply" }, form.apply.map((link) => h("li", {}, ...applyLink(link)))) : null,
    );
  }

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DEBOUNCE_MS);
  };
  formElement.addEventListener("input", schedule);
  formElement.addEventListener("change", schedule);
  formElement.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    update();
  });

  let failed = false;
  const onEngine = () => {
    if (progress && engine.state === "loading") updateProgress(progress, engine.progress);
    if (engine.state !== "failed" || failed) return;
    failed = true;
    const { element } = failureView({
      reason: engine.failure,
      engine,
      what: "calculator",
      links: links(rules),
      alternatives: "The worked examples on this page show how Enterprise prices add up. For your own numbers, you can",
    });
    root.replaceChildren(element);
  };
  const unsubscribe = engine.subscribe(onEngine);
  onEngine();
  if (!failed) update();

  return () => {
    disposed = true;
    window.clearTimeout(timer);
    unsubscribe();
  };
}

function linesTable(title, part, kind) {
  const lines = part.lines || [];
  return h(
    "div",
    { class: "ipma-calc__table" },
    h(
      "table",
      { class: `ipma-calc__lines ipma-calc__lines--${kind}` },
      h("caption", { text: title }),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col", text: "Item" }), h("th", { scope: "col", class: "ipma-num", text: "Members" }), h("th", { scope: "col", class: "ipma-num", text: "Each" }), h("th", { scope: "col", class: "ipma-num", text: "Amount" })),
      ),
      h(
        "tbody",
        {},
        lines.map((line) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", text: line.label }),
            h("td", { class: "ipma-num", text: line.count === null || line.count === undefined ? "" : String(line.count) }),
            h("td", { class: "ipma-num", text: line.unit_display || "" }),
            h("td", { class: "ipma-num", text: line.display }),
          ),
        ),
      ),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "3", text: "Total" }), h("td", { class: "ipma-num", text: part.display }))),
    ),
  );
}

/** The form the build put in the mount (quiz.enterprise.calculator_form), or null. */
function readForm(root) {
  try {
    const form = JSON.parse(root.getAttribute("data-ipma-form") || "null");
    if (!form || !Array.isArray(form.fields) || !Array.isArray(form.toggles) || !form.start) return null;
    form.apply = Array.isArray(form.apply) ? form.apply : [];
    form.start.counts = form.start.counts || {};
    form.start.answers = form.start.answers || {};
    return form;
  } catch {
    return null;
  }
}

function links(rules) {
  return {
    compare: new URL("membership/compare/", SITE_ROOT).href,
    headquarters: headquarters(rules),
  };
}
