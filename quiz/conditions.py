"""The small condition language of the rules file, and its three-valued evaluation.

Criteria, question `ask_when` and rate conditions are written as:

    {answer: Q, in: [option, ...]}        choice question: the answer is one of these options
    {answer: Q, is: true|false}           yes/no question
    {answer: Q, at_least: N} / at_most    number question: the value; duty checklist: duties ticked
    {answer: Q, groups_at_least: N} / groups_at_most   duty checklist: duty groups the ticks span
    {all: [...]}  {any: [...]}  {not: ...}

where N is a whole number or a threshold id. Evaluation is three-valued (Kleene logic): True (met),
False (missed) or None (unknown, because an answer is missing). That is how the engine knows what a
partial set of answers already decides: `any` with one met part is met whatever the rest says.

The build validates conditions against rules/membership.schema.json and checks what they name
(quiz/build/checks/); here they are only read and evaluated.

A question can also be *closed*: it will never be answered (its `ask_when` failed, or the quiz is
over). A leaf about a closed question is False, so "the answer is one of ..." is simply not true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

Tri = bool | None
"""Three-valued truth: True = met, False = missed, None = unknown (answer missing)."""

Amount = int | str
"""A number in a comparison: a literal, or the id of a threshold (resolved at evaluation)."""


class Op(StrEnum):
    """The comparisons; the key names are the rules file's."""

    IN = "in"
    IS = "is"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    GROUPS_AT_LEAST = "groups_at_least"
    GROUPS_AT_MOST = "groups_at_most"


COMPARISONS = (Op.AT_LEAST, Op.AT_MOST, Op.GROUPS_AT_LEAST, Op.GROUPS_AT_MOST)


class Env:
    """What evaluation needs: the answers, which questions are closed, thresholds and duty groups.

    A plain class with slots rather than a dataclass: it is built on every click in the browser.
    """

    __slots__ = ("answers", "closed", "all_closed", "thresholds", "duty_group")

    def __init__(
        self,
        answers: Mapping[str, object],
        thresholds: Mapping[str, int],
        duty_group: Mapping[str, str],
        closed: frozenset[str] | set[str] = frozenset(),
        all_closed: bool = False,
    ):
        self.answers = answers
        self.closed = closed
        self.all_closed = all_closed
        self.thresholds = thresholds
        self.duty_group = duty_group

    def amount(self, n: Amount) -> int:
        return self.thresholds[n] if isinstance(n, str) else n


