"""The quiz and the calculator on real lines (issue 12): Chromium's network emulation, two visitors.

Each visit is a fresh Chromium profile (a first visit: empty HTTP cache, no stored state) whose page
is throttled with the DevTools protocol (``Network.emulateNetworkConditions``: latency per request,
throughput in bytes per second). The emulation is set on the page's target and, as measured here,
also holds back the requests of the page's dedicated workers, sharing one line's throughput between
them (``bench/README.md``, "Network emulation"), as a real line does.

The site is served by ``bench/server.py`` in two modes: a host that compresses (gzip on the fly for
text, JavaScript, JSON and wasm; brotli where a ``.br`` copy exists) and one that does not. Bytes
are what the server sent for the visit (bodies, after compression), from navigation to the result.

Two visitors, both a law-firm manager who ends as Regular:

- **brisk**: spends 3 s on every screen (from the moment it shows to the click on Continue);
- **careful**: 3 s on each question with one answer, 20 s on the duty checklist.

Per visit: bytes, "Python ready" (the engine answers a request the probe posts when the page
creates its worker, ``bench/probe.js``), each Continue's wait (click → next screen), the result's
delay (the click that leads to the result → the result), whether a failure was shown, and whether
every wait over 1 s showed progress (a figure: "1.2 of 3.4 MB", or a percentage).

A **repeat visit** opens the quiz again in the same profile after the browser was closed (HTTP
cache, and whatever the site stored, kept). The **calculator** visit opens the Enterprise page and
waits for its first quote.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench.browser import CHROMIUM_LAUNCH
from bench.browser_measures import (
    PROBE_JS,
    QUIZ_PATH,
    REAL_SCREENS,
    current_screen,
    read_probe,
    transition_time,
)
from bench.report import Goal, Row

MB = 1_000_000
ENTERPRISE_PATH = "enterprise/"
ENGINE_DIR = "/assets/engine/"
FORM = "[data-ipma-quiz] form.ipma-question"
PROGRESS = re.compile(r"\d+(\.\d+)?\s*(of\s*\d+(\.\d+)?\s*)?(MB|%)")


@dataclass(frozen=True)
class Line:
    name: str
    mbit_s: float
    latency_ms: float

    @property
    def conditions(self) -> dict[str, Any]:
        throughput = self.mbit_s * 1_000_000 / 8  # bytes per second
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": throughput,
            "uploadThroughput": throughput,
        }


FAST = Line("50 Mbit/s, 20 ms", 50, 20)
HOME = Line("10 Mbit/s, 40 ms", 10, 40)
PHONE = Line("1.6 Mbit/s, 150 ms", 1.6, 150)
LINES = (FAST, HOME, PHONE)


@dataclass(frozen=True)
class Visitor:
    name: str
    dwell_s: float  # on a screen with one answer (and the check-answers page)
    checklist_s: float  # on the duty checklist

    def dwell(self, screen: str, page: Any) -> float:
        checklist = screen.startswith("q:") and page.locator(f"{FORM} input[type=checkbox]").count()
        return self.checklist_s if checklist else self.dwell_s


BRISK = Visitor("brisk", 3.0, 3.0)
CAREFUL = Visitor("careful", 3.0, 20.0)


# --- one visit ------------------------------------------------------------------------------------


@contextlib.contextmanager
def profile_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="bench-net-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def throttled_page(playwright: Any, profile: str, line: Line) -> Iterator[Any]:
    """A page of a persistent Chromium profile, throttled to ``line`` before it loads anything."""
    context = playwright.chromium.launch_persistent_context(profile, **CHROMIUM_LAUNCH)
    try:
        context.add_init_script(script=PROBE_JS)
        page = context.pages[0] if context.pages else context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", line.conditions)
        yield page
    finally:
        context.close()


def answer(page: Any) -> None:
    """The law-firm manager's answer to the question on screen: a law firm, six duties in three
    areas, 3 for a number (the people they supervise), every yes/no question no."""
    form = page.locator(FORM)
    radios = form.locator("input[type=radio]")
    checkboxes = form.locator("input[type=checkbox]")
    texts = form.locator("input[type=text], input[type=number]")
    if radios.count():
        name = radios.first.get_attribute("name")
        if name == "organization":
            radios.first.check()  # "A law firm"
        else:
            values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
            radios.nth(values.index("false") if "false" in values else 0).check()
    elif checkboxes.count():
        for index in (0, 1, 2, 11, 12, 16):  # Personnel ×3, Financial ×2, Policy ×1
            checkboxes.nth(index).check()
    elif texts.count():
        texts.first.fill("3")
    else:
        raise RuntimeError("a question with no input the bench knows")


def _wait(
    page: Any, predicate: Callable[[dict[str, Any]], bool], timeout_s: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    probe: dict[str, Any] = {}
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            probe = read_probe(page)
        if probe and predicate(probe):
            return probe
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s; last probe: {json.dumps(probe)[:400]}")


def _screen_changed(seen: int) -> Callable[[dict[str, Any]], bool]:
    def changed(probe: dict[str, Any]) -> bool:
        screens = probe.get("screens") or []
        return len(screens) > seen and screens[-1]["screen"].startswith(REAL_SCREENS)

    return changed


def _progress_shown(probe: dict[str, Any], start: float, end: float) -> bool:
    """Whether the status area showed a figure (MB or %) within 1.2 s of ``start``."""
    texts = [s for s in probe.get("status") or [] if s["t"] <= min(end, start + 1200)]
    before = [s for s in texts if s["t"] <= start]
    during = [s for s in texts if s["t"] > start]
    candidates = before[-1:] + during
    return any(PROGRESS.search(s["text"] or "") for s in candidates)


def visit_quiz(
    playwright: Any,
    server: Any,
    base_url: str,
    line: Line,
    visitor: Visitor,
    profile: str,
    query: str = "",
    via_home: bool = False,
) -> dict[str, Any]:
    """One visitor through the quiz on ``line``; see the module docstring for what is recorded.
    ``via_home``: the visitor lands on the home page, rests the pointer on its link to the quiz for
    2 s (reading it), then clicks it (Material's instant navigation keeps the page's scripts)."""
    server.take_log()
    with throttled_page(playwright, profile, line) as page:
        if via_home:
            page.goto(base_url + query, wait_until="commit")
            page.locator("html[data-ipma-page]").wait_for(state="attached", timeout=120_000)
            link = page.locator(".md-content a[href$='quiz/']").first
            link.hover()
            time.sleep(2.0)
            link.click()
        else:
            page.goto(base_url + QUIZ_PATH + query, wait_until="commit")
        probe = _wait(page, lambda p: p.get("first_question") is not None, 120)
        waits: list[dict[str, Any]] = []
        failure = None
        result_delay = None
        for _ in range(20):
            probe = read_probe(page)
            screen = current_screen(probe)
            if screen == "result":
                break
            if screen == "failure":
                failure = probe["screens"][-1]["t"]
                break
            time.sleep(visitor.dwell(screen, page))
            seen = len(probe.get("screens") or [])
            actions = len(read_probe(page).get("actions") or [])
            if screen.startswith("q:"):
                answer(page)
                page.locator(f"{FORM} button[type=submit]").click()
            elif screen == "check":
                page.locator("[data-ipma-quiz] .ipma-check button").click()
            else:
                raise RuntimeError(f"unexpected quiz screen {screen!r}")
            try:
                probe = _wait(page, _screen_changed(seen), 180)
            except TimeoutError:
                failure = -1
                break
            ms, reached = transition_time(probe, actions)
            action_t = probe["actions"][actions]["t"]
            waits.append(
                {
                    "from": screen,
                    "to": reached,
                    "ms": ms,
                    "progress": ms <= 1000 or _progress_shown(probe, action_t, action_t + ms),
                }
            )
            if reached == "failure":
                failure = probe["screens"][-1]["t"]
                break
            if reached == "result":
                result_delay = ms
                break
        probe = read_probe(page)
    hits = server.take_log()
    return {
        **_sent(hits),
        "requests": len(hits),
        "ready": probe.get("first_answer"),
        "waits": waits,
        "result_delay": result_delay,
        "failure": failure,
        "status": probe.get("status"),
    }


def visit_calculator(
    playwright: Any, server: Any, base_url: str, line: Line, profile: str, query: str = ""
) -> dict[str, Any]:
    """The Enterprise page on ``line``: Python ready and the first quote on screen."""
    server.take_log()
    with throttled_page(playwright, profile, line) as page:
        page.goto(base_url + ENTERPRISE_PATH + query, wait_until="commit")
        failure = None
        try:
            probe = _wait(
                page,
                lambda p: (
                    p.get("calc_quote") is not None
                    or p.get("calc_failure") is not None
                    or bool(p.get("engine_failed"))
                ),
                180,
            )
            if probe.get("calc_failure") is not None or probe.get("engine_failed"):
                failure = (
                    probe.get("engine_failed") or f"failure shown at {probe['calc_failure']:.0f} ms"
                )
        except TimeoutError as exc:
            probe, failure = read_probe(page), str(exc)
    return {
        **_sent(server.take_log()),
        "ready": probe.get("first_answer"),
        "quote": probe.get("calc_quote"),
        "failure": failure,
    }


# --- the runs and their rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    mode: str  # "compressing" | "not compressing"
    kind: str  # "quiz" | "repeat" | "intent" | "calculator"
    line: Line
    visitor: Visitor | None = None

    @property
    def label(self) -> str:
        who = f", {self.visitor.name} visitor" if self.visitor else ""
        what = {
            "quiz": "quiz, cold",
            "repeat": "quiz, repeat visit",
            "intent": "quiz from the home page's link, pointed at for 2 s, cold",
        }.get(self.kind, "calculator, cold")
        return f"{what}, {self.line.name}{who}, host {self.mode}"


def plan(modes: tuple[str, ...] = ("compressing", "not compressing")) -> list[Run]:
    runs = []
    for mode in modes:
        runs += [
            Run(mode, "quiz", FAST, BRISK),
            Run(mode, "quiz", HOME, BRISK),
            Run(mode, "repeat", HOME, BRISK),
            Run(mode, "quiz", PHONE, CAREFUL),
            Run(mode, "quiz", PHONE, BRISK),
            Run(mode, "calculator", HOME),
            Run(mode, "calculator", PHONE),
        ]
    # Intent (a link pointed at before the click): one host is enough, the engine's bytes are equal.
    return [*runs, Run(modes[0], "intent", HOME, BRISK), Run(modes[0], "intent", PHONE, CAREFUL)]


def execute(
    playwright: Any,
    serve: Callable[[bool], Any],
    runs: list[Run],
    reps: int,
    query: str,
    log: Callable[[str], None],
) -> dict[Run, list[dict[str, Any]]]:
    """Every run ``reps`` times; ``serve(compress)`` is a context manager yielding the server."""
    results: dict[Run, list[dict[str, Any]]] = {run: [] for run in runs}
    for mode in dict.fromkeys(run.mode for run in runs):
        with serve(mode == "compressing") as server:
            for rep in range(reps):
                for run in [r for r in runs if r.mode == mode]:
                    log(f"  network: {run.label} ({rep + 1}/{reps})")
                    try:
                        results[run].append(_one(playwright, server, run, query))
                    except Exception as exc:  # one failed visit is a note, not the end of the run
                        results[run].append({"error": f"{type(exc).__name__}: {exc}"[:300]})
    return results


def _one(playwright: Any, server: Any, run: Run, query: str) -> dict[str, Any]:
    with profile_dir() as profile:
        if run.kind == "calculator":
            return visit_calculator(playwright, server, server.base_url, run.line, profile, query)
        first = visit_quiz(
            playwright,
            server,
            server.base_url,
            run.line,
            run.visitor,
            profile,
            query,
            via_home=run.kind == "intent",
        )
        if run.kind in ("quiz", "intent"):
            return first
        again = visit_quiz(
            playwright, server, server.base_url, run.line, run.visitor, profile, query
        )
        again["first_visit"] = first
        return again


def rows(results: dict[Run, list[dict[str, Any]]]) -> list[Row]:
    out: list[Row] = []
    for run, visits in results.items():
        ok = [v for v in visits if "error" not in v]
        errors = [v["error"] for v in visits if "error" in v]
        label = run.label
        error = "; ".join(errors)[:200] if not ok and errors else ""
        if run.kind == "calculator":
            out += [
                _bytes_row(label, ok, error),
                Row("net", f"Python ready, {label}", "s", _secs(ok, "ready"), error=error),
                Row("net", f"first quote on screen, {label}", "s", _secs(ok, "quote"), error=error),
                Row(
                    "net",
                    f"failure shown, {label}",
                    "",
                    [1.0 if v["failure"] else 0.0 for v in ok],
                    Goal.at_most(0, "never", on="max"),
                    error=error,
                ),
            ]
            continue
        fast = run.line in (FAST, HOME) and run.visitor is BRISK and run.kind == "quiz"
        phone_careful = run.line is PHONE and run.visitor is CAREFUL
        if run.kind == "quiz":
            out.append(_bytes_row(label, ok, error))
        ready_goal = (
            Goal.at_most(1.5, "≤ 1.5 s") if run.kind == "repeat" and run.line is HOME else None
        )
        out.append(
            Row("net", f"Python ready, {label}", "s", _secs(ok, "ready"), ready_goal, error=error)
        )
        longest = [max((w["ms"] for w in v["waits"]), default=0.0) for v in ok if not v["failure"]]
        out.append(
            Row(
                "net",
                f"longest wait on a Continue, {label}",
                "ms",
                longest,
                Goal.at_most(100, "≤ 100 ms", on="max") if fast else None,
                note=_waits_note(ok),
                error=error,
            )
        )
        delays = [v["result_delay"] for v in ok if v["result_delay"] is not None]
        out.append(
            Row(
                "net",
                f"result's delay after the last answer, {label}",
                "ms",
                delays,
                Goal.at_most(100, "≤ 100 ms", on="max") if fast else None,
                error=error,
            )
        )
        if run.line is PHONE:  # the slow line's rows; their goals are the careful visitor's
            finished = [v for v in ok if not v["failure"]]
            for name, unit, figures, goal in (
                (
                    "waits on all Continues together",
                    "s",
                    [sum(w["ms"] for w in v["waits"]) / 1000 for v in finished],
                    Goal.at_most(5, "≤ 5 s", on="max"),
                ),
                (
                    "failure shown while bytes still arrive",
                    "",
                    [1.0 if v["failure"] else 0.0 for v in ok],
                    Goal.at_most(0, "never", on="max"),
                ),
                (
                    "waits over 1 s without progress shown",
                    "",
                    [float(sum(1 for w in v["waits"] if not w["progress"])) for v in ok],
                    Goal.at_most(0, "none", on="max"),
                ),
                (
                    "result shown",
                    "",
                    [1.0 if v["result_delay"] is not None else 0.0 for v in ok],
                    Goal("shows", lambda value: value == 1, "median"),
                ),
            ):
                out.append(
                    Row(
                        "net",
                        f"{name}, {label}",
                        unit,
                        figures,
                        goal if phone_careful else None,
                        error=error,
                    )
                )
    return out


def _sent(hits: list[Any]) -> dict[str, int]:
    """Bytes the server sent for a visit, and how many of them were the engine's files."""
    return {
        "bytes": sum(h.body_bytes for h in hits),
        "engine_bytes": sum(h.body_bytes for h in hits if ENGINE_DIR in h.path),
    }


def _bytes_row(label: str, visits: list[dict[str, Any]], error: str) -> Row:
    """Bytes moved by a visit, with the issue's 4 MB goal: the quiz and the calculator alike."""
    figures = [v["bytes"] / MB for v in visits]
    goal = Goal.at_most(4, "≤ 4 MB", on="max")
    note = ""
    if visits:
        last = visits[-1]
        note = (
            f"{last['bytes']:,} B, of which the engine's files ({ENGINE_DIR}) "
            f"{last['engine_bytes']:,} B"
        )
    return Row("net", f"bytes moved, {label}", "MB", figures, goal, error=error, note=note)


def _secs(visits: list[dict[str, Any]], key: str) -> list[float]:
    return [v[key] / 1000 for v in visits if v.get(key) is not None]


def _waits_note(visits: list[dict[str, Any]]) -> str:
    """The first visit's waits, screen by screen, so a table reader sees where the time went."""
    if not visits:
        return ""
    parts = [
        f"{w['from'][2:] if w['from'].startswith('q:') else w['from']} {w['ms']:.0f}"
        for w in visits[0]["waits"]
    ]
    return "ms per Continue: " + ", ".join(parts)
