"""The Content Security Policy (issue 6, point 2): on every built page, in ``_headers``, and in a
real browser taking the quiz and using the calculator under it.

The build checks re-derive everything from the HTML with the standard library's parser (not with
``quiz.build.csp``, which wrote it), so a mistake there cannot hide itself.

In the browser, violations are collected three ways: a ``securitypolicyviolation`` listener added
as a Playwright init script (init scripts run whatever the page's policy says: checked below, it
hears an injected inline script), console messages of the page and of its workers, and reports the
browser POSTs to the test server (``report-uri``, added by the server to each policy it sends). The
reports are the only channel that hears the quiz's module worker, which runs under the policy sent
with its own script, not under the page's.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from quiz.build import csp
from tests.helpers import HEADERS_FILE, headers_for, http_server, read_headers_file
from tests.quiz_browser import (
    ENGINE_TIMEOUT_MS,
    BuiltRules,
    expect_result,
    fill_calculator,
    instant_navigation,
    quiz_form,
    see_result,
    share_link,
    take_quiz,
)

WORKER_PATH = "/javascripts/engine-worker.mjs"
# Script types a browser runs; any other type (Material's application/json config) is a data block.
RUNNABLE_TYPES = {"", "module", "text/javascript", "application/javascript", "importmap"}

ANSWERS = {
    "organization": "law_firm",
    "duties": ["recruiting", "budgeting", "salary_administration", "delegation", "workflow"],
    "people_supervised": 4,
    "nonprofit": True,
}
COUNTS = (14, 3, 22)  # typed into the calculator's fields, in their order


# --- reading pages and policies (independently of quiz.build.csp) --------------------------------


class PageScan(HTMLParser):
    """The CSP metas, inline scripts (text), event-handler attributes and javascript: URLs of a
    page, and whether a CSP meta came before the first script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.policies: list[str] = []
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.scripts_before_policy = 0
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
        if tag == "script":
            if not self.policies:
                self.scripts_before_policy += 1
            runnable = values.get("type", "").strip().lower() in RUNNABLE_TYPES
            self._script = [] if runnable and "src" not in values else None
        for name, value in values.items():
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction"} and re.match(
                r"\s*javascript:", value, re.I
            ):
                self.js_urls.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline.append("".join(self._script))
            self._script = None


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        if part.strip():
            name, *sources = part.split()
            parsed.setdefault(name.lower(), sources)
    return parsed


def sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def unhashed_inline_scripts(html: str) -> list[str]:
    """The inline scripts of a page that its own CSP meta does not allow by hash."""
    page = scan(html)
    allowed = set().union(*(directives(p).get("script-src", []) for p in page.policies))
    return [text for text in page.inline if sha256_source(text) not in allowed]


def html_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    return pages


# --- the built pages ------------------------------------------------------------------------------


def test_every_page_has_exactly_one_csp_meta_before_any_script(built_site: Path):
    for path in html_pages(built_site):
        page = scan(path.read_text(encoding="utf-8"))
        assert len(page.policies) == 1, f"{path}: {len(page.policies)} CSP meta tags"
        assert page.scripts_before_policy == 0, f"{path}: a script comes before the policy"


def test_every_page_has_the_same_policy_so_instant_navigation_never_adds_a_second(
    built_site: Path,
):
    policies = {scan(p.read_text(encoding="utf-8")).policies[0] for p in html_pages(built_site)}
    assert len(policies) == 1


def test_scripts_are_allowed_by_self_hashes_and_wasm_only_never_unsafe_inline_or_eval(
    built_site: Path,
):
    policy = directives(scan((built_site / "index.html").read_text(encoding="utf-8")).policies[0])
    scripts = policy["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'wasm-unsafe-eval'" in scripts
    others = [s for s in scripts if not s.startswith("'sha256-")]
    assert sorted(others) == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]  # no inline styles: Material needs none
    for sources in policy.values():
        assert not {"*", "http:", "https:", "'unsafe-inline'", "'unsafe-eval'"} & set(sources)


def test_every_inline_script_matches_one_of_the_listed_hashes(built_site: Path):
    inline = 0
    for path in html_pages(built_site):
        html = path.read_text(encoding="utf-8")
        inline += len(scan(html).inline)
        assert unhashed_inline_scripts(html) == [], path
    assert inline > 0  # Material's inline scripts were found (the check is not vacuous)


