"""Questions that can be asked and thresholds that drive something.

A question no condition reads would never be asked (the flow asks only what could change the
result); a threshold no condition or duty band uses changes nothing, so a page stating it would
state a rule that is not applied. Both are mistakes. A number question needs a range (min ≤ max)
and its messages for an answer that is not a whole number or out of range; the checklist is one
question with at least one duty, and its "other duties" box needs an id of its own.
"""

from __future__ import annotations

from quiz.build.problems import Report

from . import data as d


def check(data: object, report: Report) -> None:
    read: set[str] = set()
    used: set[str] = set()
    for raw, condition, _ in d.conditions(data):
        for _, leaf in d.leaves(condition, raw):
            if isinstance(leaf.get("answer"), str):
                read.add(leaf["answer"])
            for key, value in leaf.items():
                if key != "answer" and isinstance(value, str):
                    used.add(value)
    for _, band in d.entries(d.get(data, "duty_bands")):
        used.update(v for v in band.values() if isinstance(v, str))

    # A condition naming a question or a threshold that does not exist is reported as such; the
    # real one it meant would then look unused, which is not a second mistake.
    questions = set(d.by_id(data, "questions"))
    thresholds = set(d.thresholds(data))
    misnamed_question = bool(read - questions)
    misnamed_threshold = bool(used - thresholds)

    duty_ids = {
        d.ident(duty)
        for _, g in d.entries(d.get(data, "duty_groups"))
        for _, duty in d.entries(g.get("duties"))
    }
    checklists = []
    for index, question in d.entries(d.get(data, "questions")):
        name = d.ident(question)
        if name is not None and name not in read and not misnamed_question:
            report.add(
                ("questions", index, "id"),
                f"question '{name}' is never asked: no condition reads its answer (use it in a "
                "criterion, a rate or an ask_when, or remove it)",
            )
        kind = question.get("kind")
        if kind == "duties":
            checklists.append(index)
            other = d.ident(d.mapping(question.get("other")))
            if other is not None and other in duty_ids:
                report.add(
                    ("questions", index, "other", "id"),
                    f"'{other}' is a duty's id: the box for other duties needs an id of its own",
                )
        if kind == "number":
            low, high = d.number(question.get("min", 0)), d.number(question.get("max"))
            if low is not None and high is not None and low > high:
                report.add(
                    ("questions", index, "max"), f"expected max of at least min ({low}), got {high}"
                )
            errors = question.get("errors")
            for key in ("not_whole", "out_of_range"):
                if isinstance(errors, dict) and key not in errors:
                    report.add(
                        ("questions", index, "errors", key),
                        f"missing required field '{key}' (a number question says what is wrong "
                        "with an answer it cannot use)",
                    )
    for index in checklists[1:]:
        report.add(
            ("questions", index, "kind"), "expected at most one duties question (the one checklist)"
        )
    if checklists and not (duty_ids - {None}):
        report.add(("duty_groups",), "expected at least one duty in the checklist, got none")

    for index, threshold in d.entries(d.get(data, "thresholds")):
        name = d.ident(threshold)
        if name is not None and name not in used and not misnamed_threshold:
            report.add(
                ("thresholds", index, "id"),
                f"threshold '{name}' drives nothing: no condition or duty band uses it (use it, "
                "or remove it so that no page states a rule the quiz does not apply)",
            )
