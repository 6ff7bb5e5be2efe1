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

COUNTS = [
    {"regular": 4, "associate": 0, "affiliate": 0, "nonprofit": False},
    {"regular": 12, "associate": 3, "affiliate": 5, "nonprofit": False},
    {"regular": 10, "associate": 0, "affiliate": 0, "nonprofit": True},
    {"regular": 25, "associate": 2, "affiliate": 40, "nonprofit": False},
    {"regular": 0, "associate": 6, "affiliate": 0, "nonprofit": False},
]


@pytest.fixture(scope="module")
def calculator(browser, site_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_server + "enterprise/")
    yield page
    context.close()


def enter(page: Page, counts: dict[str, Any]) -> None:
    """Type the counts as a person would (labels, keyboard), then let the debounce run."""
    for key, label in (
        ("regular", "Regular members"),
        ("associate", "Associate members"),
        ("affiliate", "Affiliate members"),
    ):
        page.get_by_label(label, exact=True).fill(str(counts[key]))
    box = page.get_by_label("Our organization is a non-profit")
    if box.is_checked() != counts["nonprofit"]:
        box.click()


def expect_quote(page: Page, quote: dict[str, Any]) -> None:
    summary = page.locator(".ipma-calc__summary")
    expect(summary.locator(".ipma-calc__enterprise-total")).to_have_text(
        quote["enterprise"]["display"], timeout=ENGINE_TIMEOUT_MS
    )
    expect(summary.locator(".ipma-calc__individual-total")).to_have_text(
        quote["individual"]["display"]
    )
    verdict = summary.locator(".ipma-calc__verdict-text")
    if quote["cheaper"] == "same":
        expect(verdict).to_have_text("Both cost the same.")
    else:
        expect(verdict).to_contain_text(quote["saving_display"])
        word = "Enterprise" if quote["cheaper"] == "enterprise" else "Individual"
        expect(verdict).to_contain_text(word)
    expect(page.locator(".ipma-calc__break-even")).to_contain_text(quote["break_even"]["text"])
    for kind in ("enterprise", "individual"):
        rows = page.locator(f".ipma-calc__lines--{kind} tbody tr")
        expect(rows).to_have_count(len(quote[kind]["lines"]))
        for line, row in zip(quote[kind]["lines"], rows.all(), strict=True):
            expect(row.locator("th")).to_have_text(line["label"])
            expect(row.locator("td").last).to_have_text(line["display"])
        foot = page.locator(f".ipma-calc__lines--{kind} tfoot td")
        expect(foot).to_have_text(quote[kind]["display"])


def test_the_calculator_opens_with_the_rules_first_example(calculator: Page, built: BuiltRules):
    example = built.rules["enterprise"]["examples"][0]
    counts = {
        "regular": example.get("regular", 0),
        "associate": example.get("associate", 0),
        "affiliate": example.get("affiliate", 0),
        "nonprofit": bool(example.get("nonprofit")),
    }
    expect(calculator.get_by_label("Regular members", exact=True)).to_have_value(
        str(counts["regular"])
    )
    expect_quote(calculator, built.quote(counts))
    summary = calculator.locator(".ipma-calc__summary")
    expect(summary).to_have_attribute("aria-live", "polite")


@pytest.mark.parametrize("counts", COUNTS, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_the_calculator_shows_the_engines_quote(calculator: Page, built: BuiltRules, counts):
    enter(calculator, counts)
    expect_quote(calculator, built.quote(counts))


def test_a_count_that_is_not_a_whole_number_gets_an_inline_error(calculator: Page):
    field = calculator.get_by_label("Associate members", exact=True)
    field.fill("three")
    error = calculator.locator(".ipma-calc__field", has=field).locator(".ipma-error-message")
    expect(error).to_contain_text("whole number")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("3")
    expect(error).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
