"""Enterprise quotes: the group price for an organization's members against their individual dues.

The algorithm is the rules file's, with no rule in code:
  1. `included_places` places are filled from the members, category by category in `fill_order`;
  2. the places cost `flat_fee` in total, plus `place_price` for each filled place;
  3. every member not in a place is priced by `after_places` for their category.
A price is `included`, `{percent_of_dues: P}` (of that member's dues) or `{per_person: X}`. A
member's dues are their category's, at a special rate when the answers choose one (the rates'
conditions: "our organization is a non-profit"). Amounts are Decimal inside: 50% of an odd amount
has cents. Every sentence the calculator shows is made here, so its edge cases are tested here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import dated, dues, fitting, values, wording
from .answers import check_answers
from .conditions import show
from .errors import AnswerError
from .model import Category, DuesSchedule, EnterpriseScheme, Price, PriceKind, Rate, Rules
from .money import display, money_json, to_number


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
            "total": to_number(self.total),
            "display": display(self.total, currency),
            "lines": [line.to_json(currency) for line in self.lines],
        }


@dataclass(frozen=True)
class Quote:
    year: int
    counts: dict[str, int]
    answers: dict[str, object]
    enterprise: Option
    individual: Option
    cheaper: str  # "enterprise" | "individual" | "same" | "none" (no members: nothing to compare)
    saving: Decimal
    verdict: str
    break_even: str
    break_even_count: int | None
    basis: str
    notes: tuple[str, ...]
    currency: str = "USD"

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "enterprise": self.enterprise.to_json(self.currency),
            "individual": self.individual.to_json(self.currency),
            "cheaper": self.cheaper,
            "saving": to_number(self.saving),
            "saving_display": display(self.saving, self.currency),
            "verdict": self.verdict,
            "break_even": {"text": self.break_even, "count": self.break_even_count},
            "basis": self.basis,
            "notes": list(self.notes),
        }


def priced_categories(rules: Rules, scheme: EnterpriseScheme) -> tuple[Category, ...]:
    """The categories whose members the scheme prices, in the categories' order."""
    priced = set(scheme.fill_order) | set(scheme.after_places)
    return tuple(c for c in rules.index.individual if c.id in priced)


def check_counts(rules: Rules, scheme: EnterpriseScheme, counts: object) -> dict[str, int]:
    """Member counts by category, checked: `AnswerError` naming the count that is wrong."""
    if not isinstance(counts, Mapping):
        raise AnswerError(None, "expected an object of member counts by category id")
    priced = {c.id for c in priced_categories(rules, scheme)}
    most = rules.enterprise.max_members
    checked: dict[str, int] = {}
    for key, value in counts.items():
        if key not in priced:
            raise AnswerError(
                key,
                "Enterprise pricing has no price for these members: expected "
                + ", ".join(sorted(priced)),
            )
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise AnswerError(
                key, f"expected a whole number of members of at least 0, got {show(value)}"
            )
        if value > most:
            raise AnswerError(key, f"too many members: {show(value)} (at most {most:,})")
        checked[key] = value
    return checked


def quote(
    rules: Rules,
    counts: object,
    answers: object = None,
    on: date | None = None,
    year: int | None = None,
) -> Quote:
    """The Enterprise price for `counts` against the same members' individual dues. `answers`
    answer the questions the rates ask (`{"nonprofit": true}`)."""
    schemes = rules.enterprise.schemes
    pick = dated.for_year(schemes, year, on) if year is not None else dated.in_force(schemes, on)
    dues_pick = dues.schedule_pick(rules, on, year)
    scheme = pick.schedule
    members = check_counts(rules, scheme, counts)
    checked = check_answers(rules, answers or {})
    pricer = _Pricer(rules, scheme, dues_pick.schedule, checked)
    enterprise_option = pricer.enterprise(members)
    individual_option = pricer.individual(members)
    difference = individual_option.total - enterprise_option.total
    if sum(members.values()) == 0:
        cheaper = "none"
    else:
        cheaper = "enterprise" if difference > 0 else "individual" if difference < 0 else "same"
    count, text = pricer.break_even(members, pick)
    return Quote(
        year=pick.year,
        counts=members,
        answers=checked,
        enterprise=enterprise_option,
        individual=individual_option,
        cheaper=cheaper,
        saving=abs(difference),
        verdict=_verdict(cheaper, abs(difference), rules.dues.currency),
        break_even=text,
        break_even_count=count,
        basis=_basis(pick, dues_pick),
        notes=pricer.notes(members),
        currency=rules.dues.currency,
    )


