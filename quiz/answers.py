"""Check an answers object against the questions, before the engine reads it.

Answers come from the browser (JSON), the CLI or tests:
    {"organization": "law_firm", "duties": ["recruiting", "budgeting"], "people_supervised": 3}
choice → option id; yes/no → boolean; number → whole number in the question's range; duties →
list of duty ids (`[]` = none of these; the checklist's "other duties" id may be listed too).
`null` means "not answered". Anything else is an `AnswerError` that names the answer and says what
is wrong, so the page (or the CLI user) can fix exactly that field.
"""

from __future__ import annotations

from collections.abc import Mapping

from .conditions import show
from .errors import AnswerError
from .model import Question, QuestionKind, Rules

MAX_ANSWERS = 100
MAX_TEXT = 200


def check_answers(rules: Rules, answers: object) -> dict[str, object]:
    """The answers, checked and normalized (duties as a tuple in checklist order, nulls dropped)."""
    if not isinstance(answers, Mapping):
        raise AnswerError(
            None, f"expected an object of answers keyed by question id, got {show(answers)}"
        )
    if len(answers) > MAX_ANSWERS:
        raise AnswerError(
            None, f"too many answers: {len(answers)} (there are {len(rules.questions)} questions)"
        )
    questions = rules.index.questions
    checked: dict[str, object] = {}
    for key, value in answers.items():
        if not isinstance(key, str) or len(key) > MAX_TEXT:
            raise AnswerError(None, f"expected question ids as keys, got {show(key)}")
        question = questions.get(key)
        if question is None:
            known = ", ".join(q.id for q in rules.questions)
            raise AnswerError(key, f"unknown question: expected one of {known}")
        if value is None:
            continue
        checked[key] = check_answer(rules, question, value)
    return checked


def check_answer(rules: Rules, question: Question, value: object) -> object:
    kind = question.kind
    if kind is QuestionKind.CHOICE:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise AnswerError(question.id, f"expected an option id, got {show(value)}")
        if question.option(value) is None:
            options = ", ".join(o.id for o in question.options)
            raise AnswerError(
                question.id, f"unknown option {show(value)}: expected one of {options}"
            )
        return value
    if kind is QuestionKind.YES_NO:
        if not isinstance(value, bool):
            raise AnswerError(question.id, f"expected true or false, got {show(value)}")
        return value
    if kind is QuestionKind.NUMBER:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(question.id, f"expected a whole number, got {show(value)}")
        low = question.min if question.min is not None else 0
        high = question.max
        if value < low or (high is not None and value > high):
            raise AnswerError(
                question.id, f"expected a number from {low} to {high}, got {show(value)}"
            )
        return value
    # the duty checklist
    if not isinstance(value, list | tuple):
        raise AnswerError(
            question.id, f"expected a list of duty ids ([] for none), got {show(value)}"
        )
    duties = dict.fromkeys(rules.index.duties)
    if question.other is not None:
        duties[question.other.id] = None
    if len(value) > len(duties):
        raise AnswerError(
            question.id, f"too many duties: {len(value)} (the checklist has {len(duties)})"
        )
    ticked = set()
    for item in value:
        if not isinstance(item, str) or item not in duties:
            raise AnswerError(question.id, f"unknown duty id {show(item)}")
        if item in ticked:
            raise AnswerError(question.id, f"duty '{item}' is listed twice")
        ticked.add(item)
    return tuple(d for d in duties if d in ticked)
