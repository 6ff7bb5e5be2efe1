"""Helpers for the quiz and calculator browser tests: driving the quiz as a person would (clicking
labels and buttons), and the answers the engine gives in CPython for the same input.

Expected results always come from CPython's ``quiz.api.handle`` configured with the built site's
own ``assets/rules.json`` and the manifest's build date: the exact input the browser's engine gets,
so no amount is typed into a test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from quiz import api
from tests.helpers import engine_manifest

ENGINE_TIMEOUT_MS = 30_000  # a cold Pyodide start is ~3 s here; generous for loaded CI machines


class BuiltRules:
    """The built site's rules.json and build date, and CPython's answers for them."""

    def __init__(self, site_dir: Path) -> None:
        self.rules = json.loads((site_dir / "assets" / "rules.json").read_text(encoding="utf-8"))
        self.on: str | None = engine_manifest(site_dir)[1].get("on")
        self.questions = {q["id"]: q for q in self.rules["questions"]}
        self.duty_names = {
            d["id"]: d["name"] for g in self.rules["duty_groups"] for d in g["duties"]
        }
        self.engine = api.Engine.from_json(self.rules, on=self.on)

    def call(self, method: str, params: Mapping[str, Any]) -> Any:
        response = self.engine.handle({"id": 1, "method": method, "params": dict(params)})
        assert response["ok"], response
        return json.loads(json.dumps(response["result"]))

    def classify(self, answers: Mapping[str, Any]) -> dict:
        return self.call("classify", {"answers": answers})

    def quote(self, counts: Mapping[str, int], answers: Mapping[str, Any] | None = None) -> dict:
        return self.call("enterprise", {"counts": counts, "answers": answers or {}})

    def calculator_form(self) -> dict:
        """The calculator's fields, toggles and first example, as the build put them on the page."""
        return self.call("calculator_form", {})

    def flow(self, answers: Mapping[str, Any]) -> list[str]:
        """The question ids the engine asks, in order, for a person with these answers."""
        asked: list[str] = []
        given: dict[str, Any] = {}
        while True:
            step = self.call("next_step", {"answers": given})
            if step["done"]:
                return asked
            qid = step["question"]["id"]
            asked.append(qid)
            given[qid] = answers[qid]


def current_question(page: Page) -> str | None:
    """The question id the page shows (?question=ID), or None on another screen."""
    values = parse_qs(urlparse(page.url).query).get("question")
    return values[0] if values else None


def quiz_form(page: Page):
    """The quiz's own question form (not the first question the build pre-rendered into the page,
    which the quiz replaces when it starts: tests/test_quiz_static.py covers that one)."""
    return page.locator("form.ipma-question:not([data-ipma-static])")


def question_heading(page: Page):
    """The heading of the question on screen (the legend's h2, or the number input's label)."""
    return quiz_form(page).locator(".ipma-question__heading")


def option_label(built: BuiltRules, qid: str, option: str) -> str:
    """The label of a choice question's option, as the rules word it."""
    return next(o["label"] for o in built.questions[qid]["options"] if o["id"] == option)


def none_label(built: BuiltRules) -> str:
    """The duty checklist's "none of these" box label, as the rules word it."""
    return built.questions["duties"].get("none_label") or "None of these"


def duties_form(page: Page, built: BuiltRules):
    """The duty checklist's "none of these" box: on screen when the checklist is."""
    return quiz_form(page).get_by_label(none_label(built), exact=True)


def answer(page: Page, built: BuiltRules, qid: str, value: Any) -> None:
    """Fill the question on screen with `value` by clicking its labels (or typing a number)."""
    question = built.questions[qid]
    form = quiz_form(page)
    kind = question["kind"]
    if kind == "choice":
        label = option_label(built, qid, value)
        form.locator("label").get_by_text(label, exact=True).click()
    elif kind == "yes_no":
        form.locator("label").get_by_text("Yes" if value else "No", exact=True).click()
    elif kind == "number":
        form.get_by_label(question["text"]).fill(str(value))
    elif kind == "duties":
        # Clear what an earlier visit ticked, then tick this person's duties (or "None of these").
        ticked = [box.get_attribute("id") for box in form.locator("input:checked").all()]
        for box_id in ticked:
            form.locator(f"label[for='{box_id}']").click()
        if not value:
            form.locator("label").get_by_text(none_label(built), exact=True).click()
        for duty in value:
            form.locator("label").get_by_text(built.duty_names[duty], exact=True).click()
    else:  # pragma: no cover - a new kind of question needs a new branch here
        raise AssertionError(f"unknown question kind {kind}")


def continue_(page: Page) -> None:
    quiz_form(page).get_by_role("button", name="Continue").click()


def wait_for_screen_change(page: Page, previous_url: str) -> None:
    expect(page).not_to_have_url(previous_url, timeout=ENGINE_TIMEOUT_MS)


