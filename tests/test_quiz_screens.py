"""Screenshots of every quiz screen and the calculator at desktop (1280) and mobile (390) widths,
and a check that nothing on them is wider than a phone's screen.

The images go to $IPMA_SCREENS_DIR when set (e.g. ``IPMA_SCREENS_DIR=/tmp/screens/quiz pytest
tests/test_quiz_screens.py``), for a person to look at; otherwise to a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    answer,
    continue_,
    current_question,
    question_heading,
    quiz_form,
    see_result,
    wait_for_screen_change,
)

WIDTHS = {"desktop": 1280, "mobile": 390}
REGULAR = {
    "organization": "law_firm",
    "duties": ["recruiting", "orientation", "budgeting", "salary_administration", "delegation"],
    "people_supervised": 4,
    "nonprofit": False,
}
NOT_ELIGIBLE = {"organization": "none", "bar_activities": False, "years_regular_member": 0}


@pytest.fixture(scope="module")
def screens_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("IPMA_SCREENS_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(params=list(WIDTHS), scope="module")
def width(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def screen_page(browser, width: str) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, device_scale_factor=1
    )
    yield context.new_page()
    context.close()


def shoot(page: Page, folder: Path, width: str, name: str) -> None:
    """A full-page image from the top (Material's sticky header stays where it belongs) and the
    check that the quiz's parts fit the viewport."""
    page.mouse.wheel(0, -100_000)
    expect(page.locator(".md-content h1")).to_be_in_viewport()
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    limit = WIDTHS[width] + 1
    for part in page.locator(
        ".ipma-quiz, .ipma-calc, .ipma-quiz form, .ipma-quiz input, .ipma-quiz table, "
        ".ipma-panel, .ipma-summary-list, .ipma-calc table, .ipma-quiz .md-button"
    ).all():
        box = part.bounding_box()
        if box is not None and box["width"] > 0:
            assert box["x"] + box["width"] <= limit, f"{name} at {width}: a part overflows"


def test_screenshots_of_each_quiz_step_and_the_result(
    screen_page: Page, built_site: Path, site_server: str, screens_dir: Path, width: str
):
    built = BuiltRules(built_site)
    page = screen_page
    page.goto(site_server + "quiz/")
    expect(quiz_form(page)).to_be_visible()
    step = 1
    shoot(page, screens_dir, width, f"{step:02d}-{current_question(page)}")
    continue_(page)  # nothing chosen: the error summary
    expect(page.locator(".ipma-error-summary")).to_be_visible()
    shoot(page, screens_dir, width, f"{step:02d}-{current_question(page)}-error")
    while True:
        qid = current_question(page)
        url = page.url
        answer(page, built, qid, REGULAR[qid])
        continue_(page)
        wait_for_screen_change(page, url)
        check = page.get_by_role("heading", name="Check your answers")
        step += 1
        if check.is_visible():
            break
        shoot(page, screens_dir, width, f"{step:02d}-{current_question(page)}")
    shoot(page, screens_dir, width, f"{step:02d}-check-answers")
    see_result(page)
    shoot(page, screens_dir, width, f"{step + 1:02d}-result-regular")

    page.get_by_role("button", name="Start again").click()
    for qid in ("organization", "bar_activities", "years_regular_member"):
        expect(question_heading(page)).to_have_text(
            built.questions[qid]["text"], timeout=ENGINE_TIMEOUT_MS
        )
        answer(page, built, qid, NOT_ELIGIBLE[qid])
        continue_(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    see_result(page)
    shoot(page, screens_dir, width, f"{step + 2:02d}-result-not-eligible")


def test_screenshots_of_the_calculator_and_the_failure_message(
    screen_page: Page, site_server: str, screens_dir: Path, width: str
):
    page = screen_page
    page.goto(site_server + "enterprise/")
    expect(page.locator(".ipma-calc__enterprise-total")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    page.locator(".ipma-calc").scroll_into_view_if_needed()
    shoot(page, screens_dir, width, "calculator")

    # A visitor whose download fails: nothing kept from the visit above (the engine's local copy).
    page.evaluate("() => caches.delete('ipma-engine')")
    page.context.route("**/*.wasm.xz", lambda route: route.abort())
    try:
        page.goto(site_server + "quiz/")
        expect(page.locator(".ipma-failure")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        shoot(page, screens_dir, width, "failure")
    finally:
        page.context.unroute("**/*.wasm.xz")
