"""The typed model of the rules file: frozen dataclasses and `str` enums.

Their fields are the rules file's, as rules/membership.schema.json declares them (a test keeps the
two in step, field by field): the schema says what each field means and what it may hold; these
classes are what the engine reads. `quiz.rules_json` converts between the file's JSON and them.
Nothing here checks anything: by the time a `Rules` exists, the build has validated the file
against the schema and run every check that spans fields (quiz/build/checks/). A field the JSON
spells differently, or a mapping read into a tuple, says so in its metadata:

    json="values"     the file's key for this field
    dated=True        a mapping of ISO dates to objects, read into a tuple sorted by date (each
                      object gets the date as `effective`)
    keyed="right"     a mapping of ids to objects, read into a tuple (each object gets its key)
    one_or_many=True  a string or a list of strings, read into a tuple
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from .conditions import Condition
from .index import RulesIndex

Sources = tuple[str, ...]


def sources(**metadata: Any) -> Any:
    """A `source` field: one id or a list of ids in the file, always a tuple here."""
    return field(default=(), metadata={"one_or_many": True, **metadata})


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


class PolicyRole(StrEnum):
    """Where the site shows a policy (so that no code looks a policy up by its id)."""

    DISCLAIMER = "disclaimer"
    DUES_PERIOD = "dues_period"
    REFUNDS = "refunds"
    PAPER_APPLICATION = "paper_application"


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
    url_confirmed: bool = True
    verified: bool = True
    note: str | None = None


@dataclass(frozen=True)
class Policy:
    id: str
    text: str
    source: Sources = sources()
    role: PolicyRole | None = None
    verified: bool = True
    url: str | None = None
    url_confirmed: bool = True


@dataclass(frozen=True)
class Headquarters:
    name: str
    url: str
    url_confirmed: bool = True


@dataclass(frozen=True)
class Association:
    name: str
    short_name: str
    mission: str
    who_can_join: str
    headquarters: Headquarters
    not_eligible_advice: str
    mission_source: Sources = sources()
    who_can_join_source: Sources = sources()
    policies: tuple[Policy, ...] = ()

    def policy(self, role: PolicyRole) -> Policy | None:
        return next((p for p in self.policies if p.role is role), None)


@dataclass(frozen=True)
class Duty:
    id: str
    name: str


@dataclass(frozen=True)
class DutyCategory:
    """A group of the application's duty checklist (Personnel, Financial, ...). May be empty."""

    id: str
    name: str
    duties: tuple[Duty, ...]
    source: Sources = sources()
    verified: bool = True
    note: str | None = None


@dataclass(frozen=True)
class DutyBand:
    """A band of the duty count: up to a threshold (`max`) or from one (`min`)."""

    max: str | None = None
    min: str | None = None


@dataclass(frozen=True)
class Threshold:
    id: str
    value: int
    description: str
    source: Sources = sources()
    verified: bool = True


@dataclass(frozen=True)
class Right:
    id: str
    label: str
    compare: bool = False


@dataclass(frozen=True)
class CategoryRight:
    right: str
    allowed: Allowed
    text: str | None = None
    source: Sources = sources()
    verified: bool = True


@dataclass(frozen=True)
class Criterion:
    """One requirement of a path, in words (`text`) and as a condition; `enabled` switches it.
    `attainable`: a person can meet it by a change in their work, so a result may suggest it."""

    id: str
    text: str
    condition: Condition
    source: Sources = sources()
    enabled: bool = True
    verified: bool = True
    attainable: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Path:
    """One way into a category: all its enabled criteria must be met."""

    id: str
    criteria: tuple[Criterion, ...]
    title: str | None = None

    @property
    def enabled_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.enabled)


@dataclass(frozen=True)
class Rate:
    """A special dues rate of a category (the non-profit rate), used when its condition is met."""

    id: str
    label: str
    condition: Condition
    source: Sources = sources()
    verified: bool = True
    note: str | None = None


def destination(url: str) -> str:
    """Where a link really goes, in words a link can say: "www.theipma.org", "office@ipma.org"."""
    if url.startswith("mailto:"):
        return url[len("mailto:") :]
    return urlsplit(url).netloc or url


