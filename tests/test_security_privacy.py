"""Privacy (issue 6, point 1): the answers stay in the visitor's browser, and the quiz page says so.

One recorded visit (module fixture) takes the quiz twice with distinctive answers (six uncommon
duties; 37 and 41 years), keeps both share links, reopens one in a new tab, and uses the Enterprise
calculator with distinctive counts. Every request of the browser context is recorded, the worker's
included (Pyodide's downloads are among them). The tests then read the recording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    expect_result,
    fill_calculator,
    quiz_form,
    see_result,
    share_link,
    take_quiz,
)

DUTIES = [
    "job_descriptions",
    "cle_approval",
    "temporary_staffing",
    "billing_rates",
    "salary_administration",
    "strategic_planning",
]
WORKER = {"organization": "law_firm", "duties": DUTIES, "people_supervised": 4, "nonprofit": False}
RETIRED = {
    "organization": "none",
    "bar_activities": False,
    "years_regular_member": 37,
    "years_managing": 41,
}
COUNTS = (37, 19, 53)  # typed into the calculator's fields, in their order
QUIZ_STORAGE_KEY = "ipma-quiz"  # docs/javascripts/quiz-state.js
# Material keeps its colour palette (and a dismissed announcement) in localStorage, under keys
# scoped by the site's path: a display preference, never an answer. The quiz page says so.
MATERIAL_LOCAL_KEYS = re.compile(r"^/.*\.__(palette|announce)$")


@dataclass
class Sent:
    """One request as the browser sent it."""

    url: str
    method: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Visit:
    base_url: str
    requests: list[Sent] = field(default_factory=list)
    storage: dict[str, dict[str, Any]] = field(default_factory=dict)  # moment → snapshot
    cookies: list[Any] = field(default_factory=list)
    share_links: list[str] = field(default_factory=list)
    statement_visible: bool = False
    kept: dict[str, str] = field(default_factory=dict)  # the engine's local copy, as text


def answer_tokens(rules: BuiltRules) -> list[str]:
    """What would give an answer away: the ids and names of the options and duties chosen, and
    the numbers typed (quiz and calculator)."""
    tokens = {*DUTIES, *(rules.duty_names[d] for d in DUTIES), WORKER["organization"]}
    organization = rules.questions["organization"]
    tokens |= {o["label"] for o in organization["options"] if o["id"] == WORKER["organization"]}
    tokens |= {str(RETIRED["years_regular_member"]), str(RETIRED["years_managing"])}
    tokens |= {str(n) for n in COUNTS}
    return sorted(tokens)


def http_date(value: str) -> bool:
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


def leaks(sent: Sent, tokens: list[str], baseline: Mapping[str, str]) -> list[str]:
    """Where ``sent`` carries one of ``tokens``: its URL (path and query, decoded), a header (other
    than the browser's own, identical on a request made before any answer: ``baseline``), its body.
    Numbers match as whole numbers only (37 is not in a8374f)."""
    places = {"url": unquote_plus(unquote_plus(sent.url))}
    for name, value in sent.headers.items():
        if baseline.get(name) == value or (name == "if-modified-since" and http_date(value)):
            continue  # the browser's own, or the server's Last-Modified sent back (its time of day)
        places[f"header {name}"] = unquote_plus(value)
    places["body"] = sent.body.decode("utf-8", "replace")
    found = []
    for token in tokens:
        pattern = re.escape(token)
        if token.isdigit():
            pattern = rf"(?<![0-9A-Za-z]){pattern}(?![0-9A-Za-z])"
        for where, text in places.items():
            if re.search(pattern, text, re.IGNORECASE):
                found.append(f"{token!r} in the {where} of {sent.method} {sent.url}")
    return found


def snapshot(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """async () => {
          const caches_ = {};
          for (const name of await caches.keys()) {
            caches_[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
          }
          return {
            session: Object.fromEntries(Object.entries(sessionStorage)),
            local: Object.fromEntries(Object.entries(localStorage)),
            cookie: document.cookie,
            caches: caches_,
          };
        }"""
    )


# Every text the kept files hold, from the page (the engine's files decompressed and its memory
# snapshot, as the worker keeps them), as Latin-1 so that any byte sequence is text.
KEPT_TEXT = """async () => {
  const cache = await caches.open("ipma-engine");
  const out = {};
  for (const request of await cache.keys()) {
    const body = await (await cache.match(request)).arrayBuffer();
    out[request.url] = new TextDecoder("latin1").decode(body);
  }
  return out;
}"""

# The engine's worker, started by hand from the home page (which starts none itself) and sent a
# request in the same breath as "start", long before Python is ready: its one answer is a text no
# rule has. The worker takes requests only once the engine is configured and its memory snapshot
# made, so the snapshot must not hold it; were the snapshot made after any request, it would (a
# request's text stays in Python's freed memory: checked by hand by making the snapshot after one).
CANARY = "ipma-privacy-canary-5d1f0c7e"
RAW_WORKER_KEEPS = """async ([canary, question]) => {
  const meta = document.querySelector('meta[name="ipma:engine"]');
  const script = new URL("javascripts/engine-worker.mjs", location.href);
  const worker = new Worker(script, { type: "module" });
  const kept = new Promise((resolve, reject) => {
    worker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "kept") resolve();
      if (event.data && event.data.type === "failed") reject(new Error(event.data.message));
    });
  });
  const manifest = new URL(meta.content, location.href).href;
  worker.postMessage({ type: "start", manifest, compressedScripts: true });
  worker.postMessage({ type: "rules", bytes: null });
  const answers = { [canary]: canary };
  worker.postMessage({ id: "canary", method: "next_step", params: { answers } });
  await kept;
  worker.terminate();
  const cache = await caches.open("ipma-engine");
  const out = {};
  for (const request of await cache.keys()) {
    const text = new TextDecoder("latin1").decode(await (await cache.match(request)).arrayBuffer());
    out[request.url] = { canary: text.includes(canary), rules: text.includes(question) };
  }
  return out;
}"""


def calculate(page: Page, rules: BuiltRules) -> None:
    quote = fill_calculator(page, rules, COUNTS)
    expect(page.locator(".ipma-calc__enterprise-total")).to_have_text(
        quote["enterprise"]["display"], timeout=ENGINE_TIMEOUT_MS
    )


@pytest.fixture(scope="module")
def rules(built_site: Path) -> BuiltRules:
    return BuiltRules(built_site)


@pytest.fixture(scope="module")
def visit(browser, site_server: str, rules: BuiltRules) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    recorded: list[Any] = []
    context.on("request", lambda request: recorded.append(request))
    result = Visit(base_url=site_server)

    def keep_requests() -> None:
        """Read the recorded requests' headers while their tab is open (not after it closed)."""
        while recorded:
            request = recorded.pop(0)
            result.requests.append(
                Sent(
                    url=request.url,
                    method=request.method,
                    headers=request.all_headers(),
                    body=request.post_data_buffer or b"",
                )
            )

    try:
        page = context.new_page()
        page.goto(site_server + "quiz/")
        result.statement_visible = page.locator("#privacy").is_visible()
        for answers in (WORKER, RETIRED):
            flow = take_quiz(page, rules, answers)
            see_result(page)
            expect_result(page, rules.classify({q: answers[q] for q in flow}))
            result.share_links.append(share_link(page))
            result.storage[f"result {answers['organization']}"] = snapshot(page)
            page.get_by_role("button", name="Start again").click()
            expect(quiz_form(page)).to_be_visible()
            result.storage[f"start again after {answers['organization']}"] = snapshot(page)

        page.goto(site_server + "enterprise/")
        calculate(page, rules)
        result.storage["calculator"] = snapshot(page)
        keep_requests()

        # One tab at a time (each runs its own Pyodide): the first share link in a new tab, then
        # a new tab without one, which must not see any answer given above.
        shared = context.new_page()
        shared.goto(result.share_links[0])
        expect(shared.locator("#ipma-result-heading")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        keep_requests()
        shared.close()
        fresh = context.new_page()
        fresh.goto(site_server + "quiz/")
        expect(quiz_form(fresh)).to_be_visible()
        expect(fresh.locator("html")).to_have_attribute(
            "data-ipma-engine", "ready", timeout=ENGINE_TIMEOUT_MS
        )
        result.storage["new tab"] = snapshot(fresh)
        result.kept = fresh.evaluate(KEPT_TEXT)
        keep_requests()
        result.cookies = context.cookies()
        yield result
    finally:
        context.close()


# --- requests -------------------------------------------------------------------------------------


def test_every_request_goes_to_the_sites_own_host(visit: Visit):
    own = urlsplit(visit.base_url).netloc
    elsewhere = [
        r.url
        for r in visit.requests
        if urlsplit(r.url).scheme not in {"data", "blob"} and urlsplit(r.url).netloc != own
    ]
    assert elsewhere == []
    # The recording holds the worker's downloads too, so nothing escaped it.
    paths = {urlsplit(r.url).path for r in visit.requests}
    assert "/javascripts/engine-worker.mjs" in paths
    assert [p for p in paths if re.fullmatch(r"/assets/engine/pyodide\.asm\.\w+\.wasm\.xz", p)]


def test_no_request_carries_an_answer_or_the_share_links_payload(visit: Visit, rules: BuiltRules):
    tokens = answer_tokens(rules)
    payloads = [link.partition("#")[2] for link in visit.share_links]
    assert all(p.startswith("a=") and len(p) > 10 for p in payloads)
    baseline = visit.requests[0].headers  # the quiz page itself, before any answer
    found = []
    for sent in visit.requests:
        found.extend(leaks(sent, tokens + [p.removeprefix("a=") for p in payloads], baseline))
    assert found == []
    assert not any(r.method not in {"GET", "HEAD"} for r in visit.requests)


def test_the_answer_scan_finds_an_answer_in_a_path_query_header_or_body(rules: BuiltRules):
    """The control for the test above: each place an answer could hide is looked at."""
    tokens = answer_tokens(rules)
    base = "http://127.0.0.1:1/quiz/"
    name = quote(rules.duty_names["billing_rates"])
    carriers = [
        Sent(base + "cle_approval/", "GET", {}, b""),
        Sent(base + f"?d={name}", "GET", {}, b""),
        Sent(base + "?years=37", "GET", {}, b""),
        Sent(base, "GET", {"x-answers": '{"years_managing": 41}'}, b""),
        Sent(base, "POST", {}, json.dumps({"duties": ["job_descriptions"]}).encode()),
    ]
    for sent in carriers:
        assert leaks(sent, tokens, {}), sent
    harmless = Sent(
        base + "?question=years_managing",
        "GET",
        {"if-none-match": "a37b41", "if-modified-since": "Sun, 22 Nov 2026 19:37:41 GMT"},
        b"",
    )
    assert leaks(harmless, tokens, {}) == []
    assert leaks(Sent(base, "GET", {"if-modified-since": "37 years"}, b""), tokens, {})


# --- cookies and storage --------------------------------------------------------------------------


def test_the_engines_local_copy_holds_the_public_rules_and_no_answer(
    visit: Visit, rules: BuiltRules
):
    """What a first visit keeps for the next: Pyodide's files and a memory snapshot of Python made
    once the engine had read the rules (public: assets/rules.json), before it took any request. The
    rules are in the snapshot (which spares a repeat visit reading them); Pyodide's files hold no
    answer given in the visit. That the snapshot holds no request is the next test."""
    assert len(visit.kept) == 3, list(visit.kept)
    snapshots = [url for url in visit.kept if "/snapshot." in url]
    assert len(snapshots) == 1, list(visit.kept)
    first_question = rules.rules["questions"][0]["text"]
    assert first_question in visit.kept[snapshots[0]]  # the search reads the snapshot's text
    tokens = answer_tokens(rules)
    for url, text in visit.kept.items():
        if url not in snapshots:
            assert first_question not in text, url
            found = [t for t in tokens if len(t) > 6 and t in text]
            assert found == [], (url, found)


def test_the_kept_snapshot_holds_no_request_not_even_one_sent_before_python_was_ready(
    browser, site_server: str, rules: BuiltRules
):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_server)
        kept = page.evaluate(RAW_WORKER_KEEPS, [CANARY, rules.rules["questions"][0]["text"]])
    finally:
        context.close()
    snapshots = [url for url in kept if "/snapshot." in url]
    assert len(snapshots) == 1, kept
    assert kept[snapshots[0]]["rules"]  # the engine had read the rules (and the search works)
    assert [url for url, found in kept.items() if found["canary"]] == []


