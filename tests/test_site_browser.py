"""The built pages in headless Chromium, phone and desktop widths: nothing a reader needs is cut."""

from __future__ import annotations

import pytest

PAGES = ["", "membership/regular/", "membership/compare/", "dues/", "enterprise/", "join/"]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("key", PAGES)
def test_pages_fit_the_screen_without_sideways_scrolling(browser, site_server, key, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        page.goto(site_server + key)
        assert page.evaluate("document.documentElement.scrollWidth") <= w
        # Tables are wrapped by Material in a scrollable box: none may hide columns.
        clipped = page.evaluate(
            """() => [...document.querySelectorAll('.md-typeset__scrollwrap')]
                .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
                .map(e => e.querySelector('tr') ? e.querySelector('tr').innerText : '')"""
        )
        assert clipped == []
    finally:
        context.close()


def test_comparison_shows_the_table_on_desktop_and_one_card_per_category_on_a_phone(
    browser, site_server
):
    for width, (w, h) in WIDTHS.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        try:
            page = context.new_page()
            page.goto(site_server + "membership/compare/")
            table = page.locator(".ipma-compare table")
            cards = page.locator(".ipma-compare-card")
            if width == "desktop":
                assert table.is_visible() and not cards.first.is_visible()
            else:
                assert not table.is_visible() and cards.first.is_visible()
                assert cards.count() == page.locator(".ipma-compare thead th a").count()
        finally:
            context.close()
