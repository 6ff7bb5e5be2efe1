// Injected into every page the browser measures open (Playwright add_init_script, i.e. the DevTools
// protocol's "evaluate on new document": it runs before the page's own scripts and a strict CSP does
// not block it). It only observes, and writes what it saw as JSON on <html data-bench-probe="…">,
// which the bench reads with a locator (no eval needed under the site's CSP).
//
// Records, in milliseconds since navigation start (performance.now()):
//   worker_created      the page created its engine worker (window.Worker is wrapped);
//   engine_ready        the worker posted {type: "ready"};
//   first_answer        the worker answered the probe's own request, posted at creation: "the engine
//                       answers its first request" (the worker queues requests sent before ready);
//   first_question      the quiz's first question is usable: its form is in the page with every
//                       input enabled, and a Continue on it is acted upon (the quiz's own form, or
//                       the pre-rendered one once engine-start.js holds its submits:
//                       <html data-ipma-holding>);
//   first_question_shown the first question's inputs are in the page and enabled, acted upon or
//                       not (the pre-rendered form counts from the first parse);
//   first_question_js   the quiz's own form replaced the pre-rendered one (the takeover);
//   screens             [{t, screen}] every change of quiz screen ("q:<question id>", "check",
//                       "result", "busy", "failure"), from a MutationObserver;
//   actions             [{t, kind}] every form submit and button click (capture phase);
//   longtasks           [{start, duration}] PerformanceObserver "longtask" entries;
//   dcl_end             DOMContentLoaded handled (Material's start-up done);
//   status              [{t, text}] every change of what the quiz's or the calculator's status area
//                       says while it waits (progress, "preparing…"), "" when it clears;
//   calc_quote          the Enterprise calculator shows its first quote (its Enterprise total);
//   calc_failure        the calculator shows its failure message instead.
(() => {
  if (window.top !== window) return;
  const now = () => performance.now();
  const probe = {
    url: location.pathname + location.search,
    worker_created: null,
    engine_ready: null,
    first_answer: null,
    first_question: null,
    first_question_shown: null,
    first_question_js: null,
    screens: [],
    actions: [],
    longtasks: [],
    status: [],
    calc_quote: null,
    calc_failure: null,
  };
  window.__benchProbe = probe;

  let pending = false;
  function flush() {
    pending = false;
    const root = document.documentElement;
    if (root) root.setAttribute("data-bench-probe", JSON.stringify(probe));
    else schedule();
  }
  function schedule() {
    if (pending) return;
    pending = true;
    setTimeout(flush, 0);
  }

  // --- the engine worker ---------------------------------------------------------------------------
  const BENCH_ID = "__bench_probe__";
  const NativeWorker = window.Worker;
  if (typeof NativeWorker === "function") {
    class ProbedWorker extends NativeWorker {
      constructor(url, options, ...rest) {
        super(url, options, ...rest);
        // The engine's worker (Material's search worker is a classic worker with another URL).
        const engine =
          (options && (options.name === "ipma-engine" || options.type === "module")) ||
          /engine/.test(String(url));
        if (engine && probe.worker_created === null) {
          probe.worker_created = now();
          this.addEventListener("message", (event) => {
            const data = event.data;
            if (!data || typeof data !== "object") return;
            if (data.type === "ready" && probe.engine_ready === null) {
              probe.engine_ready = now();
              probe.engine_timings = data.timings || null;
              schedule();
            } else if (data.type === "failed") {
              probe.engine_failed = String(data.message || "failed");
              schedule();
            } else if (data.id === BENCH_ID && probe.first_answer === null) {
              probe.first_answer = now();
              probe.first_answer_ok = Boolean(data.ok);
              schedule();
            }
          });
          // The page's client ignores replies to ids it did not send.
          super.postMessage({ id: BENCH_ID, method: "next_step", params: { answers: {} } });
          schedule();
        }
      }
    }
    window.Worker = ProbedWorker;
  }

  // --- long tasks ------------------------------------------------------------------------------------
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.longtasks.push({ start: entry.startTime, duration: entry.duration });
      }
      schedule();
    }).observe({ type: "longtask", buffered: true });
  } catch {
    probe.longtasks = null;
  }

  // --- quiz screens ----------------------------------------------------------------------------------
  function screen() {
    const quiz = document.querySelector("[data-ipma-quiz]");
    if (!quiz) return "none";
    const form = quiz.querySelector("form.ipma-question");
    if (form) {
      const input = form.querySelector("input[name]");
      return input ? `q:${input.name}` : "q:?";
    }
    if (quiz.querySelector(".ipma-check")) return "check";
    if (quiz.querySelector("#ipma-result-heading")) return "result";
    if (quiz.querySelector(".ipma-panel")) return "result";
    if (quiz.getAttribute("aria-busy") === "true") return "busy";
    if (quiz.querySelector("[role=alert], h2")) return "failure";
    return "empty";
  }
  function questionShown() {
    const form = document.querySelector("[data-ipma-quiz] form.ipma-question");
    if (!form) return null;
    const inputs = form.querySelectorAll("input, select, textarea");
    if (inputs.length === 0) return null;
    for (const input of inputs) if (input.disabled) return null;
    return form;
  }
  function questionUsable() {
    const form = questionShown();
    const held = document.documentElement.hasAttribute("data-ipma-holding");
    return Boolean(form && (!form.hasAttribute("data-ipma-static") || held));
  }
  // The waiting message of the quiz or the calculator (whatever the version of the page calls it).
  function statusText() {
    const area = document.querySelector(
      "[data-ipma-quiz] [role=status], [data-ipma-calculator] [role=status], [data-ipma-quiz] .ipma-progress, [data-ipma-calculator] .ipma-progress",
    );
    return area ? (area.textContent || "").replace(/\s+/g, " ").trim().slice(0, 120) : "";
  }
  let lastStatus = "";
  let last = null;
  function observe() {
    const t = now();
    const text = statusText();
    if (text !== lastStatus) {
      lastStatus = text;
      probe.status.push({ t, text });
      schedule();
    }
    if (probe.calc_quote === null && document.querySelector("[data-ipma-calculator] .ipma-calc__enterprise-total")) {
      probe.calc_quote = t;
      schedule();
    }
    if (probe.calc_failure === null && document.querySelector("[data-ipma-calculator] .ipma-failure")) {
      probe.calc_failure = t;
      schedule();
    }
    const current = screen();
    if (current !== last) {
      last = current;
      probe.screens.push({ t, screen: current });
      schedule();
    }
    if (probe.first_question_shown === null && questionShown()) {
      probe.first_question_shown = t;
      schedule();
    }
    if (probe.first_question_js === null && questionShown() && !questionShown().hasAttribute("data-ipma-static")) {
      probe.first_question_js = t;
      schedule();
    }
    if (probe.first_question === null && questionUsable()) {
      probe.first_question = t;
      schedule();
    }
  }
  new MutationObserver(observe).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["disabled", "aria-busy", "class", "data-ipma-holding", "value"],
    characterData: true,
  });

  const action = (kind, label) => {
    probe.actions.push({ t: now(), kind, label, screen: last });
    schedule();
  };
  document.addEventListener("submit", () => action("submit", ""), true);
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target && event.target.closest && event.target.closest("button[type=button]");
      if (button) action("button", (button.textContent || "").trim().slice(0, 40));
    },
    true,
  );
  // When the theme's own start-up (Material's DOMContentLoaded handlers) has finished.
  addEventListener("DOMContentLoaded", () =>
    setTimeout(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      probe.dcl_end = nav ? nav.domContentLoadedEventEnd : now();
      schedule();
    }, 0),
  );
  schedule();
})();
