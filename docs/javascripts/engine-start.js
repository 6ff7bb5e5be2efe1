// The quiz's and the calculator's early start. On those pages only, overrides/main.html loads it
// in the head, async, so it runs while the page is still being parsed, before Material's bundle
// and DOMContentLoaded (≈ 0.2 s later); after an instant navigation app.js imports it instead.
// No static import, so nothing delays it:
//
// 1. The quiz page arrives with its first question already in the HTML (quiz/build/static_quiz.py).
//    Until quiz-ui.js takes it over, a Continue pressed on it is held here, not lost: the form is
//    marked and the quiz acts on it when it mounts. (Its method="dialog" means the browser itself
//    sends nothing.) <html data-ipma-holding> says the hold is in place (the benchmarks read it).
// 2. The engine worker and the rules download start at once. engine-client.js is one module
//    instance per page, so app.js finds the same engine: still exactly one worker.

const STATIC_FORM = "form[data-ipma-static]";

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(STATIC_FORM)) return;
    event.preventDefault();
    form.setAttribute("data-ipma-submitted", "");
    // Seen and waiting, as the quiz shows it while busy, until the quiz takes the form over.
    form.setAttribute("aria-busy", "true");
    const button = event.submitter || form.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-disabled", "true");
  },
  true,
);
document.documentElement.setAttribute("data-ipma-holding", "");

import("./engine-client.js").then((client) => {
  client.getEngine();
  client.loadRules().catch(() => {}); // the quiz or calculator reports a missing rules file itself
});
