"""Rows of the results table: each figure's median, min and max over repeated runs, its goal, met.

A ``Row`` holds the raw samples; ``Goal`` says how to judge the median, or the max when every run
must meet it (``at_most`` a number, or ``equals``). Rows without a goal are context (baselines,
the numbers a ratio is made of).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Goal:
    text: str
    check: Callable[[float], bool]
    on: str = "median"  # or "max": every run must meet it

    @staticmethod
    def at_most(limit: float, text: str, on: str = "median") -> Goal:
        return Goal(text, lambda value: value <= limit, on)

    @staticmethod
    def equals(target: float, text: str) -> Goal:
        return Goal(text, lambda value: value == target)


@dataclass
class Row:
    measure: str  # "1", "2", … "9", "ship"
    name: str
    unit: str  # "s", "ms", "×", "B", "/s", "", "MB"
    samples: list[float] = field(default_factory=list)
    goal: Goal | None = None
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.median is None:
            return None
        return self.goal.check(max(self.samples) if self.goal.on == "max" else self.median)


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Pairwise ratios of runs made side by side (A_i / B_i)."""
    return [a / b for a, b in zip(numerators, denominators, strict=False) if b]


def loglog_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The least-squares slope of log(y) against log(x): y ∝ x^slope."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "B":
        return f"{value:,.0f} B" if value < 10_000 else f"{value / 1024:,.1f} KiB"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.2f}{unit}"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| # | measure | median | min | max | n | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.error:
            median = lo = hi = "—"
            met = "error"
        else:
            median = fmt(row.median, row.unit)
            lo = fmt(min(row.samples), row.unit) if row.samples else "—"
            hi = fmt(max(row.samples), row.unit) if row.samples else "—"
            met = {True: "met", False: "**not met**", None: ""}[row.met]
        name = row.name + (f" ({row.note})" if row.note else "")
        if row.error:
            name += f" — {row.error}"
        goal = row.goal.text if row.goal else ""
        n = str(len(row.samples)) if row.samples else "0"
        lines.append(
            f"| {row.measure} | {_cell(name)} | {median} | {lo} | {hi} | {n} "
            f"| {_cell(goal)} | {met} |"
        )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