def take_quiz(page: Page, built: BuiltRules, answers: Mapping[str, Any]) -> list[str]:
    """Answer every question the page asks, from `answers`, up to the check-answers page.
    Returns the question ids in the order they were shown."""
    shown: list[str] = []
    for _ in range(len(built.questions) + 1):
        heading = page.get_by_role("heading", name="Check your answers")
        form = quiz_form(page)
        expect(form.or_(heading).first).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        if heading.is_visible():
            return shown
        qid = current_question(page)
        assert qid is not None, f"no question in {page.url}"
        assert qid in answers, f"the quiz asked {qid!r}, which this persona has no answer for"
        expect(form.get_by_role("heading", level=2)).to_have_text(built.questions[qid]["text"])
        shown.append(qid)
        url = page.url
        answer(page, built, qid, answers[qid])
        continue_(page)
        wait_for_screen_change(page, url)
    raise AssertionError(f"the quiz never reached the check-answers page: {shown}")


def see_result(page: Page) -> None:
    page.get_by_role("button", name="See your result").click()
    expect(page.locator("#ipma-result-heading")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)


def expect_result(page: Page, result: Mapping[str, Any]) -> None:
    """The result on screen is the engine's: category, dues and their year, reasons, apply links."""
    outcome = result["outcome"]
    heading = page.locator("#ipma-result-heading")
    expect(heading).to_be_visible(timeout=ENGINE_TIMEOUT_MS)  # after a reload Python loads first
    if outcome["kind"] == "category":
        expect(heading).to_contain_text(outcome["name"])
    else:
        expect(heading).to_contain_text("No membership category fits")
    panel = page.locator(".ipma-panel")
    dues = result["dues"]
    if dues is not None:
        expect(panel.locator(".ipma-panel__amount")).to_have_text(dues["display"])
        expect(panel).to_contain_text(dues["label"])
        if dues["rate_label"]:
            expect(panel).to_contain_text(dues["rate_label"])
    elif result["dues_note"]:
        expect(panel).to_contain_text(result["dues_note"])
    reasons = page.locator(".ipma-reason")
    expect(reasons).to_have_count(len(result["reasons"]))
    for reason, item in zip(result["reasons"], reasons.all(), strict=True):
        expect(item).to_contain_text(reason["text"])
        status = {True: "Met:", False: "Not met:", None: "Not asked:"}[reason["met"]]
        expect(item).to_contain_text(status)
        for source in reason["sources"]:
            expect(item).to_contain_text(source["title"])
            # A link is labelled for where it goes: the title only when the address is its own.
            name = source["title"] if source["url_confirmed"] else urlparse(source["url"]).netloc
            link = item.get_by_role("link", name=name, exact=True)
            expect(link.first).to_have_attribute("href", source["url"])
        if reason["note"]:
            expect(item).to_contain_text(reason["note"])
    for link in result["apply"]:
        # A link's label never promises a page its address does not lead to.
        if link["url_confirmed"]:
            shown = page.get_by_role("link", name=link["label"])
            expect(shown).to_have_attribute("href", link["url"])
        else:
            expect(page.locator(".ipma-result")).to_contain_text(link["label"])
            go = page.get_by_role("link", name=f"Go to {link['destination']}", exact=True)
            expect(go.first).to_have_attribute("href", link["url"])
    for other in result["also_meets"]:
        expect(page.locator(".ipma-result")).to_contain_text(other["why_not_chosen"])
    for note in result["notes"]:
        expect(page.locator(".ipma-result")).to_contain_text(note)
    upgrade = result["nearest_upgrade"]
    if upgrade:
        expect(page.locator(".ipma-result")).to_contain_text(upgrade["text"])
        for missing in upgrade["missing"]:
            expect(page.locator(".ipma-result")).to_contain_text(missing)
    expect(page.locator(".ipma-disclaimer")).to_have_text(result["disclaimer"])


def instant_navigation(page: Page, url: str) -> None:
    """Go to `url` the way Material's instant navigation does for a click on a link: a new history
    entry, then its `location$` (a real click before Material has read its sitemap would load the
    page in full, and nothing on the page says when it has; the subject needs no sitemap)."""
    page.evaluate(
        "(url) => { history.pushState(null, '', url); window.location$.next(new URL(url)); }", url
    )


def share_link(page: Page) -> str:
    return page.get_by_label("Link to this result").input_value()


def pyodide_request(url: str) -> bool:
    """A request for a file that only the quiz engine needs."""
    path = urlparse(url).path
    return bool(re.search(r"/assets/engine/", path) or path.endswith("/engine-worker.mjs"))


def fill_calculator(page: Page, built: BuiltRules, numbers: tuple[int, ...]) -> dict:
    """Type `numbers` into the calculator's fields in the order the rules give them (the toggles as
    they start); returns CPython's quote for what was typed."""
    form = built.calculator_form()
    counts = {}
    for field, number in zip(form["fields"], numbers, strict=False):
        page.get_by_label(field["label"], exact=True).fill(str(number))
        counts[field["category"]] = number
    return built.quote(counts, form["start"]["answers"])
