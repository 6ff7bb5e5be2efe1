"""The quiz's first question, pre-rendered into the quiz page by the build (issue 5, measure 1).

The build asks the engine for the first question and writes it into the page as HTML, so it is on
screen before any script has run; the quiz takes it over when its modules arrive. These tests hold
the quiz's modules back (a routed request that is answered later) to look at the page in between.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.quiz_browser import ENGINE_TIMEOUT_MS, BuiltRules, duties_form, option_label

STATIC_FORM = "form[data-ipma-static]"
LIVE_FORM = "form.ipma-question:not([data-ipma-static])"
QUIZ_UI = "**/javascripts/quiz-ui.js"


# --- the markup, compared as trees (attribute order and whitespace between tags do not matter) ----

_PAGE_ONLY = {"data-ipma-static", "method"}


class _Tree(HTMLParser):
    """(tag, sorted attributes, children) tuples; text as stripped strings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[Any]] = [["#root", (), []]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = tuple(sorted((k, v or "") for k, v in attrs if k not in _PAGE_ONLY))
        node = [tag, kept, []]
        self.stack[-1][2].append(node)
        if tag not in {"input", "br", "img"}:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"input", "br", "img"}:
            return
        while self.stack[-1][0] != tag:
            self.stack.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1][2].append(" ".join(data.split()))


def tree(html: str) -> list:
    parser = _Tree()
    parser.feed(html)
    return parser.stack[0][2]


def static_form_html(site_dir: Path) -> str:
    page = (site_dir / "quiz" / "index.html").read_text(encoding="utf-8")
    match = re.search(r"<form\b[^>]*data-ipma-static=.*?</form>", page, re.S)
    assert match, "the quiz page has no pre-rendered first question"
    return match.group(0)


# --- build ----------------------------------------------------------------------------------------


def test_the_quiz_page_holds_the_engines_first_question(built_site: Path, built: BuiltRules):
    step = built.call("next_step", {"answers": {}})
    question = step["question"]
    form = tree(static_form_html(built_site))[0]
    html = static_form_html(built_site)
    assert f'data-ipma-static="{question["id"]}"' in html
    assert 'method="dialog"' in html and "action=" not in html  # Continue never sends anything
    values = re.findall(r'<input[^>]*\bvalue="([^"]*)"', html)
    assert values == [o["id"] for o in question["options"]]
    texts = str(form)
    for text in [question["text"], question["help"], *(o["label"] for o in question["options"])]:
        assert " ".join(text.split()) in texts


def test_other_pages_get_no_prerendered_question(built_site: Path):
    for page in built_site.rglob("*.html"):
        if page.parent.name == "quiz" and page.parent.parent == built_site:
            continue
        assert "data-ipma-static" not in page.read_text(encoding="utf-8"), page


# --- browser --------------------------------------------------------------------------------------


