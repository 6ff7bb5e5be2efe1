"""Accessibility (issue 6, point 6), in Chromium on the real built site.

- axe-core (the copy shipped with axe-playwright-python) on every built page, in the light and the
  dark colour scheme, and on every screen of the quiz (each question, the error summary, a link
  that could not be opened, check your answers, both kinds of result), the calculator with a quote,
  and both failure messages: no serious or critical violation. The only exceptions are findings
  inside Material for MkDocs itself, listed in MATERIAL_ALLOWED with the reason for each.
- Focus is managed: after each step the new screen's heading has the focus (the question's
  heading inside its legend or label, "Check your answers", the result), and the result is
  announced through an aria-live region.
- The calculator can be used with the keyboard only (the quiz's keyboard-only run is in
  tests/test_quiz_browser.py).

axe is injected with Playwright's ``evaluate`` in contexts made with ``bypass_csp=True``: axe
compiles its message templates with ``new Function``, which the site's Content Security Policy
rightly forbids to page scripts. Bypassing it for the audit only is what an auditor's browser
extension does too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    answer,
    continue_,
    quiz_form,
    see_result,
    wait_for_screen_change,
)

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
FAILING_IMPACTS = {"serious", "critical"}
# The page at rest: axe measures colours as they are painted, so an element caught half-way through
# a fade (Material's "Back to top" button) would be reported with the colours of that instant.
SETTLE = """() => Promise.race([
    Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => null))),
    new Promise((resolve) => setTimeout(resolve, 3000)),
])"""
SCHEMES = ("light", "dark")

# Findings inside Material for MkDocs itself, which this site cannot change without copying one of
# Material's templates into overrides/ (the project overrides blocks, never whole templates):
# (axe rule, the node's CSS selector as axe reports it (a regular expression), why it is accepted).
MATERIAL_ALLOWED: list[tuple[str, str, str]] = [
    (
        "aria-dialog-name",
        r"^\.md-search$",
        "Material's search overlay (partials/search.html) is a role=dialog element without an "
        "accessible name. It only opens from the search field, whose input is labelled 'Search', "
        "so a screen reader user knows where they are; naming the dialog itself would mean "
        "copying Material's whole search partial.",
    ),
]

# Answers for the two walks through the quiz (the engine decides which questions are asked).
REGULAR = {
    "organization": "law_firm",
    "duties": ["recruiting", "orientation", "budgeting", "salary_administration", "delegation"],
    "people_supervised": 4,
    "nonprofit": False,
}
NOT_ELIGIBLE = {
    "organization": "none",
    "bar_activities": False,
    "years_regular_member": 1,
    "years_managing": 2,
}


@dataclass
class Audit:
    """Runs axe on a page and keeps every serious or critical violation that is not allowed."""

    problems: list[str] = field(default_factory=list)
    allowed_seen: set[str] = field(default_factory=set)
    audited: list[str] = field(default_factory=list)

    def run(self, page: Page, what: str) -> None:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)  # once per document (instant navigation keeps it)
        page.evaluate(SETTLE)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        self.audited.append(what)
        for violation in results["violations"]:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            for node in violation["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                reason = self._allowed(violation["id"], target)
                if reason is not None:
                    self.allowed_seen.add(reason)
                    continue
                summary = " ".join(node.get("failureSummary", "").split())
                self.problems.append(
                    f"{what}: {violation['id']} ({violation['impact']}) at {target}: {summary}"
                )

    @staticmethod
    def _allowed(rule: str, target: str) -> str | None:
        for allowed_rule, selector, reason in MATERIAL_ALLOWED:
            if rule == allowed_rule and re.search(selector, target):
                return reason
        return None


def site_pages(site: Path) -> list[str]:
    """Every built page as a path relative to the site root ('' for the home page)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site)
        if folder.parts[:1] == ("assets",):
            continue
        pages.append("" if folder == Path(".") else folder.as_posix() + "/")
    pages.extend(p.name for p in sorted(site.glob("*.html")) if p.name != "index.html")
    return pages


@pytest.fixture(scope="module", params=SCHEMES)
def audit_context(request, browser) -> Iterator[Any]:
    context = browser.new_context(
        bypass_csp=True, color_scheme=request.param, viewport={"width": 1280, "height": 900}
    )
    context.scheme = request.param
    try:
        yield context
    finally:
        context.close()


