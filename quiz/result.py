"""A quiz result: the outcome of a set of answers with everything a person needs to act on it.

What was met and what was not (each with its sources), the other categories the answers also meet
and why they were not chosen, an upgrade only when one is within reach, the dues, the rights, where
to apply, and notes on what the rules cannot settle (an incomplete duty list, an unconfirmed rate).

An upgrade is a change a person can make toward a category with more rights: the category must be in
the outcome's `upgrade_to` (any category, when none fits), and every requirement still missing must
be `attainable` (more duties, more areas, supervising people, more years). An exclusion, an
employer, being a provider or past membership is never suggested; the sentence counts exactly what
is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from . import fitting, values, wording
from .answers import check_answers
from .conditions import Env, Leaf, Not, Op, Tri, measure
from .dues import Estimate, estimate
from .errors import DuesYearError
from .index import ANY_OTHER
from .model import (
    Allowed,
    Category,
    Criterion,
    Path,
    PolicyRole,
    QuestionKind,
    Rules,
    Source,
)

NOT_ASKED = "Not asked: your other answers already decided this."
ALLOWED_TEXT = {
    Allowed.YES: "Yes",
    Allowed.NO: "No",
    Allowed.WITH_APPROVAL: "With approval",
    Allowed.NOT_STATED: "Not stated",
}


def confirm(rules: Rules) -> str:
    """What every unconfirmed statement adds: "Confirm with IPMA Headquarters."."""
    return f"Confirm with {rules.association.headquarters.name}."


def source_json(source: Source) -> dict:
    return {
        "id": source.id,
        "title": source.title,
        "url": source.url,
        "url_confirmed": source.url_confirmed,
    }


@dataclass(frozen=True)
class Reason:
    criterion: str  # "<category>.<criterion>"
    text: str
    met: bool | None
    detail: str
    sources: tuple[Source, ...]
    verified: bool = True
    note: str | None = None

    def to_json(self) -> dict:
        return {
            "criterion": self.criterion,
            "text": self.text,
            "met": self.met,
            "detail": self.detail,
            "sources": [source_json(s) for s in self.sources],
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(frozen=True)
class AlsoMeets:
    category: str
    name: str
    why_not_chosen: str

    def to_json(self) -> dict:
        return {"category": self.category, "name": self.name, "why_not_chosen": self.why_not_chosen}


@dataclass(frozen=True)
class Upgrade:
    """A category within reach: `missing` are the requirements the answers miss (counted in
    `text`), `unasked` those the quiz did not ask about (then the text says "could")."""

    category: str
    name: str
    text: str
    missing: tuple[str, ...]
    unasked: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "category": self.category,
            "name": self.name,
            "text": self.text,
            "missing": list(self.missing),
            "unasked": list(self.unasked),
        }


@dataclass(frozen=True)
class Result:
    """The outcome of a complete (or final) set of answers; `to_json()` is the contract's Result."""

    category: Category | None
    reasons: tuple[Reason, ...]
    also_meets: tuple[AlsoMeets, ...]
    nearest_upgrade: Upgrade | None
    dues: Estimate | None
    dues_note: str | None
    rights: tuple[dict, ...]
    apply: tuple[dict, ...]
    next_steps: str | None
    notes: tuple[str, ...]
    disclaimer: str

    @property
    def outcome(self) -> str | None:
        """The category id, or None when not eligible."""
        return self.category.id if self.category else None

    def to_json(self) -> dict:
        if self.category is None:
            outcome = {"kind": "not_eligible", "category": None, "name": "Not eligible"}
        else:
            outcome = {"kind": "category", "category": self.category.id, "name": self.category.name}
        return {
            "outcome": outcome,
            "reasons": [r.to_json() for r in self.reasons],
            "also_meets": [a.to_json() for a in self.also_meets],
            "nearest_upgrade": self.nearest_upgrade.to_json() if self.nearest_upgrade else None,
            "dues": self.dues.to_json() if self.dues is not None else None,
            "dues_note": self.dues_note,
            "rights": [dict(r) for r in self.rights],
            "apply": [dict(a) for a in self.apply],
            "next_steps": self.next_steps,
            "notes": list(self.notes),
            "disclaimer": self.disclaimer,
        }


