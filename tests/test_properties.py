"""Properties over generated answers and rules: one outcome, the flow ends, export round-trips."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.build.validate import load_rules
from quiz.build.validate import validate as build_rules
from quiz.export import load_json, to_json
from quiz.flow import next_step
from quiz.model import QuestionKind
from quiz.result import classify
from tests.engine_helpers import IN_2022, RULES_PATH, real_rules, rules_data

RULES = real_rules()


def answer_strategy(question):
    if question.kind is QuestionKind.CHOICE:
        return st.sampled_from([o.id for o in question.options])
    if question.kind is QuestionKind.YES_NO:
        return st.booleans()
    if question.kind is QuestionKind.NUMBER:
        return st.integers(min_value=question.min or 0, max_value=question.max)
    other = [question.other.id] if question.other else []
    return st.lists(st.sampled_from([*RULES.duty_ids, *other]), unique=True)


@st.composite
def answer_sets(draw, complete: bool = False):
    """Valid answers to any subset of the questions (to all of them when `complete`)."""
    answers = {}
    for question in RULES.questions:
        if complete or draw(st.booleans()):
            answers[question.id] = draw(answer_strategy(question))
    return answers


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answer_sets())
def test_any_valid_answers_give_exactly_one_outcome_with_a_reason(answers):
    result = classify(RULES, answers, on=IN_2022).to_json()
    outcome = result["outcome"]
    categories = {c.id for c in RULES.individual_categories}
    if outcome["kind"] == "category":
        assert outcome["category"] in categories
        chosen = RULES.category(outcome["category"])
        assert (result["dues"] is None) == (not chosen.dues_published)
        assert outcome["category"] not in {a["category"] for a in result["also_meets"]}
    else:
        assert outcome == {"kind": "not_eligible", "category": None, "name": "Not eligible"}
    assert len(result["reasons"]) >= 1
    json.dumps(result)  # plain JSON


@SETTINGS
@given(answer_sets(complete=True))
def test_the_flow_ends_within_as_many_steps_as_questions_numbering_them_in_order(answers):
    given_answers: dict = {}
    for step_number in range(1, len(RULES.questions) + 2):
        step = next_step(RULES, given_answers, on=IN_2022)
        if step.done:
            break
        assert step.number == step_number
        question = step.question["id"]
        assert question not in given_answers
        given_answers[question] = answers[question]
    else:
        raise AssertionError("next_step did not finish")
    assert len(given_answers) <= len(RULES.questions)
    assert step.to_json()["result"] == classify(RULES, given_answers, on=IN_2022).to_json()


@SETTINGS
@given(answer_sets(complete=True))
def test_answers_off_the_flow_do_not_change_the_flow_result(answers):
    """The flow's result equals classifying all the answers: what was not asked did not matter."""
    given_answers: dict = {}
    while not (step := next_step(RULES, given_answers, on=IN_2022)).done:
        given_answers[step.question["id"]] = answers[step.question["id"]]
    flow = step.result.to_json()["outcome"]
    full = classify(RULES, answers, on=IN_2022).to_json()["outcome"]
    assert flow == full


cents = st.decimals(
    min_value="0.01", max_value=5000, places=2, allow_nan=False, allow_infinity=False
)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(cents, min_size=6, max_size=6),
    percent=percents,
    places=st.integers(min_value=0, max_value=50),
    per_person=cents,
)
def test_export_round_trips_through_validation(amounts, percent, places, per_person):
    data = rules_data()
    schedule = data["dues"]["values"][next(iter(data["dues"]["values"]))]
    for key, amount in zip(
        ["regular", "associate", "affiliate", "academic", "emeritus"], amounts, strict=False
    ):
        schedule["amounts"][key] = number(amount)
    schedule["rates"]["regular.nonprofit"] = number(amounts[5])
    scheme = data["enterprise"]["values"][next(iter(data["enterprise"]["values"]))]
    scheme["after_places"]["regular"] = {"percent_of_dues": number(percent)}
    scheme["after_places"]["affiliate"] = {"per_person": number(per_person)}
    scheme["included_places"] = places
    rules = build_rules(data, answer_space=False)
    exported = to_json(rules)
    assert json.loads(json.dumps(exported)) == exported
    assert to_json(load_json(exported)) == exported


def test_export_of_the_real_rules_round_trips_and_is_deterministic():
    exported = to_json(RULES)
    again = to_json(load_json(json.loads(json.dumps(exported))))
    assert again == exported
    # Two independent loads of the file (not the cached rules twice) export the same bytes.
    first, second = (to_json(load_rules(RULES_PATH, answer_space=False)) for _ in range(2))
    assert first is not second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert json.dumps(first, sort_keys=True) == json.dumps(exported, sort_keys=True)