@dataclass(frozen=True)
class ApplyLink:
    """Where to apply. `url_confirmed: false`: the address stands in for the real page (pages then
    label the link by where it goes, not by what the label promises)."""

    label: str
    url: str
    url_confirmed: bool = True
    rate: str | None = None

    @property
    def destination(self) -> str:
        return destination(self.url)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    kind: CategoryKind
    order: int
    summary: str
    description: str
    source: Sources = sources()
    verified: bool = True
    paths: tuple[Path, ...] = ()
    excluded_by: tuple[str, ...] = ()
    upgrade_to: tuple[str, ...] = ()
    rates: tuple[Rate, ...] = ()
    rights: tuple[CategoryRight, ...] = field(default=(), metadata={"keyed": "right"})
    apply: tuple[ApplyLink, ...] = ()
    dues_published: bool = True
    free: bool = False
    result_note: str | None = None

    @property
    def individual(self) -> bool:
        return self.kind is CategoryKind.INDIVIDUAL

    def rate(self, rate_id: str) -> Rate | None:
        return next((r for r in self.rates if r.id == rate_id), None)


@dataclass(frozen=True)
class DuesSchedule:
    """The dues taking effect on `effective`: `amounts[category]`, `rates["regular.nonprofit"]`."""

    effective: date
    amounts: dict[str, Decimal]
    reference: Sources = sources()
    rates: dict[str, Decimal] = field(default_factory=dict)
    verified: bool = True


@dataclass(frozen=True)
class Dues:
    description: str
    currency: str
    schedules: tuple[DuesSchedule, ...] = field(  # sorted by effective date
        default=(), metadata={"json": "values", "dated": True}
    )


@dataclass(frozen=True)
class Price:
    """included | {percent_of_dues: P} | {per_person: AMOUNT}; `value` is P or AMOUNT."""

    kind: PriceKind
    value: Decimal | None = None

    @classmethod
    def from_json(cls, data: object) -> Price:
        if data == PriceKind.INCLUDED.value:
            return cls(PriceKind.INCLUDED)
        ((key, value),) = data.items()  # type: ignore[union-attr]
        return cls(PriceKind(key), Decimal(str(value)))

    def to_json(self) -> object:
        if self.kind is PriceKind.INCLUDED:
            return self.kind.value
        return {self.kind.value: self.value}


@dataclass(frozen=True)
class EnterpriseScheme:
    """Enterprise pricing taking effect on `effective` (how a quote reads it: enterprise.py)."""

    effective: date
    flat_fee: Decimal
    included_places: int
    fill_order: tuple[str, ...]
    place_price: Price
    after_places: dict[str, Price]
    reference: Sources = sources()
    verified: bool = True


@dataclass(frozen=True)
class EnterpriseExample:
    """A worked example: member counts by category, and answers that choose rates (non-profit)."""

    counts: dict[str, int]
    name: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Enterprise:
    description: str
    category: str
    schemes: tuple[EnterpriseScheme, ...] = field(  # sorted by effective date
        default=(), metadata={"json": "values", "dated": True}
    )
    max_members: int = 100_000
    hints: dict[str, str] = field(default_factory=dict)
    examples: tuple[EnterpriseExample, ...] = ()


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True)
class QuestionErrors:
    """What the quiz says when an answer is missing or unusable, in the question's own words."""

    missing: str
    not_whole: str | None = None
    out_of_range: str | None = None


@dataclass(frozen=True)
class OtherDuties:
    """The checklist's box for duties the list leaves out: counts for nothing, brings advice."""

    id: str
    label: str
    advice: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    text: str
    errors: QuestionErrors
    help: str | None = None
    statement: str | None = None
    ask_when: Condition | None = None
    options: tuple[Option, ...] = ()
    none_label: str | None = None
    other: OtherDuties | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    unit_one: str | None = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    source: Sources = sources()
    group: str | None = None  # the FAQ page's section heading; None: the first, general section
    verified: bool = True


@dataclass(frozen=True)
class Rules:
    """The whole validated rules file, with its lookups (`index`) built once when it is made."""

    schema_version: int
    sources: tuple[Source, ...]
    association: Association
    duty_groups: tuple[DutyCategory, ...]
    duty_bands: tuple[DutyBand, ...]
    thresholds: tuple[Threshold, ...]
    rights: tuple[Right, ...]
    categories: tuple[Category, ...]
    dues: Dues
    enterprise: Enterprise
    questions: tuple[Question, ...]
    faq: tuple[FaqEntry, ...] = ()
    index: RulesIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", RulesIndex.of(self))

    def category(self, category_id: str) -> Category:
        return self.index.categories[category_id]

    def question(self, question_id: str) -> Question:
        return self.index.questions[question_id]

    def source(self, source_id: str) -> Source:
        return self.index.sources[source_id]

    def threshold(self, threshold_id: str) -> int:
        return self.index.thresholds[threshold_id]

    @property
    def individual_categories(self) -> tuple[Category, ...]:
        """Individual categories in `order` (the order they are shown and tie-broken in)."""
        return self.index.individual

    @property
    def duty_ids(self) -> tuple[str, ...]:
        return tuple(self.index.duties)
