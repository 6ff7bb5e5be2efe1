"""Failure modes in the browser (issues 6 and 12): each file the engine loads, broken in turn.

For the manifest, Pyodide's wasm, the Python bundle, the rules JSON and Pyodide's loader, a browser
route makes the file missing (HTTP 404), corrupt (other bytes, served with the right type) or
stalled (no byte ever comes). Each time the quiz must show its failure message, with what happened,
a Try again button and the two ways forward (the comparison page and Headquarters), without an
uncaught exception; the rest of the site must keep working (the comparison page opens from the
message, through Material's instant navigation), and the calculator must show its own message.

A stall fails only after the stall limit, which the page URL's ``?ipma-engine-timeout=SECONDS``
sets (docs/javascripts/engine-client.js) so that these take seconds; a download that is slow but
steady never fails, however long it takes (the last test).

The Python bundle and the rules JSON also come "tampered": well-formed (a valid xz stream, valid
JSON the quiz can even draw its first question from) but not the bytes the build recorded. Only
the worker's sha256 check against the manifest can tell, and the message says so.
"""

from __future__ import annotations

import contextlib
import io
import json
import lzma
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.helpers import engine_manifest
from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    answer,
    continue_,
    duties_form,
    quiz_form,
)

STALL_S = 2  # the stall limit the stalled cases set (?ipma-engine-timeout=2)
PROMPT_S = 15  # a missing or corrupt file must be reported well before any stall limit
STALL_MARGIN_S = 10  # slack after the limit for a loaded machine
GARBAGE = b"\x00\x01 this is not the file you are looking for \xff\xfe" * 64
HASH = r"[0-9a-f]{12}"

# name in the message → (URL pattern, content type)
FILES = {
    "the manifest": (rf"/assets/engine/manifest\.{HASH}\.json", "application/json"),
    "pyodide.asm.wasm": (rf"/assets/engine/pyodide\.asm\.{HASH}\.wasm\.xz", "application/x-xz"),
    "the Python bundle": (rf"/assets/engine/python\.{HASH}\.zip\.xz", "application/x-xz"),
    "rules.json": (r"/assets/rules\.json", "application/json"),
    "Pyodide's loader": (rf"/assets/engine/pyodide\.{HASH}\.mjs", "text/javascript"),
    "the xz decoder": (rf"/assets/engine/xz-decoder\.{HASH}\.wasm", "application/wasm"),
}
TAMPERED_QUESTION = "A question that is not in the rules"


