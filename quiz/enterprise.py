"""Enterprise quotes: the group price for an organization's members against their individual dues.

The algorithm is the rules file's, with no rule in code:
  1. `included_places` places are filled from the members, category by category in `fill_order`;
  2. the places cost `flat_fee` in total, plus `place_price` for each filled place;
  3. every member not in a place is priced by `after_places` for their category.
A price is `included`, `{percent_of_dues: P}` (of that category's dues) or `{per_person: X}`.
The non-profit flag prices Regular members (in dues and in percentages of dues) at the non-profit
rate. Amounts are Decimal inside: 50% of an odd amount has cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated
from .conditions import show
from .dues import unit_amount
from .errors import AnswerError
from .model import DuesSchedule, EnterpriseScheme, Price, PriceKind, Rules
from .money import display, money_json, to_number
from .values import percent_text

MAX_MEMBERS = 100_000


@dataclass(frozen=True)
class Line:
    label: str
    count: int
    unit: Decimal
    unit_display: str
    amount: Decimal

    def to_json(self, currency: str) -> dict:
        return {
            "label": self.label,
            "count": self.count,
            "unit": to_number(self.unit),
            "unit_display": self.unit_display,
            **money_json(self.amount, currency),
        }


@dataclass(frozen=True)
class Option:
    """One way to pay: the Enterprise price or the individual dues, with its line items."""

    total: Decimal
    lines: tuple[Line, ...]

    def to_json(self, currency: str) -> dict:
        return {
            **{"total": to_number(self.total), "display": display(self.total, currency)},
            "lines": [line.to_json(currency) for line in self.lines],
        }


@dataclass(frozen=True)
class Quote:
    year: int
    counts: dict[str, int]
    nonprofit: bool
    enterprise: Option
    individual: Option
    cheaper: str  # "enterprise" | "individual" | "same"
    saving: Decimal
    break_even: str
    break_even_count: int | None
    currency: str = "USD"

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "enterprise": self.enterprise.to_json(self.currency),
            "individual": self.individual.to_json(self.currency),
            "cheaper": self.cheaper,
            "saving": to_number(self.saving),
            "saving_display": display(self.saving, self.currency),
            "break_even": {"text": self.break_even},
        }


def check_counts(rules: Rules, scheme: EnterpriseScheme, counts: object) -> tuple[dict, bool]:
    """(member counts by category, non-profit flag) from `{"regular": 12, "nonprofit": false}`."""
    if not isinstance(counts, Mapping):
        raise AnswerError(None, 'expected an object of member counts such as {"regular": 12}')
    priced = set(scheme.fill_order) | set(scheme.after_places)
    checked: dict[str, int] = {}
    nonprofit = False
    for key, value in counts.items():
        if key == "nonprofit":
            if not isinstance(value, bool):
                raise AnswerError("nonprofit", "expected true or false")
            nonprofit = value
            continue
        if key not in priced:
            known = ", ".join(c.id for c in rules.individual_categories if c.id in priced)
            raise AnswerError(
                key, f"Enterprise pricing has no price for these members: expected {known}"
            )
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AnswerError(
                key, f"expected a whole number of members of at least 0, got {show(value)}"
            )
        if value > MAX_MEMBERS:
            raise AnswerError(key, f"too many members: {show(value)} (at most {MAX_MEMBERS:,})")
        checked[key] = value
    return checked, nonprofit


def quote(rules: Rules, counts: object, on: date | None = None, year: int | None = None) -> Quote:
    """The Enterprise price for `counts` against the same members' individual dues."""
    schemes = rules.enterprise.schemes
    pick = dated.for_year(schemes, year, on) if year is not None else dated.in_force(schemes, on)
    scheme = pick.schedule
    dues_pick = (
        dated.for_year(rules.dues.schedules, year, on)
        if year is not None
        else dated.in_force(rules.dues.schedules, on)
    )
    members, nonprofit = check_counts(rules, scheme, counts)
    pricer = _Pricer(rules, scheme, dues_pick.schedule, nonprofit)
    enterprise_option = pricer.enterprise(members)
    individual_option = pricer.individual(members)
    difference = individual_option.total - enterprise_option.total
    cheaper = "enterprise" if difference > 0 else "individual" if difference < 0 else "same"
    count, text = pricer.break_even(
        members, current=pick.status is dated.Status.IN_FORCE, year=pick.year
    )
    return Quote(
        year=pick.year,
        counts=members,
        nonprofit=nonprofit,
        enterprise=enterprise_option,
        individual=individual_option,
        cheaper=cheaper,
        saving=abs(difference),
        break_even=text,
        break_even_count=count,
        currency=rules.dues.currency,
    )


