"""The finite answer space: every complete answer set the question flow allows.

Numbers and duty lists have many values but few that matter: a condition only compares a number
(or a count of duties, or of duty groups) with thresholds. So each question gets representative
values, one or two per equivalence class — t-1 and t around every `at_least: t`, t and t+1 around
every `at_most: t`, plus the question's min and max (for duties: 0 and all of them) — and the
space is walked by following the flow's `next_question` from no answers. The build uses it to prove
each category can be the outcome (quiz/build/checks/answer_space.py); tests run every answer set.
"""

from __future__ import annotations

from collections.abc import Iterator

from .conditions import Op
from .fitting import remaining_after_exclusions
from .flow import next_question
from .model import Question, QuestionKind, Rules


def representatives(rules: Rules, question: Question) -> tuple[object, ...]:
    """One or more answers per class of answers the rules cannot tell apart, in a fixed order."""
    if question.kind is QuestionKind.CHOICE:
        return tuple(o.id for o in question.options)
    if question.kind is QuestionKind.YES_NO:
        return (True, False)
    counts, groups = _boundaries(rules, question.id)
    if question.kind is QuestionKind.NUMBER:
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else max(counts | {low})
        return tuple(sorted(v for v in counts | {low, high} if low <= v <= high))
    return tuple(_duty_lists(rules, counts, groups))


def _boundaries(rules: Rules, question_id: str) -> tuple[set[int], set[int]]:
    """The values around every threshold a condition compares this question's answer with:
    (for the value or count of duties, for the number of duty groups spanned)."""
    counts: set[int] = set()
    groups: set[int] = set()
    thresholds = rules.index.thresholds
    for leaf in rules.index.leaves:
        if leaf.question != question_id or leaf.op in (Op.IN, Op.IS):
            continue
        n = thresholds[leaf.value] if isinstance(leaf.value, str) else leaf.value
        around = {n - 1, n} if leaf.op in (Op.AT_LEAST, Op.GROUPS_AT_LEAST) else {n, n + 1}
        target = groups if leaf.op in (Op.GROUPS_AT_LEAST, Op.GROUPS_AT_MOST) else counts
        target.update(v for v in around if v >= 0)  # type: ignore[operator]
    return counts, groups


def _duty_lists(rules: Rules, counts: set[int], groups: set[int]) -> Iterator[tuple[str, ...]]:
    """A concrete duty list for each feasible (count, groups spanned) pair of boundary values."""
    nonempty = [g for g in rules.duty_groups if g.duties]
    # Fill the biggest groups first so the most counts are feasible for a given number of groups.
    by_size = sorted(nonempty, key=lambda g: -len(g.duties))
    total = sum(len(g.duties) for g in nonempty)
    count_values = sorted(v for v in counts | {0, total} if 0 <= v <= total)
    group_values = sorted(v for v in groups | {1, len(nonempty)} if 1 <= v <= len(nonempty))
    order = {d: i for i, d in enumerate(rules.duty_ids)}
    seen: set[tuple[str, ...]] = set()
    for count in count_values:
        for spanned in [0] if count == 0 else group_values:
            chosen = by_size[:spanned]
            if count < spanned or count > sum(len(g.duties) for g in chosen):
                continue
            picked = [g.duties[0].id for g in chosen]
            rest = [d.id for g in chosen for d in g.duties[1:]]
            picked += rest[: count - spanned]
            duties = tuple(sorted(picked, key=order.__getitem__))
            if duties not in seen:
                seen.add(duties)
                yield duties


def answer_sets(rules: Rules) -> Iterator[dict[str, object]]:
    """Every complete answer set of the flow (representative values), in a deterministic order."""
    reps: dict[str, tuple[object, ...]] = {}

    def walk(state: dict[str, object]) -> Iterator[dict[str, object]]:
        q = next_question(rules, state)
        if q is None:
            yield dict(state)
            return
        if q.id not in reps:
            reps[q.id] = representatives(rules, q)
        for value in reps[q.id]:
            state[q.id] = value
            yield from walk(state)
        del state[q.id]

    yield from walk({})


def count_answer_sets(rules: Rules) -> int:
    """The size of the answer space."""
    return sum(1 for _ in answer_sets(rules))


def tie_breaks(rules: Rules) -> int:
    """How many answer sets leave more than one category after exclusions, so that `order`
    decides. Not an error (precedence by order is data too), but staff should know."""
    return sum(
        1 for answers in answer_sets(rules) if len(remaining_after_exclusions(rules, answers)) > 1
    )
