"""Failure modes in the browser (issue 6, point 5): each file the quiz loads, broken in turn.

For each of Pyodide's wasm, Python's standard library, the engine zip, the rules JSON and the
manifest, a browser route makes the file missing (HTTP 404), corrupt (other bytes, served with the
right type) or slow (held back past the loading time limit). Each time the quiz must show its
failure message, with the reason and the two ways forward (the comparison page and Headquarters),
within a bounded time and without an uncaught exception; the rest of the site must keep working
(the comparison page opens from the message, through Material's instant navigation), and the
calculator on the Enterprise page must show its own failure message.

The "slow" cases use the engine's configurable time limit (``?ipma-engine-timeout=SECONDS`` on the
page URL, docs/javascripts/engine-client.js) so they take seconds, not the default 20.

The corrupt engine zip and rules JSON also come "tampered": well-formed (a working zip, valid JSON
the quiz can even draw its first question from) but not the bytes the build recorded. Only the
worker's sha256 check against manifest.json can tell (the quiz may already have drawn its first
question from the tampered JSON), and the message says so.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    answer,
    continue_,
    duties_form,
    quiz_form,
)

SLOW_LIMIT_S = 2  # the time limit the slow cases set (?ipma-engine-timeout=2)
PROMPT_S = 15  # a missing or corrupt file must be reported well before the default 20 s limit
SLOW_MARGIN_S = 10  # slack after the limit for a loaded machine
GARBAGE = b"\x00\x01 this is not the file you are looking for \xff\xfe" * 64

FILES = {
    "pyodide.asm.wasm": ("assets/pyodide/pyodide.asm.wasm", "application/wasm"),
    "python_stdlib.zip": ("assets/pyodide/python_stdlib.zip", "application/zip"),
    "engine.zip": ("assets/engine.zip", "application/zip"),
    "rules.json": ("assets/rules.json", "application/json"),
    "manifest.json": ("assets/manifest.json", "application/json"),
}
TAMPERED_QUESTION = "A question that is not in the rules"


def tampered_engine_zip(site: Path) -> bytes:
    """The real engine zip with one module changed: a valid zip that would import and run."""
    source = zipfile.ZipFile(io.BytesIO((site / "assets" / "engine.zip").read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "quiz/api.py":
                data += b"\n# changed after the build\n"
            out.writestr(item, data)
    return buffer.getvalue()


def tampered_rules_json(site: Path) -> bytes:
    """Valid rules JSON with the first question's text changed."""
    rules = json.loads((site / "assets" / "rules.json").read_text(encoding="utf-8"))
    rules["questions"][0]["text"] = TAMPERED_QUESTION
    return json.dumps(rules).encode("utf-8")


@dataclass(frozen=True)
class Case:
    file: str
    mode: str  # "missing" | "corrupt" | "tampered" | "not-rules" | "slow"
    reason: str  # what the failure message says went wrong (a regular expression)
    body: Callable[[Path], bytes] | None = None  # for corrupt and tampered

    @property
    def id(self) -> str:
        return f"{self.file}-{self.mode}"


def _cases() -> list[Case]:
    cases = []
    corrupt_reasons = {
        "pyodide.asm.wasm": "pyodide.asm.wasm is damaged",
        "python_stdlib.zip": "python_stdlib.zip is damaged (it does not match the checksum",
        "engine.zip": "engine.zip is damaged (it does not match the checksum in manifest.json)",
        "rules.json": "rules.json is damaged",  # not JSON (the page), or not the build's (worker)
        "manifest.json": "manifest.json is not valid JSON",
    }
    for name in FILES:
        # rules.json: the page says "rules.json: HTTP 404", the worker (the calculator's engine,
        # when the page could not hand it the file) "could not download /assets/rules.json".
        missing = rf"{re.escape(name)}\W+(\(HTTP|HTTP) 404"
        # rules.json held back: the quiz waits for it (rules.json did not arrive), the calculator
        # for its engine (the engine did not finish loading).
        slow = rf"did not (arrive|finish loading) within {SLOW_LIMIT_S} seconds"
        cases.append(Case(name, "missing", missing))
        corrupt = re.escape(corrupt_reasons[name])
        cases.append(Case(name, "corrupt", corrupt, lambda _site: GARBAGE))
        cases.append(Case(name, "slow", slow))
    checksum = re.escape("is damaged (it does not match the checksum in manifest.json)")
    cases.append(Case("engine.zip", "tampered", rf"engine\.zip {checksum}", tampered_engine_zip))
    cases.append(Case("rules.json", "tampered", rf"rules\.json {checksum}", tampered_rules_json))
    # Valid JSON that is not rules at all: the quiz has no first question to draw (it used to loop
    # on "start again"), the calculator's engine refuses the bytes.
    not_rules = r"the rules it needs could not be loaded|rules\.json is damaged"
    cases.append(Case("rules.json", "not-rules", not_rules, lambda _site: b"{}"))
    return cases


CASES = _cases()


def test_every_file_fails_every_way():
    assert {(c.file, c.mode) for c in CASES} >= {
        (file, mode) for file in FILES for mode in ("missing", "corrupt", "slow")
    }