def test_material_allow_list_entries_give_a_reason():
    for rule, selector, reason in MATERIAL_ALLOWED:
        assert rule and selector and len(reason) > 40


# --- every page ----------------------------------------------------------------------------------


def test_every_built_page_has_no_serious_or_critical_axe_violation(
    audit_context, built_site: Path, site_server: str
):
    pages = site_pages(built_site)
    assert len(pages) >= 15 and "quiz/" in pages and "404.html" in pages
    audit = Audit()
    page = audit_context.new_page()
    for path in pages:
        page.goto(site_server + path)
        expect(page.locator("h1").first).to_be_visible()
        if path in {"quiz/", "enterprise/"}:  # audited once their UI is in the page
            expect(page.locator(".ipma-quiz form, .ipma-calc form")).to_be_visible()
        audit.run(page, f"/{path} ({audit_context.scheme})")
    page.close()
    assert not audit.problems, "\n".join(audit.problems)
    assert len(audit.audited) == len(pages)
    # The allow-list holds nothing stale: each entry is still found somewhere.
    assert audit.allowed_seen == {reason for *_, reason in MATERIAL_ALLOWED}


# --- the quiz, screen by screen, with focus and announcements ----------------------------------


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                classes: [...el.classList],
                text: el.textContent.trim(),
                inLegend: Boolean(el.closest("legend")),
                inLabelledHeading: Boolean(el.querySelector("label")),
            };
        }"""
    )


def expect_question_focused(page: Page, text: str) -> None:
    """The new question's heading has the focus: the h2 inside the fieldset's legend, or (for a
    number) the h2 holding the input's label."""
    heading = quiz_form(page).locator(".ipma-question__heading")
    expect(heading).to_have_text(text, timeout=ENGINE_TIMEOUT_MS)
    expect(heading).to_be_focused()
    active = focused(page)
    assert active["tag"] == "h2" and "ipma-question__heading" in active["classes"], active
    assert active["text"] == text
    assert active["inLegend"] or active["inLabelledHeading"], active


def walk(page: Page, built: BuiltRules, answers: dict[str, Any], audit: Audit, label: str) -> None:
    """Answer every question the engine asks, auditing each screen and checking the focus."""
    for number, qid in enumerate(built.flow(answers), 1):
        text = built.questions[qid]["text"]
        if number > 1:
            expect_question_focused(page, text)
        audit.run(page, f"{label}: question {number} ({qid})")
        url = page.url
        answer(page, built, qid, answers[qid])
        continue_(page)
        wait_for_screen_change(page, url)
    check = page.get_by_role("heading", name="Check your answers")
    expect(check).to_be_focused(timeout=ENGINE_TIMEOUT_MS)
    audit.run(page, f"{label}: check your answers")
    see_result(page)
    result = page.locator("#ipma-result-heading")
    expect(result).to_be_focused()
    assert focused(page)["id"] == "ipma-result-heading"
    audit.run(page, f"{label}: result")


def test_every_quiz_screen_passes_axe_and_moves_the_focus_to_its_heading(
    audit_context, site_server: str, built: BuiltRules
):
    audit = Audit()
    page = audit_context.new_page()
    page.goto(site_server + "quiz/")
    expect(quiz_form(page)).to_be_visible()

    # The error summary (nothing chosen), focused, then the same question corrected.
    continue_(page)
    summary = page.locator(".ipma-error-summary")
    expect(summary).to_be_focused()
    audit.run(page, "first question with the error summary")

    walk(page, built, REGULAR, audit, "a Regular member")
    expected = built.classify({q: REGULAR[q] for q in built.flow(REGULAR)})
    name = expected["outcome"]["name"]
    announcer = page.locator(".ipma-quiz [aria-live='assertive']")
    expect(announcer).to_have_text(f"Your result: {name} membership.")
    expect(announcer).to_have_attribute("aria-atomic", "true")

    page.get_by_role("button", name="Start again").click()
    expect_question_focused(page, built.questions[built.flow(NOT_ELIGIBLE)[0]]["text"])
    walk(page, built, NOT_ELIGIBLE, audit, "someone no category fits")
    expect(announcer).to_have_text("Your result: no membership category fits your answers yet.")

    # A link that could not be opened: the notice, focused, above the first question.
    page.goto(site_server + "quiz/?a11y#a=not-a-link")
    notice = page.locator(".ipma-notice--warning")
    expect(notice).to_be_focused()
    audit.run(page, "a share link that could not be opened")
    page.close()
    assert not audit.problems, "\n".join(audit.problems)


