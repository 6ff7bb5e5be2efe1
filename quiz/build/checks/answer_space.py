"""Every individual category is the outcome of some answers the quiz allows; no answer breaks it.

Walks the whole answer space (quiz.answer_space: one representative per class of answers the rules
cannot tell apart) and classifies each set. A category no answers lead to has criteria that can
never be met, or is always excluded by another (check `excluded_by` and the thresholds). Needs a
whole model, so it runs last, on a file with no other problem.
"""

from __future__ import annotations

from quiz import fitting
from quiz.answer_space import answer_sets
from quiz.build.problems import Report
from quiz.model import Rules

from . import data as d


def check(rules: Rules, data: object, report: Report) -> None:
    reached: set[str | None] = set()
    try:
        for answers in answer_sets(rules):
            category = fitting.outcome(rules, answers)
            reached.add(category.id if category else None)
    except Exception as exc:  # a bug in rules the checks above did not foresee
        report.add((), f"the quiz fails on some answers: {type(exc).__name__}: {exc}")
        return
    where = {
        name: ("categories", index) for name, (index, _) in d.by_id(data, "categories").items()
    }
    for category in rules.individual_categories:
        if category.id not in reached:
            report.add(
                where.get(category.id, ()),
                f"no answers lead to '{category.id}': its criteria can never be met, or other "
                "categories always take priority (check excluded_by and thresholds)",
            )
