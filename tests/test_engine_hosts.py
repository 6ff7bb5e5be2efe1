"""The engine on the two kinds of static host (issue 12): one that compresses text as it sends it
(GitHub Pages, Netlify, Cloudflare), one that sends every file as stored (``mkdocs serve``, a bare
object store). The large files are xz either way; Pyodide's 1.25 MB JavaScript glue is imported
as a script where the host compresses scripts, and decompressed from its xz copy where not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import http_server
from tests.quiz_browser import ENGINE_TIMEOUT_MS, BuiltRules, answer, continue_, duties_form

GLUE = re.compile(r"/assets/engine/pyodide\.asm\.[0-9a-f]{12}\.mjs$")
GLUE_XZ = re.compile(r"/assets/engine/pyodide\.asm\.[0-9a-f]{12}\.mjs\.xz$")


@pytest.mark.parametrize("compress", [True, False], ids=["compressing-host", "plain-host"])
def test_the_quiz_runs_on_either_host_and_fetches_the_glue_the_cheaper_way(
    browser, built_site: Path, built: BuiltRules, compress: bool
):
    with http_server(built_site, compress=compress) as base_url:
        context = browser.new_context()
        try:
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base_url + "quiz/")
            answer(page, built, "organization", "law_firm")
            continue_(page)
            expect(duties_form(page, built)).to_be_visible()
            expect(page.locator("html")).to_have_attribute(
                "data-ipma-engine", "ready", timeout=ENGINE_TIMEOUT_MS
            )
        finally:
            context.close()
    plain = [u for u in requests if GLUE.search(u)]
    packed = [u for u in requests if GLUE_XZ.search(u)]
    if compress:
        assert len(plain) == 1 and packed == [], requests
    else:
        assert plain == [] and len(packed) == 1, requests


def test_on_a_plain_host_a_repeat_visit_takes_the_glue_from_the_local_copy(
    browser, built_site: Path, built: BuiltRules
):
    """Where the host compresses nothing, the first visit decompresses the glue's xz copy and keeps
    it with the rest of the local copy: the next visit downloads no glue at all, and works."""
    with http_server(built_site, compress=False) as base_url:
        context = browser.new_context()
        try:
            first = context.new_page()
            first.goto(base_url + "quiz/")
            expect(first.locator("html")).to_have_attribute(
                "data-ipma-engine-copy", "kept", timeout=ENGINE_TIMEOUT_MS
            )
            first.close()
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(base_url + "quiz/")
            expect(page.locator("html")).to_have_attribute(
                "data-ipma-engine", "ready", timeout=ENGINE_TIMEOUT_MS
            )
            answer(page, built, "organization", "law_firm")
            continue_(page)
            expect(duties_form(page, built)).to_be_visible()
        finally:
            context.close()
    assert [u for u in requests if GLUE.search(u) or GLUE_XZ.search(u)] == [], requests
    assert [u for u in requests if "/assets/engine/" in u and u.endswith(".xz")] == [], requests
