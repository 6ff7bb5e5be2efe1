"""The typed model of the rules file: frozen dataclasses and `str` enums, built by validate.py.

Nothing here checks anything: by the time a `Rules` exists, validate.py has proven every reference
resolves, every id is unique and every amount is a non-negative Decimal. Items a source does not
confirm carry `verified=False` so the site can say "confirm with IPMA Headquarters".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .conditions import Condition, Leaf

ANY_OTHER = "any_other"
"""In `excluded_by`: every other individual category takes priority over this one."""


class CategoryKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANIZATION = "organization"


class QuestionKind(StrEnum):
    CHOICE = "choice"
    YES_NO = "yes_no"
    NUMBER = "number"
    DUTIES = "duties"


class Allowed(StrEnum):
    """Whether a category has a right; `not_stated` when no source says (shown as "Not stated")."""

    YES = "yes"
    NO = "no"
    WITH_APPROVAL = "with_approval"
    NOT_STATED = "not_stated"


class PriceKind(StrEnum):
    """How an Enterprise place or a member after the places is priced."""

    INCLUDED = "included"
    PERCENT_OF_DUES = "percent_of_dues"
    PER_PERSON = "per_person"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    verified: bool = True


@dataclass(frozen=True)
class Policy:
    id: str
    text: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class Headquarters:
    name: str
    url: str


@dataclass(frozen=True)
class Association:
    name: str
    short_name: str
    mission: str
    mission_source: str
    who_can_join: str
    who_can_join_source: str
    headquarters: Headquarters
    policies: tuple[Policy, ...]
    not_eligible_advice: str


@dataclass(frozen=True)
class Duty:
    id: str
    name: str
    group: str


@dataclass(frozen=True)
class DutyCategory:
    """A group of the application's duty checklist (Personnel, Financial, ...). May be empty."""

    id: str
    name: str
    source: str
    duties: tuple[Duty, ...]
    verified: bool = True


@dataclass(frozen=True)
class Threshold:
    id: str
    value: int
    description: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class Right:
    id: str
    label: str


@dataclass(frozen=True)
class CategoryRight:
    right: str
    allowed: Allowed
    text: str | None = None
    source: str | None = None
    verified: bool = True


@dataclass(frozen=True)
class Criterion:
    """One requirement of a path, in words (`text`) and as a condition; `enabled` switches it."""

    id: str
    text: str
    condition: Condition
    source: str
    enabled: bool = True
    verified: bool = True


@dataclass(frozen=True)
class Path:
    """One way into a category: all its enabled criteria must be met."""

    id: str
    criteria: tuple[Criterion, ...]

    @property
    def enabled_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.enabled)


@dataclass(frozen=True)
class Rate:
    """A special dues rate of a category (the non-profit rate), used when its condition is met."""

    id: str
    label: str
    condition: Condition


@dataclass(frozen=True)
class ApplyLink:
    label: str
    url: str
    rate: str | None = None


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    kind: CategoryKind
    order: int
    summary: str
    description: str
    source: str
    paths: tuple[Path, ...] = ()
    excluded_by: tuple[str, ...] = ()
    rates: tuple[Rate, ...] = ()
    rights: tuple[CategoryRight, ...] = ()
    apply: tuple[ApplyLink, ...] = ()
    dues_published: bool = True
    verified: bool = True

    @property
    def individual(self) -> bool:
        return self.kind is CategoryKind.INDIVIDUAL


@dataclass(frozen=True)
class DuesSchedule:
    """The dues taking effect on `effective`: `amounts[category]`, `rates["regular.nonprofit"]`."""

    effective: date
    reference: str
    amounts: dict[str, Decimal]
    rates: dict[str, Decimal] = field(default_factory=dict)
    verified: bool = True


@dataclass(frozen=True)
class Dues:
    description: str
    currency: str
    schedules: tuple[DuesSchedule, ...]  # sorted by effective date


@dataclass(frozen=True)
class Price:
    """included | {percent_of_dues: P} | {per_person: AMOUNT}; `value` is P or AMOUNT."""

    kind: PriceKind
    value: Decimal | None = None


@dataclass(frozen=True)
class EnterpriseScheme:
    """Enterprise pricing taking effect on `effective` (algorithm: rules file, enterprise.py)."""

    effective: date
    reference: str
    flat_fee: Decimal
    included_places: int
    fill_order: tuple[str, ...]
    place_price: Price
    after_places: dict[str, Price]
    verified: bool = True


@dataclass(frozen=True)
class EnterpriseExample:
    name: str
    counts: dict[str, int]
    nonprofit: bool = False


@dataclass(frozen=True)
class Enterprise:
    description: str
    schemes: tuple[EnterpriseScheme, ...]  # sorted by effective date
    examples: tuple[EnterpriseExample, ...] = ()


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    text: str
    help: str | None = None
    options: tuple[Option, ...] = ()
    none_label: str | None = None
    ask_when: Condition | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class Rules:
    """The whole validated rules file. Lookup tables are derived once, in __post_init__."""

    schema_version: int
    association: Association
    sources: tuple[Source, ...]
    duty_groups: tuple[DutyCategory, ...]
    thresholds: tuple[Threshold, ...]
    rights: tuple[Right, ...]
    categories: tuple[Category, ...]
    dues: Dues
    enterprise: Enterprise
    questions: tuple[Question, ...]
    faq: tuple[FaqEntry, ...]
    # Derived lookups and the engine's memo (next_step's walk); not part of equality.
    index: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.index.update(
            sources={s.id: s for s in self.sources},
            categories={c.id: c for c in self.categories},
            questions={q.id: q for q in self.questions},
            thresholds={t.id: t.value for t in self.thresholds},
            duties={d.id: d for g in self.duty_groups for d in g.duties},
            duty_group={d.id: g.id for g in self.duty_groups for d in g.duties},
            rights={r.id: r for r in self.rights},
        )

    def category(self, category_id: str) -> Category:
        return self.index["categories"][category_id]

    def question(self, question_id: str) -> Question:
        return self.index["questions"][question_id]

    def source(self, source_id: str) -> Source:
        return self.index["sources"][source_id]

    def threshold(self, threshold_id: str) -> int:
        return self.index["thresholds"][threshold_id]

    @property
    def individual_categories(self) -> tuple[Category, ...]:
        """Individual categories in `order` (the order they are shown and tie-broken in)."""
        found = self.index.get("individual")
        if found is None:
            found = tuple(sorted((c for c in self.categories if c.individual), key=_order))
            self.index["individual"] = found
        return found

    @property
    def duty_ids(self) -> tuple[str, ...]:
        return tuple(self.index["duties"])

    def leaves(self) -> tuple[Leaf, ...]:
        """Every distinct leaf condition in the rules (criteria, rates, ask_when), in file order."""
        found = self.index.get("leaves")
        if found is None:
            seen: dict[Leaf, None] = {}
            for q in self.questions:
                if q.ask_when is not None:
                    seen.update(dict.fromkeys(q.ask_when.leaves()))
            for c in self.categories:
                for p in c.paths:
                    for crit in p.criteria:
                        seen.update(dict.fromkeys(crit.condition.leaves()))
                for r in c.rates:
                    seen.update(dict.fromkeys(r.condition.leaves()))
            found = tuple(seen)
            self.index["leaves"] = found
        return found


def _order(category: Category) -> tuple[int, str]:
    return (category.order, category.id)
