"""Named values for text: the one naming scheme behind `{{ ... }}` placeholders.

A price or a count is written once in the rules file; FAQ answers, criterion texts and the site's
pages name it instead of typing it, so a new year's dues change every page at once. The names:

    association.name  association.short_name  categories.<id>.name
    thresholds.<id>                                   "5"
    dues.year                                         "2022" (the schedule in force on the date)
    dues.<category>   dues.<category>.<rate>          "$165", "$220" (dues.regular.nonprofit)
    enterprise.year  enterprise.flat_fee  enterprise.included_places  enterprise.place_price
    enterprise.after_places.<category>                "50%", "free", "$100"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated
from .errors import DuesYearError, UnknownValueError
from .model import Category, DuesSchedule, EnterpriseScheme, Price, PriceKind, Rules
from .money import display

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class Value:
    """A resolved name: `value` (Decimal amount, int count or text) and how text shows it."""

    name: str
    value: Decimal | int | str
    display: str


def known_names(
    *,
    thresholds: Iterable[str],
    categories: Iterable[Category],
    schedules: Iterable[DuesSchedule],
    schemes: Iterable[EnterpriseScheme],
) -> set[str]:
    """Every name some date can resolve (validation uses it before a `Rules` exists)."""
    names = {"association.name", "association.short_name"}
    names.update(f"categories.{c.id}.name" for c in categories)
    names.update(f"thresholds.{t}" for t in thresholds)
    schedules = list(schedules)
    if schedules:
        names.add("dues.year")
    for schedule in schedules:
        names.update(f"dues.{c}" for c in schedule.amounts)
        names.update(f"dues.{r}" for r in schedule.rates)
    schemes = list(schemes)
    if schemes:
        names.update(
            f"enterprise.{n}" for n in ("year", "flat_fee", "included_places", "place_price")
        )
    for scheme in schemes:
        names.update(f"enterprise.after_places.{c}" for c in scheme.after_places)
    return names


def names(rules: Rules) -> set[str]:
    return known_names(
        thresholds=(t.id for t in rules.thresholds),
        categories=rules.categories,
        schedules=rules.dues.schedules,
        schemes=rules.enterprise.schemes,
    )


def resolve(rules: Rules, name: str, on: date | None = None) -> Value:
    """The value `name` has on `on` (default today); `UnknownValueError` if it has none then."""
    parts = name.split(".")
    head = parts[0]
    if head == "association" and len(parts) == 2 and parts[1] in ("name", "short_name"):
        text = getattr(rules.association, parts[1])
        return Value(name, text, text)
    if head == "categories" and len(parts) == 3 and parts[2] == "name":
        category = rules.index["categories"].get(parts[1])
        if category is not None:
            return Value(name, category.name, category.name)
    if head == "thresholds" and len(parts) == 2 and parts[1] in rules.index["thresholds"]:
        number = rules.threshold(parts[1])
        return Value(name, number, str(number))
    if head == "dues" and len(parts) >= 2:
        return _dues(rules, name, parts[1:], on)
    if head == "enterprise" and len(parts) >= 2:
        return _enterprise(rules, name, parts[1:], on)
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
    key = ".".join(rest)
    amount = schedule.amounts.get(key) if len(rest) == 1 else schedule.rates.get(key)
    if amount is None:
        raise UnknownValueError(name, f"unknown value '{name}' in the {pick.year} dues")
    return Value(name, amount, display(amount, rules.dues.currency))


def _enterprise(rules: Rules, name: str, rest: list[str], on: date | None) -> Value:
    pick = _in_force(name, rules.enterprise.schemes, on)
    scheme = pick.schedule
    if rest == ["year"]:
        return Value(name, pick.year, str(pick.year))
    if rest == ["flat_fee"]:
        return Value(name, scheme.flat_fee, display(scheme.flat_fee, rules.dues.currency))
    if rest == ["included_places"]:
        return Value(name, scheme.included_places, str(scheme.included_places))
    if rest == ["place_price"]:
        return Value(name, *_price(scheme.place_price, rules.dues.currency))
    if len(rest) == 2 and rest[0] == "after_places" and rest[1] in scheme.after_places:
        return Value(name, *_price(scheme.after_places[rest[1]], rules.dues.currency))
    raise UnknownValueError(name, f"unknown value '{name}' in the {pick.year} Enterprise pricing")


def _price(price: Price, currency: str) -> tuple[Decimal | str, str]:
    if price.kind is PriceKind.INCLUDED:
        return "included", "free"
    if price.kind is PriceKind.PERCENT_OF_DUES:
        return price.value, f"{percent_text(price.value)}%"
    return price.value, display(price.value, currency)


def percent_text(value: Decimal) -> str:
    """50 → "50", 12.5 → "12.5"."""
    text = format(value.normalize(), "f")
    return text


def render_text(rules: Rules, text: str, on: date | None = None) -> str:
    """`text` with every `{{ name }}` replaced by its display; `UnknownValueError` for bad names."""
    if "{{" not in text:
        return text
    return PLACEHOLDER_RE.sub(lambda m: resolve(rules, m.group(1), on).display, text)


def placeholders(text: str) -> list[str]:
    """The names a text uses, in order."""
    return [m.group(1) for m in PLACEHOLDER_RE.finditer(text)]