def tampered_bundle(site: Path) -> bytes:
    """The real Python bundle with one module changed: a valid xz stream of a valid zip."""
    uri, manifest = engine_manifest(site)
    packed = (site / Path(uri).parent / manifest["files"]["python.xz"]["url"]).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(lzma.decompress(packed)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "quiz/api.pyc":
                data += b"\0"
            out.writestr(item, data)
    return lzma.compress(buffer.getvalue(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)


def tampered_rules_json(site: Path) -> bytes:
    """Valid rules JSON with the first question's text changed."""
    rules = json.loads((site / "assets" / "rules.json").read_text(encoding="utf-8"))
    rules["questions"][0]["text"] = TAMPERED_QUESTION
    return json.dumps(rules).encode("utf-8")


@dataclass(frozen=True)
class Case:
    file: str
    mode: str  # "missing" | "corrupt" | "tampered" | "not-rules" | "stalled"
    reason: str  # what the failure message says went wrong (a regular expression)
    body: Callable[[Path], bytes] | None = None  # for corrupt and tampered

    @property
    def id(self) -> str:
        return f"{self.file.replace(' ', '-')}-{self.mode}"


def _cases() -> list[Case]:
    cases = []
    corrupt_reasons = {
        "the manifest": "the manifest is not valid JSON",
        "pyodide.asm.wasm": "pyodide.asm.wasm (is damaged|could not be used)",
        "the Python bundle": "the Python bundle is damaged",
        "rules.json": "rules.json is damaged",  # not JSON (the page), or not the build's (worker)
        "Pyodide's loader": "could not load Pyodide's loader",
        "the xz decoder": "the xz decoder is damaged",
    }
    for name in FILES:
        # rules.json: the page says "rules.json: HTTP 404"; the calculator's worker, when the page
        # could not hand it the file, "could not download rules.json (HTTP 404)".
        missing = rf"{re.escape(name)}\W+(\(HTTP|HTTP) 404|could not load {re.escape(name)}"
        # rules.json held back: the quiz waits for it, the calculator for its engine.
        stalled = rf"no data (of rules\.json )?(has )?arrived for {STALL_S} seconds"
        cases.append(Case(name, "missing", missing))
        cases.append(Case(name, "corrupt", corrupt_reasons[name], lambda _site: GARBAGE))
        cases.append(Case(name, "stalled", stalled))
    checksum = re.escape("is damaged (it does not match the checksum in the manifest)")
    cases.append(
        Case("the Python bundle", "tampered", rf"Python bundle {checksum}", tampered_bundle)
    )
    cases.append(Case("rules.json", "tampered", rf"rules\.json {checksum}", tampered_rules_json))
    # Valid JSON that is not rules at all: the quiz has no first question to draw, the calculator's
    # engine refuses the bytes.
    not_rules = r"the rules it needs could not be loaded|rules\.json is damaged"
    cases.append(Case("rules.json", "not-rules", not_rules, lambda _site: b"{}"))
    return cases


CASES = _cases()


def test_every_file_fails_every_way():
    assert {(c.file, c.mode) for c in CASES} >= {
        (file, mode) for file in FILES for mode in ("missing", "corrupt", "stalled")
    }


class Breakage:
    """A browser context in which one file is broken the way a case says, and what went wrong."""

    def __init__(self, browser: Any, site: Path, case: Case) -> None:
        self.case = case
        self.context = browser.new_context()
        self.held: list[Route] = []
        self.problems: list[str] = []
        pattern, content_type = FILES[case.file]
        body = case.body(site) if case.body else None

        def handle(route: Route) -> None:
            if case.mode == "missing":
                route.fulfill(status=404, content_type="text/plain", body="Not found")
            elif case.mode == "stalled":
                self.held.append(route)  # answered only when the test ends: past any limit
            else:
                route.fulfill(status=200, content_type=content_type, body=body)

        self.context.route(re.compile(pattern + r"(\?.*)?$"), handle)

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on("console", self._console)
        return page

    def _console(self, message: Any) -> None:
        # The browser's own line for a failed download or import is expected; anything else is a
        # problem.
        expected = ("Failed to load resource", "Failed to load module script")
        if message.type == "error" and not message.text.startswith(expected):
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


def stall_query(case: Case) -> str:
    return f"?ipma-engine-timeout={STALL_S}" if case.mode == "stalled" else ""


def expect_failure_message(
    page: Page, root: str, what: str, case: Case, built: BuiltRules, started: float
) -> None:
    """The failure message in `root`, on time, with what happened, Try again and both links."""
    failure = page.locator(f"{root} .ipma-failure")
    bound = STALL_S + STALL_MARGIN_S if case.mode == "stalled" else PROMPT_S
    expect(failure).to_be_visible(timeout=bound * 1000)
    elapsed = time.monotonic() - started
    assert elapsed < bound, f"{case.id}: the {what} failure message took {elapsed:.1f}s"
    if case.mode == "stalled":
        assert elapsed >= STALL_S * 0.9, f"{case.id}: failed before the stall limit"
    expect(failure).to_have_attribute("role", "alert")
    expect(failure.get_by_role("heading")).to_have_text(f"The {what} could not finish loading")
    expect(failure).to_contain_text(re.compile(case.reason))
    expect(failure).not_to_contain_text("this browser")  # no blame on the browser
    expect(failure.get_by_role("button", name="Try again")).to_be_visible()
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
    page.goto(site_server + "quiz/" + stall_query(case))
    expect_failure_message(page, ".ipma-quiz", "quiz", case, built, started)
    expect(page.locator(".ipma-quiz form")).to_have_count(0)

    # The rest of the site works: the comparison page opens from the message.
    page.locator(".ipma-failure").get_by_role("link", name="compare the membership").click()
    expect(page).to_have_url(re.compile(r"/membership/compare/$"))
    expect(page.locator("h1")).to_have_text(re.compile("Compare"))
    expect(page.locator(".md-content table").first).to_be_visible()

    # The calculator, opened afresh, starts its own engine and fails the same way.
    started = time.monotonic()
    page.goto(site_server + "enterprise/" + stall_query(case))
    expect(page.locator("h1")).to_be_visible()
    expect_failure_message(page, ".ipma-calc", "calculator", case, built, started)
    expect(page.get_by_label("Regular members", exact=True)).to_have_count(0)
    assert breakage.problems == []


# --- slow is not stalled -------------------------------------------------------------------------


def test_a_slow_but_steady_download_never_fails_and_shows_its_progress(
    browser, quiz_url: str, built: BuiltRules
):
    """The whole engine at 200 KB/s takes far longer than the stall limit (5 s here), and bytes
    keep arriving: the quiz waits, shows how far the download has got, and goes on."""
    context = browser.new_context()
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 20,
                "downloadThroughput": 200_000,
                "uploadThroughput": 200_000,
            },
        )
        page.goto(quiz_url + "?ipma-engine-timeout=5", wait_until="commit")
        expect(quiz_form(page)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        answer(page, built, "organization", "law_firm")
        continue_(page)  # the checklist comes from the page itself: no wait
        expect(duties_form(page, built)).to_be_visible()
        groups = built.rules["duty_groups"]
        duties = [d["id"] for d in groups[0]["duties"][:3] + groups[1]["duties"][:2]]
        answer(page, built, "duties", duties)
        following = built.call(
            "next_step", {"answers": {"organization": "law_firm", "duties": duties}}
        )
        page.locator(".ipma-quiz form button[type=submit]").click()
        progress = page.locator(".ipma-quiz .ipma-progress")
        figures = progress.locator(".ipma-progress__figures")
        expect(figures).to_have_text(re.compile(r"^\d+\.\d of \d+\.\d MB downloaded$"))
        first = figures.text_content()
        expect(figures).not_to_have_text(first, timeout=ENGINE_TIMEOUT_MS)  # it moves on
        expect(progress.locator("progress")).to_have_attribute("max", re.compile(r"^\d+$"))
        expect(progress.get_by_role("status")).to_contain_text("Preparing the quiz")
        expect(page.locator(".ipma-quiz")).to_have_attribute("aria-busy", "true")
        # Well past the stall limit, it is still loading, and then the next question shows.
        heading_or_failure = page.locator(".ipma-quiz form .ipma-question__heading, .ipma-failure")
        expect(heading_or_failure.first).to_have_text(
            following["question"]["text"], timeout=120_000
        )
        expect(page.locator(".ipma-failure")).to_have_count(0)
    finally:
        context.close()


# --- the local copy a first visit keeps: speed only, never a failure -----------------------------

READ_TIMINGS = """async () => {
  const client = await import(new URL("../javascripts/engine-client.js", location.href));
  await client.getEngine().ready;
  return client.getEngine().timings;
}"""

ASK_THE_ENGINE = """async (answers) => {
  const client = await import(new URL("../javascripts/engine-client.js", location.href));
  return await client.getEngine().request("next_step", { answers });
}"""

DAMAGE_COPY = """async () => {
  const cache = await caches.open("ipma-engine");
  const keys = await cache.keys();
  for (const key of keys) {
    const kept = await cache.match(key);
    const headers = Object.fromEntries(kept.headers.entries());
    await cache.put(key, new Response(new Uint8Array([1, 2, 3]), { headers }));
  }
  return keys.length;
}"""


def first_visit_keeps_a_copy(context: Any, quiz_url: str) -> None:
    page = context.new_page()
    page.goto(quiz_url)
    expect(page.locator("html")).to_have_attribute(
        "data-ipma-engine-copy", "kept", timeout=ENGINE_TIMEOUT_MS
    )
    page.close()


def test_a_repeat_visit_starts_from_the_local_copy_without_downloading_the_engine(
    browser, quiz_url: str, built: BuiltRules
):
    """A first visit keeps the engine, decompressed, and Python's memory once the engine was
    imported and configured with the rules; the next visit downloads neither, starts Python from
    that memory, and its engine answers as the build's does (a step past the page's own table)."""
    context = browser.new_context(bypass_csp=True)  # to read the engine's timings from the test
    try:
        first_visit_keeps_a_copy(context, quiz_url)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(quiz_url)
        timings = page.evaluate(READ_TIMINGS)
        assert timings["snapshot"] == "restored", timings
        assert not [u for u in requests if u.endswith((".wasm.xz", ".zip.xz"))], requests
        groups = built.rules["duty_groups"]
        answers = {
            "organization": "law_firm",
            "duties": [d["id"] for d in groups[0]["duties"][:3] + groups[1]["duties"][:2]],
        }
        assert page.evaluate(ASK_THE_ENGINE, answers) == built.call(
            "next_step", {"answers": answers}
        )
        answer(page, built, "organization", "law_firm")
        continue_(page)
        expect(duties_form(page, built)).to_be_visible()
    finally:
        context.close()


def test_a_damaged_local_copy_only_costs_speed(browser, quiz_url: str, built: BuiltRules):
    """Every file of the copy damaged on disk: each fails its checksum, the worker downloads and
    starts afresh, and the quiz works as on a first visit, with no failure and no uncaught error."""
    context = browser.new_context(bypass_csp=True)
    problems: list[str] = []
    try:
        first_visit_keeps_a_copy(context, quiz_url)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
        page.goto(quiz_url)
        assert page.evaluate(DAMAGE_COPY) == 3
        page.reload()
        timings = page.evaluate(READ_TIMINGS)
        assert timings["snapshot"] == "made", timings  # not restored from the damaged copy
        answer(page, built, "organization", "law_firm")
        continue_(page)
        groups = built.rules["duty_groups"]
        duties = [d["id"] for d in groups[0]["duties"][:3] + groups[1]["duties"][:2]]
        answer(page, built, "duties", duties)
        continue_(page)
        expect(page.locator(".ipma-failure")).to_have_count(0)
    finally:
        context.close()
    assert problems == []
