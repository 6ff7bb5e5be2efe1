// Loaded on every page (mkdocs.yml extra_javascript, as a module). Deliberately tiny: on pages
// without a quiz or calculator mount it does nothing else, so they download no Pyodide file, until
// the visitor shows they are going there: a pointer over, focus on, or touch of a link to the quiz
// or the calculator starts the engine's download (and, with instant navigation, Python itself), so
// the few seconds before the click count. A visitor who shows no such intent downloads nothing.
//
// Material's instant navigation swaps the page content without reloading this script, and emits
// each new document on `document$`; binding there mounts the UIs after every navigation. Modules
// are evaluated once per realm, so the engine (engine-client.js) stays a singleton: one worker for
// the whole visit, however many times the visitor comes back to the quiz.

const QUIZ = "[data-ipma-quiz]";
const CALCULATOR = "[data-ipma-calculator]";
const SITE_ROOT = new URL("../", import.meta.url);

let mounted = []; // [{root, unmount}]

function unmountDetached() {
  mounted = mounted.filter((entry) => {
    if (entry.root.isConnected) return true;
    try {
      entry.unmount();
    } catch (err) {
      console.error(err);
    }
    return false;
  });
}

function mount(root, loadModule, exportName, extra) {
  if (root.hasAttribute("data-ipma-mounted")) return;
  root.setAttribute("data-ipma-mounted", "");
  const entry = { root, unmount: () => {} };
  mounted.push(entry);
  const path = window.location.pathname;
  Promise.all([loadModule(), ...extra])
    .then(([module, ...args]) => {
      // The visitor may have moved on meanwhile: instant navigation changes the URL before it
      // replaces the content, and a quiz started then would write its screen into the next page's URL.
      if (!root.isConnected || window.location.pathname !== path) return;
      entry.unmount = module[exportName](root, ...args) || (() => {});
    })
    .catch((err) => {
      console.error(err);
      root.removeAttribute("data-ipma-mounted");
      showLoadFailure(root);
    });
}

// The UI modules themselves failed to download: say so plainly instead of leaving an empty box.
function showLoadFailure(root) {
  const message = document.createElement("p");
  message.className = "ipma-notice ipma-notice--error";
  message.setAttribute("role", "alert");
  message.textContent =
    "This part of the page could not be loaded. Check your connection and reload the page.";
  root.replaceChildren(message);
}

function onDocument() {
  unmountDetached();
  // Says that this script has seen the page (its URL is the one it handled): the tests wait for it
  // before they look at what the page did or did not start.
  document.documentElement.setAttribute("data-ipma-page", window.location.pathname);
  const quiz = document.querySelector(QUIZ);
  const calculator = document.querySelector(CALCULATOR);
  if (!quiz && !calculator) return;
  // On a full load engine-start.js already ran from the page's head; after an instant navigation it
  // runs now (a module runs once per page: importing it again does nothing).
  import("./engine-start.js");
  // Start everything at once: the engine (Pyodide in the worker) and the rules JSON, from which the
  // quiz draws its first question long before Python is ready.
  const client = import("./engine-client.js");
  const engine = client.then((m) => m.getEngine());
  // {rules} or {error}: each UI says itself what a missing rules file means for it.
  const rules = client.then((m) => m.loadRules()).then((r) => ({ rules: r }), (error) => ({ error }));
  if (quiz) mount(quiz, () => import("./quiz-ui.js"), "mountQuiz", [engine, rules]);
  if (calculator) mount(calculator, () => import("./calculator-ui.js"), "mountCalculator", [engine, rules]);
}

// --- intent: start the engine when the visitor heads for a page that runs it ------------------------

/** The site paths of the pages that run the engine, as every page names them (overrides/main.html). */
function enginePages() {
  const meta = document.querySelector('meta[name="ipma:engine-pages"]');
  const paths = meta ? meta.content.split(/\s+/).filter(Boolean) : [];
  return new Set(paths.map((path) => new URL(path, SITE_ROOT).pathname));
}

const INTENT = ["pointerover", "focusin", "touchstart"];
const targets = enginePages();

function onIntent(event) {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link) return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || !targets.has(url.pathname)) return;
  for (const type of INTENT) document.removeEventListener(type, onIntent, true);
  import("./engine-client.js").then((client) => {
    client.getEngine();
    client.loadRules().catch(() => {}); // the quiz or calculator reports a missing rules file itself
  });
}

if (targets.size > 0) {
  for (const type of INTENT) document.addEventListener(type, onIntent, { capture: true, passive: true });
}

if (typeof window.document$ === "object" && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(onDocument);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", onDocument, { once: true });
} else {
  onDocument();
}