def test_an_extra_inline_script_is_flagged_by_the_hash_check(built_site: Path):
    html = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    assert unhashed_inline_scripts(html) == []
    injected = html.replace("</body>", "<script>alert(1)</script></body>", 1)
    assert unhashed_inline_scripts(injected) == ["alert(1)"]
    # One byte changed in an allowed script breaks its hash too.
    first = scan(html).inline[0]
    changed = html.replace(first, first + " ", 1)
    assert unhashed_inline_scripts(changed) == [first + " "]


def test_no_page_has_an_inline_event_handler_or_javascript_url(built_site: Path):
    """The policy would block both (no 'unsafe-hashes'): they must not be relied on."""
    for path in html_pages(built_site):
        page = scan(path.read_text(encoding="utf-8"))
        assert page.handlers == [] and page.js_urls == [], path


def test_adding_the_policy_again_keeps_one_meta_and_the_same_hashes(
    built_site: Path, tmp_path: Path
):
    """``mkdocs serve --dirty`` or a second run over ``site/`` must not stack policies."""
    for name in ("index.html", "404.html"):
        shutil.copy(built_site / name, tmp_path / name)
    first = csp.apply(tmp_path)
    second = csp.apply(tmp_path)
    assert first == second
    for name in ("index.html", "404.html"):
        page = scan((tmp_path / name).read_text(encoding="utf-8"))
        assert page.policies == [first]


# --- the headers file -----------------------------------------------------------------------------


