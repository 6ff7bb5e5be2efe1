"""Conditions that name what exists and fit it: the question's kind, its options, the order.

A comparison must fit its question (`in` a choice question's options, `is` a yes/no answer,
`groups_at_least` the duty checklist), and a question's `ask_when` may only read questions asked
before it. (How deep conditions may nest is checked first, in quiz/build/validate.py: a condition
thousands deep must not reach any recursive check.)
"""

from __future__ import annotations

from quiz.build.problems import Report, did_you_mean, one_of
from quiz.conditions import Op

from . import data as d

FITS = {
    Op.IN: ("choice",),
    Op.IS: ("yes_no",),
    Op.AT_LEAST: ("number", "duties"),
    Op.AT_MOST: ("number", "duties"),
    Op.GROUPS_AT_LEAST: ("duties",),
    Op.GROUPS_AT_MOST: ("duties",),
}
SUGGESTION = {
    "choice": "in: [option, ...]",
    "yes_no": "is: true or is: false",
    "number": "at_least or at_most",
    "duties": "at_least, at_most, groups_at_least or groups_at_most",
}


def check(data: object, report: Report) -> None:
    questions = d.by_id(data, "questions")
    for raw, condition, asker in d.conditions(data):
        for leaf_raw, leaf in d.leaves(condition, raw):
            name = leaf.get("answer")
            if not isinstance(name, str) or name not in questions:
                continue  # the schema or the references check reports it
            index, question = questions[name]
            if asker is not None and index >= asker:
                why = "itself" if index == asker else "a later question"
                report.add(
                    (*leaf_raw, "answer"),
                    f"'{name}' is {why}: ask_when may only read questions asked before this one",
                )
            _fits(leaf, leaf_raw, question, report)


def _fits(leaf: dict, raw: tuple, question: dict, report: Report) -> None:
    kind = question.get("kind")
    if not isinstance(kind, str):
        return  # the schema reports the kind
    ops = [Op(key) for key in leaf if key in Op.__members__.values()]
    for op in ops:
        if kind in SUGGESTION and kind not in FITS[op]:
            report.add(
                (*raw, op.value),
                f"'{op.value}' does not fit {kind} question '{question.get('id')}': "
                f"expected {SUGGESTION[kind]}",
            )
        elif op is Op.IN and isinstance(leaf.get("in"), list):
            options = {d.ident(o) for _, o in d.entries(question.get("options"))} - {None}
            for i, option in enumerate(leaf["in"]):
                if isinstance(option, str) and option not in options:
                    report.add(
                        (*raw, "in", i),
                        f"unknown option '{option}' of question '{question.get('id')}'"
                        f"{did_you_mean(option, options)}: expected one of {one_of(options)}",
                    )
