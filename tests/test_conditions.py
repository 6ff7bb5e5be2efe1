"""The condition language: three-valued (Kleene) evaluation and parsing problems."""

from __future__ import annotations

import pytest

from quiz.conditions import AllOf, AnyOf, Env, Leaf, Not, Op, from_json, parse

GROUPS = {"a1": "a", "a2": "a", "b1": "b", "c1": "c"}
THRESHOLDS = {"two": 2}


def env(answers, closed=frozenset(), all_closed=False):
    return Env(answers, THRESHOLDS, GROUPS, closed, all_closed)


MET, MISSED, UNKNOWN = Leaf("y", Op.IS, True), Leaf("y", Op.IS, False), Leaf("q", Op.IS, True)
# with answers {"y": True}: MET is True, MISSED is False, UNKNOWN is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (AllOf((MET, UNKNOWN)), None),
        (AllOf((MISSED, UNKNOWN)), False),
        (AllOf((MET, MET)), True),
        (AnyOf((MET, UNKNOWN)), True),
        (AnyOf((MISSED, UNKNOWN)), None),
        (AnyOf((MISSED, MISSED)), False),
        (Not(UNKNOWN), None),
        (Not(MET), False),
    ],
)
def test_kleene_evaluation_decides_what_partial_answers_already_decide(condition, expected):
    assert condition.evaluate(env({"y": True})) is expected


def test_a_closed_question_makes_its_leaf_missed_not_unknown():
    assert UNKNOWN.evaluate(env({}, closed={"q"})) is False
    assert Not(UNKNOWN).evaluate(env({}, all_closed=True)) is True


def test_duty_comparisons_count_duties_and_the_groups_they_span():
    ticked = {"d": ("a1", "a2", "b1")}
    assert Leaf("d", Op.AT_LEAST, 3).evaluate(env(ticked)) is True
    assert Leaf("d", Op.AT_MOST, "two").evaluate(env(ticked)) is False
    assert Leaf("d", Op.GROUPS_AT_LEAST, "two").evaluate(env(ticked)) is True
    assert Leaf("d", Op.GROUPS_AT_MOST, 1).evaluate(env(ticked)) is False
    assert Leaf("d", Op.AT_MOST, 0).evaluate(env({"d": ()})) is True


def test_number_comparisons_use_the_value():
    assert Leaf("n", Op.AT_LEAST, "two").evaluate(env({"n": 2})) is True
    assert Leaf("n", Op.AT_LEAST, "two").evaluate(env({"n": 1})) is False


def test_conditions_round_trip_through_json():
    data = {"any": [{"answer": "d", "at_most": "two"}, {"not": {"answer": "o", "in": ["x", "y"]}}]}
    assert from_json(data).to_json() == data


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"answer": "q", "equals": 1}, "unknown comparison 'equals'"),
        ({"answer": "q"}, "expected exactly one comparison"),
        ({"answer": "q", "is": "yes"}, "expected true or false, got 'yes'"),
        ({"answer": "q", "at_least": -1}, "expected a whole number of at least 0"),
        ({"answer": "q", "in": []}, "expected a non-empty list of option ids"),
        ({"all": []}, "expected a non-empty list of conditions"),
        ({"some": []}, "expected a condition such as"),
        ("q", "expected a condition such as"),
    ],
)
def test_malformed_conditions_are_reported(data, fragment):
    problems = []
    assert parse(data, lambda path, message: problems.append(message)) is None
    assert any(fragment in p for p in problems), problems
