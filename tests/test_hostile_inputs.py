"""Hostile share links and stored states (issue 6, point 3), in Chromium on the real built site.

Every input in tests/hostile/inputs.yaml is opened as a share link (the URL fragment) and/or as the
quiz's stored state (sessionStorage, planted before the page's scripts run). Each must give a clear
message, focused, and a fresh start on the first question; nothing it carries may run (its payloads
try to set ``window.__pwned``, retitle the page or pollute ``Object.prototype``), and the page must
raise no uncaught exception and log no console error.

One browser tab for the whole corpus: each case is a full page load of the quiz (stored states are
planted in the tab's sessionStorage first), so the suite stays quick.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.quiz_browser import ENGINE_TIMEOUT_MS, BuiltRules, current_question, question_heading

CORPUS_FILE = Path(__file__).parent / "hostile" / "inputs.yaml"
STORAGE_KEY = "ipma-quiz"  # docs/javascripts/quiz-state.js
WHERE = ("link", "stored")


def load_corpus() -> list[dict[str, Any]]:
    return yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))


def payload_text(payload: dict[str, Any]) -> str:
    """The text a payload stands for: ``json`` as written (parts joined), or ``value`` dumped."""
    if "value" in payload:
        return json.dumps(payload["value"], ensure_ascii=False)
    parts = payload["json"]
    if isinstance(parts, str):
        return parts
    return "".join(p if isinstance(p, str) else p["repeat"] * p["times"] for p in parts)


def link_fragment(payload: dict[str, Any]) -> str:
    """The share link's fragment (without '#')."""
    if "fragment" in payload:
        return payload["fragment"]
    encoded = base64.urlsafe_b64encode(payload_text(payload).encode("utf-8")).decode("ascii")
    return "a=" + encoded.rstrip("=")


CORPUS = load_corpus()
CASES = [
    pytest.param(case, where, id=f"{case['name']}-{where}")
    for case in CORPUS
    for where in WHERE
    if where in case
]


def test_the_corpus_has_at_least_twenty_inputs_of_every_kind_asked_for():
    names = [case["name"] for case in CORPUS]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CORPUS) >= 20
    kinds = " | ".join(case["kind"] for case in CORPUS)
    for kind in (
        "malformed base64",
        "truncated",
        "wrong version",
        "older version of the questions",
        "oversized",
        "markup/script",
        "prototype pollution",
        "deep nesting",
        "non-object JSON",
        "NaN",
        "huge numbers",
        "unicode/RTL",
        "duplicated keys",
    ):
        assert kind in kinds, f"no hostile input of kind {kind!r}"
    for case in CORPUS:
        assert any(where in case for where in WHERE), case["name"]
        for where in WHERE:
            if where in case:
                assert case[where].get("message"), f"{case['name']}: {where} needs a message"
    sizes = [len(link_fragment(c["link"])) for c in CORPUS if "link" in c]
    assert max(sizes) >= 1_000_000, "an oversized (1 MB) link is part of the corpus"


JAVASCRIPTS = Path(__file__).resolve().parent.parent / "docs" / "javascripts"
# Ways a script turns a string into markup or code. The quiz builds every node with dom.js's h(),
# whose texts go through textContent and whose links go through safeUrl().
HTML_SINKS = re.compile(
    r"\.(innerHTML|outerHTML|insertAdjacentHTML|srcdoc)\b|document\.write|DOMParser"
    r"|createContextualFragment|\beval\(|new Function\b|setAttribute\(\s*['\"]on"
)


def test_the_browser_code_never_turns_a_string_into_markup_or_code():
    sources = sorted([*JAVASCRIPTS.glob("*.js"), *JAVASCRIPTS.glob("*.mjs")])
    assert len(sources) >= 5
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HTML_SINKS.search(line)
    ]
    assert found == []


@pytest.fixture(scope="module")
def first_question(built: BuiltRules) -> dict[str, Any]:
    return built.call("next_step", {"answers": {}})["question"]


class HostileTab:
    """One tab for the whole corpus (page loads are the cost, not tabs). Each case is a full load
    of the quiz page with a query of its own, so a new fragment is a new document."""

    def __init__(self, page: Page, site: str) -> None:
        self.page = page
        self.site = site
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        # The browser asks for /favicon.ico when a JSON file is the document (planting below),
        # and the site has none there: not the quiz's doing.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console error: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def open(self, case: dict[str, Any], where: str) -> None:
        url = self.site + f"quiz/?case={case['name']}-{where}"
        if where == "stored":
            # Planted from a same-origin file without scripts, so nothing rewrites the state before
            # the quiz reads it; sessionStorage belongs to the tab and survives the navigation.
            self.page.goto(self.site + "assets/rules.json")
            self.page.evaluate(
                "([key, value]) => sessionStorage.setItem(key, value)",
                [STORAGE_KEY, payload_text(case["stored"])],
            )
        else:
            url += "#" + link_fragment(case["link"])
        self.problems.clear()
        self.page.goto(url)


@pytest.fixture(scope="module")
def hostile_tab(browser, site_server: str) -> Iterator[HostileTab]:
    context = browser.new_context()
    try:
        yield HostileTab(context.new_page(), site_server)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("case", "where"), CASES)
def test_a_hostile_input_gets_a_message_and_a_fresh_start_and_runs_nothing(
    hostile_tab: HostileTab, first_question: dict[str, Any], case, where
):
    hostile_tab.open(case, where)
    page = hostile_tab.page
    notice = page.locator(".ipma-quiz .ipma-notice--warning")
    expect(notice).to_contain_text(case[where]["message"], timeout=ENGINE_TIMEOUT_MS)
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_be_focused()
    # A fresh start: the first question, nothing answered, the hostile data gone from the address
    # bar and from storage.
    expect(question_heading(page)).to_have_text(first_question["text"])
    assert current_question(page) == first_question["id"]
    expect(page.locator(".ipma-quiz input:checked")).to_have_count(0)
    assert "#" not in page.url
    stored = json.loads(page.evaluate(f"sessionStorage.getItem({json.dumps(STORAGE_KEY)})"))
    assert stored["answers"] == {}
    assert [step["id"] for step in stored["steps"]] == [first_question["id"]]
    # Nothing ran, nothing was injected, nothing was polluted.
    injected = page.locator(".ipma-quiz :is(img, script, svg, iframe, object, embed)")
    expect(injected).to_have_count(0)
    canary = page.evaluate(
        """() => ({
            pwned: typeof window.__pwned,
            title: document.title,
            polluted: typeof ({}).polluted,
            prototypeKeys: Object.keys(Object.prototype),
            javascriptLinks: [...document.querySelectorAll("a[href]")]
              .filter((a) => /^\\s*javascript:/i.test(a.getAttribute("href"))).length,
        })"""
    )
    assert canary["pwned"] == "undefined", "a payload ran"
    assert "pwned" not in canary["title"] and first_question["text"] in canary["title"]
    assert canary["polluted"] == "undefined" and canary["prototypeKeys"] == []
    assert canary["javascriptLinks"] == 0
    assert hostile_tab.problems == []