def _verdict(cheaper: str, saving: Decimal, currency: str) -> str:
    amount = display(saving, currency)
    return {
        "none": "No members entered yet: there is nothing to compare.",
        "enterprise": f"Enterprise membership is cheaper by {amount}.",
        "individual": f"Individual memberships are cheaper by {amount}.",
        "same": "Both cost the same.",
    }[cheaper]


def _basis(pick: dated.Pick, dues_pick: dated.Pick) -> str:
    """Which published figures the quote uses, as the pages label them."""
    return f"Prices: {pick.label('Enterprise pricing')}; {dues_pick.label('individual dues')}."


class _Pricer:
    def __init__(
        self,
        rules: Rules,
        scheme: EnterpriseScheme,
        schedule: DuesSchedule,
        answers: Mapping[str, object],
    ):
        self.rules = rules
        self.scheme = scheme
        self.schedule = schedule
        self.currency = rules.dues.currency
        self.priced = priced_categories(rules, scheme)
        where = fitting.env(rules, answers, all_closed=True)
        self.rates: dict[str, Rate | None] = {c.id: fitting.rate(c, where) for c in self.priced}

    def name(self, category_id: str) -> str:
        return self.rules.index.categories[category_id].name

    def dues_of(self, category_id: str) -> Decimal:
        return dues.amount(self.schedule, category_id, self.rates.get(category_id))

    def rate_words(self, category_id: str) -> str | None:
        """ "the non-profit rate" when the answers chose a rate the schedule prices, else None."""
        rate = self.rates.get(category_id)
        if rate is None or dues.rate_key(category_id, rate.id) not in self.schedule.rates:
            return None
        return f"the {rate.label[:1].lower()}{rate.label[1:]}"

    def dues_words(self, category_id: str) -> str:
        """ "Regular dues", or "the non-profit rate" when the answers chose that rate."""
        return self.rate_words(category_id) or f"{self.name(category_id)} dues"

    def unit(self, price: Price, category_id: str) -> tuple[Decimal, str]:
        if price.kind is PriceKind.INCLUDED:
            return Decimal(0), "included"
        if price.kind is PriceKind.PER_PERSON:
            return price.value, display(price.value, self.currency)  # type: ignore[arg-type]
        amount = self.dues_of(category_id) * price.value / 100  # type: ignore[operator]
        return amount, display(amount, self.currency)

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
        fee = scheme.flat_fee
        if fee:
            who = wording.names((self.name(c) for c in scheme.fill_order), "or")
            places = scheme.included_places
            label = f"Enterprise flat fee: up to {places} {who} members ({filled} filled)"
            lines.append(Line(label, 1, fee, display(fee, self.currency), fee))
        for category in scheme.fill_order:
            n = in_places[category]
            if n == 0:
                continue
            unit, unit_display = self.unit(scheme.place_price, category)
            label = f"{self.name(category)} members in the included places"
            if scheme.place_price.kind is not PriceKind.INCLUDED:
                label += f", {self.phrase(scheme.place_price, category)}"
            lines.append(Line(label, n, unit, unit_display, unit * n))
        for category in self.priced:
            n = members.get(category.id, 0) - in_places.get(category.id, 0)
            if n <= 0 or category.id not in scheme.after_places:
                continue
            price = scheme.after_places[category.id]
            unit, unit_display = self.unit(price, category.id)
            further = "Further " if category.id in scheme.fill_order else ""
            label = f"{further}{category.name} members {self.phrase(price, category.id)}"
            lines.append(Line(label, n, unit, unit_display, unit * n))
        return Option(sum((line.amount for line in lines), Decimal(0)), tuple(lines))

    def phrase(self, price: Price, category_id: str) -> str:
        if price.kind is PriceKind.PERCENT_OF_DUES:
            return f"at {wording.percent(price.value)}% of {self.dues_words(category_id)}"  # type: ignore[arg-type]
        return wording.price_phrase(price, self.name(category_id), self.currency)

    def individual(self, members: Mapping[str, int]) -> Option:
        lines = []
        for category in self.priced:
            n = members.get(category.id, 0)
            if n == 0:
                continue
            unit = self.dues_of(category.id)
            label = f"{category.name} members"
            if rate := self.rate_words(category.id):
                label += f" at {rate}"
            lines.append(Line(label, n, unit, display(unit, self.currency), unit * n))
        return Option(sum((line.amount for line in lines), Decimal(0)), tuple(lines))

    def break_even(self, members: Mapping[str, int], pick: dated.Pick) -> tuple[int | None, str]:
        """The fewest members of the first fill_order category (Regular) from which Enterprise
        costs less, the others as given. Past the places both prices grow linearly, so scan up to
        one past the places and solve the line beyond."""
        scanned = self.scheme.fill_order[0]
        others = {k: v for k, v in members.items() if k != scanned}

        def saving(n: int) -> Decimal:  # > 0 when Enterprise is cheaper
            state = {**others, scanned: n}
            return self.individual(state).total - self.enterprise(state).total

        found = None
        limit = self.scheme.included_places + 1
        for n in range(0, limit + 1):
            if saving(n) > 0:
                found = n
                break
        if found is None:
            slope = saving(limit + 1) - saving(limit)
            if slope > 0:
                found = limit + int((-saving(limit)) // slope) + 1
                while saving(found) <= 0:  # guard against rounding at the edge
                    found += 1
        if pick.status is dated.Status.IN_FORCE:
            rates = "the current rates"
        else:
            rates = f"the {pick.year} rates"
        name = self.name(scanned)
        rate = self.rate_words(scanned)
        at_rate = f" at {rate}" if rate else ""
        with_others = [
            f"{n} {category.name}" for category in self.priced if (n := others.get(category.id, 0))
        ]
        members = wording.plural(sum(others.get(c.id, 0) for c in self.priced), "member", "members")
        extra = f" (with {wording.names(with_others)} {members})" if with_others else ""
        if found is None:
            return None, (
                f"With {rates}, Enterprise never costs less than individual dues for "
                f"{name} members{at_rate}{extra}."
            )
        if found == 0:
            return 0, (
                f"With {rates}, Enterprise costs less than individual dues even with no {name} "
                f"members{extra}."
            )
        members_word = wording.plural(found, "member", "members")
        return found, (
            f"With {rates}, Enterprise costs less from {found} {name} {members_word}"
            f"{at_rate}{extra}."
        )

    def notes(self, members: Mapping[str, int]) -> tuple[str, ...]:
        """Unconfirmed rates the quote applies, with what the rules say of them."""
        found = []
        for category in self.priced:
            rate = self.rates.get(category.id)
            if rate is None or rate.verified or not members.get(category.id):
                continue
            note = values.render_text(self.rules, rate.note) + " " if rate.note else ""
            found.append(f"{note}Confirm with {self.rules.association.headquarters.name}.")
        return tuple(dict.fromkeys(found))


def calculator_form(rules: Rules, on: date | None = None) -> dict | None:
    """What the calculator asks, from the rules: a field per priced category (its label, hint and
    limit), a checkbox per question a rate of theirs asks, the first worked example to start from,
    and where to set one up. None when no Enterprise pricing is in force on `on`."""
    try:
        scheme = dated.in_force(rules.enterprise.schemes, on).schedule
    except dated.DuesYearError:
        return None
    priced = priced_categories(rules, scheme)
    hints = rules.enterprise.hints
    fields = [
        {
            "category": c.id,
            "label": f"{c.name} members",
            "hint": values.render_text(rules, hints[c.id], on) if c.id in hints else None,
            "max": rules.enterprise.max_members,
        }
        for c in priced
    ]
    toggles = []
    seen: set[str] = set()
    for category in priced:
        for rate in category.rates:
            for question_id in dict.fromkeys(rate.condition.questions()):
                question = rules.index.questions[question_id]
                if question_id in seen or question.statement is None:
                    continue
                seen.add(question_id)
                toggles.append(
                    {
                        "question": question_id,
                        "label": values.render_text(rules, question.statement, on),
                        "hint": values.render_text(rules, question.help, on)
                        if question.help
                        else None,
                        "after": category.id,
                    }
                )
    example = rules.enterprise.examples[0] if rules.enterprise.examples else None
    start_counts = {c.id: (example.counts.get(c.id, 0) if example else 0) for c in priced}
    start_answers = {
        t["question"]: bool(example and example.answers.get(t["question"])) for t in toggles
    }
    organization = rules.index.categories.get(rules.enterprise.category)
    return {
        "fields": fields,
        "toggles": toggles,
        "start": {"counts": start_counts, "answers": start_answers},
        "apply": [
            {
                "label": a.label,
                "url": a.url,
                "url_confirmed": a.url_confirmed,
                "destination": a.destination,
            }
            for a in (organization.apply if organization else ())
        ],
    }


def example_title(rules: Rules, counts: Mapping[str, int], name: str | None) -> str:
    """A worked example's heading: its counts in words from the data ("12 Regular and 3 Associate
    members"), after its name when it has one."""
    parts = [f"{n} {c.name}" for c in rules.index.individual if (n := counts.get(c.id, 0))]
    total = sum(counts.values())
    counted = f"{wording.names(parts)} {wording.plural(total, 'member', 'members')}"
    return f"{name}: {counted}" if name else wording.capitalized(counted)
