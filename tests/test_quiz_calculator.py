"""The Enterprise calculator on the built Enterprise page, in Chromium, against CPython's quotes.

Every figure on screen must be the engine's own ``display`` string for the same counts (with the
site's rules.json and build date), so the page can never drift from the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import ENGINE_TIMEOUT_MS, BuiltRules

# Member counts as multiples of each field's place in the form, so no category id is typed here.
SHAPES = [(4, 0, 0), (12, 3, 5), (10, 0, 0), (25, 2, 40), (0, 6, 0), (0, 5, 5), (0, 0, 0)]


@pytest.fixture(scope="module")
def form(built: BuiltRules) -> dict[str, Any]:
    return built.calculator_form()


def requests(form: dict[str, Any]) -> list[tuple[dict[str, int], dict[str, bool]]]:
    """Every shape with every toggle off, and the first shapes with every toggle on."""
    fields = [f["category"] for f in form["fields"]]
    out = []
    for i, shape in enumerate(SHAPES):
        counts = {c: (shape[k] if k < len(shape) else 0) for k, c in enumerate(fields)}
        on = i in (2, 3)
        out.append((counts, {t["question"]: on for t in form["toggles"]}))
    return out


@pytest.fixture(scope="module")
def calculator(browser, site_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_server + "enterprise/")
    yield page
    context.close()


def enter(
    page: Page, form: dict[str, Any], counts: dict[str, int], answers: dict[str, bool]
) -> None:
    """Type the counts as a person would (labels, keyboard), and tick the boxes the answers say."""
    for field in form["fields"]:
        page.get_by_label(field["label"], exact=True).fill(str(counts[field["category"]]))
    for toggle in form["toggles"]:
        box = page.get_by_label(toggle["label"], exact=True)
        if box.is_checked() != answers[toggle["question"]]:
            box.click()


def expect_quote(page: Page, quote: dict[str, Any]) -> None:
    summary = page.locator(".ipma-calc__summary")
    expect(summary.locator(".ipma-calc__verdict-text")).to_have_text(
        quote["verdict"], timeout=ENGINE_TIMEOUT_MS
    )
    expect(page.locator(".ipma-calc__break-even")).to_have_text(quote["break_even"]["text"])
    expect(page.locator(".ipma-calc__details")).to_contain_text(quote["basis"])
    notes = page.locator(".ipma-calc__note")
    expect(notes).to_have_count(len(quote["notes"]))
    for note, shown in zip(quote["notes"], notes.all(), strict=True):
        expect(shown).to_have_text(note)
    if quote["cheaper"] == "none":  # nothing to compare: no totals, no tables
        expect(summary.locator(".ipma-calc__totals")).to_have_count(0)
        expect(page.locator(".ipma-calc__lines")).to_have_count(0)
        return
    expect(summary.locator(".ipma-calc__enterprise-total")).to_have_text(
        quote["enterprise"]["display"]
    )
    expect(summary.locator(".ipma-calc__individual-total")).to_have_text(
        quote["individual"]["display"]
    )
    for kind in ("enterprise", "individual"):
        rows = page.locator(f".ipma-calc__lines--{kind} tbody tr")
        expect(rows).to_have_count(len(quote[kind]["lines"]))
        for line, row in zip(quote[kind]["lines"], rows.all(), strict=True):
            expect(row.locator("th")).to_have_text(line["label"])
            expect(row.locator("td").last).to_have_text(line["display"])
        foot = page.locator(f".ipma-calc__lines--{kind} tfoot td")
        expect(foot).to_have_text(quote[kind]["display"])


def test_the_calculator_asks_what_the_rules_say(calculator: Page, form: dict[str, Any]):
    for field in form["fields"]:
        box = calculator.get_by_label(field["label"], exact=True)
        expect(box).to_be_visible()
        if field["hint"]:
            expect(box).to_have_accessible_description(field["hint"])
    for toggle in form["toggles"]:
        expect(calculator.get_by_label(toggle["label"], exact=True)).to_be_visible()


def test_the_calculator_opens_with_the_rules_first_example(
    calculator: Page, built: BuiltRules, form: dict[str, Any]
):
    start = form["start"]
    for field in form["fields"]:
        expect(calculator.get_by_label(field["label"], exact=True)).to_have_value(
            str(start["counts"].get(field["category"], 0))
        )
    expect_quote(calculator, built.quote(start["counts"], start["answers"]))
    summary = calculator.locator(".ipma-calc__summary")
    expect(summary).to_have_attribute("aria-live", "polite")


@pytest.mark.parametrize("index", range(len(SHAPES)))
def test_the_calculator_shows_the_engines_quote(
    calculator: Page, built: BuiltRules, form: dict[str, Any], index: int
):
    counts, answers = requests(form)[index]
    enter(calculator, form, counts, answers)
    expect_quote(calculator, built.quote(counts, answers))


@pytest.mark.parametrize("typed", ["-3", "abc", "2.5", "1e3", "1,5", "over the limit"])
def test_an_invalid_count_clears_the_old_result(
    calculator: Page, built: BuiltRules, form: dict[str, Any], typed: str
):
    counts, answers = requests(form)[1]
    enter(calculator, form, counts, answers)
    quote = built.quote(counts, answers)
    expect_quote(calculator, quote)
    first = form["fields"][0]
    field = calculator.get_by_label(first["label"], exact=True)
    field.fill(str(first["max"] + 1) if typed == "over the limit" else typed)
    error = calculator.locator(".ipma-calc__field", has=field).locator(".ipma-error-message")
    expect(error).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    summary = calculator.locator(".ipma-calc__summary")
    expect(summary.locator(".ipma-calc__invalid")).to_be_visible()
    expect(calculator.locator(".ipma-calc__output")).not_to_contain_text(quote["verdict"])
    expect(calculator.locator(".ipma-calc__lines")).to_have_count(0)


def test_a_count_that_is_not_a_whole_number_gets_an_inline_error(
    calculator: Page, form: dict[str, Any]
):
    field = calculator.get_by_label(form["fields"][1]["label"], exact=True)
    field.fill("three")
    error = calculator.locator(".ipma-calc__field", has=field).locator(".ipma-error-message")
    expect(error).to_contain_text("whole number")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("3")
    expect(error).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
