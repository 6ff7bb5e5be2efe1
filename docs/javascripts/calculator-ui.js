// The Enterprise calculator: member counts in, the engine's quote out (quiz.api "enterprise").
// Every figure and sentence shown comes from the engine's `display` and `text` fields; this module
// only reads the inputs, debounces, and lays the quote out.

import { ASSETS_URL, EngineError } from "./engine-client.js";
import { h, uniqueId } from "./dom.js";
import { failureView, headquarters, progressMessage, updateProgress } from "./quiz-views.js";

const DEBOUNCE_MS = 250;
const MAX_COUNT = 100000;
const SITE_ROOT = new URL("../", ASSETS_URL);

const FIELDS = [
  { key: "regular", label: "Regular members", hint: "People who manage or supervise in your organization." },
  { key: "associate", label: "Associate members", hint: null },
  { key: "affiliate", label: "Affiliate members", hint: null },
];

/** Mounts the calculator in root; returns the function that unmounts it. */
export function mountCalculator(root, engine, rulesOutcome) {
  const rules = rulesOutcome.rules || null;
  const start = startingCounts(rules);
  const base = uniqueId("ipma-calc");
  const inputs = {};
  const errors = {};

  const groups = FIELDS.map((field) => {
    const id = `${base}-${field.key}`;
    const hintId = field.hint ? `${id}-hint` : null;
    const errorId = `${id}-error`;
    inputs[field.key] = h("input", {
      class: "ipma-input ipma-input--number",
      id,
      name: field.key,
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      spellcheck: "false",
      value: String(start[field.key] || 0),
      "aria-describedby": hintId,
    });
    errors[field.key] = h("p", { class: "ipma-error-message", id: errorId, hidden: true });
    return h(
      "div",
      { class: "ipma-form-group ipma-calc__field" },
      h("label", { class: "ipma-label", for: id, text: field.label }),
      field.hint ? h("div", { class: "ipma-hint", id: hintId, text: field.hint }) : null,
      errors[field.key],
      inputs[field.key],
    );
  });

  const nonprofitId = `${base}-nonprofit`;
  const nonprofit = h("input", {
    class: "ipma-checkboxes__input",
    id: nonprofitId,
    type: "checkbox",
    name: "nonprofit",
    checked: Boolean(start.nonprofit),
    "aria-describedby": `${nonprofitId}-hint`,
  });
  // The checkbox sits right after the Regular field: it changes the Regular rate only.
  groups.splice(
    1,
    0,
    h(
      "div",
      { class: "ipma-checkboxes ipma-calc__field" },
      h(
        "div",
        { class: "ipma-checkboxes__item" },
        nonprofit,
        h("label", { class: "ipma-checkboxes__label", for: nonprofitId, text: "Our organization is a non-profit" }),
        h("div", { class: "ipma-hint ipma-checkboxes__hint", id: `${nonprofitId}-hint`, text: "Regular members at non-profit organizations pay the non-profit rate." }),
      ),
    ),
  );

  const form = h(
    "form",
    { class: "ipma-calc__form", novalidate: true },
    h("fieldset", { class: "ipma-fieldset" }, h("legend", { class: "ipma-fieldset__legend ipma-fieldset__legend--m", text: "How many members would join?" }), ...groups),
  );
  const summary = h("div", { class: "ipma-calc__summary", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const details = h("div", { class: "ipma-calc__details" });
  const output = h("div", { class: "ipma-calc__output" }, summary, details);
  root.classList.add("ipma-calc");
  root.replaceChildren(form, output);

  let timer = null;
  let sequence = 0;
  let disposed = false;
  let progress = null; // the download progress, while the first quote waits for the engine

  function readCounts() {
    const counts = { nonprofit: nonprofit.checked };
    let ok = true;
    for (const field of FIELDS) {
      const input = inputs[field.key];
      const text = input.value.trim().replace(/,/g, "");
      let problem = "";
      if (text !== "" && !/^[0-9]+$/.test(text)) problem = `Enter a whole number of ${field.label.toLowerCase()}, like 3`;
      else if (Number(text) > MAX_COUNT) problem = `Enter a number of ${field.label.toLowerCase()} up to ${MAX_COUNT.toLocaleString("en-US")}`;
      const error = errors[field.key];
      if (problem) {
        ok = false;
        error.replaceChildren(h("span", { class: "ipma-visually-hidden", text: "Error: " }), problem);
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", [input.id + "-hint", error.id].filter((x) => document.getElementById(x)).join(" "));
        input.classList.add("ipma-input--error");
      } else {
        error.hidden = true;
        error.replaceChildren();
        input.removeAttribute("aria-invalid");
        input.classList.remove("ipma-input--error");
        const hint = document.getElementById(input.id + "-hint");
        if (hint) input.setAttribute("aria-describedby", hint.id);
        else input.removeAttribute("aria-describedby");
      }
      counts[field.key] = text === "" ? 0 : Number(text);
    }
    return ok ? counts : null;
  }

  async function update() {
    const counts = readCounts();
    if (!counts) return;
    const mine = ++sequence;
    if (engine.state === "loading") {
      progress = progress || progressMessage(engine.progress, "calculator");
      summary.replaceChildren(progress);
      output.setAttribute("aria-busy", "true");
    }
    let quote;
    try {
      quote = await engine.request("enterprise", counts);
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
    const verdict = {
      enterprise: `Enterprise membership is cheaper by ${quote.saving_display}.`,
      individual: `Individual memberships are cheaper by ${quote.saving_display}.`,
      same: "Both cost the same.",
    }[quote.cheaper];
    summary.replaceChildren(
      h(
        "div",
        { class: `ipma-calc__verdict ipma-calc__verdict--${quote.cheaper}` },
        h("p", { class: "ipma-calc__verdict-text", text: verdict || "" }),
        h(
          "p",
          { class: "ipma-calc__totals" },
          h("span", {}, "Enterprise: ", h("strong", { class: "ipma-calc__enterprise-total", text: quote.enterprise.display })),
          h("span", {}, "Individual dues: ", h("strong", { class: "ipma-calc__individual-total", text: quote.individual.display })),
        ),
      ),
    );
    details.replaceChildren(
      quote.break_even && quote.break_even.text
        ? h("p", { class: "ipma-calc__break-even", text: sentence(quote.break_even.text) })
        : null,
      linesTable("Enterprise membership", quote.enterprise, "enterprise"),
      linesTable("Individual memberships", quote.individual, "individual"),
      quote.year ? h("p", { class: "ipma-hint", text: `Prices and dues for ${quote.year}. IPMA Headquarters confirms every Enterprise membership.` }) : null,
    );
  }

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DEBOUNCE_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
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

/** The engine's sentence with its full stop (the break-even text comes without one). */
function sentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function linesTable(title, part, kind) {
  const lines = part.lines || [];
  return h(
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
  );
}

/** The counts the calculator opens with: the rules' first worked example, so it shows a real case. */
function startingCounts(rules) {
  const examples = (rules && rules.enterprise && rules.enterprise.examples) || [];
  const first = examples[0] || {};
  return {
    regular: Number.isSafeInteger(first.regular) ? first.regular : 0,
    associate: Number.isSafeInteger(first.associate) ? first.associate : 0,
    affiliate: Number.isSafeInteger(first.affiliate) ? first.affiliate : 0,
    nonprofit: first.nonprofit === true,
  };
}

function links(rules) {
  return {
    compare: new URL("membership/compare/", SITE_ROOT).href,
    headquarters: headquarters(rules),
  };
}