def test_no_cookie_is_set(visit: Visit):
    assert visit.cookies == []
    assert {s["cookie"] for s in visit.storage.values()} == {""}
    assert not any("cookie" in r.headers for r in visit.requests)


def test_answers_are_kept_only_in_the_tabs_session_storage(visit: Visit, rules: BuiltRules):
    tokens = answer_tokens(rules)
    at_result = visit.storage["result law_firm"]["session"]
    kept = json.loads(at_result[QUIZ_STORAGE_KEY])
    assert sorted(kept["answers"]["duties"]) == sorted(DUTIES)  # the tab keeps them (reload, Back)
    retired = json.loads(visit.storage["result none"]["session"][QUIZ_STORAGE_KEY])
    assert retired["answers"]["years_regular_member"] == RETIRED["years_regular_member"]

    for moment, storage in visit.storage.items():
        assert all(MATERIAL_LOCAL_KEYS.match(key) for key in storage["local"]), moment
        local = json.dumps(storage["local"])
        assert not [t for t in tokens if re.search(rf"\b{re.escape(t)}\b", local)], moment
        others = {k: v for k, v in storage["session"].items() if k != QUIZ_STORAGE_KEY}
        assert not [t for t in tokens if re.search(rf"\b{re.escape(t)}\b", json.dumps(others))]

    # "Start again" forgets them, and another tab never had them.
    for moment in ("start again after law_firm", "start again after none", "new tab"):
        state = visit.storage[moment]["session"].get(QUIZ_STORAGE_KEY)
        assert state is None or not json.loads(state).get("answers"), moment
    # The cache storage holds the engine's own files only (docs/javascripts/engine-worker.mjs).
    for moment, storage in visit.storage.items():
        for name, urls in storage["caches"].items():
            assert name == "ipma-engine", moment
            assert all(urlsplit(u).path.startswith("/assets/engine/local/") for u in urls), urls
    # The calculator keeps nothing.
    assert (
        visit.storage["calculator"]["session"] == visit.storage["start again after none"]["session"]
    )


# --- the statement --------------------------------------------------------------------------------


def test_the_quiz_page_says_in_plain_words_where_answers_go(built_site: Path, visit: Visit):
    html = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    section = html.split('id="privacy"', 1)[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    for phrase in (
        "not sent anywhere",
        "Enterprise calculator",
        "this browser tab only",
        "session storage",
        "Start again",
        "after the # sign",
        "sets no cookies",
        "local storage",
        "cache storage",
        "before any question is asked",
        "neither of them about you or your answers",
    ):
        assert phrase in text, phrase
    assert visit.statement_visible
