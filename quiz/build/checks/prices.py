"""Dues and Enterprise prices that are complete and could not be a typing mistake.

Every dated dues block lists an amount for each individual category with published dues and for
each of their rates, and nothing else. An amount of 0 would publish a category as free: it is
accepted only for a category marked `free: true` (so the staff guide's example block can never
publish $0 dues by accident). Enterprise pricing compares a group price with individual dues, so it
prices only members whose individual dues are published; a category in `fill_order` needs a price
after the places too.
"""

from __future__ import annotations

from quiz.build.problems import Report, did_you_mean, one_of
from quiz.conditions import show

from . import data as d


def check(data: object, report: Report) -> None:
    _dues(data, report)
    _enterprise(data, report)


def _dues(data: object, report: Report) -> None:
    categories = d.by_id(data, "categories")
    published = d.with_dues(data)
    free = {name for name, (_, item) in categories.items() if item.get("free") is True}
    rates = {
        f"{name}.{d.ident(rate)}"
        for name in published
        for _, rate in d.entries(categories[name][1].get("rates"))
        if d.ident(rate)
    }
    for date, block in d.mapping(d.get(data, "dues", "values")).items():
        raw = ("dues", "values", date)
        for table, expected in (("amounts", published), ("rates", rates)):
            found = d.get(block, table)
            if not isinstance(found, dict):
                continue
            for key, value in found.items():
                where = (*raw, table, key)
                category = str(key).split(".")[0]
                if key not in expected:
                    if table == "rates":
                        report.add(
                            where,
                            f"unknown rate '{key}'{did_you_mean(key, expected)}: expected "
                            f"CATEGORY.RATE, one of {one_of(expected)}",
                        )
                        continue
                    elif category in categories:
                        reason = (
                            f"'{key}' has no published dues (dues_published: false or not "
                            "individual)"
                        )
                    else:
                        continue  # an unknown category: the references check reports it
                    report.add(where, f"unknown {table[:-1]} '{key}': {reason}")
                elif value == 0 and not isinstance(value, bool) and category not in free:
                    report.add(
                        where,
                        f"expected an amount above 0, got 0: that would publish {category} as "
                        "free. Set free: true on the category if it really is",
                    )
            for key in sorted(expected - set(found)):
                report.add(
                    (*raw, table, key),
                    f"missing the amount for {key}: every date lists an amount for each individual "
                    "category with published dues and each of their rates",
                )


def _enterprise(data: object, report: Report) -> None:
    categories = d.by_id(data, "categories")
    published = d.with_dues(data)

    def priced(raw: tuple, name: object) -> None:
        if isinstance(name, str) and name in categories and name not in published:
            report.add(
                raw,
                f"'{name}' has no published individual dues: Enterprise prices only members whose "
                "individual dues it can compare with",
            )

    for date, scheme in d.mapping(d.get(data, "enterprise", "values")).items():
        raw = ("enterprise", "values", date)
        fill = d.get(scheme, "fill_order")
        after = d.get(scheme, "after_places")
        for i, name in enumerate(fill if isinstance(fill, list) else ()):
            priced((*raw, "fill_order", i), name)
            if isinstance(after, dict) and isinstance(name, str) and name not in after:
                report.add(
                    (*raw, "after_places", name),
                    f"missing the price after the places for '{name}' (it is in fill_order)",
                )
        for name in d.mapping(after):
            priced((*raw, "after_places", name), name)
    for name in d.mapping(d.get(data, "enterprise", "hints")):
        priced(("enterprise", "hints", name), name)
    questions = d.by_id(data, "questions")
    for index, example in d.entries(d.get(data, "enterprise", "examples")):
        for name in d.mapping(example.get("counts")):
            priced(("enterprise", "examples", index, "counts", name), name)
        for name, answer in d.mapping(example.get("answers")).items():
            kind = questions[name][1].get("kind") if name in questions else None
            if kind == "yes_no" and not isinstance(answer, bool):
                report.add(
                    ("enterprise", "examples", index, "answers", name),
                    f"expected true or false (the answer to a yes/no question), got {show(answer)}",
                )
            elif kind is not None and kind != "yes_no":
                report.add(
                    ("enterprise", "examples", index, "answers", name),
                    f"expected a yes/no question (an example's answers choose rates), got {kind} "
                    f"question '{name}'",
                )
