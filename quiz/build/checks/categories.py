"""Categories that can be told apart and that have a way in.

Each category has its own `order` (it breaks ties, and pages list categories by it), and each path
has at least one enabled criterion (a path with none would admit everyone).
"""

from __future__ import annotations

from quiz.build.problems import Report

from . import data as d


def check(data: object, report: Report) -> None:
    orders: dict[int, str] = {}
    for c, category in d.entries(d.get(data, "categories")):
        order = d.number(category.get("order"))
        name = d.ident(category) or f"categories[{c}]"
        if order is not None:
            if order in orders:
                report.add(
                    ("categories", c, "order"),
                    f"duplicate order {order} (also '{orders[order]}'): expected each category "
                    "to have its own order",
                )
            else:
                orders[order] = name
        for p, path in d.entries(category.get("paths")):
            criteria = d.entries(path.get("criteria"))
            if criteria and not any(item.get("enabled", True) is not False for _, item in criteria):
                report.add(
                    ("categories", c, "paths", p, "criteria"),
                    "expected at least one enabled criterion (a path with none admits everyone)",
                )
