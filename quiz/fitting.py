"""Which categories a set of answers fits, and which one is the outcome.

A category fits when all enabled criteria of one of its paths are met. The outcome is the fitting
individual category that no other fitting one excludes (`excluded_by`, `any_other`), lowest `order`
first; none → not eligible. Evaluation is three-valued (conditions.py): with answers missing, a fit
is met, missed or unknown, and the question flow (flow.py) asks only what could still change it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .conditions import Env, Tri
from .index import ANY_OTHER
from .model import Category, Path, Rate, Rules


def env(
    rules: Rules,
    answers: Mapping[str, object],
    closed: frozenset[str] | set[str] = frozenset(),
    all_closed: bool = False,
) -> Env:
    """What conditions are evaluated against. `all_closed`: every missing answer is "not the case"
    (the quiz is over); `closed`: these questions will never be asked."""
    return Env(answers, rules.index.thresholds, rules.index.duty_group, closed, all_closed)


def path_value(path: Path, where: Env) -> Tri:
    result: Tri = True
    for criterion in path.criteria:
        if not criterion.enabled:
            continue
        value = criterion.condition.evaluate(where)
        if value is False:
            return False
        if value is None:
            result = None
    return result


def fit(category: Category, where: Env) -> Tri:
    """Met if one path has all enabled criteria met; missed if every path misses one."""
    result: Tri = False
    for path in category.paths:
        value = path_value(path, where)
        if value is True:
            return True
        if value is None:
            result = None
    return result


def candidates(rules: Rules, answers: Mapping[str, object]) -> tuple[Category, ...]:
    """The categories an answered choice question has not already ruled out, in order (the index's
    gates: a click evaluates only the categories still in play)."""
    pool: frozenset[str] | None = None
    for question_id, by_option in rules.index.gates.items():
        answer = answers.get(question_id)
        if not isinstance(answer, str):
            continue
        allowed = by_option.get(answer, by_option[None])
        pool = allowed if pool is None else pool & allowed
    if pool is None:
        return rules.index.individual
    position = rules.index.position
    return tuple(rules.index.categories[cid] for cid in sorted(pool, key=position.__getitem__))


def fits(rules: Rules, where: Env, everyone: bool = False) -> dict[str, Tri]:
    """The fit of each category the answers leave in play, in order; a category left out is missed
    (read it with `fits.get(id, False)`). `everyone=True` evaluates every category."""
    pool = rules.index.individual if everyone else candidates(rules, where.answers)
    return {c.id: fit(c, where) for c in pool}


def blockers(rules: Rules, category: Category, found: Mapping[str, Tri]) -> list[tuple[str, Tri]]:
    """(id, fit) of the categories that take priority over `category` when they fit. For
    `any_other` that is every other category in `found` (those left out are missed anyway)."""
    if ANY_OTHER in category.excluded_by:
        return [(cid, value) for cid, value in found.items() if cid != category.id]
    return [(x.id, found.get(x.id, False)) for x in rules.index.excluders[category.id]]


def possible(rules: Rules, found: Mapping[str, Tri]) -> tuple[list[Category], bool]:
    """(categories that could still be the outcome, whether the outcome is decided)."""
    still: list[Category] = []
    for category_id, value in found.items():  # in order: the tie-break
        if value is False:
            continue
        category = rules.index.categories[category_id]
        over = blockers(rules, category, found)
        if any(v is True for _, v in over):
            continue
        still.append(category)
        if value is True and all(v is False for _, v in over):
            break  # a sure candidate: categories of a higher order cannot win
    decided = not still or (
        len(still) == 1
        and found[still[0].id] is True
        and all(v is False for _, v in blockers(rules, still[0], found))
    )
    return still, decided


def applicable(rules: Rules, answers: Mapping[str, object]) -> dict[str, object]:
    """The answers the quiz would have asked: answers to questions whose `ask_when` fails are
    dropped, so that a result is the one the question flow gives."""
    kept: dict[str, object] = {}
    for q in rules.questions:
        if q.id not in answers:
            continue
        if q.ask_when is not None and (
            q.ask_when.evaluate(env(rules, kept, all_closed=True)) is not True
        ):
            continue
        kept[q.id] = answers[q.id]
    return kept


def outcome(rules: Rules, answers: Mapping[str, object]) -> Category | None:
    """The chosen category for checked answers, every missing answer read as "not the case"."""
    found = fits(rules, env(rules, applicable(rules, answers), all_closed=True))
    still, _ = possible(rules, found)
    return still[0] if still else None


def remaining_after_exclusions(rules: Rules, answers: Mapping[str, object]) -> list[Category]:
    """The fitting categories no other fitting one excludes, in order (the first is the outcome)."""
    found = fits(rules, env(rules, applicable(rules, answers), all_closed=True))
    return [
        rules.index.categories[cid]
        for cid, value in found.items()
        if value and not any(v for _, v in blockers(rules, rules.index.categories[cid], found))
    ]


def rate(category: Category, where: Env) -> Rate | None:
    """The special rate the answers choose for `category` (the first whose condition is met)."""
    return next((r for r in category.rates if r.condition.evaluate(where) is True), None)
