"""Named values for text: the one naming scheme behind `{{ ... }}` placeholders.

A price, a count or a rule is written once in the rules file; FAQ answers, criterion texts,
descriptions and the site's pages name it instead of typing it, so a new year's dues or a changed
threshold changes every page at once. The names:

    association.name  association.short_name
    categories.<id>.name
    categories.<id>.precedence          "only for those who do not meet the requirements of Regular
                                        membership" (from excluded_by; categories that have one)
    criteria.<category>.<criterion>     the criterion's text (the first path that has that id)
    thresholds.<id>                     "5"
    questions.<id>.min  questions.<id>.max   a number question's range
    dues.year                           "2022" (the schedule in force on the date)
    dues.label                          "2022 dues, the latest in our sources" (which dues, and
                                        whether newer ones may exist)
    dues.<category>   dues.<category>.<rate>                  "$165", "$220"
    enterprise.year  enterprise.flat_fee  enterprise.included_places  enterprise.place_price
    enterprise.after_places.<category>                        "50%", "free", "$100"
    enterprise.after_places.<category>.phrase                 "at 50% of Regular dues",
                                                              "at no charge", "at $100 each"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated, wording
from .errors import DuesYearError, UnknownValueError
from .index import ANY_OTHER
from .model import QuestionKind, Rules
from .money import display

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
MAX_NESTING = 4
"""A text a placeholder brings in (a criterion's) may use placeholders itself, this deep at most."""


@dataclass(frozen=True)
class Value:
    """A resolved name: `value` (Decimal amount, int count or text) and how text shows it."""

    name: str
    value: Decimal | int | str
    display: str


def resolve(rules: Rules, name: str, on: date | None = None, _depth: int = 0) -> Value:
    """The value `name` has on `on` (default today); `UnknownValueError` if it has none then."""
    parts = name.split(".")
    head, rest = parts[0], parts[1:]
    if head == "association" and rest in (["name"], ["short_name"]):
        text = getattr(rules.association, rest[0])
        return Value(name, text, text)
    if head == "categories" and len(rest) == 2 and rest[0] in rules.index.categories:
        category = rules.index.categories[rest[0]]
        if rest[1] == "name":
            return Value(name, category.name, category.name)
        if rest[1] == "precedence" and category.excluded_by:
            text = wording.precedence(
                category,
                rules.index.excluders.get(category.id, ()),
                ANY_OTHER in category.excluded_by,
            )
            return Value(name, text, text)
    if head == "criteria" and len(rest) == 2 and rest[0] in rules.index.categories:
        for path in rules.index.categories[rest[0]].paths:
            for criterion in path.criteria:
                if criterion.id == rest[1]:
                    text = render_text(rules, criterion.text, on, _depth + 1)
                    return Value(name, text, text)
    if head == "thresholds" and len(rest) == 1 and rest[0] in rules.index.thresholds:
        number = rules.index.thresholds[rest[0]]
        return Value(name, number, str(number))
    if head == "questions" and len(rest) == 2 and rest[1] in ("min", "max"):
        question = rules.index.questions.get(rest[0])
        if question is not None and question.kind is QuestionKind.NUMBER:
            number = getattr(question, rest[1])
            number = 0 if number is None else number
            return Value(name, number, str(number))
    if head == "dues" and rest:
        return _dues(rules, name, rest, on)
    if head == "enterprise" and rest:
        return _enterprise(rules, name, rest, on)
    raise UnknownValueError(name)


def _in_force(name: str, schedules, on: date | None) -> dated.Pick:
    """The dated values in force, or why `name` has no value (no dues or pricing published yet)."""
    try:
        return dated.in_force(schedules, on)
    except DuesYearError as exc:
        raise UnknownValueError(name, f"'{name}' has no value: {exc}") from None


def _dues(rules: Rules, name: str, rest: list[str], on: date | None) -> Value:
    pick = _in_force(name, rules.dues.schedules, on)
    schedule = pick.schedule
    if rest == ["year"]:
        return Value(name, pick.year, str(pick.year))
    if rest == ["label"]:
        text = pick.label("dues")
        return Value(name, text, text)
    key = ".".join(rest)
    amount = schedule.amounts.get(key) if len(rest) == 1 else schedule.rates.get(key)
    if amount is None:
        raise UnknownValueError(name, f"unknown value '{name}' in the {pick.year} dues")
    return Value(name, amount, display(amount, rules.dues.currency))


def _enterprise(rules: Rules, name: str, rest: list[str], on: date | None) -> Value:
    pick = _in_force(name, rules.enterprise.schemes, on)
    scheme = pick.schedule
    currency = rules.dues.currency
    if rest == ["year"]:
        return Value(name, pick.year, str(pick.year))
    if rest == ["flat_fee"]:
        return Value(name, scheme.flat_fee, display(scheme.flat_fee, currency))
    if rest == ["included_places"]:
        return Value(name, scheme.included_places, str(scheme.included_places))
    if rest == ["place_price"]:
        price = scheme.place_price
        return Value(name, _price_value(price), wording.price_display(price, currency))
    if rest[0] == "after_places" and len(rest) in (2, 3) and rest[1] in scheme.after_places:
        price = scheme.after_places[rest[1]]
        if len(rest) == 2:
            return Value(name, _price_value(price), wording.price_display(price, currency))
        if rest[2] == "phrase":
            category = rules.index.categories.get(rest[1])
            label = category.name if category else rest[1]
            return Value(name, _price_value(price), wording.price_phrase(price, label, currency))
    raise UnknownValueError(name, f"unknown value '{name}' in the {pick.year} Enterprise pricing")


def _price_value(price) -> Decimal | str:
    return price.value if price.value is not None else price.kind.value


def render_text(rules: Rules, text: str, on: date | None = None, _depth: int = 0) -> str:
    """`text` with every `{{ name }}` replaced by its display; `UnknownValueError` for bad names."""
    if "{{" not in text:
        return text
    if _depth > MAX_NESTING:
        raise UnknownValueError(text[:40], "placeholders nest too deeply (a text naming itself?)")
    return PLACEHOLDER_RE.sub(lambda m: resolve(rules, m.group(1), on, _depth).display, text)


def placeholders(text: str) -> list[str]:
    """The names a text uses, in order."""
    return [m.group(1) for m in PLACEHOLDER_RE.finditer(text)]