class _Pricer:
    def __init__(self, rules: Rules, scheme: EnterpriseScheme, dues: DuesSchedule, nonprofit: bool):
        self.rules = rules
        self.scheme = scheme
        self.dues = dues
        self.nonprofit = nonprofit
        self.currency = rules.dues.currency
        self.order = [c.id for c in rules.individual_categories]

    def name(self, category_id: str) -> str:
        return self.rules.category(category_id).name

    def dues_of(self, category_id: str) -> Decimal:
        return unit_amount(self.rules, self.dues, category_id, self.nonprofit)

    def rate_words(self, category_id: str) -> str:
        special = self.nonprofit and f"{category_id}.nonprofit" in self.dues.rates
        return "Non-Profit Rate" if special else f"{self.name(category_id)} rate"

    def unit(self, price: Price, category_id: str) -> tuple[Decimal, str]:
        if price.kind is PriceKind.INCLUDED:
            return Decimal(0), "included"
        if price.kind is PriceKind.PER_PERSON:
            return price.value, display(price.value, self.currency)
        amount = self.dues_of(category_id) * price.value / 100
        return amount, display(amount, self.currency)

    def total_enterprise(self, members: Mapping[str, int]) -> Decimal:
        return self.enterprise(members).total

    def enterprise(self, members: Mapping[str, int]) -> Option:
        scheme = self.scheme
        left = scheme.included_places
        in_places: dict[str, int] = {}
        for category in scheme.fill_order:
            taken = min(left, members.get(category, 0))
            in_places[category] = taken
            left -= taken
        lines: list[Line] = []
        filled = scheme.included_places - left
        if scheme.flat_fee:
            who = "/".join(self.name(c) for c in scheme.fill_order)
            lines.append(
                Line(
                    f"Enterprise flat fee: up to {scheme.included_places} {who} members "
                    f"({filled} filled)",
                    1,
                    scheme.flat_fee,
                    display(scheme.flat_fee, self.currency),
                    scheme.flat_fee,
                )
            )
        for category in scheme.fill_order:
            n = in_places[category]
            if n == 0:
                continue
            unit, unit_display = self.unit(scheme.place_price, category)
            label = f"{self.name(category)} members in the included places"
            if scheme.place_price.kind is PriceKind.PERCENT_OF_DUES:
                label += (
                    f", at {percent_text(scheme.place_price.value)}% of the "
                    + self.rate_words(category)
                )
            lines.append(Line(label, n, unit, unit_display, unit * n))
        for category in self.order:
            n = members.get(category, 0) - in_places.get(category, 0)
            if n <= 0 or category not in scheme.after_places:
                continue
            price = scheme.after_places[category]
            unit, unit_display = self.unit(price, category)
            further = "Further " if category in scheme.fill_order else ""
            name = self.name(category)
            if price.kind is PriceKind.INCLUDED:
                label = f"{further}{name} members, at no charge"
            elif price.kind is PriceKind.PERCENT_OF_DUES:
                label = (
                    f"{further}{name} members at {percent_text(price.value)}% of the "
                    f"{self.rate_words(category)}"
                )
            else:
                label = f"{further}{name} members at {unit_display} each"
            lines.append(Line(label[0].upper() + label[1:], n, unit, unit_display, unit * n))
        return Option(sum((line.amount for line in lines), Decimal(0)), tuple(lines))

    def individual(self, members: Mapping[str, int]) -> Option:
        lines = []
        for category in self.order:
            n = members.get(category, 0)
            if n == 0:
                continue
            unit = self.dues_of(category)
            special = self.nonprofit and f"{category}.nonprofit" in self.dues.rates
            label = f"{self.name(category)} members" + (
                " at the Non-Profit Rate" if special else ""
            )
            lines.append(Line(label, n, unit, display(unit, self.currency), unit * n))
        return Option(sum((line.amount for line in lines), Decimal(0)), tuple(lines))

    def break_even(
        self, members: Mapping[str, int], current: bool, year: int
    ) -> tuple[int | None, str]:
        """The fewest members of the first fill_order category (Regular) from which Enterprise
        costs less, the others as given. Past the places both prices grow linearly, so scan up to
        one past the places and solve the line beyond."""
        scanned = self.scheme.fill_order[0] if self.scheme.fill_order else self.order[0]
        others = {k: v for k, v in members.items() if k != scanned}

        def diff(n: int) -> Decimal:  # individual minus enterprise: > 0 when Enterprise is cheaper
            state = {**others, scanned: n}
            return self.individual(state).total - self.enterprise(state).total

        found = None
        limit = self.scheme.included_places + 1
        for n in range(1, limit + 1):
            if diff(n) > 0:
                found = n
                break
        if found is None:
            slope = diff(limit + 1) - diff(limit)
            if slope > 0:
                found = limit + int((-diff(limit)) // slope) + 1
                while diff(found) <= 0:  # guard against rounding at the edge
                    found += 1
        rates = "the current rates" if current else f"the {year} rates"
        name = self.name(scanned)
        with_others = [
            f"{n} {self.name(c)}" for c in self.order if (n := others.get(c, 0)) and c != scanned
        ]
        extra = f" (with {' and '.join(with_others)} members)" if with_others else ""
        np = (
            " at the Non-Profit Rate"
            if self.nonprofit and f"{scanned}.nonprofit" in self.dues.rates
            else ""
        )
        if found is None:
            return None, (
                f"With {rates}, Enterprise never costs less than individual dues for "
                f"{name} members{np}{extra}"
            )
        members_word = "member" if found == 1 else "members"
        return found, (
            f"With {rates}, Enterprise costs less from {found} {name} {members_word}{np}{extra}"
        )
