"""What the schema cannot say about a rules file, one module per kind of check.

Each module has `check(data, report)`: it reads the rules' plain data (as the schema check left it,
possibly broken elsewhere: every check skips what it cannot read) and adds a problem with the raw
path of every mistake it finds. quiz/build/validate.py runs them all, so one run lists every
mistake; the answer-space check needs a whole model and runs last, on a file with no other problem.
"""

from __future__ import annotations

from collections.abc import Callable

from quiz.build.problems import Report

from . import categories, conditions, duty_bands, placeholders, prices, questions, references

Check = Callable[[object, Report], None]

CHECKS: tuple[Check, ...] = (
    references.check,
    categories.check,
    conditions.check,
    questions.check,
    duty_bands.check,
    prices.check,
    placeholders.check,
)
