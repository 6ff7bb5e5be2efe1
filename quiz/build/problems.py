"""Where a problem in the rules file is, in the words staff read: file, line and field.

Validation (the schema, then each check in quiz/build/checks/) reports a problem against the raw
path of the data it found it at — mapping keys and list indexes, as `yaml_loader.locate` takes them.
A `Report` turns that into `rules/membership.yaml:88 dues.values[2023-01-01].amounts.affiliate`,
naming list items by their id when they have one (`categories[regular].paths[manager]`), and keeps
every problem, so that one run lists them all.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from quiz.errors import Problem

Locate = Callable[[tuple], tuple[str | None, int | None]]
"""locate(raw_path) -> (file, line); raw_path holds mapping keys and list indexes."""

_BRACKETED_KEY = re.compile(r"^\d")  # dates (dues.values[2022-01-01]) read as an item, not a field


class Report:
    """Collects the problems of one rules file."""

    def __init__(self, data: object, locate: Locate | None = None, file: str | None = None):
        self.data = data
        self.locate = locate
        self.file = file
        self._problems: list[Problem] = []

    def add(self, raw: Iterable[object], message: str) -> None:
        raw = tuple(raw)
        file, line = self.file, None
        if self.locate is not None:
            found, line = self.locate(raw)
            file = found or file
        self._problems.append(Problem(file, line, self.field(raw), message, raw))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._problems.extend(problems)

    def line(self, raw: Iterable[object]) -> int | None:
        return self.locate(tuple(raw))[1] if self.locate is not None else None

    def field(self, raw: Iterable[object]) -> str:
        """The field path as staff read it: `categories[regular].paths[manager].criteria`."""
        text = ""
        node: object = self.data
        for part in raw:
            if isinstance(part, int):
                item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
                label = item.get("id") if isinstance(item, dict) else None
                shown = label if isinstance(label, str) and label else part
                text += f"[{shown}]"
                node = item
            else:
                key = str(part)
                text += f"[{key}]" if _BRACKETED_KEY.match(key) else (f".{key}" if text else key)
                node = node.get(part) if isinstance(node, dict) else None
        return text

    @property
    def problems(self) -> list[Problem]:
        """In file order (by line when known), duplicates dropped."""
        unique = list(dict.fromkeys(self._problems))
        return sorted(unique, key=lambda p: (p.line is None, p.line or 0, p.path, p.message))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """ " (did you mean 'affiliate'?)" for a likely typo of one of `known`, else ""."""
    close = difflib.get_close_matches(str(word), sorted(set(known)), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(known: Iterable[str]) -> str:
    return ", ".join(sorted(set(known))) or "none defined"


def shown_name(path: str | os.PathLike[str]) -> str:
    """The file name errors show: relative to the working directory when inside it."""
    resolved = Path(path)
    try:
        return str(resolved.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
