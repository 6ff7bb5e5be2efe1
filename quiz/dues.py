"""Dues estimates: a category's yearly dues from the schedule in force on a date (or for a year).

The site never states a year's dues that no source gives: a date after the latest schedule gets
that schedule marked "the latest in our sources", and asking for a year without a schedule is a
`DuesYearError` naming the years that are published. Special rates are data: a category lists its
rates (each chosen by a condition on the answers) and a schedule their amounts as CATEGORY.RATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated
from .errors import NoPublishedDuesError, RulesError
from .model import Category, DuesSchedule, Rate, Rules
from .money import display, money_json


@dataclass(frozen=True)
class RateAmount:
    """A special rate of a category and its amount in a schedule."""

    rate: Rate
    amount: Decimal

    def to_json(self, currency: str) -> dict:
        return {
            "id": self.rate.id,
            "label": self.rate.label,
            "verified": self.rate.verified,
            **money_json(self.amount, currency),
        }


@dataclass(frozen=True)
class Estimate:
    """One category's dues: the amount at the applicable rate, and the category's other rates."""

    category: str
    year: int
    amount: Decimal
    rate: Rate | None  # the special rate applied, or None for the category's own dues
    status: dated.Status
    label: str
    currency: str
    effective: date
    rates: tuple[RateAmount, ...]  # every special rate of the category in this schedule

    @property
    def display(self) -> str:
        return display(self.amount, self.currency)

    def to_json(self) -> dict:
        """The `dues` object of a Result (ARCHITECTURE.md)."""
        return {
            "year": self.year,
            **money_json(self.amount, self.currency),
            "rate": None if self.rate is None else self.rate.id,
            "rate_label": None if self.rate is None else self.rate.label,
            "status": self.status.value,
            "label": self.label,
            "other_rates": [
                r.to_json(self.currency) for r in self.rates if r.rate is not self.rate
            ],
        }


def schedule_pick(
    rules: Rules, on: date | None = None, year: int | None = None
) -> dated.Pick[DuesSchedule]:
    """The dues schedule for `year` if given, else the one in force on `on` (default today)."""
    schedules = rules.dues.schedules
    if year is not None:
        return dated.for_year(schedules, year, on)
    return dated.in_force(schedules, on)


def rate_amounts(category: Category, schedule: DuesSchedule) -> tuple[RateAmount, ...]:
    return tuple(
        RateAmount(r, schedule.rates[key])
        for r in category.rates
        if (key := rate_key(category.id, r.id)) in schedule.rates
    )


def rate_key(category_id: str, rate_id: str) -> str:
    """How a schedule names a rate's amount: CATEGORY.RATE."""
    return f"{category_id}.{rate_id}"


def amount(schedule: DuesSchedule, category_id: str, rate: Rate | None) -> Decimal:
    """A category's dues in `schedule`, at `rate` when given and the schedule has its amount."""
    if rate is not None:
        special = schedule.rates.get(rate_key(category_id, rate.id))
        if special is not None:
            return special
    return schedule.amounts[category_id]


def estimate(
    rules: Rules,
    category_id: str,
    on: date | None = None,
    year: int | None = None,
    rate: str | None = None,
) -> Estimate:
    """The dues of `category_id`, at the rate with id `rate` when the category has it. A category
    without published dues raises `NoPublishedDuesError`."""
    category = rules.index.categories.get(category_id)
    if category is None:
        raise RulesError(f"unknown category '{category_id}'")
    if not category.dues_published:
        raise NoPublishedDuesError(category_id)
    pick = schedule_pick(rules, on, year)
    schedule = pick.schedule
    rates = rate_amounts(category, schedule)
    chosen = next((r for r in rates if r.rate.id == rate), None)
    return Estimate(
        category=category_id,
        year=pick.year,
        amount=chosen.amount if chosen else schedule.amounts[category_id],
        rate=chosen.rate if chosen else None,
        status=pick.status,
        label=pick.label("dues"),
        currency=rules.dues.currency,
        effective=schedule.effective,
        rates=rates,
    )