def classify(rules: Rules, answers: object, on: date | None = None) -> Result:
    """The result of `answers` (checked first: `AnswerError` for answers it cannot use).

    Missing answers count as "not the case"; answers to questions the flow would not ask (their
    `ask_when` fails) are ignored. `on` picks the dues in force (default today).
    """
    return result_of(rules, check_answers(rules, answers), on)


def result_of(rules: Rules, answers: Mapping[str, object], on: date | None) -> Result:
    """The result of answers already checked (`answers.check_answers`)."""
    return _Explainer(rules, fitting.applicable(rules, answers), on).result()


class _Explainer:
    """Works out one result: the answers, both ways of reading a missing answer, and the fits."""

    def __init__(self, rules: Rules, answers: Mapping[str, object], on: date | None):
        self.rules = rules
        self.answers = answers
        self.on = on
        self.closed = fitting.env(rules, answers, all_closed=True)  # missing = "not the case"
        self.open = fitting.env(rules, answers)  # missing = unknown ("not asked")
        self.found = fitting.fits(rules, self.closed, everyone=True)
        still, _ = fitting.possible(rules, self.found)
        self.chosen = still[0] if still else None

    def text(self, text: str) -> str:
        return values.render_text(self.rules, text, self.on)

    def result(self) -> Result:
        rules, chosen = self.rules, self.chosen
        if chosen is not None:
            path = next(p for p in chosen.paths if fitting.path_value(p, self.closed) is True)
            reasons = tuple(self.reason(chosen, c) for c in path.enabled_criteria)
        else:
            reasons = self.near_misses()
        also = tuple(
            AlsoMeets(c.id, c.name, self.why_not(c))
            for c in rules.index.individual
            if c is not chosen and self.found[c.id] is True
        )
        dues, dues_note = self.dues()
        disclaimer = rules.association.policy(PolicyRole.DISCLAIMER)
        return Result(
            category=chosen,
            reasons=reasons,
            also_meets=also,
            nearest_upgrade=self.upgrade(),
            dues=dues,
            dues_note=dues_note,
            rights=self.rights(),
            apply=self.apply(dues),
            next_steps=None
            if chosen is not None
            else self.text(rules.association.not_eligible_advice),
            notes=self.notes(reasons, dues),
            disclaimer=self.text(disclaimer.text) if disclaimer else "",
        )

    # --- reasons --------------------------------------------------------------------------------

    def reason(self, category: Category, criterion: Criterion) -> Reason:
        met: Tri = criterion.condition.evaluate(self.open)
        detail = NOT_ASKED if met is None else self.detail(category, criterion)
        if not criterion.verified:
            detail += f" {confirm(self.rules)}"
        return Reason(
            criterion=f"{category.id}.{criterion.id}",
            text=self.text(criterion.text),
            met=met,
            detail=detail,
            sources=tuple(self.rules.source(s) for s in criterion.source),
            verified=criterion.verified,
            note=self.text(criterion.note) if criterion.note else None,
        )

    def detail(self, category: Category, criterion: Criterion) -> str:
        """What the answers say about a criterion, in words."""
        leaf = _single_leaf(criterion)
        index = self.rules.index
        if leaf is not None and leaf.op not in (Op.IN, Op.IS):
            question = index.questions[leaf.question]
            have = measure(leaf.op, self.answers.get(leaf.question), index.duty_group)
            need = self.closed.amount(leaf.value)  # type: ignore[arg-type]
            return wording.comparison(leaf, question, have, need, category)
        asked = dict.fromkeys(criterion.condition.questions())
        facts = []
        for question_id in asked:
            answer = self.answers.get(question_id)
            if answer is None:
                facts.append(NOT_ASKED)
            else:
                question = index.questions[question_id]
                facts.append(wording.answered(question, answer, index.duty_group, self.text))
        return " ".join(dict.fromkeys(facts))

    def near_misses(self) -> tuple[Reason, ...]:
        """For a person who fits nothing: the missed (and unasked) criteria of the nearest
        categories (fewest criteria missed, then most progress), at most three."""
        ranked = []
        # Rank by what the answers miss; with nothing answered that misses, by what is unanswered.
        for where in (self.open, self.closed):
            for category in self.rules.index.individual:
                for path in category.paths:
                    missed, unknown, progress = _standing(path, where)
                    if missed:
                        rank = (len(missed), -progress, len(unknown), category.order)
                        ranked.append((rank, category, path))
            if ranked:
                break
        ranked.sort(key=lambda r: r[0])
        reasons: list[Reason] = []
        shown: set[str] = set()
        for rank, category, path in ranked:
            if category.id in shown or rank[0] > ranked[0][0][0]:
                continue
            shown.add(category.id)
            reasons.extend(
                self.reason(category, c)
                for c in path.enabled_criteria
                if c.condition.evaluate(self.closed) is not True
            )
            if len(shown) == 3:
                break
        return tuple(reasons)

    def why_not(self, category: Category) -> str:
        winners = [x for x in self.rules.index.excluders[category.id] if self.found[x.id] is True]
        names = wording.names(c.name for c in winners)
        if ANY_OTHER in category.excluded_by and winners:
            return (
                f"{category.name} is only for people who fit no other category; you also fit "
                f"{names}."
            )
        if winners:
            verb = "takes" if len(winners) == 1 else "take"
            return f"{names} {verb} priority over {category.name} when both fit."
        chosen = self.chosen.name if self.chosen else "another category"
        return f"{chosen} comes first when both fit."

    # --- the upgrade ------------------------------------------------------------------------------

    def upgrade(self) -> Upgrade | None:
        """The category with more rights within the person's reach, or None (see the module)."""
        index = self.rules.index
        if self.chosen is not None:
            targets = [index.categories[c] for c in self.chosen.upgrade_to]
        else:
            targets = list(index.individual)
        best = None
        for target in targets:
            if self.found.get(target.id) is True:
                continue  # fits already, and something else takes priority
            if any(self.found.get(x.id) is True for x in index.excluders.get(target.id, ())):
                continue  # even meeting it, a category the person fits would take priority
            for path in target.paths:
                missed, unknown, _ = _standing(path, self.open)
                if not missed or not all(c.attainable for c in (*missed, *unknown)):
                    continue
                rank = (len(missed), len(unknown), target.order)
                if best is None or rank < best[0]:
                    best = (rank, target, missed, unknown)
        if best is None:
            return None
        _, target, missed, unknown = best
        verb = "could" if unknown else "would"
        gaps = self.gaps(missed)
        if all(g is not None for g in gaps):
            what = wording.capitalized(wording.names(gaps))  # type: ignore[arg-type]
        else:
            n = len(missed)
            requirements = wording.plural(n, "requirement", "requirements")
            what = f"Meeting {wording.words(n)} more {requirements}"
        return Upgrade(
            category=target.id,
            name=target.name,
            text=f"{what} {verb} make you eligible for {target.name}.",
            missing=tuple(self.text(c.text) for c in missed),
            unasked=tuple(self.text(c.text) for c in unknown),
        )

    def gaps(self, missed: tuple[Criterion, ...]) -> list[str | None]:
        """What each missed criterion needs, counted ("one more duty"), None where it cannot be
        counted. A count of duties and a count of areas on the same checklist overlap (a new duty
        can also open a new area), so they are said once: "three more duties covering two more
        areas", never "three more duties and duties in two more areas"."""
        counted = [self.shortfall(c) for c in missed]

        def said(shortfall: tuple[Leaf, int] | None) -> str | None:
            if shortfall is None:
                return None
            leaf, missing = shortfall
            return wording.gap(leaf, self.rules.index.questions[leaf.question], missing)

        by_op = {g[0].op: (i, g) for i, g in enumerate(counted) if g is not None}
        if Op.AT_LEAST in by_op and Op.GROUPS_AT_LEAST in by_op:
            (i, (duties, more)), (j, (areas, wider)) = by_op[Op.AT_LEAST], by_op[Op.GROUPS_AT_LEAST]
            question = self.rules.index.questions[duties.question]
            if duties.question == areas.question and question.kind is QuestionKind.DUTIES:
                both = wording.duties_and_areas(max(more, wider), wider)
                return [both] + [said(g) for k, g in enumerate(counted) if k not in (i, j)]
        return [said(g) for g in counted]

    def shortfall(self, criterion: Criterion) -> tuple[Leaf, int] | None:
        """A missed `at_least` criterion's single comparison and how much the answer falls short."""
        leaf = _single_leaf(criterion)
        if leaf is None or leaf.op not in (Op.AT_LEAST, Op.GROUPS_AT_LEAST):
            return None
        answer = self.answers.get(leaf.question)
        if answer is None:
            return None
        index = self.rules.index
        missing = self.closed.amount(leaf.value) - measure(leaf.op, answer, index.duty_group)  # type: ignore[arg-type]
        return (leaf, missing) if missing > 0 else None

    # --- dues, rights, links, notes ---------------------------------------------------------------

    def dues(self) -> tuple[Estimate | None, str | None]:
        chosen, hq = self.chosen, self.rules.association.headquarters.name
        if chosen is None:
            return None, None
        if not chosen.dues_published:
            return None, f"Contact {hq} for dues."
        rate = fitting.rate(chosen, self.closed)
        try:
            return estimate(self.rules, chosen.id, on=self.on, rate=rate.id if rate else None), None
        except DuesYearError as exc:
            return None, f"{exc}. Contact {hq} for dues."

    def rights(self) -> tuple[dict, ...]:
        if self.chosen is None:
            return ()
        given = {r.right: r for r in self.chosen.rights}
        found = []
        for right in self.rules.rights:
            mine = given.get(right.id)
            allowed = mine.allowed if mine else Allowed.NOT_STATED
            found.append(
                {
                    "id": right.id,
                    "label": right.label,
                    "allowed": allowed.value,
                    "allowed_text": ALLOWED_TEXT[allowed],
                    "text": self.text(mine.text) if mine and mine.text else None,
                    "verified": mine.verified if mine else True,
                }
            )
        return tuple(found)

    def apply(self, dues: Estimate | None) -> tuple[dict, ...]:
        if self.chosen is None:
            return ()
        rate = dues.rate.id if dues is not None and dues.rate is not None else None
        links = [a for a in self.chosen.apply if a.rate == rate] or list(self.chosen.apply)
        return tuple(
            {
                "label": a.label,
                "url": a.url,
                "url_confirmed": a.url_confirmed,
                "destination": a.destination,
            }
            for a in links
        )

    def notes(self, reasons: tuple[Reason, ...], dues: Estimate | None) -> tuple[str, ...]:
        """What the rules cannot settle for this person, and what to do about it."""
        rules, found = self.rules, []
        if self.chosen is not None and self.chosen.result_note:
            found.append(self.text(self.chosen.result_note))
        duties = next((q for q in rules.questions if q.kind is QuestionKind.DUTIES), None)
        if duties is not None:
            ticked = self.answers.get(duties.id) or ()
            if duties.other is not None and duties.other.id in ticked:  # type: ignore[operator]
                found.append(self.text(duties.other.advice))
            reads_duties = {
                r.criterion
                for r in reasons
                if r.met is False and duties.id in self._questions_of(r.criterion)
            }
            if reads_duties:
                found.extend(
                    self.text(g.note) for g in rules.duty_groups if not g.verified and g.note
                )
        if dues is not None and dues.rate is not None and not dues.rate.verified:
            note = self.text(dues.rate.note) + " " if dues.rate.note else ""
            found.append(f"{note}{confirm(rules)}")
        return tuple(dict.fromkeys(found))

    def _questions_of(self, criterion_ref: str) -> set[str]:
        category_id, criterion_id = criterion_ref.split(".", 1)
        for path in self.rules.index.categories[category_id].paths:
            for criterion in path.criteria:
                if criterion.id == criterion_id:
                    return set(criterion.condition.questions())
        return set()


def _single_leaf(criterion: Criterion) -> Leaf | None:
    condition = criterion.condition
    return condition if isinstance(condition, Leaf) else None


def _standing(path: Path, where: Env) -> tuple[list[Criterion], list[Criterion], int]:
    """(missed criteria, unknown criteria, how many qualifying criteria are met) of a path.

    "Qualifying" leaves out criteria that are a bare `not` (such as "not a consultant"): nearly
    everyone meets those, so they say nothing about how close a person is to a category.
    """
    missed, unknown, progress = [], [], 0
    for criterion in path.enabled_criteria:
        value = criterion.condition.evaluate(where)
        if value is False:
            missed.append(criterion)
        elif value is None:
            unknown.append(criterion)
        elif not isinstance(criterion.condition, Not):
            progress += 1
    return missed, unknown, progress
