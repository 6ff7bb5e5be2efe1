"""Checks on a built site, shared by the tests/test_site_*.py modules (plain functions, no pytest).

The consistency check reads what a visitor reads (the HTML text without navigation, scripts and the
search index) and asks the engine which figures each page may state. Nothing here knows a price: the
allowed figures are computed from the rules file the site was built from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from quiz import dated, dues, enterprise, values
from quiz.build.yaml_loader import load_rules
from quiz.model import Rules

DOLLARS = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\d+(?:\.\d{2})?)(?![\d,]*\d)")
# "10 Regular members", "5 of the duties", "2 years": a count, at most two words, then the noun.
COUNTS = re.compile(
    r"(?<![\d,.$])\b(\d+)\s+(?:[A-Za-z][A-Za-z-]*\s+){0,2}?(members?|duties|duty|years?)\b",
    re.IGNORECASE,
)

# Elements whose text a reader does not read as page content.
SKIPPED = {"script", "style", "nav", "noscript", "template", "svg"}
# Elements that separate pieces of text: a figure in one table cell never reads on into the next.
BLOCKS = {"p", "li", "td", "th", "tr", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "br"}


# --- reading a built page ------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Visible text of a page, skipping navigation, scripts and styles (and the search form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append(" | ")
        if tag in {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}:
            return
        classes = dict(attrs).get("class") or ""
        skip = tag in SKIPPED or "md-search" in classes.split()
        self._stack.append(tag)
        if skip or self._skip:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append(" | ")
        if tag not in self._stack:
            return
        while self._stack:
            open_tag = self._stack.pop()
            if self._skip:
                self._skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def html_pages(site_dir: Path) -> dict[str, Path]:
    """Every built HTML page keyed by its URL path ("", "membership/regular/", "404.html")."""
    pages = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        key = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        pages[key] = path
    return pages


def dollar_figures(text: str) -> list[Decimal]:
    return [Decimal(m.group(1).replace(",", "")) for m in DOLLARS.finditer(text)]


def count_figures(text: str) -> list[tuple[int, str]]:
    return [(int(m.group(1)), m.group(0)) for m in COUNTS.finditer(text)]


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of a page's text from the heading ``start`` to ``end`` (or the end)."""
    begin = text.index(start)
    stop = text.find(end, begin + len(start)) if end else -1
    return text[begin:] if stop == -1 else text[begin:stop]


# --- what the rules allow each page to state -----------------------------------------------------


@dataclass
class Allowed:
    """Figures the engine produces for the build date; ``for_page`` picks what a page may state."""

    rules: Rules
    on: date
    current: set[Decimal] = field(default_factory=set)
    every_year: set[Decimal] = field(default_factory=set)
    per_category: dict[str, set[Decimal]] = field(default_factory=dict)
    enterprise: set[Decimal] = field(default_factory=set)
    named: set[Decimal] = field(default_factory=set)
    counts: set[int] = field(default_factory=set)
    member_counts: set[int] = field(default_factory=set)

    def for_page(self, key: str) -> tuple[set[Decimal], set[int]]:
        """(dollar amounts, counts) the page at URL path ``key`` may state.

        A category page shows that category's dues; the dues page every published year; the
        Enterprise page the engine's quotes of the examples; FAQ and hand-written pages the named
        values their placeholders resolve to; summaries (home, comparison, how to join) the dues in
        force. Any other page: only the dues in force.
        """
        counts = set(self.counts)
        match = re.fullmatch(r"membership/([^/]+)/", key)
        if match and match.group(1) in self.per_category:
            return set(self.per_category[match.group(1)]), counts
        if key == "dues/":
            return set(self.every_year), counts
        if key in {"enterprise/", "membership/enterprise/"}:
            return self.enterprise | self.named, counts | self.member_counts
        if key in {"faq/", "staff-guide/"}:
            return self.named | self.current, counts | self.member_counts
        return set(self.current), counts


