"""The question flow: which question the quiz asks next, or that the answers decide everything.

A question is asked only if an unknown criterion of a category that could still be the outcome (or
of one that could exclude it, or a dues-rate condition of one) reads it; everything else is skipped.
Questions are asked in the rules file's order, so the order follows the person (an educator is asked
about the program before anything else that only might matter to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from . import fitting, values
from .answers import check_answers
from .model import Category, Question, QuestionKind, Rules
from .result import Result, result_of


@dataclass(frozen=True)
class Step:
    """What the quiz shows next: a question (with its number on the path) or the result."""

    done: bool
    question: dict | None = None  # the question as JSON (texts rendered)
    number: int | None = None
    result: Result | None = None
    answers: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict:
        if self.done:
            return {"done": True, "result": self.result.to_json()}  # type: ignore[union-attr]
        return {"done": False, "question": self.question, "number": self.number}


def next_question(rules: Rules, answers: Mapping[str, object]) -> Question | None:
    """The first unanswered question, in file order, whose `ask_when` holds and that could still
    change the outcome or the dues rate; None when the answers decide everything."""
    closed_env = fitting.env(rules, answers, all_closed=True)
    closed = set()
    for q in rules.questions:
        if q.id in answers or q.ask_when is None:
            continue
        if q.ask_when.evaluate(closed_env) is not True:
            closed.add(q.id)
    where = fitting.env(rules, answers, closed)
    found = fitting.fits(rules, where)
    still, _ = fitting.possible(rules, found)
    undecided: dict[str, Category] = {}
    for category in still:
        if found[category.id] is None:
            undecided[category.id] = category
        for other_id, value in fitting.blockers(rules, category, found):
            if value is None:
                undecided[other_id] = rules.index.categories[other_id]
    relevant: set[str] = set()
    for category in undecided.values():
        for path in category.paths:
            if fitting.path_value(path, where) is not None:
                continue
            for criterion in path.criteria:
                if criterion.enabled and criterion.condition.evaluate(where) is None:
                    relevant.update(criterion.condition.questions())
    for category in still:
        for rate in category.rates:
            if rate.condition.evaluate(where) is None:
                relevant.update(rate.condition.questions())
    for q in rules.questions:
        if q.id in relevant and q.id not in answers and q.id not in closed:
            return q
    return None


def flow_answers(rules: Rules, answers: Mapping[str, object]) -> tuple[dict, Question | None]:
    """Replay the flow from no answers, taking each asked question's answer from `answers`:
    (the answers on the path, the first question they do not answer or None when done).
    Answers off the path (stale ones after going back) are ignored."""
    state: dict[str, object] = {}
    while True:
        q = next_question(rules, state)
        if q is None or q.id not in answers:
            return state, q
        state[q.id] = answers[q.id]


def next_step(rules: Rules, answers: object, on: date | None = None) -> Step:
    """The next question to ask ("Question N": its place on the person's path), or the result
    when the answers decide everything. Paths differ in length, so no total is promised."""
    checked = check_answers(rules, answers)
    state, question = flow_answers(rules, checked)
    if question is None:
        return Step(done=True, result=result_of(rules, state, on), answers=state)
    return Step(
        done=False,
        question=question_json(rules, question, on),
        number=len(state) + 1,
        answers=state,
    )


def question_json(rules: Rules, q: Question, on: date | None = None) -> dict:
    """A question as the page renders it: texts with placeholders filled, empty duty groups out,
    and the messages for a missing or unusable answer in the question's own words."""

    def render(text: str | None) -> str | None:
        return None if text is None else values.render_text(rules, text, on)

    errors = {
        key: render(text)
        for key, text in (
            ("missing", q.errors.missing),
            ("not_whole", q.errors.not_whole),
            ("out_of_range", q.errors.out_of_range),
        )
        if text is not None
    }
    data: dict = {
        "id": q.id,
        "kind": q.kind.value,
        "text": render(q.text),
        "help": render(q.help),
        "errors": errors,
    }
    if q.kind is QuestionKind.CHOICE:
        data["options"] = [
            {"id": o.id, "label": render(o.label), "help": render(o.help)} for o in q.options
        ]
    elif q.kind is QuestionKind.DUTIES:
        data["groups"] = [
            {"id": g.id, "name": g.name, "duties": [{"id": d.id, "name": d.name} for d in g.duties]}
            for g in rules.duty_groups
            if g.duties
        ]
        data["none_label"] = render(q.none_label) or "None of these"
        if q.other is not None:
            data["other"] = {"id": q.other.id, "label": render(q.other.label)}
    elif q.kind is QuestionKind.NUMBER:
        data.update(
            min=q.min if q.min is not None else 0, max=q.max, unit=q.unit, unit_one=q.unit_one
        )
    return data
