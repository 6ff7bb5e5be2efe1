"""Dues estimates: a category's yearly dues from the schedule in force on a date (or for a year).

The site never states a year's dues that no source gives: a date after the latest schedule gets
that schedule marked "the latest published", and asking for a year without a schedule is a
`DuesYearError` naming the years that are published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated
from .errors import DuesYearError, NoPublishedDuesError, RulesError
from .model import DuesSchedule, Rules
from .money import display, money_json

STANDARD = "standard"


@dataclass(frozen=True)
class Estimate:
    """One category's dues: the amount at the applicable rate, and its non-profit amount if any."""

    category: str
    year: int
    amount: Decimal
    rate: str  # "standard" or a rate id such as "nonprofit"
    rate_label: str | None
    status: dated.Status
    label: str
    currency: str
    effective: date
    nonprofit: Decimal | None  # the category's non-profit amount, when it has that rate

    @property
    def display(self) -> str:
        return display(self.amount, self.currency)

    def to_json(self) -> dict:
        """The `dues` object of a classify Result (ARCHITECTURE.md)."""
        return {
            "year": self.year,
            **money_json(self.amount, self.currency),
            "rate": self.rate,
            "status": self.status.value,
            "label": self.label,
            "nonprofit": None
            if self.nonprofit is None
            else money_json(self.nonprofit, self.currency),
        }


def schedule_pick(
    rules: Rules, on: date | None = None, year: int | None = None
) -> dated.Pick[DuesSchedule]:
    """The dues schedule for `year` if given, else the one in force on `on` (default today)."""
    schedules = rules.dues.schedules
    if year is not None:
        return dated.for_year(schedules, year, on)
    return dated.in_force(schedules, on)


def estimate(
    rules: Rules,
    category_id: str,
    on: date | None = None,
    year: int | None = None,
    nonprofit: bool = False,
    rate: str | None = None,
) -> Estimate:
    """The dues of `category_id`. `nonprofit=True` (or `rate="nonprofit"`) picks that rate when
    the category has it; a category without published dues raises `NoPublishedDuesError`."""
    category = rules.index["categories"].get(category_id)
    if category is None:
        raise RulesError(f"unknown category '{category_id}'")
    if not category.dues_published:
        raise NoPublishedDuesError(category_id)
    pick = schedule_pick(rules, on, year)
    schedule = pick.schedule
    wanted = rate or ("nonprofit" if nonprofit else None)
    rate_id, rate_label = STANDARD, None
    amount = schedule.amounts[category_id]
    for r in category.rates:
        if r.id == wanted:
            rate_id, rate_label = r.id, r.label
            amount = schedule.rates[f"{category_id}.{r.id}"]
    np_amount = schedule.rates.get(f"{category_id}.nonprofit")
    return Estimate(
        category=category_id,
        year=pick.year,
        amount=amount,
        rate=rate_id,
        rate_label=rate_label,
        status=pick.status,
        label=pick.label("dues"),
        currency=rules.dues.currency,
        effective=schedule.effective,
        nonprofit=np_amount,
    )


def unit_amount(rules: Rules, schedule: DuesSchedule, category_id: str, nonprofit: bool) -> Decimal:
    """A category's dues in `schedule`, at the non-profit rate when asked and it has one."""
    if nonprofit:
        special = schedule.rates.get(f"{category_id}.nonprofit")
        if special is not None:
            return special
    return schedule.amounts[category_id]


__all__ = ["Estimate", "DuesYearError", "NoPublishedDuesError", "estimate", "schedule_pick"]
