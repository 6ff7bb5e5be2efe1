"""Ids and the names that refer to them: every id once, every name defined.

The schema marks both (rules/membership.schema.json): `x-defines` on an id that others name (a
source, a category, a threshold, a question, a right, a duty), `x-ref` on a field that names one.
Ids only named inside their own list (a path's criteria, a question's options) must be unique there.
References scoped to one item (an apply link's rate) and what a name may refer to (a category's
`upgrade_to` an individual category) are checked here by hand.
"""

from __future__ import annotations

from quiz.build import schema
from quiz.build.problems import Report, did_you_mean, one_of

from . import data as d

WHAT = {
    "sources": "source",
    "categories": "category",
    "thresholds": "threshold",
    "questions": "question",
    "rights": "right",
    "duties": "duty",
}


def check(data: object, report: Report) -> None:
    defined: dict[str, dict[str, tuple]] = {}
    named: list[tuple[tuple, dict, object]] = []
    for raw, node, value in schema.walk(data):
        namespace = node.get("x-defines")
        if namespace and isinstance(value, str):
            seen = defined.setdefault(namespace, {})
            if value in seen:
                report.add(
                    raw,
                    f"duplicate {WHAT.get(namespace, namespace)} id '{value}'"
                    f"{_first(report, seen[value])}",
                )
            else:
                seen[value] = raw
        if "x-ref" in node and node["x-ref"] in WHAT:
            named.append((raw, node, value))
        items = node.get("items")
        if node.get("type") == "array" and isinstance(value, list) and _scoped_ids(items):
            _unique_in_list(value, raw, report)
    for raw, node, value in named:
        namespace = node["x-ref"]
        allowed = {b.get("const") for b in node.get("anyOf", []) if isinstance(b, dict)}
        values = value if isinstance(value, list) else [value]
        for index, name in enumerate(values):
            if not isinstance(name, str) or name in allowed:
                continue
            known = defined.get(namespace, {})
            if name not in known:
                where = (*raw, index) if isinstance(value, list) else raw
                report.add(
                    where,
                    f"unknown {WHAT[namespace]} '{name}'{did_you_mean(name, known)}: "
                    f"expected one of {one_of(known)}",
                )
    _scoped(data, report)


def _first(report: Report, raw: tuple) -> str:
    line = report.line(raw)
    return f" (first at line {line})" if line else f" (first at {report.field(raw)})"


def _scoped_ids(items: object) -> bool:
    """Whether a list's items have ids unique only within the list (no `x-defines`)."""
    if not isinstance(items, dict):
        return False
    target = schema._resolve(items)
    id_node = target.get("properties", {}).get("id")
    return isinstance(id_node, dict) and "x-defines" not in id_node


def _unique_in_list(items: list, raw: tuple, report: Report) -> None:
    seen: dict[str, tuple] = {}
    for index, item in d.entries(items):
        name = d.ident(item)
        if name is None:
            continue
        if name in seen:
            report.add(
                (*raw, index, "id"),
                f"duplicate id '{name}' in this list{_first(report, seen[name])}",
            )
        else:
            seen[name] = (*raw, index)


def _scoped(data: object, report: Report) -> None:
    categories = d.by_id(data, "categories")
    individual = d.individual_categories(data)
    for name, (c, category) in categories.items():
        rates = {d.ident(r) for _, r in d.entries(category.get("rates"))} - {None}
        for a, link in d.entries(category.get("apply")):
            rate = link.get("rate")
            if isinstance(rate, str) and rate not in rates:
                report.add(
                    ("categories", c, "apply", a, "rate"),
                    f"unknown rate '{rate}'{did_you_mean(rate, rates)}: expected one of this "
                    f"category's rates ({one_of(rates)})",
                )
        for key in ("excluded_by", "upgrade_to"):
            listed = category.get(key)
            for i, other in enumerate(listed if isinstance(listed, list) else ()):
                if not isinstance(other, str):
                    continue  # the schema reports it
                if other == name:
                    report.add(("categories", c, key, i), f"a category cannot name itself in {key}")
                elif key == "upgrade_to" and other in categories and other not in individual:
                    report.add(
                        ("categories", c, key, i),
                        f"expected an individual category, got '{other}' (a quiz result suggests "
                        "only categories a person can join)",
                    )
    organization = d.get(data, "enterprise", "category")
    known = isinstance(organization, str) and organization in categories
    kind = categories[organization][1].get("kind") if known else None  # type: ignore[index]
    if kind is not None and kind != "organization":
        report.add(
            ("enterprise", "category"),
            f"expected an organization category, got '{organization}' (kind: {kind})",
        )