def test_without_javascript_the_question_is_hidden_and_the_note_explains(browser, quiz_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(quiz_url)
        expect(page.locator("[data-ipma-quiz]")).to_be_hidden()
        # (a CSS locator: Playwright's text search skips <noscript>, even with scripts off)
        note = page.locator("noscript .admonition-title")
        expect(note).to_be_visible()
        expect(note).to_have_text("This quiz needs JavaScript")
    finally:
        context.close()


@contextmanager
def held_quiz(browser, quiz_url: str, **options: Any) -> Iterator[tuple[Page, list]]:
    """The quiz page in a new context, quiz-ui.js held back: (page, held requests)."""
    context = browser.new_context(**options)
    try:
        held: list = []
        context.route(QUIZ_UI, lambda route: held.append(route))
        page = context.new_page()
        page.goto(quiz_url)
        yield page, held
    finally:
        context.close()


def law_firm(built: BuiltRules) -> str:
    return option_label(built, "organization", "law_firm")


def _release(page: Page, held: list) -> None:
    expect(page.locator(STATIC_FORM)).to_be_visible()
    assert held, "the held request was never made"
    for route in held:
        route.continue_()


def test_the_quiz_takes_over_the_first_question_with_identical_markup(
    browser, quiz_url, built_site: Path
):
    with held_quiz(browser, quiz_url, bypass_csp=True) as (page, held):
        static = page.locator(STATIC_FORM)
        expect(static).to_be_visible()
        expect(static.get_by_role("radio").first).to_be_enabled()
        before = static.evaluate("form => form.outerHTML")
        _release(page, held)
        live = page.locator(LIVE_FORM)
        expect(live).to_be_visible()
        expect(page.locator(STATIC_FORM)).to_have_count(0)
        after = live.evaluate("form => form.outerHTML")
    assert tree(after) == tree(before)
    assert tree(before) == tree(static_form_html(built_site))


def test_a_choice_made_before_the_takeover_is_kept_with_the_focus(
    browser, quiz_url, built: BuiltRules
):
    with held_quiz(browser, quiz_url) as (page, held):
        page.locator(STATIC_FORM).get_by_label(law_firm(built)).check()
        _release(page, held)
        live = page.locator(LIVE_FORM)
        expect(live.get_by_label(law_firm(built))).to_be_checked()
        expect(live.get_by_label(law_firm(built))).to_be_focused()


def test_a_continue_before_the_takeover_is_acted_upon_and_sends_nothing(
    browser, quiz_url, built: BuiltRules
):
    requests: list[str] = []
    with held_quiz(browser, quiz_url) as (page, held):
        page.context.on("request", lambda r: requests.append(r.url))
        form = page.locator(STATIC_FORM)
        # engine-start.js holds its submits now
        expect(page.locator("html")).to_have_attribute("data-ipma-holding", "")
        form.get_by_label(law_firm(built)).check()
        form.get_by_role("button", name="Continue").click()
        expect(form).to_have_attribute("data-ipma-submitted", "")
        expect(form).to_have_attribute("aria-busy", "true")  # the press is seen
        continue_button = form.get_by_role("button", name="Continue")
        expect(continue_button).to_have_attribute("aria-disabled", "true")
        assert page.url == quiz_url  # no navigation: the answer is not in any URL
        _release(page, held)
        # The held Continue goes through: the engine's second question comes up.
        expect(duties_form(page, built)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    assert not any("law_firm" in url for url in requests)


def test_the_template_and_the_quiz_build_the_same_form_for_every_question(
    browser, quiz_url, built: BuiltRules
):
    """Every question of the rules (each kind: choice, yes/no, number, duties), rendered by the
    build's template and by quiz-views.js's questionForm in the page, as the engine sends it."""
    from quiz.build.static_quiz import question_html

    questions = []
    for qid in built.questions:
        # The engine's own JSON for each question: the flow up to it, from CPython.
        step = built.call("next_step", {"answers": _answers_reaching(built, qid)})
        assert not step["done"] and step["question"]["id"] == qid, qid
        questions.append(step["question"])
    kinds = {q["kind"] for q in questions}
    assert kinds == {"choice", "yes_no", "number", "duties"}, kinds
    context = browser.new_context(bypass_csp=True)  # to import the module from the test
    try:
        page = context.new_page()
        page.goto(quiz_url)
        expect(page.locator(LIVE_FORM)).to_be_visible()
        rendered = page.evaluate(
            """async (questions) => {
              const views = await import(new URL("../javascripts/quiz-views.js", location.href));
              return questions.map((question) => views.questionForm({
                question, step: {number: 3}, value: undefined, error: null,
                busy: false, onSubmit() {}, onErrorLink() {},
              }).form.outerHTML);
            }""",
            questions,
        )
    finally:
        context.close()
    for question, js_html in zip(questions, rendered, strict=True):
        ours = question_html(question, 3, form_only=True)
        assert tree(ours) == tree(js_html), question["id"]


def _answers_reaching(built: BuiltRules, target: str) -> dict:
    """Answers whose flow asks `target` (a breadth-first search over the engine's own flow)."""
    from collections import deque

    def options(q: dict) -> list:
        kind = q["kind"]
        if kind == "choice":
            return [o["id"] for o in q["options"]]
        if kind == "yes_no":
            return [True, False]
        if kind == "number":
            return [0, 5, 20]
        return [[], [d["id"] for g in q["groups"] for d in g["duties"]]]

    queue: deque[dict] = deque([{}])
    while queue:
        answers = queue.popleft()
        step = built.call("next_step", {"answers": answers})
        if step["done"]:
            continue
        question = step["question"]
        if question["id"] == target:
            return answers
        for value in options(question):
            queue.append({**answers, question["id"]: value})
    raise AssertionError(f"no answers reach {target}")
