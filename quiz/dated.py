"""Values keyed by the date they take effect (OpenFisca style): which one is in force on a date.

Dues and Enterprise pricing are both lists of schedules with an `effective` date. The one in force
on a date is the latest whose effective date is on or before it. When its year is not the date's
year (2022 dues, viewed in 2025), it is only "the latest in our sources": the site says so rather
than pretend the 2022 figure is this year's (the sources say nothing of later years). A schedule
dated in the future is announced, not current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from .errors import DuesYearError


class Status(StrEnum):
    IN_FORCE = "in_force"  # took effect this calendar year
    LATEST_PUBLISHED = "latest_published"  # the latest in the sources, from an earlier year
    UPCOMING = "upcoming"  # takes effect after the date
    PAST = "past"  # replaced by a later schedule


class Dated(Protocol):
    effective: date


@dataclass(frozen=True)
class Pick[S]:
    """A schedule chosen for a date, with how the site should describe it."""

    schedule: S
    status: Status
    on: date

    @property
    def year(self) -> int:
        return self.schedule.effective.year  # type: ignore[attr-defined]

    def label(self, what: str = "dues") -> str:
        """ "2022 dues, the latest in our sources", "2023 dues", "2024 dues, from 2024-01-01"."""
        effective: date = self.schedule.effective  # type: ignore[attr-defined]
        head = f"{effective.year} {what}"
        if self.status is Status.LATEST_PUBLISHED:
            return f"{head}, the latest in our sources"
        if self.status is Status.UPCOMING:
            return f"{head}, from {effective.isoformat()}"
        if self.status is Status.PAST:
            return f"{head}, no longer in force"
        return head


def today() -> date:
    return date.today()


def in_force[T: Dated](schedules: Sequence[T], on: date | None = None) -> Pick[T]:
    """The schedule in force on `on` (default today); DuesYearError if none has started yet."""
    on = on or today()
    current = None
    for schedule in schedules:  # sorted by effective date
        if schedule.effective <= on:
            current = schedule
    if current is None:
        raise DuesYearError(on.isoformat(), (s.effective.year for s in schedules))
    status = Status.IN_FORCE if current.effective.year == on.year else Status.LATEST_PUBLISHED
    return Pick(current, status, on)


def for_year[T: Dated](schedules: Sequence[T], year: int, on: date | None = None) -> Pick[T]:
    """The schedule published for `year` (the latest dated in that year); DuesYearError if none."""
    on = on or today()
    matches = [s for s in schedules if s.effective.year == year]
    if not matches:
        raise DuesYearError(str(year), (s.effective.year for s in schedules))
    chosen = matches[-1]
    return Pick(chosen, status_of(schedules, chosen, on), on)


def status_of[T: Dated](schedules: Sequence[T], schedule: T, on: date) -> Status:
    if schedule.effective > on:
        return Status.UPCOMING
    try:
        current = in_force(schedules, on)
    except DuesYearError:  # pragma: no cover - schedule.effective <= on means one is in force
        return Status.PAST
    if current.schedule is schedule:
        return current.status
    return Status.PAST


def upcoming[T: Dated](schedules: Sequence[T], on: date | None = None) -> list[T]:
    """Schedules taking effect after `on`: announced, not yet current."""
    on = on or today()
    return [s for s in schedules if s.effective > on]


def history[T: Dated](schedules: Sequence[T], on: date | None = None) -> list[T]:
    """Schedules replaced by a later one on or before `on`."""
    on = on or today()
    started = [s for s in schedules if s.effective <= on]
    return started[:-1]


def published_years(schedules: Sequence[Dated]) -> list[int]:
    return sorted({s.effective.year for s in schedules})
