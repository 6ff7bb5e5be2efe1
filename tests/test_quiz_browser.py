"""The eligibility quiz in a real browser (Debian's Chromium via Playwright) on the real built site.

People are simulated by clicking labels and buttons. What they should see is never typed here: it
is what CPython's engine answers for the same answers, with the site's own rules.json and date.

One browser context is shared by the personas (the engine loads once, each persona starts again
from the result page); tests about loading, reloading and navigation use fresh contexts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    answer,
    continue_,
    current_question,
    duties_form,
    expect_result,
    instant_navigation,
    pyodide_request,
    question_heading,
    quiz_form,
    see_result,
    share_link,
    take_quiz,
)

# Answers to every question a persona could be asked; the engine decides which ones are asked.
NOT_THE_CASE: dict[str, Any] = {
    "duties": [],
    "people_supervised": 0,
    "nonprofit": False,
    "bar_activities": False,
    "association_executive": False,
    "educator": False,
    "accredited_program": False,
    "seeking_development": False,
    "years_regular_member": 0,
    "years_managing": 0,
}
REGULAR_DUTIES = [
    "recruiting",
    "orientation",
    "budgeting",
    "salary_administration",
    "delegation",
    "personnel_training",
]

# name → (answers, the category the person is (None: not eligible), the named rate they pay (None:
# the category's own amount))
PERSONAS: dict[str, tuple[dict[str, Any], str | None, str | None]] = {
    "regular at a law firm": (
        {"organization": "law_firm", "duties": REGULAR_DUTIES, "people_supervised": 4},
        "regular",
        None,
    ),
    "regular at a non-profit": (
        {
            "organization": "government_legal",
            "duties": [
                "recruiting",
                "performance_evaluation",
                "budgeting",
                "financial_reports",
                "workflow",
            ],
            "people_supervised": 4,
            "nonprofit": True,
        },
        "regular",
        "nonprofit",
    ),
    "associate with three duties": (
        {"organization": "corporate_legal", "duties": ["recruiting", "budgeting", "delegation"]},
        "associate",
        None,
    ),
    "affiliate who wants to grow": (
        {"organization": "law_firm", "duties": ["workflow"], "seeking_development": True},
        "affiliate",
        None,
    ),
    "academic at an accredited program": (
        {"organization": "education", "educator": True, "accredited_program": True},
        "academic",
        None,
    ),
    "emeritus, retired former regular": (
        {"organization": "none", "years_regular_member": 3, "years_managing": 12},
        "emeritus",
        None,
    ),
    "business partner (consultant)": ({"organization": "provider"}, "business_partner", None),
    "not eligible": (
        {"organization": "none", "years_regular_member": 1, "years_managing": 4},
        None,
        None,
    ),
}


def persona(name: str) -> dict[str, Any]:
    return {**NOT_THE_CASE, **PERSONAS[name][0]}


@pytest.fixture(scope="module")
def shared_context(browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def quiz(shared_context, quiz_url: str) -> Iterator[Page]:
    """The quiz on its first question, in the shared context. After a result it starts again in
    the same page (the engine stays loaded); otherwise it opens a new tab (new sessionStorage)."""
    pages = shared_context.pages
    page = pages[0] if pages else None
    restart = page.get_by_role("button", name="Start again") if page else None
    if page is not None and restart.is_visible():
        restart.click()
    else:
        if page is not None:
            page.close()
        page = shared_context.new_page()
        page.goto(quiz_url)
    # The quiz itself (not only the first question the build pre-rendered) is on its first screen.
    expect(page).to_have_url(re.compile(r"\?question=organization$"))
    expect(quiz_form(page)).to_be_visible()
    assert current_question(page) == "organization"
    yield page


# --- personas ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PERSONAS))
def test_persona_reaches_the_engines_category_and_dues(quiz: Page, built: BuiltRules, name: str):
    answers = persona(name)
    _, category, rate = PERSONAS[name]
    flow = built.flow(answers)
    expected = built.classify({qid: answers[qid] for qid in flow})
    # The persona means what its name says (guards against a rules change hollowing the test out).
    assert expected["outcome"]["category"] == category
    assert (expected["dues"] or {}).get("rate") == rate

    assert take_quiz(quiz, built, answers) == flow
    rows = quiz.locator(".ipma-summary-list__row")
    expect(rows).to_have_count(len(flow))
    see_result(quiz)
    expect_result(quiz, expected)
    expect(quiz.locator("#ipma-result-heading")).to_be_focused()
    assert "Your result" in quiz.title()


def step(built: BuiltRules, answers: dict[str, Any]) -> dict[str, Any]:
    return built.call("next_step", {"answers": answers})


def test_each_question_shows_its_number_the_same_way(quiz: Page, built: BuiltRules):
    """One honest form all the way: "Question N", never a total that appears half way."""
    answers = persona("regular at a law firm")
    given: dict[str, Any] = {}
    for qid in built.flow(answers):
        expected = f"Question {step(built, given)['number']}"
        expect(quiz_form(quiz).locator(".ipma-caption")).to_have_text(
            expected, timeout=ENGINE_TIMEOUT_MS
        )
        answer(quiz, built, qid, answers[qid])
        continue_(quiz)
        given[qid] = answers[qid]
    expect(quiz.get_by_role("heading", name="Check your answers")).to_be_visible()


def test_missing_answers_get_the_error_summary_and_inline_errors(quiz: Page, built: BuiltRules):
    continue_(quiz)
    summary = quiz.locator(".ipma-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(step(built, {})["question"]["errors"]["missing"])
    assert quiz.title().startswith("Error: ")
    summary.get_by_role("link").click()
    expect(quiz_form(quiz).locator("input[type=radio]").first).to_be_focused()
    answer(quiz, built, "organization", "none")
    continue_(quiz)
    expect(question_heading(quiz)).to_have_text(
        built.questions["bar_activities"]["text"], timeout=ENGINE_TIMEOUT_MS
    )
    answer(quiz, built, "bar_activities", False)
    continue_(quiz)
    number = step(built, {"organization": "none", "bar_activities": False})["question"]
    assert number["kind"] == "number"
    errors = number["errors"]
    for typed, message in [
        ("", errors["missing"]),
        ("two", errors["not_whole"]),
        ("1,5", errors["not_whole"]),  # never read as 15
        ("1.5", errors["not_whole"]),
        ("-1", errors["not_whole"]),
        (str(number["max"] + 1), errors["out_of_range"]),
    ]:
        quiz_form(quiz).get_by_role("textbox").fill(typed)
        continue_(quiz)
        expect(quiz.locator(".ipma-error-message")).to_have_text(f"Error: {message}")
        expect(quiz.locator(".ipma-error-summary")).to_contain_text(message)
        expect(quiz_form(quiz).get_by_role("textbox")).to_have_attribute("aria-invalid", "true")


def test_none_of_these_clears_ticked_duties_and_the_reverse(quiz: Page, built: BuiltRules):
    answer(quiz, built, "organization", "law_firm")
    continue_(quiz)
    form = quiz_form(quiz)
    none = duties_form(quiz, built)
    expect(none).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    form.get_by_label(built.duty_names["recruiting"]).check()
    none.check()
    expect(form.get_by_label(built.duty_names["recruiting"])).not_to_be_checked()
    form.get_by_label(built.duty_names["budgeting"]).check()
    expect(none).not_to_be_checked()
    # grouped by duty area, each a fieldset with its legend
    for group in built.rules["duty_groups"]:
        if group["duties"]:
            expect(form.locator("fieldset fieldset legend", has_text=group["name"])).to_be_visible()


# --- moving around -------------------------------------------------------------------------------


def checked_duties(page: Page, built: BuiltRules) -> set[str]:
    names = {v: k for k, v in built.duty_names.items()}
    labels = []
    for box in quiz_form(page).locator("input[type=checkbox]:checked").all():
        labels.append(page.locator(f"label[for='{box.get_attribute('id')}']").inner_text())
    return {names[label] for label in labels if label in names}


def to_the_supervision_question(page: Page, built: BuiltRules) -> dict[str, Any]:
    """A law firm's Regular member answers the first two questions; returns the persona."""
    answers = persona("regular at a law firm")
    answer(page, built, "organization", "law_firm")
    continue_(page)
    expect(duties_form(page, built)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    answer(page, built, "duties", answers["duties"])
    continue_(page)
    expect(question_heading(page)).to_have_text(built.questions["people_supervised"]["text"])
    return answers


def test_back_link_and_browser_back_keep_answers(quiz: Page, built: BuiltRules):
    page = quiz
    answers = to_the_supervision_question(page, built)

    page.get_by_role("link", name="Back").click()
    expect(question_heading(page)).to_have_text(built.questions["duties"]["text"])
    assert checked_duties(page, built) == set(answers["duties"])
    expect(question_heading(page)).to_be_focused()

    page.go_back()
    expect(question_heading(page)).to_have_text(built.questions["organization"]["text"])
    expect(quiz_form(page).get_by_label("A law firm")).to_be_checked()

    page.go_forward()
    expect(question_heading(page)).to_have_text(built.questions["duties"]["text"])
    page.go_forward()
    expect(question_heading(page)).to_have_text(built.questions["people_supervised"]["text"])

    # Back twice by link, then Continue twice: the same answers lead the same way.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Back").click()
    expect(quiz_form(page).get_by_label("A law firm")).to_be_checked()
    continue_(page)
    expect(question_heading(page)).to_have_text(built.questions["duties"]["text"])
    assert checked_duties(page, built) == set(answers["duties"])
    continue_(page)
    expect(question_heading(page)).to_have_text(built.questions["people_supervised"]["text"])


def test_change_from_check_answers_returns_to_check_answers(quiz: Page, built: BuiltRules):
    page = quiz
    answers = persona("regular at a law firm")
    take_quiz(page, built, answers)
    nonprofit_text = built.questions["nonprofit"]["text"]
    page.get_by_role("link", name=f"Change your answer to: {nonprofit_text}").click()
    form = quiz_form(page)
    expect(question_heading(page)).to_have_text(nonprofit_text)
    expect(form.get_by_label("No")).to_be_checked()
    expect(page.get_by_role("link", name="Back")).to_be_visible()
    answer(page, built, "nonprofit", True)
    continue_(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    row = page.locator(".ipma-summary-list__row", has_text=nonprofit_text)
    expect(row.locator(".ipma-summary-list__value")).to_have_text("Yes")
    see_result(page)
    changed = {**answers, "nonprofit": True}
    flow = built.flow(changed)
    expect_result(page, built.classify({q: changed[q] for q in flow}))

    # A change that reshapes the path: three duties cannot be Regular, so fewer questions remain.
    page.get_by_role("link", name="Check or change your answers").click()
    page.get_by_role(
        "link", name=f"Change your answer to: {built.questions['duties']['text']}"
    ).click()
    fewer = {**changed, "duties": ["recruiting", "budgeting", "delegation"]}
    answer(page, built, "duties", fewer["duties"])
    continue_(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible(
        timeout=ENGINE_TIMEOUT_MS
    )
    flow = built.flow(fewer)
    expect(page.locator(".ipma-summary-list__row")).to_have_count(len(flow))
    see_result(page)
    expect_result(page, built.classify({q: fewer[q] for q in flow}))


def test_share_link_reopened_in_a_new_context_restores_the_result(
    quiz: Page, built: BuiltRules, browser
):
    answers = persona("affiliate who wants to grow")
    flow = take_quiz(quiz, built, answers)
    see_result(quiz)
    link = share_link(quiz)
    base, _, fragment = link.partition("#")
    assert fragment.startswith("a=") and "?" not in base  # answers only after the '#'
    for qid in flow:
        assert qid not in base

    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(link)
        expected = built.classify({q: answers[q] for q in flow})
        expect(page.locator("#ipma-result-heading")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        expect_result(page, expected)
        page.get_by_role("link", name="Check or change your answers").click()
        expect(page.locator(".ipma-summary-list__row")).to_have_count(len(flow))
        page.go_back()
        expect(page.locator("#ipma-result-heading")).to_be_visible()
        # The answers left the address bar once restored: the result's entry has no fragment.
        assert page.url.endswith("/quiz/?page=result"), page.url
    finally:
        context.close()


# Bad and hostile share links and stored states: tests/test_hostile_inputs.py (issue 6).


def test_a_reload_keeps_answers_and_the_screen(browser, quiz_url, built: BuiltRules):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(quiz_url)
        answers = to_the_supervision_question(page, built)

        page.reload()
        expect(question_heading(page)).to_have_text(built.questions["people_supervised"]["text"])
        so_far = {"organization": "law_firm", "duties": REGULAR_DUTIES}
        number = step(built, so_far)["number"]
        expect(quiz_form(page).locator(".ipma-caption")).to_have_text(f"Question {number}")
        page.get_by_role("link", name="Back").click()
        assert checked_duties(page, built) == set(answers["duties"])
        continue_(page)
        take_quiz(page, built, answers)
        see_result(page)
        page.reload()
        flow = built.flow(answers)
        expect_result(page, built.classify({q: answers[q] for q in flow}))
    finally:
        context.close()


# --- failure, instant navigation, pages without the quiz ----------------------------------------


def test_blocked_wasm_shows_the_failure_message_within_seconds(
    browser, quiz_url, built: BuiltRules
):
    context = browser.new_context()
    try:
        context.route("**/*.wasm.xz", lambda route: route.abort())
        page = context.new_page()
        start = time.monotonic()
        page.goto(quiz_url)
        # No check that question 1 shows first: with the wasm aborted, the failure can replace it
        # before any check sees it. The test of the first question before Python holds the wasm
        # download instead (test_first_question_works_before_python_and_an_early_answer_...).
        failure = page.locator(".ipma-failure")
        expect(failure).to_be_visible(timeout=8000)
        elapsed = time.monotonic() - start
        assert elapsed < 8, f"the failure message took {elapsed:.1f}s"
        expect(failure).to_have_attribute("role", "alert")
        expect(failure).to_contain_text("pyodide.asm.wasm")  # says what failed
        hq = built.rules["association"]["headquarters"]
        expect(failure.get_by_role("link", name=hq["name"])).to_have_attribute("href", hq["url"])
        compare = failure.get_by_role("link", name="compare the membership categories")
        assert compare.get_attribute("href").endswith("/membership/compare/")
        expect(page.locator(".ipma-spinner")).to_have_count(0)
        compare.click()  # the rest of the site keeps working
        expect(page).to_have_url(re.compile(r"/membership/compare/$"))
    finally:
        context.close()


def test_the_quiz_works_after_instant_navigation_with_one_worker(browser, site_server, built):
    # The shared site is built with site_url = the address it is served on (conftest), which
    # Material's instant navigation needs.
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[tuple[str, str]] = []
        page.on("request", lambda r: requests.append((r.url, r.resource_type)))
        page.goto(site_server)
        expect(page.locator("html")).to_have_attribute("data-ipma-page", re.compile("/$"))
        expect(page.locator("html")).not_to_have_attribute("data-ipma-engine", re.compile("."))

        instant_navigation(page, site_server + "quiz/")
        expect(quiz_form(page)).to_be_visible()
        documents = [url for url, kind in requests if kind == "document"]
        assert documents == [site_server], "the quiz page was loaded in full, not instantly"
        answer(page, built, "organization", "law_firm")
        continue_(page)
        expect(duties_form(page, built)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)

        # Away and back again: the answers and the one worker remain.
        instant_navigation(page, site_server)
        expect(quiz_form(page)).to_have_count(0)
        instant_navigation(page, site_server + "quiz/")
        expect(duties_form(page, built)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        answer(page, built, "duties", REGULAR_DUTIES)
        continue_(page)
        expect(question_heading(page)).to_have_text(built.questions["people_supervised"]["text"])
        assert [url for url, kind in requests if kind == "document"] == [site_server]
        workers = [url for url, _ in requests if url.endswith("/engine-worker.mjs")]
        wasm = [url for url, _ in requests if url.endswith(".wasm.xz")]
        assert len(workers) == 1 and len(wasm) == 1
    finally:
        context.close()


def test_pages_other_than_the_quiz_and_enterprise_start_no_engine_until_a_visitor_heads_there(
    browser, built_site, site_server
):
    """A page without the quiz or the calculator downloads no engine file, and starts nothing
    while the visitor points at other links; pointing at a link to the quiz starts the engine's
    download at once (issue 12: intent), before any click."""
    pages = sorted(
        p.parent.relative_to(built_site).as_posix()
        for p in built_site.rglob("index.html")
        if not p.relative_to(built_site).as_posix().startswith("assets/")
    )
    checked = [p for p in pages if p not in {"quiz", "enterprise"}]
    assert len(checked) >= 5
    for path in checked:
        context = browser.new_context()  # a fresh one each time: nothing carried over
        try:
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(site_server + ("" if path == "." else path + "/"))
            # app.js has seen the page (and so has done whatever it would do on its own).
            html = page.locator("html")
            expect(html).to_have_attribute("data-ipma-page", re.compile("/$"))
            expect(html).not_to_have_attribute("data-ipma-engine", re.compile("."))
            assert [url for url in requests if pyodide_request(url)] == [], path
            if path != ".":
                continue
            # The home page: pointing at other links starts nothing; at the quiz, the engine.
            page.locator(".md-content a[href$='membership/compare/']").first.hover()
            expect(html).not_to_have_attribute("data-ipma-engine", re.compile("."))
            page.locator(".md-content a[href$='quiz/']").first.hover()
            expect(html).to_have_attribute("data-ipma-engine", re.compile("loading|ready"))
            expect(html).to_have_attribute("data-ipma-engine", "ready", timeout=ENGINE_TIMEOUT_MS)
            assert [url for url in requests if pyodide_request(url)], "no engine file was fetched"
        finally:
            context.close()


# --- before Python is ready, keyboard only, screen readers, print -------------------------------


def test_the_first_screens_work_before_python_and_an_answer_that_needs_it_waits_visibly(
    browser, quiz_url, built: BuiltRules
):
    """The wasm download is held back: the first question and the screens the page already holds
    (quiz/build/step_table.py) work at once; the checklist's answer, which needs Python, shows
    the honest waiting state (busy, announced, with the download's progress) until it is ready."""
    context = browser.new_context()
    held: list[Any] = []
    try:
        context.route("**/*.wasm.xz", lambda route: held.append(route))
        page = context.new_page()
        page.goto(quiz_url)
        expect(question_heading(page)).to_have_text(built.questions["organization"]["text"])
        answer(page, built, "organization", "law_firm")
        continue_(page)
        expect(duties_form(page, built)).to_be_visible()  # from the page, while the wasm waits
        answer(page, built, "duties", REGULAR_DUTIES)
        page.locator(".ipma-quiz form button[type=submit]").click()
        status = page.locator(".ipma-quiz__status")
        expect(status).to_have_attribute("role", "status")
        expect(status.get_by_role("status")).to_contain_text("Preparing the quiz")
        expect(status.locator(".ipma-progress__figures")).to_have_text(re.compile(r"MB"))
        expect(page.locator(".ipma-quiz")).to_have_attribute("aria-busy", "true")
        assert held, "the wasm request was not made"
        for route in held:
            route.continue_()
        expect(question_heading(page)).to_have_text(
            built.questions["people_supervised"]["text"], timeout=ENGINE_TIMEOUT_MS
        )
        expect(status).to_be_empty()
        expect(page.locator(".ipma-quiz")).not_to_have_attribute("aria-busy", "true")
    finally:
        context.close()


def tab_to(page: Page, target, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        try:
            expect(target).to_be_focused(timeout=50)
            return
        except AssertionError:
            continue
    raise AssertionError(f"Tab never reached {target}")


def test_the_quiz_can_be_completed_with_the_keyboard_only(quiz: Page, built: BuiltRules):
    page = quiz
    form = quiz_form(page)
    tab_to(page, form.get_by_label("A law firm"))
    page.keyboard.press("Space")
    tab_to(page, form.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    expect(question_heading(page)).to_have_text(
        built.questions["duties"]["text"], timeout=ENGINE_TIMEOUT_MS
    )
    expect(question_heading(page)).to_be_focused()  # focus moved to the new question
    for duty in REGULAR_DUTIES:
        tab_to(page, form.get_by_label(built.duty_names[duty], exact=True))
        page.keyboard.press("Space")
    tab_to(page, form.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    people = persona("regular at a law firm")["people_supervised"]
    expect(question_heading(page)).to_have_text(
        built.questions["people_supervised"]["text"], timeout=ENGINE_TIMEOUT_MS
    )
    expect(question_heading(page)).to_be_focused()
    tab_to(page, form.get_by_role("textbox"))
    page.keyboard.type(str(people))
    page.keyboard.press("Enter")  # Enter in the box submits, as in any form

    expect(question_heading(page)).to_have_text(
        built.questions["nonprofit"]["text"], timeout=ENGINE_TIMEOUT_MS
    )
    expect(question_heading(page)).to_be_focused()
    tab_to(page, form.get_by_label("Yes", exact=True))
    page.keyboard.press("ArrowRight")  # moves to, and selects, "No"
    tab_to(page, form.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    check = page.get_by_role("heading", name="Check your answers")
    expect(check).to_be_focused(timeout=ENGINE_TIMEOUT_MS)
    tab_to(page, page.get_by_role("button", name="See your result"))
    page.keyboard.press("Enter")
    heading = page.locator("#ipma-result-heading")
    expect(heading).to_be_focused(timeout=ENGINE_TIMEOUT_MS)
    answers = {**persona("regular at a law firm"), "nonprofit": False}
    flow = built.flow(answers)
    expect_result(page, built.classify({q: answers[q] for q in flow}))


def test_the_result_is_announced_and_prints_without_buttons(quiz: Page, built: BuiltRules):
    answers = persona("associate with three duties")
    take_quiz(quiz, built, answers)
    see_result(quiz)
    name = built.classify({q: answers[q] for q in built.flow(answers)})["outcome"]["name"]
    announcer = quiz.locator(".ipma-quiz [aria-live='assertive']")
    expect(announcer).to_have_text(f"Your result: {name} membership.")
    quiz.emulate_media(media="print")
    try:
        expect(quiz.locator(".ipma-panel")).to_be_visible()
        expect(quiz.locator(".ipma-reasons").first).to_be_visible()
        expect(quiz.locator(".ipma-share")).to_be_hidden()
        expect(quiz.get_by_role("button", name="Start again")).to_be_hidden()
        expect(quiz.locator("#privacy")).to_be_hidden()  # only the result under the page title
        expect(quiz.locator(".md-header")).to_be_hidden()
    finally:
        quiz.emulate_media(media="screen")


def test_check_answers_says_a_number_with_the_rules_words_for_one_and_many(
    browser, quiz_url: str, built: BuiltRules
):
    question = built.questions["people_supervised"]
    for people, word in ((1, question["unit_one"]), (2, question["unit"])):
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(quiz_url)
            answers = {**persona("regular at a law firm"), "people_supervised": people}
            take_quiz(page, built, answers)
            row = page.locator(".ipma-summary-list__row", has_text=question["text"])
            expect(row.locator(".ipma-summary-list__value")).to_have_text(f"{people} {word}")
        finally:
            context.close()