# --- the calculator, and both failure messages ---------------------------------------------------


def test_the_calculator_with_a_quote_and_the_failure_messages_pass_axe(
    audit_context, browser, site_server: str, built: BuiltRules
):
    audit = Audit()
    page = audit_context.new_page()
    page.goto(site_server + "enterprise/")
    form = built.calculator_form()
    first, second = form["fields"][0], form["fields"][1]
    page.get_by_label(first["label"], exact=True).fill("12")
    counts = {f["category"]: 12 if f is first else 0 for f in form["fields"]}
    quote = built.quote(counts, form["start"]["answers"])
    expect(page.locator(".ipma-calc__enterprise-total")).to_have_text(
        quote["enterprise"]["display"], timeout=ENGINE_TIMEOUT_MS
    )
    audit.run(page, "the calculator with a quote")
    associate = page.get_by_label(second["label"], exact=True)
    associate.fill("three")
    field = page.locator(".ipma-calc__field", has=associate)
    expect(field.locator(".ipma-error-message")).to_be_visible()
    audit.run(page, "the calculator with an error")
    page.close()

    failing = browser.new_context(bypass_csp=True, color_scheme=audit_context.scheme)
    try:
        failing.route("**/*.wasm.xz", lambda route: route.fulfill(status=404, body=""))
        page = failing.new_page()
        page.goto(site_server + "quiz/")
        expect(page.locator(".ipma-quiz .ipma-failure")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        audit.run(page, "the quiz's failure message")
        page.goto(site_server + "enterprise/")
        expect(page.locator(".ipma-calc .ipma-failure")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        audit.run(page, "the calculator's failure message")
    finally:
        failing.close()
    assert not audit.problems, "\n".join(audit.problems)


# --- the calculator with the keyboard only --------------------------------------------------------


def tab_to(page: Page, target, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def type_over(page: Page, text: str) -> None:
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def test_the_calculator_can_be_used_with_the_keyboard_only(browser, site_server, built):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server + "enterprise/")
        form = built.calculator_form()
        fields = form["fields"]
        counts = {f["category"]: n for f, n in zip(fields, (9, 2, 4), strict=False)}
        answers = dict(form["start"]["answers"])
        tab_to(page, page.get_by_label(fields[0]["label"], exact=True))
        type_over(page, str(counts[fields[0]["category"]]))
        for toggle in form["toggles"]:  # every box ticked with the space bar
            tab_to(page, page.get_by_label(toggle["label"], exact=True))
            page.keyboard.press("Space")
            answers[toggle["question"]] = not answers[toggle["question"]]
        second = page.get_by_label(fields[1]["label"], exact=True)
        tab_to(page, second)
        type_over(page, "two")  # a mistake, reported next to the field
        error = page.locator(".ipma-calc__field", has=second)
        expect(error.locator(".ipma-error-message")).to_contain_text("whole number")
        type_over(page, str(counts[fields[1]["category"]]))
        page.keyboard.press("Tab")
        last = page.get_by_label(fields[2]["label"], exact=True)
        expect(last).to_be_focused()
        type_over(page, str(counts[fields[2]["category"]]))

        quote = built.quote(counts, answers)
        summary = page.locator(".ipma-calc__summary")
        expect(summary.locator(".ipma-calc__enterprise-total")).to_have_text(
            quote["enterprise"]["display"], timeout=ENGINE_TIMEOUT_MS
        )
        expect(summary.locator(".ipma-calc__individual-total")).to_have_text(
            quote["individual"]["display"]
        )
        # The quote is announced: the summary is a polite, atomic live region.
        expect(summary).to_have_attribute("aria-live", "polite")
        expect(summary).to_have_attribute("aria-atomic", "true")
        expect(last).to_be_focused()
    finally:
        context.close()