class Breakage:
    """A browser context in which one file is broken the way a case says, and what went wrong."""

    def __init__(self, browser: Any, site: Path, case: Case) -> None:
        self.case = case
        self.context = browser.new_context()
        self.held: list[Route] = []
        self.problems: list[str] = []
        path, content_type = FILES[case.file]
        body = case.body(site) if case.body else None

        def handle(route: Route) -> None:
            if case.mode == "missing":
                route.fulfill(status=404, content_type="text/plain", body="Not found")
            elif case.mode == "slow":
                self.held.append(route)  # answered only when the test ends: past any limit
            else:
                route.fulfill(status=200, content_type=content_type, body=body)

        self.context.route(re.compile(re.escape("/" + path) + r"(\?.*)?$"), handle)

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        # The browser's own line for a failed download is expected; anything else is a problem.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def close(self) -> None:
        for route in self.held:
            with contextlib.suppress(Exception):  # the page that asked may be gone already
                route.abort()
        self.context.close()


@pytest.fixture
def breakage(request, browser, built_site: Path) -> Iterator[Breakage]:
    broken = Breakage(browser, built_site, request.param)
    try:
        yield broken
    finally:
        broken.close()


def timeout_query(case: Case) -> str:
    return f"?ipma-engine-timeout={SLOW_LIMIT_S}" if case.mode == "slow" else ""


def expect_failure_message(
    page: Page, root: str, what: str, case: Case, built: BuiltRules, started: float
) -> None:
    """The failure message in `root`, on time, with its reason and both links."""
    failure = page.locator(f"{root} .ipma-failure")
    bound = SLOW_LIMIT_S + SLOW_MARGIN_S if case.mode == "slow" else PROMPT_S
    expect(failure).to_be_visible(timeout=bound * 1000)
    elapsed = time.monotonic() - started
    assert elapsed < bound, f"{case.id}: the {what} failure message took {elapsed:.1f}s"
    if case.mode == "slow":
        assert elapsed >= SLOW_LIMIT_S * 0.9, f"{case.id}: failed before the time limit"
    expect(failure).to_have_attribute("role", "alert")
    heading = f"The {what} cannot run in this browser right now"
    expect(failure.get_by_role("heading")).to_have_text(heading)
    expect(failure).to_contain_text(re.compile(case.reason))
    compare = failure.get_by_role("link", name="compare the membership categories side by side")
    expect(compare).to_have_attribute("href", re.compile(r"/membership/compare/$"))
    hq = built.rules["association"]["headquarters"]
    expect(failure.get_by_role("link", name=hq["name"])).to_have_attribute("href", hq["url"])
    expect(page.locator(".ipma-spinner")).to_have_count(0)
    expect(page.locator(f"{root}[aria-busy='true']")).to_have_count(0)


@pytest.mark.parametrize("breakage", CASES, ids=[c.id for c in CASES], indirect=True)
def test_a_broken_download_gives_the_failure_message_and_the_site_keeps_working(
    breakage: Breakage, site_server: str, built: BuiltRules
):
    case = breakage.case
    page = breakage.new_page()
    started = time.monotonic()
    page.goto(site_server + "quiz/" + timeout_query(case))
    expect_failure_message(page, ".ipma-quiz", "quiz", case, built, started)
    expect(page.locator(".ipma-quiz form")).to_have_count(0)

    # The rest of the site works: the comparison page opens from the message.
    page.locator(".ipma-failure").get_by_role("link", name="compare the membership").click()
    expect(page).to_have_url(re.compile(r"/membership/compare/$"))
    expect(page.locator("h1")).to_have_text(re.compile("Compare"))
    expect(page.locator(".md-content table").first).to_be_visible()

    # The calculator, opened afresh, starts its own engine and fails the same way.
    started = time.monotonic()
    page.goto(site_server + "enterprise/" + timeout_query(case))
    expect(page.locator("h1")).to_be_visible()
    expect_failure_message(page, ".ipma-calc", "calculator", case, built, started)
    expect(page.get_by_label("Regular members", exact=True)).to_have_count(0)
    assert breakage.problems == []


# --- the engine snapshot: speed only, never a failure ------------------------------------------


@pytest.mark.parametrize("mode", ["missing", "corrupt"])
def test_a_missing_or_damaged_snapshot_only_costs_speed(
    browser, quiz_url: str, built: BuiltRules, mode: str
):
    """Without a usable snapshot (quiz/build/snapshot.py) the worker starts Python the normal way:
    the quiz answers as always, with no failure message and no uncaught error."""
    context = browser.new_context()
    problems: list[str] = []
    try:

        def handle(route: Route) -> None:
            if mode == "missing":
                route.fulfill(status=404, content_type="text/plain", body="Not found")
            else:
                route.fulfill(status=200, content_type="application/gzip", body=GARBAGE)

        context.route(re.compile(r"/assets/engine-snapshot\.gz(\?.*)?$"), handle)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
        page.goto(quiz_url)
        answer(page, built, "organization", "law_firm")
        continue_(page)
        expect(duties_form(page, built)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        expect(page.locator(".ipma-failure")).to_have_count(0)
    finally:
        context.close()
    assert problems == []


def test_the_worker_starts_from_the_snapshot(browser, quiz_url: str):
    """The control for the test above: normally the snapshot is what Python starts from (the
    worker's timings, reported with its ready message, name the step)."""
    context = browser.new_context(bypass_csp=True)  # to read the engine's state from the test
    try:
        page = context.new_page()
        page.goto(quiz_url)
        expect(quiz_form(page)).to_be_visible()
        timings = page.evaluate(
            """async () => {
              const url = new URL("../javascripts/engine-client.js", location.href);
              const client = await import(url);
              await client.getEngine().ready;
              return client.getEngine().timings;
            }"""
        )
    finally:
        context.close()
    assert "snapshot" in timings and isinstance(timings["snapshot"], int), timings
    assert timings["snapshot"] <= timings["pyodide"], timings
