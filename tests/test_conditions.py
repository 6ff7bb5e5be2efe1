"""The condition language: three-valued (Kleene) evaluation, and reading it from trusted JSON.

What staff are told about a malformed condition comes from the schema and the checks
(tests/bad_rules.yaml covers every form)."""

from __future__ import annotations

import pytest

from quiz.conditions import AllOf, AnyOf, Env, Leaf, Not, Op, depth, first_leaf, from_json

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


def test_only_the_checklists_duties_count_not_the_box_for_other_duties():
    ticked = {"d": ("a1", "other_duties")}
    assert Leaf("d", Op.AT_LEAST, 2).evaluate(env(ticked)) is False
    assert Leaf("d", Op.GROUPS_AT_LEAST, 1).evaluate(env(ticked)) is True
    assert Leaf("d", Op.AT_MOST, 0).evaluate(env({"d": ("other_duties",)})) is True


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "q", "equals": 1},
        {"answer": "q"},
        {"answer": "q", "is": True, "at_least": 1},
        {"all": []},
        {"some": []},
        {"all": [], "not": {}},
        "q",
    ],
)
def test_reading_refuses_what_is_not_a_condition(data):
    with pytest.raises(ValueError):
        from_json(data)


def test_depth_and_first_leaf_walk_any_nesting_without_recursion():
    leaf = {"answer": "o", "in": ["x"]}
    deep: dict = leaf
    for _ in range(20000):
        deep = {"not": deep}
    assert depth(deep) == 20000
    assert first_leaf(deep) is leaf
    assert depth({"any": [leaf, {"all": [{"not": leaf}]}]}) == 3
    assert first_leaf({"all": [{"not": {"any": []}}, leaf]}) is leaf
