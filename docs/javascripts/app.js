// Loaded on every page (mkdocs.yml extra_javascript, as a module). Deliberately tiny: on pages
// without a quiz or calculator mount it does nothing else, so they download no Pyodide file.
//
// Material's instant navigation swaps the page content without reloading this script, and emits
// each new document on `document$`; binding there mounts the UIs after every navigation. Modules
// are evaluated once per realm, so the engine (engine-client.js) stays a singleton: one worker for
// the whole visit, however many times the visitor comes back to the quiz.

const QUIZ = "[data-ipma-quiz]";
const CALCULATOR = "[data-ipma-calculator]";

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

if (typeof window.document$ === "object" && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(onDocument);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", onDocument, { once: true });
} else {
  onDocument();
}
