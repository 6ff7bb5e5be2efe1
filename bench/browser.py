"""Playwright driving Debian's Chromium, and the page probes the browser measures share.

Nothing here evaluates code in the page's own world except on the bare pages (which have no CSP):
the quiz page is observed through an init script (``PROBE_JS``, injected by the DevTools protocol,
which a page's CSP does not block) that writes what it sees as ``data-bench-*`` attributes on
``<html>``, and the bench reads them with locators.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from tests.helpers import CHROMIUM, CHROMIUM_LAUNCH


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make chromium` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**CHROMIUM_LAUNCH)
        try:
            yield browser
        finally:
            browser.close()


def wait_attr(page: Any, name: str, timeout_ms: float = 60_000) -> str | None:
    """Wait until ``<html data-bench-NAME>`` or ``data-bench-error`` is set; return NAME's value.

    Raises RuntimeError with the page's error if ``data-bench-error`` came first.
    """
    page.locator(f"html[data-bench-{name}], html[data-bench-error]").wait_for(
        state="attached", timeout=timeout_ms
    )
    html = page.locator("html")
    error = html.get_attribute("data-bench-error")
    if error:
        raise RuntimeError(f"{page.url}: {error}")
    return html.get_attribute(f"data-bench-{name}")


def bench_attrs(page: Any, names: list[str]) -> dict[str, Any]:
    """The ``data-bench-NAME`` attributes on ``<html>`` (numbers as floats, JSON decoded, missing as
    None), read with a locator so a strict CSP does not matter."""
    html = page.locator("html")
    out: dict[str, Any] = {}
    for name in names:
        value = html.get_attribute(f"data-bench-{name}")
        try:
            out[name] = float(value) if value is not None else None
        except ValueError:
            try:
                out[name] = json.loads(value)
            except ValueError:
                out[name] = value
    return out
