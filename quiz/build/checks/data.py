"""Reading a rules file's plain data defensively: a part with the wrong shape reads as empty."""

from __future__ import annotations

from collections.abc import Iterator


def get(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def mapping(data: object) -> dict:
    return data if isinstance(data, dict) else {}


def entries(data: object) -> list[tuple[int, dict]]:
    """(index, item) of the list's items that are mappings."""
    if not isinstance(data, list):
        return []
    return [(i, item) for i, item in enumerate(data) if isinstance(item, dict)]


def items(data: object) -> list[dict]:
    """The list's items that are mappings."""
    return [item for _, item in entries(data)]


def ident(item: dict) -> str | None:
    value = item.get("id")
    return value if isinstance(value, str) else None


def by_id(data: object, key: str) -> dict[str, tuple[int, dict]]:
    """The items of `data[key]` by id (the first of a duplicated id)."""
    found: dict[str, tuple[int, dict]] = {}
    for index, item in entries(get(data, key)):
        name = ident(item)
        if name is not None:
            found.setdefault(name, (index, item))
    return found


def number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def thresholds(data: object) -> dict[str, int | None]:
    return {
        name: number(item.get("value")) for name, (_, item) in by_id(data, "thresholds").items()
    }


def individual_categories(data: object) -> dict[str, dict]:
    return {
        name: item
        for name, (_, item) in by_id(data, "categories").items()
        if item.get("kind") == "individual"
    }


def with_dues(data: object) -> set[str]:
    """Individual categories whose dues are published (`dues_published` is not false)."""
    return {
        name
        for name, item in individual_categories(data).items()
        if item.get("dues_published", True) is not False
    }


def conditions(data: object) -> Iterator[tuple[tuple, object, int | None]]:
    """(raw path, condition, index of the question it belongs to or None) of every condition:
    criteria, rates and the questions' `ask_when`."""
    for c, category in entries(get(data, "categories")):
        for p, path in entries(category.get("paths")):
            for k, criterion in entries(path.get("criteria")):
                if "condition" in criterion:
                    raw = ("categories", c, "paths", p, "criteria", k, "condition")
                    yield raw, criterion["condition"], None
        for r, rate in entries(category.get("rates")):
            if "condition" in rate:
                yield ("categories", c, "rates", r, "condition"), rate["condition"], None
    for q, question in entries(get(data, "questions")):
        if "ask_when" in question:
            yield ("questions", q, "ask_when"), question["ask_when"], q


def leaves(condition: object, raw: tuple) -> Iterator[tuple[tuple, dict]]:
    """(raw path, leaf) of every `{answer: ...}` comparison in a condition's data."""
    if not isinstance(condition, dict):
        return
    if "answer" in condition:
        yield raw, condition
        return
    for key in ("all", "any"):
        items = condition.get(key)
        if isinstance(items, dict):  # one condition where a list belongs (the schema says so)
            yield from leaves(items, (*raw, key))
        for index, item in enumerate(items if isinstance(items, list) else ()):
            yield from leaves(item, (*raw, key, index))
    if "not" in condition:
        yield from leaves(condition["not"], (*raw, "not"))
