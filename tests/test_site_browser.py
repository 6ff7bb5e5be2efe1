"""The built pages in headless Chromium, phone and desktop widths: nothing a reader needs is cut."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.quiz_browser import ENGINE_TIMEOUT_MS
from tests.site_checks import html_pages

STAFF_PAGES = {"staff-guide/", "rules-reference/"}
WIDTHS = {"small phone": (360, 740), "phone": (390, 844), "desktop": (1280, 900)}


def settled(page: Page) -> None:
    """The page as a reader sees it: the calculator's first quote laid out where there is one."""
    if page.locator("[data-ipma-calculator]").count():
        expect(page.locator(".ipma-calc__verdict-text")).to_be_visible(timeout=ENGINE_TIMEOUT_MS)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(browser, site_server, built_site: Path, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    wide = []
    try:
        page = context.new_page()
        keys = sorted(html_pages(built_site))
        assert len(keys) >= 15
        for key in keys:
            page.goto(site_server + key)
            settled(page)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > w:
                wide.append(f"{key or '/'}: {scroll} px wide at {w} px")
            if key in STAFF_PAGES:
                continue  # read on a desktop; on a phone their tables scroll in their own box
            # Tables are wrapped by Material in a scrollable box: none may hide columns.
            clipped = page.evaluate(
                """() => [...document.querySelectorAll('.md-typeset__scrollwrap')]
                    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
                    .map(e => e.querySelector('tr') ? e.querySelector('tr').innerText : '')"""
            )
            wide += [f"{key or '/'}: a table hides columns at {w} px: {row}" for row in clipped]
    finally:
        context.close()
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_home_page_shows_every_price_without_scrolling(browser, site_server, built, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        page.goto(site_server)
        schedule = built.rules["dues"]["values"]
        latest = schedule[max(schedule)]
        shown = page.locator("main").get_by_text(re.compile(r"^\$[\d,]+"))
        expect(shown.first).to_be_visible()
        amounts = {f"${int(a):,}" for a in latest["amounts"].values() if a}
        texts = {t.strip() for t in shown.all_inner_texts()}
        assert amounts <= {t.split()[0] for t in texts}, (amounts, texts)
        for price in shown.all():
            if price.inner_text().split()[0] in amounts:
                box = price.bounding_box()
                assert box is not None and box["y"] + box["height"] <= h, price.inner_text()
    finally:
        context.close()


def test_the_404_page_offers_the_way_back(browser, site_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(site_server + "no/such/page/")
        assert response is not None and response.status == 404
        main = page.locator("main")
        expect(main.get_by_role("heading", level=1)).to_be_visible()
        links = main.get_by_role("link")
        assert links.count() >= 3
        for link in links.all():  # each one leads to a page that is there
            raw = link.get_attribute("href")
            href = page.evaluate("(h) => new URL(h, document.baseURI).href", raw)
            if href.startswith(site_server):
                assert page.context.request.get(href).status == 200, href
    finally:
        context.close()


def search(page: Page, words: str):
    box = page.locator("input[data-md-component=search-query]")
    box.click()
    box.fill(words)  # the whole query at once, then a key press: Material searches on key presses
    box.press("End")
    return page.locator(".md-search-result__item")


def test_search_finds_the_faq_for_renewal_and_never_the_staff_pages(browser, site_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server)
        results = search(page, "renew")
        expect(results.first).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        expect(results.first.locator("a").first).to_have_attribute("href", re.compile(r"faq/"))
        # The staff pages (the YAML's "nonprofit" ids) are not in the public search.
        for words, public in (("nonprofit", False), ("non-profit rate", True)):
            page.goto(site_server)
            results = search(page, words)
            meta = page.locator(".md-search-result__meta")
            expect(meta).not_to_have_text(re.compile(r"^$|Type to start|Initializing"))
            hrefs = [a.get_attribute("href") or "" for a in results.locator("a").all()]
            assert not [h for h in hrefs if "staff-guide" in h or "rules-reference" in h], hrefs
            if public:  # the public pages that state the rate are found
                assert [h for h in hrefs if re.search(r"/(dues|faq|membership)/", h)], hrefs
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


def test_the_quiz_keeps_its_back_link_clear_of_the_header_and_has_no_back_to_top_button(
    browser, quiz_url: str, built
):
    """On a phone the Back link is below the sticky header, not under it, and Material's "Back to
    top" button never covers a question (issue 13)."""
    w, h = WIDTHS["phone"]
    context = browser.new_context(viewport={"width": w, "height": h})
    try:
        page = context.new_page()
        page.goto(quiz_url)
        first = built.call("next_step", {"answers": {}})["question"]
        option = first["options"][0]
        page.locator("form.ipma-question").get_by_label(option["label"], exact=True).check()
        page.get_by_role("button", name="Continue").click()
        back = page.get_by_role("link", name="Back")
        expect(back).to_be_visible(timeout=ENGINE_TIMEOUT_MS)
        header = page.locator(".md-header").bounding_box()
        link = back.bounding_box()
        assert header is not None and link is not None
        assert link["y"] >= header["y"] + header["height"], (link, header)
        page.mouse.wheel(0, 400)
        page.mouse.wheel(0, -200)  # Material shows its button on scrolling up
        expect(page.locator(".md-top")).to_be_hidden()
    finally:
        context.close()


def test_no_empty_announcement_strip_when_nothing_is_announced(browser, site_server, built):
    """The banner is there only with an announcement (an announced dues year); else no strip."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_server)
        announced = page.locator(".ipma-announce")
        banner = page.locator(".md-banner")
        if announced.count() == 0:
            assert banner.count() == 0 or (banner.bounding_box() or {"height": 0})["height"] == 0
        else:
            expect(banner).to_be_visible()
    finally:
        context.close()
