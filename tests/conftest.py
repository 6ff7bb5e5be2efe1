"""Shared fixtures. Helpers behind them live in tests/helpers.py (importable as ``tests.helpers``).

Fixtures:
  repo_root                 Path of the repository
  venv_bin                  the function ``venv_bin(name) -> Path`` (.venv/bin/NAME)
  built_site   (session)    Path of the real site, built once with ``mkdocs build --strict``
  site_server  (session)    base URL (ending in '/') of ``built_site`` served on 127.0.0.1; the
                            site is built with this URL as ``site_url``, so Material's instant
                            navigation works in every browser test
  quiz_url     (session)    the quiz page on ``site_server``
  built        (session)    ``built_site``'s rules.json and build date, with CPython's answers
                            for them (tests/quiz_browser.py's ``BuiltRules``)
  browser      (session)    Playwright Chromium (Debian's /usr/bin/chromium, headless)
  context, page             a fresh browser context / page per test
  pyodide_engine (session)  the real engine in Pyodide under Node, on the very Python the browser
                            gets (the build's Python bundle; a helpers.PyodideEngine):
                            ``.request(dict) -> dict``, ``.request_many(list) -> list``

Tests using browser/context/page get the ``browser`` marker, those using pyodide_engine ``node``.
Browser and Node tests skip when their tool is missing, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.helpers import (
    CHROMIUM,
    CHROMIUM_LAUNCH,
    PYODIDE_DIR,
    REPO_ROOT,
    PyodideEngine,
    build_site,
    http_server,
    in_ci,
    make_python_bundle,
)
from tests.helpers import venv_bin as _venv_bin

_BROWSER_FIXTURES = {"browser", "context", "page"}
_NODE_FIXTURES = {"pyodide_engine"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & _NODE_FIXTURES:
            item.add_marker(pytest.mark.node)


def missing_tool(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail under CI where every tool must have been installed."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the suite must not skip this)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def venv_bin():
    return _venv_bin


# --- the site ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The real site, built into a folder that is already being served, with ``site_url`` set to
    the address it is served on.

    Material's instant navigation only intercepts links whose sitemap URL matches the page's host
    *and port*: built with mkdocs.yml's ``site_url`` (:8000) and served on a random port, every
    click would be a full page load. So the port is bound first (serving the empty folder), then
    the site is built into that folder with the served URL as ``site_url``.
    """
    site_dir = tmp_path_factory.mktemp("built_site")
    with http_server(site_dir) as base_url:
        result = build_site(site_dir, config_overrides={"site_url": base_url})
        if result.returncode != 0:
            pytest.fail(
                f"mkdocs build --strict failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
        yield site_dir, base_url


@pytest.fixture(scope="session")
def built_site(_served_site: tuple[Path, str]) -> Path:
    return _served_site[0]


@pytest.fixture(scope="session")
def site_server(_served_site: tuple[Path, str]) -> str:
    """Base URL (ending in '/') where ``built_site`` is served; it is also the site's site_url."""
    return _served_site[1]


@pytest.fixture(scope="session")
def quiz_url(site_server: str) -> str:
    return site_server + "quiz/"


@pytest.fixture(scope="session")
def built(built_site: Path) -> Any:
    """The shared site's rules.json and build date, with CPython's answers for the same input
    (a ``tests.quiz_browser.BuiltRules``)."""
    from tests.quiz_browser import BuiltRules

    return BuiltRules(built_site)


# --- the browser (Playwright driving Debian's Chromium) ----------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing_tool(f"{CHROMIUM} is missing (make chromium installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the playwright package is not installed (make install)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**CHROMIUM_LAUNCH)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


# --- the engine in Pyodide under Node ----------------------------------------------------------


@pytest.fixture(scope="session")
def pyodide_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PyodideEngine]:
    if shutil.which("node") is None:
        missing_tool("node is not installed")
    if not PYODIDE_DIR.is_dir():
        missing_tool(f"{PYODIDE_DIR} is missing (make node_modules installs it)")
    bundle = make_python_bundle(tmp_path_factory.mktemp("engine") / "python.zip")
    with PyodideEngine(bundle, bundle=True) as engine:
        yield engine
