"""The engine's errors: one base class, so callers (CLI, API, site build) catch them all at once.

Every error carries a message written for the person who has to act on it: staff editing the rules
file (`RulesValidationError`), the browser or a CLI user sending answers (`AnswerError`), or a page
asking for a year that has no dues (`DuesYearError`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class RulesError(Exception):
    """Base class of every error the engine raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a rules file: where it is (file, line, field path) and what was expected.

    `file` and `line` are None when the rules did not come from a file with line numbers (e.g. the
    JSON export); the field path alone still names the place.
    """

    file: str | None
    line: int | None
    path: str
    message: str
    raw: tuple = field(default=(), compare=False, repr=False)  # keys and indexes, for tools

    def __post_init__(self) -> None:
        # One problem, one line: a key or value typed with a line break or another control
        # character is shown escaped ('a\\nb'), as Python would show it.
        for name in ("path", "message"):
            text = getattr(self, name)
            if not text.isprintable():
                printable = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
                object.__setattr__(self, name, printable)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        elif self.line is not None:
            where = f"line {self.line}"
        head = " ".join(part for part in (where, self.path) if part)
        return f"{head}: {self.message}" if head else self.message


class RulesValidationError(RulesError):
    """The rules file has problems; `problems` lists all of them, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class AnswerError(RulesError):
    """Answers the engine cannot use; `answer` names the question (None: the whole object)."""

    def __init__(self, answer: str | None, message: str):
        self.answer = answer
        self.detail = message
        if not answer:
            super().__init__(message)
            return
        # repr: a key from a crafted answers object may hold newlines; cut: it may be very long.
        text = str(answer)
        shown = repr(f"{text[:80]}..." if len(text) > 80 else text)
        super().__init__(f"answer {shown}: {message}")


class DuesYearError(RulesError):
    """Dues were asked for a year (or date) that no published schedule covers."""

    def __init__(self, requested: str, published_years: Iterable[int]):
        self.requested = requested
        self.published_years: tuple[int, ...] = tuple(sorted(set(published_years)))
        years = ", ".join(str(y) for y in self.published_years) or "none"
        super().__init__(f"no dues are published for {requested}; published years: {years}")


class NoPublishedDuesError(RulesError):
    """A category whose dues no source publishes (Business Partner, Enterprise): contact HQ."""

    def __init__(self, category_id: str):
        self.category = category_id
        super().__init__(f"dues for '{category_id}' are not published: contact IPMA Headquarters")


class UnknownValueError(RulesError):
    """A `{{ placeholder }}` names a value the rules do not define (on that date)."""

    def __init__(self, name: str, message: str | None = None):
        self.name = name
        super().__init__(message or f"unknown value '{name}'")


class RequestError(RulesError):
    """A worker/API request that is malformed (unknown method, params of the wrong shape)."""
