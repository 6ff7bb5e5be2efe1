"""``{{ name }}`` placeholders in hand-written Markdown pages (docs/), filled from the rules.

One mechanism for the whole site: each placeholder is handed to the engine's ``values.render_text``,
the same function that fills the rules file's own texts (FAQ answers, criteria). This module only
decides *where* a placeholder is a placeholder, so staff can still write about them:

* inside code (fenced blocks and inline ``code``) ``{{ ... }}`` is shown as written, so the staff
  guide can quote the rules file;
* in prose, a backslash shows one literally: ``\\{{ dues.affiliate }}`` is printed as
  ``{{ dues.affiliate }}``.

An unknown name is reported with the page and line, e.g.
``docs/staff-guide.md:12: unknown value '{{ dues.afiliate }}' (did you mean 'dues.affiliate'?)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"(\\)?(\{\{(.*?)\}\})")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)


class PlaceholderProblems(Exception):
    """Every unknown or malformed placeholder of one page, one ``file:line: message`` per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def fill(markdown: str, render: Callable[[str], str], where: str) -> str:
    """``markdown`` with every placeholder outside code replaced by ``render("{{ name }}")``.

    ``render`` raises on an unknown name; its message is collected with ``where:line`` and all of
    them are raised together as ``PlaceholderProblems``, so one build lists every mistake.
    """
    problems: list[str] = []
    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        opening = FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        out.append(_fill_line(line, render, f"{where}:{number}", problems))
    if problems:
        raise PlaceholderProblems(problems)
    return "".join(out)


def _fill_line(line: str, render: Callable[[str], str], where: str, problems: list[str]) -> str:
    parts: list[str] = []
    last = 0
    for code in INLINE_CODE.finditer(line):
        parts.append(_fill_text(line[last : code.start()], render, where, problems))
        parts.append(code.group(0))
        last = code.end()
    parts.append(_fill_text(line[last:], render, where, problems))
    return "".join(parts)


def _fill_text(text: str, render: Callable[[str], str], where: str, problems: list[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1):  # \{{ ... }}: shown as written, without the backslash
            return match.group(2)
        try:
            return render(match.group(2))
        except Exception as error:  # the engine's UnknownValueError (or a malformed name)
            problems.append(f"{where}: {error}")
            return match.group(0)

    return PLACEHOLDER.sub(replace, text)


def names(markdown: str) -> list[str]:
    """The placeholder names a page uses outside code (for tests and the staff guide's checks)."""
    found: list[str] = []

    def collect(placeholder: str) -> str:
        found.append(placeholder[2:-2].strip())
        return placeholder

    fill(markdown, collect, "<page>")
    return found