class Condition:
    """Base of the condition nodes (frozen dataclasses below)."""

    def evaluate(self, env: Env) -> Tri:  # pragma: no cover - abstract
        raise NotImplementedError

    def questions(self) -> Iterator[str]:
        """The question ids this condition reads (with repeats)."""
        for leaf in self.leaves():
            yield leaf.question

    def leaves(self) -> Iterator[Leaf]:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_json(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Leaf(Condition):
    """`{answer: question, <op>: value}`. `value` is a tuple of option ids, a bool, or an Amount."""

    question: str
    op: Op
    value: tuple[str, ...] | bool | Amount

    def evaluate(self, env: Env) -> Tri:
        answer = env.answers.get(self.question)
        if answer is None:
            if env.all_closed or self.question in env.closed:
                return False
            return None
        return self.test(answer, env)

    def test(self, answer: object, env: Env) -> bool:
        """The comparison on a present answer (validated by answers.py)."""
        op = self.op
        if op is Op.IN:
            return answer in self.value  # type: ignore[operator]
        if op is Op.IS:
            return answer is self.value
        measured = measure(self.op, answer, env.duty_group)
        if op is Op.AT_LEAST or op is Op.GROUPS_AT_LEAST:
            return measured >= env.amount(self.value)  # type: ignore[arg-type]
        return measured <= env.amount(self.value)  # type: ignore[arg-type]

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def to_json(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"answer": self.question, self.op.value: value}


@dataclass(frozen=True)
class AllOf(Condition):
    items: tuple[Condition, ...]

    def evaluate(self, env: Env) -> Tri:
        result: Tri = True
        for item in self.items:
            value = item.evaluate(env)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()

    def to_json(self) -> dict:
        return {"all": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class AnyOf(Condition):
    items: tuple[Condition, ...]

    def evaluate(self, env: Env) -> Tri:
        result: Tri = False
        for item in self.items:
            value = item.evaluate(env)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()

    def to_json(self) -> dict:
        return {"any": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class Not(Condition):
    item: Condition

    def evaluate(self, env: Env) -> Tri:
        value = self.item.evaluate(env)
        return None if value is None else not value

    def leaves(self) -> Iterator[Leaf]:
        yield from self.item.leaves()

    def to_json(self) -> dict:
        return {"not": self.item.to_json()}


def measure(op: Op, answer: object, duty_group: Mapping[str, str]) -> int:
    """The number a comparison reads: a number answer itself, duties ticked, or groups spanned.
    Only the checklist's duties count: the "duties not on this list" box counts for nothing."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return answer
    duties = answer  # a tuple of duty ids
    if op is Op.GROUPS_AT_LEAST or op is Op.GROUPS_AT_MOST:
        return len({duty_group[d] for d in duties if d in duty_group})  # type: ignore[union-attr]
    return sum(1 for d in duties if d in duty_group)  # type: ignore[union-attr]


# --- reading -------------------------------------------------------------------------------------

MAX_DEPTH = 32
"""How deep `all`/`any`/`not` may nest: far beyond any real rule, well within Python's stack (the
build rejects deeper ones, quiz/build/checks/conditions.py)."""


def from_json(data: object) -> Condition:
    """A condition from the rules' JSON, which the build validated (rules/membership.schema.json);
    `ValueError` for anything else, so that damaged JSON fails loudly rather than half-works."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a condition, got {show(data)}")
    if "answer" in data:
        ops = [key for key in data if key != "answer"]
        if len(ops) != 1 or ops[0] not in Op.__members__.values():
            raise ValueError(f"expected one comparison next to 'answer', got {', '.join(ops)}")
        op = Op(ops[0])
        raw = data[op.value]
        value = tuple(raw) if op is Op.IN else raw
        return Leaf(data["answer"], op, value)
    if len(data) != 1:
        raise ValueError("expected one of all, any or not")
    ((key, body),) = data.items()
    if key == "not":
        return Not(from_json(body))
    if key in ("all", "any") and isinstance(body, list) and body:
        items = tuple(from_json(item) for item in body)
        return AllOf(items) if key == "all" else AnyOf(items)
    raise ValueError(f"expected all, any or not with a list of conditions, got {show(key)}")


def depth(data: object) -> int:
    """How deep `all`/`any`/`not` nest in a condition's plain data. Iterative: a hand-made (or
    hostile) condition may nest far deeper than Python's stack."""
    deepest = 0
    pending = [(data, 0)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict) and "answer" not in node and len(node) == 1:
            ((key, body),) = node.items()
            if key == "not":
                pending.append((body, level + 1))
            elif key in ("all", "any") and isinstance(body, list):
                pending.extend((item, level + 1) for item in body)
    return deepest


def first_leaf(data: object) -> dict | None:
    """The first `{answer: ...}` comparison in a condition's plain data (iterative, as `depth`)."""
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "answer" in node:
                return node
            for key in ("not", "all", "any"):
                body = node.get(key)
                if isinstance(body, list):
                    pending.extend(reversed(body))
                elif body is not None:
                    pending.append(body)
    return None


SHOWN_TEXT = 80
"""Longer strings are cut in messages, so that an error stays one readable line."""


def show(value: object) -> str:
    """A found value as the error message shows it: strings quoted, YAML words for the rest."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if len(value) > SHOWN_TEXT:
            return f"{value[:SHOWN_TEXT]!r}... ({len(value):,} characters)"
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 64:
        return "a number too large to use"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)
