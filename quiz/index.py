"""The rules' lookups, built once when a `Rules` is made, and never changed after.

Why one frozen object: every click in the browser asks which categories are still possible, which
question reads which answer, which duty is in which area. Computing that once per rules keeps a
click cheap, and keeping it read-only (mappings behind `MappingProxyType`, tuples) means no code
can change the rules' answers behind another's back. It reads the model's objects by attribute
only, so the model can build it without an import circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .conditions import Leaf, Op

if TYPE_CHECKING:
    from .model import Category, Question, Rules

ANY_OTHER = "any_other"
"""In `excluded_by`: every other individual category takes priority over this one."""


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class RulesIndex:
    sources: Mapping[str, Any]
    categories: Mapping[str, Category]
    questions: Mapping[str, Question]
    thresholds: Mapping[str, int]
    duties: Mapping[str, Any]  # duty id → Duty, in checklist order
    duty_group: Mapping[str, str]  # duty id → its area's id
    rights: Mapping[str, Any]
    individual: tuple[Category, ...]  # individual categories in `order`
    position: Mapping[str, int]  # individual category id → its place in `individual`
    excluders: Mapping[str, tuple[Category, ...]]  # category id → those taking priority over it
    leaves: tuple[Leaf, ...]  # every distinct comparison (criteria, rates, ask_when), file order
    gates: Mapping[str, Mapping[str | None, frozenset[str]]]  # see `candidate_gates`

    @classmethod
    def of(cls, rules: Rules) -> RulesIndex:
        """The lookups of `rules` (called once, when the `Rules` is made)."""
        individual = tuple(
            sorted((c for c in rules.categories if c.individual), key=lambda c: (c.order, c.id))
        )
        categories = {c.id: c for c in rules.categories}
        return cls(
            sources=_frozen({s.id: s for s in rules.sources}),
            categories=_frozen(categories),
            questions=_frozen({q.id: q for q in rules.questions}),
            thresholds=_frozen({t.id: t.value for t in rules.thresholds}),
            duties=_frozen({d.id: d for g in rules.duty_groups for d in g.duties}),
            duty_group=_frozen({d.id: g.id for g in rules.duty_groups for d in g.duties}),
            rights=_frozen({r.id: r for r in rules.rights}),
            individual=individual,
            position=_frozen({c.id: i for i, c in enumerate(individual)}),
            excluders=_frozen(_excluders(individual, categories)),
            leaves=_leaves(rules),
            gates=_frozen(candidate_gates(rules, individual)),
        )


def _excluders(individual: tuple, categories: dict) -> dict[str, tuple]:
    table = {}
    for category in individual:
        if ANY_OTHER in category.excluded_by:
            table[category.id] = tuple(c for c in individual if c.id != category.id)
        else:
            table[category.id] = tuple(categories[c] for c in category.excluded_by)
    return table


def _leaves(rules: Rules) -> tuple[Leaf, ...]:
    seen: dict[Leaf, None] = {}
    for question in rules.questions:
        if question.ask_when is not None:
            seen.update(dict.fromkeys(question.ask_when.leaves()))
    for category in rules.categories:
        for path in category.paths:
            for criterion in path.criteria:
                seen.update(dict.fromkeys(criterion.condition.leaves()))
        for rate in category.rates:
            seen.update(dict.fromkeys(rate.condition.leaves()))
    return tuple(seen)


def candidate_gates(rules: Rules, individual: tuple) -> dict[str, Mapping[str | None, frozenset]]:
    """question id → option id → the categories still possible when that option is the answer
    (key None: an option no gated category admits). Only choice questions that gate something.

    Why: without it, every click (and every step of the answer-space walk) evaluates every
    category, so the walk grows with categories × answer sets. A category is *gated* by a choice
    question when each of its paths has an enabled criterion `{answer: q, in: [...]}`; once q is
    answered with an option none of those lists holds, no path can be met.
    """
    admitted: dict[str, dict[str, set[str]]] = {}  # question → category → options its paths admit
    for category in individual:
        per_question: dict[str, set[str]] | None = None
        for path in category.paths:
            allows: dict[str, frozenset[str]] = {}
            for criterion in path.criteria:
                condition = criterion.condition
                if criterion.enabled and isinstance(condition, Leaf) and condition.op is Op.IN:
                    options = frozenset(condition.value)  # type: ignore[arg-type]
                    q = condition.question
                    allows[q] = allows[q] & options if q in allows else options
            if per_question is None:
                per_question = {q: set(o) for q, o in allows.items()}
            else:  # gated only by questions every path tests; the paths' options add up
                per_question = {q: per_question[q] | allows[q] for q in per_question if q in allows}
        for q, options in (per_question or {}).items():
            admitted.setdefault(q, {})[category.id] = options
    questions = {q.id: q for q in rules.questions}
    everyone = frozenset(c.id for c in individual)
    found: dict[str, Mapping[str | None, frozenset]] = {}
    for q, by_category in admitted.items():
        ungated = everyone - by_category.keys()
        table: dict[str | None, frozenset[str]] = {None: ungated}
        for option in questions[q].options:
            table[option.id] = ungated | {
                cid for cid, options in by_category.items() if option.id in options
            }
        found[q] = _frozen(table)
    return found
