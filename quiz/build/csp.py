"""The site's Content Security Policy, computed from the built HTML (no MkDocs needed).

One policy for the whole site. Every HTML page gets it as a ``<meta http-equiv>`` tag (the first
thing after ``<meta charset>``, so it covers every script that follows), and ``_headers`` (the
Netlify / Cloudflare Pages format) repeats it as HTTP headers for hosts that can send them, with
``frame-ancestors`` (ignored in a meta tag) and a policy for the quiz's module worker.

Scripts: ``'self'`` plus the sha256 of each inline script Material writes (``__md_scope``, the
palette, the tabs, the announcement...), hashed from the final HTML of every page. Never
``'unsafe-inline'`` or ``'unsafe-eval'``. ``'wasm-unsafe-eval'`` lets Pyodide compile its
WebAssembly and nothing else.

Why one policy for all pages rather than one per page: Material's instant navigation appends to
``<head>`` every element of the next page's head it does not already have. A page-specific meta
would be appended too, and two policies are both enforced (a script must satisfy each), so the
first page's inline scripts would be blocked after a navigation. Identical metas are never
appended. The union of the hashes is a handful (``__md_scope`` differs only by the page's depth).

Why ``'wasm-unsafe-eval'`` is in the pages' policy and not only in the worker's: a host that finds
several ``_headers`` rules for one path may send all of them (Cloudflare Pages joins them with a
comma: two policies, both enforced), so the worker may get the pages' policy on top of its own.
Both must allow what the worker does.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from quiz.build.assets import ENGINE_DIR

# The quiz's module worker, relative to the site root (docs/javascripts/engine-worker.mjs).
WORKER_URI = "javascripts/engine-worker.mjs"
# How long a host may cache the engine's files, each named by its hash (quiz/build/assets.py).
IMMUTABLE = "public, max-age=31536000, immutable"

META_NAME = "Content-Security-Policy"

# <script ...>text</script>: inline when there is no src attribute. Script text cannot contain
# "</script" (the HTML parser ends the element there), so a lazy match is exact.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_META_CSP = re.compile(
    r"""[ \t]*<meta\s+http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>\n?""",
    re.IGNORECASE,
)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset\s*=[^>]*>", re.IGNORECASE)

# Script types a browser runs (anything else, such as Material's application/json config, is a data
# block: never executed, so CSP does not look at it).
_JS_TYPES = {
    "",
    "module",
    "importmap",
    "speculationrules",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}
_JS_TYPES |= {f"text/javascript1.{n}" for n in range(6)}


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _ATTR.findall(text):
        value = value[1:-1] if value[:1] in {'"', "'"} else value
        found.setdefault(name.lower(), value)
    return found


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would run in ``html``, in page order."""
    scripts = []
    for match in _SCRIPT.finditer(html):
        attributes = _attributes(match.group(1))
        if "src" in attributes:
            continue
        if attributes.get("type", "").strip().lower() not in _JS_TYPES:
            continue
        scripts.append(match.group(2))
    return scripts


def script_hash(text: str) -> str:
    """The CSP source for one inline script: ``'sha256-…'`` of its text as the browser sees it
    (the HTML parser turns CRLF and CR into LF before anything else)."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalized.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _serialize(directives: Iterable[tuple[str, Iterable[str]]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives)


def page_policy(hashes: Iterable[str]) -> str:
    """The policy of every page, as it appears in the meta tag.

    ``style-src 'self'``: the built HTML has no ``<style>`` element or ``style`` attribute, and
    Material and the quiz change styles only through the CSSOM (``element.style``), which CSP
    does not restrict. ``img-src data:``: Material's stylesheet draws its icons from data: URIs.
    """
    return _serialize(
        [
            ("default-src", ["'self'"]),
            ("script-src", ["'self'", *sorted(set(hashes)), "'wasm-unsafe-eval'"]),
            ("style-src", ["'self'"]),
            ("img-src", ["'self'", "data:"]),
            ("font-src", ["'self'"]),
            ("connect-src", ["'self'"]),
            ("worker-src", ["'self'"]),
            ("manifest-src", ["'self'"]),
            ("object-src", ["'none'"]),
            ("base-uri", ["'self'"]),
            ("form-action", ["'self'"]),
        ]
    )


def header_policy(meta_policy: str) -> str:
    """The pages' policy as an HTTP header: the meta policy plus what only a header can carry."""
    return f"{meta_policy}; frame-ancestors 'none'"


def worker_policy() -> str:
    """The quiz worker's own policy. A worker runs under the policy sent with ITS script, never the
    page's meta tag: import Pyodide's module and fetch the assets from this site, compile wasm."""
    return _serialize(
        [
            ("default-src", ["'self'"]),
            ("script-src", ["'self'", "'wasm-unsafe-eval'"]),
            ("connect-src", ["'self'"]),
            ("object-src", ["'none'"]),
            ("base-uri", ["'self'"]),
        ]
    )


def meta_tag(policy: str) -> str:
    return f'<meta http-equiv="{META_NAME}" content="{policy}">'


def with_meta(html: str, policy: str) -> str:
    """``html`` with exactly one CSP meta tag, right after ``<meta charset>`` (or ``<head>``).

    A meta policy covers only what the parser meets after it: it must precede every script. An
    earlier CSP meta (a previous run over the same file) is replaced.
    """
    html = _META_CSP.sub("", html)
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("the page has no <head>: the Content Security Policy cannot be added")
    at = head.end()
    charset = _CHARSET.match(html, at)
    if charset is not None:
        at = charset.end()
    indent = re.match(r"\n?([ \t]*)", html[at:]).group(1) if charset is not None else ""
    return f"{html[:at]}\n{indent}{meta_tag(policy)}{html[at:]}"


def headers_file(meta_policy: str, base_path: str = "/") -> str:
    """``_headers`` (Netlify, Cloudflare Pages): the pages' policy on every path, the worker's own
    policy on the worker script, and a year's caching for the engine's files, whose names hold the
    hash of their bytes (quiz/build/assets.py): they never change under a name. Paths are from the
    host's root (``base_path``: where the site is served, from ``site_url``)."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    return (
        "# Generated by the ipma MkDocs plugin (quiz/build/csp.py): do not edit, it is rebuilt.\n"
        "# HTTP headers for hosts that read this file (Netlify, Cloudflare Pages). Every page\n"
        "# also carries the same policy in a <meta http-equiv> tag; frame-ancestors works only\n"
        "# here, and so does the worker's policy (a worker obeys its own script's headers).\n"
        f"{base}*\n"
        f"  Content-Security-Policy: {header_policy(meta_policy)}\n"
        f"{base}{WORKER_URI}\n"
        f"  Content-Security-Policy: {worker_policy()}\n"
        f"{base}{ENGINE_DIR}*\n"
        f"  Cache-Control: {IMMUTABLE}\n"
    )


def apply(site_dir: Path, base_path: str = "/") -> str:
    """Add the site-wide policy to every HTML file under ``site_dir`` and write ``_headers``.

    Returns the meta policy. The hashes are those of the inline scripts of all pages together.
    """
    site_dir = Path(site_dir)
    pages = sorted(site_dir.rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes = {script_hash(script) for text in texts.values() for script in inline_scripts(text)}
    policy = page_policy(hashes)
    for path, text in texts.items():
        updated = with_meta(text, policy)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
    (site_dir / "_headers").write_text(headers_file(policy, base_path), encoding="utf-8")
    return policy
