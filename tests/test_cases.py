"""The table of cases in tests/cases/: every category and boundary, with the seed's amounts."""

from __future__ import annotations

import pytest

from quiz.enterprise import quote
from quiz.flow import next_step
from quiz.model import QuestionKind
from quiz.result import classify
from tests.engine_helpers import IN_2022, faq_rule_rules, load_cases, real_rules

INDIVIDUAL = load_cases("individual.yaml")
ENTERPRISE = load_cases("enterprise.yaml")


def answers_of(case: dict) -> dict:
    rules = real_rules()
    answers = dict(case["answers"])
    if answers.get("duties") == "all":
        answers["duties"] = list(rules.duty_ids)
    return answers


@pytest.mark.parametrize("case", INDIVIDUAL, ids=lambda c: c["name"])
def test_individual_case(case: dict):
    result = classify(real_rules(), answers_of(case), on=IN_2022).to_json()
    expected_outcome = case["outcome"]
    if expected_outcome == "not_eligible":
        assert result["outcome"] == {
            "kind": "not_eligible",
            "category": None,
            "name": "Not eligible",
        }
        assert result["next_steps"], "not eligible: says what to do"
    else:
        assert result["outcome"]["kind"] == "category"
        assert result["outcome"]["category"] == expected_outcome

    if case["dues"] is None:
        assert result["dues"] is None
    else:
        assert result["dues"]["amount"] == case["dues"]
        assert result["dues"]["year"] == 2022
        assert result["dues"]["status"] == "in_force"
    if "rate" in case:
        assert result["dues"]["rate"] == case["rate"]
    if "dues_note" in case:
        assert result["dues_note"] == case["dues_note"]

    met = {r["criterion"]: r["met"] for r in result["reasons"]}
    for criterion, value in case.get("reasons", {}).items():
        assert met.get(criterion, "absent") == value, (criterion, result["reasons"])
    if "also_meets" in case:
        assert [a["category"] for a in result["also_meets"]] == case["also_meets"]
    upgrade = result["nearest_upgrade"]
    assert (upgrade and upgrade["category"]) == case["upgrade"], upgrade
    if "upgrade_text" in case:
        assert upgrade["text"] == case["upgrade_text"]
    for fragment in case.get("notes", []):
        assert any(fragment in note for note in result["notes"]), result["notes"]


@pytest.mark.parametrize(
    "case", [c for c in INDIVIDUAL if c.get("flow", True)], ids=lambda c: c["name"]
)
def test_quiz_flow_asks_exactly_the_case_answers_and_ends_on_its_result(case: dict):
    rules = real_rules()
    answers = answers_of(case)
    given: dict = {}
    asked = []
    while True:
        step = next_step(rules, given, on=IN_2022)
        if step.done:
            break
        question_id = step.question["id"]
        assert question_id in answers, (
            f"the quiz asks {question_id}, which the case does not answer"
        )
        asked.append(question_id)
        given[question_id] = answers[question_id]
    assert sorted(asked) == sorted(answers), "every answer of the case was asked for"
    assert step.to_json()["result"] == classify(rules, answers, on=IN_2022).to_json()


def test_cases_cover_every_individual_category_and_not_eligible():
    outcomes = {c["outcome"] for c in INDIVIDUAL}
    expected = {c.id for c in real_rules().individual_categories} | {"not_eligible"}
    assert expected <= outcomes


def test_every_case_says_which_upgrade_it_offers_and_why():
    for case in INDIVIDUAL:
        assert "upgrade" in case and case.get("why"), case["name"]
    offered = {c["upgrade"] for c in INDIVIDUAL if c["upgrade"]}
    assert offered and None in {c["upgrade"] for c in INDIVIDUAL}


def test_an_upgrade_is_only_ever_toward_a_category_the_outcome_lists():
    rules = real_rules()
    for case in INDIVIDUAL:
        if case["upgrade"] and case["outcome"] != "not_eligible":
            assert case["upgrade"] in rules.category(case["outcome"]).upgrade_to, case["name"]


def test_cases_cover_both_sides_of_every_duty_boundary():
    rules = real_rules()
    group = rules.index.duty_group
    seen = set()
    for case in INDIVIDUAL:
        duties = answers_of(case).get("duties")
        if isinstance(duties, list):
            listed = [d for d in duties if d in group]  # the box for other duties counts for none
            seen.add((len(listed), len({group[d] for d in listed})))
    counts = {n for n, _ in seen}
    assert {2, 3, 4, 5} <= counts
    assert {g for _, g in seen} >= {1, 2}
    assert (3, 1) in seen and (3, 2) in seen


@pytest.mark.parametrize("case", ENTERPRISE, ids=lambda c: c["name"])
def test_enterprise_case(case: dict):
    rules = faq_rule_rules() if case.get("rules") == "faq_rule" else real_rules()
    result = quote(rules, case["counts"], case.get("answers"), on=IN_2022).to_json()
    assert result["year"] == 2022
    assert result["enterprise"]["total"] == case["enterprise"]
    assert result["individual"]["total"] == case["individual"]
    assert result["cheaper"] == case["cheaper"]
    assert result["saving"] == abs(case["individual"] - case["enterprise"])
    if "saving" in case:
        assert result["saving"] == case["saving"]
    pairs = [(line["count"], line["unit"]) for line in result["enterprise"]["lines"]]
    for count, unit in case.get("lines", []):
        assert (count, unit) in pairs, pairs
    assert sum(line["amount"] for line in result["enterprise"]["lines"]) == case["enterprise"]
    if "verdict" in case:
        assert result["verdict"] == case["verdict"]
    if "break_even" in case:
        assert result["break_even"]["text"] == case["break_even"]


def test_every_question_kind_appears_in_the_cases():
    asked = {q for c in INDIVIDUAL for q in c["answers"]}
    kinds = {real_rules().question(q).kind for q in asked}
    assert kinds == set(QuestionKind)