def test_headers_file_sends_the_pages_policy_everywhere_and_the_worker_its_own(built_site: Path):
    meta = scan((built_site / "index.html").read_text(encoding="utf-8")).policies[0]
    rules = read_headers_file(built_site / HEADERS_FILE)

    page_headers = dict(headers_for(rules, "/quiz/"))
    assert page_headers["Content-Security-Policy"] == f"{meta}; frame-ancestors 'none'"

    assert (built_site / WORKER_PATH.lstrip("/")).is_file()
    worker = headers_for(rules, WORKER_PATH)
    policies = dict(worker)["Content-Security-Policy"].split(", ")
    assert len(policies) == 2  # the pages' and the worker's own: both enforced where merged
    own = directives(policies[1])
    assert own["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert own["connect-src"] == ["'self'"] and own["default-src"] == ["'self'"]
    for policy in policies:  # each allows what the worker does: import, fetch, compile wasm
        assert "'wasm-unsafe-eval'" in directives(policy)["script-src"]
        assert "'unsafe-eval'" not in directives(policy)["script-src"]


# --- in the browser -------------------------------------------------------------------------------

LISTEN = """
addEventListener("securitypolicyviolation", (event) => {
  const e = event;
  window.__ipmaViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
  );
});
"""


class Watch:
    """Everything that would tell of a policy problem in one browser context, across navigations
    (the listener reports to Python through an exposed function, not a page variable)."""

    def __init__(self, context: Any) -> None:
        self.console: list[str] = []
        self.violations: list[str] = []
        context.expose_function("__ipmaViolation", lambda text: self.violations.append(text))
        context.add_init_script(LISTEN)
        context.on("page", self._watch)

    def _watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        page.on("worker", lambda worker: worker.on("console", self._console))

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text:
            self.console.append(f"{message.type}: {text[:500]}")


@pytest.fixture(scope="module")
def csp_reports() -> list[Any]:
    return []


@pytest.fixture(scope="module")
def headers_server(built_site: Path, csp_reports: list[Any]) -> Iterator[str]:
    """The built site served like Netlify / Cloudflare Pages: with the headers of its _headers."""
    with http_server(built_site, apply_headers=True, csp_reports=csp_reports) as base_url:
        yield base_url


@pytest.fixture
def watched(browser) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context, Watch(context)
    finally:
        context.close()


SENTINEL = """() => {
  const script = document.createElement("script");
  script.textContent = "void 'ipma-sentinel'";
  document.head.append(script);
}"""


def settle_reports(page: Page, reports: list[Any], watch: Watch) -> None:
    """Reports are POSTed asynchronously. So the test makes one violation of its own last (an
    inline script the policy does not list) and waits for its report: once that one is in, every
    earlier one is, and then the sentinel is taken out of both lists."""
    page.evaluate(SENTINEL)
    deadline = time.monotonic() + ENGINE_TIMEOUT_MS / 1000
    while not [r for r in reports if _blocked(r) == "inline"]:
        assert time.monotonic() < deadline, "the sentinel's report never arrived"
        page.wait_for_timeout(100)  # the reports arrive at the server, not in the page
    reports[:] = [r for r in reports if _blocked(r) != "inline"]
    watch.violations[:] = [v for v in watch.violations if " blocked inline " not in v]
    watch.console[:] = [c for c in watch.console if "inline script" not in c]


def _blocked(report: Any) -> str:
    return report.get("csp-report", {}).get("blocked-uri", "") if isinstance(report, dict) else ""


def test_the_quiz_and_the_calculator_run_under_the_policy_without_a_violation(
    watched, headers_server: str, csp_reports: list[Any], built: BuiltRules
):
    context, watch = watched
    responses: dict[str, str] = {}
    context.on(
        "response",
        lambda r: responses.setdefault(
            r.url.removeprefix(headers_server.rstrip("/")),
            r.headers.get("content-security-policy", ""),
        ),
    )
    page = context.new_page()
    page.goto(headers_server + "quiz/")
    flow = built.flow(ANSWERS)
    take_quiz(page, built, ANSWERS)
    see_result(page)
    expect_result(page, built.classify({q: ANSWERS[q] for q in flow}))

    # The share link, opened in a new tab: the result again, from the fragment.
    link = share_link(page)
    reopened = context.new_page()
    reopened.goto(link)
    expect(reopened.locator("#ipma-result-heading")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    reopened.close()  # one Pyodide at a time: the first tab goes on to the calculator

    page.goto(headers_server + "enterprise/")
    quote = fill_calculator(page, built, COUNTS)
    expect(page.locator(".ipma-calc__enterprise-total")).to_have_text(
        quote["enterprise"]["display"], timeout=ENGINE_TIMEOUT_MS
    )

    # Material's search runs in its own worker: it works under the policy too.
    search = page.locator("input[data-md-component=search-query]")
    search.click()
    search.press_sequentially("dues")  # Material searches on key presses
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=ENGINE_TIMEOUT_MS)

    settle_reports(page, csp_reports, watch)
    assert csp_reports == []
    assert watch.violations == []
    assert watch.console == []
    # The policies really were sent: the pages' on the page, the worker's own on the worker.
    assert "frame-ancestors 'none'" in responses["/quiz/"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in responses[WORKER_PATH]


def test_instant_navigation_across_page_depths_keeps_one_policy_and_no_violation(
    watched, site_server: str, built: BuiltRules
):
    """On the shared site (meta tag only, like GitHub Pages, and Material's instant navigation
    on): pages of every depth follow each other without a reload and without a blocked script."""
    context, watch = watched
    page = context.new_page()
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(site_server)
    expect(page.locator("html")).to_have_attribute("data-ipma-page", re.compile("/$"))
    instant_navigation(page, site_server + "quiz/")
    expect(quiz_form(page)).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
    category = built.rules["categories"][0]
    instant_navigation(page, site_server + f"membership/{category['id']}/")
    expect(page.locator("h1")).to_contain_text(category["name"])
    instant_navigation(page, site_server + "dues/")
    expect(page.locator("h1")).to_have_text(re.compile("^Dues"))
    documents = [r.url for r in requests if r.resource_type == "document"]
    assert documents == [site_server], "a page was loaded in full: instant navigation was off"
    count = page.locator("meta[http-equiv='Content-Security-Policy']").count()
    assert count == 1
    assert watch.violations == []
    assert watch.console == []


def test_the_watch_hears_a_blocked_inline_script_and_a_blocked_worker(
    watched, built_site: Path, tmp_path: Path
):
    """The controls: an inline script the policy does not list, and a worker whose policies lack
    'wasm-unsafe-eval' (so Pyodide cannot compile), are both reported. Without this, a silent
    collector would pass the test above."""
    context, watch = watched
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    headers = site / HEADERS_FILE
    headers.write_text(headers.read_text().replace(" 'wasm-unsafe-eval'", ""))
    quiz = site / "quiz" / "index.html"
    quiz.write_text(quiz.read_text().replace("</body>", "<script>void 0</script></body>", 1))
    reports: list[Any] = []
    with http_server(site, apply_headers=True, csp_reports=reports) as base_url:
        page = context.new_page()
        page.goto(base_url + "quiz/")
        deadline = time.monotonic() + ENGINE_TIMEOUT_MS / 1000
        while time.monotonic() < deadline and not any(
            r["csp-report"]["blocked-uri"] == "wasm-eval" for r in reports if "csp-report" in r
        ):
            time.sleep(0.2)
    blocked = {r["csp-report"]["blocked-uri"] for r in reports if "csp-report" in r}
    assert {"inline", "wasm-eval"} <= blocked
    assert any("script-src" in v and "inline" in v for v in watch.violations)
    assert any("Content Security Policy" in line for line in watch.console)