def allowed_figures(rules_path: Path, on: date) -> Allowed:
    """Every figure the engine produces from ``rules_path`` for a build on ``on``."""
    rules = load_rules(rules_path)
    allowed = Allowed(rules=rules, on=on)
    for category in rules.categories:
        mine: set[Decimal] = set()
        if category.dues_published:
            try:
                mine.add(dues.estimate(rules, category.id, on=on).amount)
                for rate in category.rates:
                    mine.add(dues.estimate(rules, category.id, on=on, rate=rate.id).amount)
            except dated.DuesYearError:
                pass
        allowed.per_category[category.id] = mine
        allowed.current |= mine
    for schedule in rules.dues.schedules:
        allowed.every_year |= set(schedule.amounts.values()) | set(schedule.rates.values())
    for name in sorted(values.names(rules)):
        try:
            value = values.resolve(rules, name, on=on)
        except Exception:  # a name with no value on this date (e.g. no scheme yet)
            continue
        if isinstance(value.value, Decimal) and value.display.startswith("$"):
            allowed.named.add(value.value)
    allowed.counts = {t.value for t in rules.thresholds}
    for example in rules.enterprise.examples:
        quote = enterprise.quote(rules, dict(example.counts), on=on)
        allowed.enterprise |= {quote.enterprise.total, quote.individual.total, quote.saving}
        for line in (*quote.enterprise.lines, *quote.individual.lines):
            allowed.enterprise |= {line.unit, line.amount}
            allowed.member_counts.add(line.count)
        allowed.member_counts |= set(example.counts.values())
        if quote.break_even_count is not None:
            allowed.member_counts.add(quote.break_even_count)
    try:
        scheme = dated.in_force(rules.enterprise.schemes, on).schedule
        allowed.member_counts.add(scheme.included_places)
        allowed.enterprise.add(scheme.flat_fee)
    except dated.DuesYearError:
        pass
    return allowed


def inconsistencies(site_dir: Path, allowed: Allowed) -> list[str]:
    """Every figure on every page that the rules do not produce for that page, as readable lines."""
    problems: list[str] = []
    for key, path in html_pages(site_dir).items():
        text = page_text(path.read_text(encoding="utf-8"))
        money, counts = allowed.for_page(key)
        for amount in dollar_figures(text):
            if amount not in money:
                problems.append(f"/{key}: ${amount} is not a figure the rules give for this page")
        for number, phrase in count_figures(text):
            if number not in counts:
                problems.append(f"/{key}: '{phrase}' ({number}) is not a count the rules give")
    return problems


# --- links and requests --------------------------------------------------------------------------


class _Refs(HTMLParser):
    """href/src/srcset of a page, with the tag they sit on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rel = (dict(attrs).get("rel") or "").lower().split()
        if tag == "link" and not set(rel) & _FETCHED_RELS:
            return  # canonical, alternate...: a link to the page's address, not a request
        for name, value in attrs:
            if value is None:
                continue
            if name in {"href", "src", "poster", "data"}:
                self.refs.append((tag, name, value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append((tag, name, candidate.split()[0]))


def page_refs(html: str) -> list[tuple[str, str, str]]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def broken_internal_links(site_dir: Path) -> list[str]:
    """Internal href/src in every page that do not resolve to a file of the built site."""
    broken = []
    for path in sorted(site_dir.rglob("*.html")):
        for tag, attr, value in page_refs(path.read_text(encoding="utf-8")):
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith(("#", "mailto:", "data:")):
                continue
            if not parts.path:
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if parts.path.startswith("/"):
                target = (site_dir / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                rel = path.relative_to(site_dir)
                broken.append(f"{rel}: <{tag} {attr}={value!r}> → {target} is missing")
    return broken


_FETCHED_RELS = {
    "stylesheet",
    "preconnect",
    "preload",
    "prefetch",
    "dns-prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "prerender",
}

# Tags and attributes a browser fetches by itself (an <a href> is only followed when clicked).
_FETCHED = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("link", "href"),  # stylesheets, icons, preconnect, preload, manifest
}
CSS_URL = re.compile(r"""url\(\s*['"]?(https?:)?//""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(url\()?\s*['"]?(https?:)?//""", re.IGNORECASE)
JS_REMOTE = re.compile(r"""\b(?:fetch|importScripts|import)\s*\(\s*['"`](?:https?:)?//""")


def third_party_requests(site_dir: Path, own_hosts: Iterable[str] = ()) -> list[str]:
    """Everything in the built site that would make a browser contact another host by itself."""
    own = set(own_hosts)
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir)
        html = path.read_text(encoding="utf-8")
        for tag, attr, value in page_refs(html):
            if (tag, attr) not in _FETCHED:
                continue
            host = urlsplit(value).netloc
            if host and host not in own:
                found.append(f"{rel}: <{tag} {attr}={value!r}>")
        for match in CSS_URL.finditer(html):
            found.append(f"{rel}: inline CSS url() to another host: {match.group(0)!r}")
    for path in sorted(site_dir.rglob("*.css")):
        css = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (CSS_URL, CSS_IMPORT):
            for match in pattern.finditer(css):
                found.append(f"{path.relative_to(site_dir)}: {match.group(0)!r}")
    for path in sorted(p for p in site_dir.rglob("*") if p.suffix in {".js", ".mjs"}):
        if "pyodide" in path.relative_to(site_dir).parts:
            continue  # Pyodide's own loader, served from the site (checked by the quiz's tests)
        js = path.read_text(encoding="utf-8", errors="replace")
        for match in JS_REMOTE.finditer(js):
            found.append(f"{path.relative_to(site_dir)}: {match.group(0)!r}")
    return found


# --- site/ snapshots -----------------------------------------------------------------------------


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, keyed by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
