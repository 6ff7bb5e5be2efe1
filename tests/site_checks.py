"""Checks on a built site, shared by the tests/test_site_*.py modules (plain functions, no pytest).

The consistency check reads what a visitor reads (the HTML text without navigation, scripts and the
search index) and asks the engine which figures each page may state. Nothing here knows a price: the
allowed figures are computed from the rules file the site was built from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from quiz.build import figures
from quiz.build.validate import load_rules

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


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of a page's text from the heading ``start`` to ``end`` (or the end)."""
    begin = text.index(start)
    stop = text.find(end, begin + len(start)) if end else -1
    return text[begin:] if stop == -1 else text[begin:stop]


# --- what the rules allow each page to state: the build's own check (quiz/build/figures.py) ------


def allowed_figures(rules_path: Path, on: date) -> figures.Allowed:
    """Every figure the engine produces from ``rules_path`` for a build on ``on``."""
    return figures.allowed_figures(load_rules(rules_path), on)


def inconsistencies(site_dir: Path, allowed: figures.Allowed) -> list[str]:
    """Every figure on every built page that the rules do not give for that page, as the visitor
    reads it (the HTML's text): the build checked the Markdown; this checks what it became."""
    problems: list[str] = []
    for key, path in html_pages(site_dir).items():
        text = page_text(path.read_text(encoding="utf-8"))
        problems.extend(figures.problems(text, allowed, key, f"/{key}"))
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


def dollar_figures(text: str) -> list[Decimal]:
    """The dollar amounts a text states, as the build's check reads them."""
    return [Decimal(m.group(1).replace(",", "")) for m in figures.DOLLARS.finditer(text)]
