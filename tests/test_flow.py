"""The question flow: which question comes next and its number (the speed is bench/'s)."""

from __future__ import annotations

import pytest

from quiz.answer_space import answer_sets, count_answer_sets, representatives
from quiz.build.validate import validate as build_rules
from quiz.errors import AnswerError
from quiz.flow import next_step
from tests.engine_helpers import IN_2022, real_rules, rules_data

RULES = real_rules()


def test_the_first_question_is_the_first_in_the_file():
    step = next_step(RULES, {}, on=IN_2022).to_json()
    assert step["done"] is False
    assert step["question"]["id"] == RULES.questions[0].id
    assert step["number"] == 1
    assert set(step) == {"done", "question", "number"}


def test_a_question_is_numbered_by_its_place_on_the_path_and_promises_no_total():
    """Paths differ in length (a consultant is done after one question), so the quiz says
    "Question N" everywhere rather than "Question 4 of 4" on some screens only (issue 13)."""
    answers = {"organization": "law_firm", "duties": ["recruiting", "budgeting"]}
    step = next_step(RULES, answers, on=IN_2022)
    assert step.number == 3
    assert "total" not in step.to_json()


def test_a_consultant_is_done_after_one_question():
    step = next_step(RULES, {"organization": "provider"}, on=IN_2022).to_json()
    assert step["done"] is True
    assert step["result"]["outcome"]["category"] == "business_partner"


def test_questions_that_cannot_change_the_result_are_skipped():
    # Four duties: Regular is out of reach, Associate is certain, so nothing else is asked.
    duties = ["recruiting", "orientation", "job_descriptions", "budgeting"]
    step = next_step(RULES, {"organization": "law_firm", "duties": duties}, on=IN_2022)
    assert step.done and step.result.outcome == "associate"


def test_the_nonprofit_question_is_asked_only_when_the_rate_can_apply():
    five = ["recruiting", "orientation", "job_descriptions", "budgeting", "delegation"]
    base = {"organization": "law_firm", "duties": five}
    assert next_step(RULES, base, on=IN_2022).question["id"] == "people_supervised"
    asked = next_step(RULES, {**base, "people_supervised": 2}, on=IN_2022)
    assert asked.question["id"] == "nonprofit"
    assert asked.number == 4
    assert next_step(RULES, {**base, "people_supervised": 0}, on=IN_2022).done


def test_the_number_of_people_supervised_is_compared_with_its_threshold():
    """Issue 10: the threshold once drove nothing (the condition was a yes/no)."""
    five = ["recruiting", "orientation", "job_descriptions", "budgeting", "delegation"]
    needed = RULES.threshold("min_people_supervised")
    base = {"organization": "law_firm", "duties": five, "nonprofit": False}
    assert next_step(RULES, {**base, "people_supervised": needed}, on=IN_2022).result.outcome == (
        "regular"
    )
    assert next_step(RULES, {**base, "people_supervised": needed - 1}, on=IN_2022).done
    data = rules_data()
    next(t for t in data["thresholds"] if t["id"] == "min_people_supervised")["value"] = 3
    three = build_rules(data)
    fewer = {"organization": "law_firm", "duties": five, "people_supervised": 2}
    assert next_step(three, fewer, on=IN_2022).result.outcome == "associate"


def asked_for(organization: str, pick: int = -1) -> list[str]:
    """The questions a person at `organization` is asked, answering each with one of its
    representative answers (the last by default: "no" for a yes/no question)."""
    answers: dict = {"organization": organization}
    asked = []
    for _ in range(len(RULES.questions)):
        step = next_step(RULES, answers, on=IN_2022)
        if step.done:
            break
        asked.append(step.question["id"])
        question = RULES.question(step.question["id"])
        answers[question.id] = representatives(RULES, question)[pick]
    return asked


def test_ask_when_keeps_education_questions_for_schools():
    for organization in ("law_firm", "association", "none"):
        assert not set(asked_for(organization)) & {"educator", "accredited_program"}
    assert asked_for("education", pick=0)[:2] == ["educator", "accredited_program"]


def test_a_program_director_is_asked_about_the_program_before_bar_activities():
    """Issue 13: the order follows the person (the file's question order)."""
    asked = asked_for("education", pick=0)
    assert asked.index("educator") < asked.index("bar_activities")


def test_answers_off_the_path_are_ignored_when_counting():
    stale = {"organization": "provider", "educator": True, "years_managing": 3}
    step = next_step(RULES, stale, on=IN_2022)
    assert step.done and step.result.outcome == "business_partner"


def test_empty_duty_groups_are_not_shown():
    step = next_step(RULES, {"organization": "law_firm"}, on=IN_2022).to_json()
    question = step["question"]
    assert question["kind"] == "duties"
    shown = [g["id"] for g in question["groups"]]
    empty = [g.id for g in RULES.duty_groups if not g.duties]
    assert empty and not set(empty) & set(shown)
    assert all(g["duties"] for g in question["groups"])


def test_question_texts_are_rendered():
    data = rules_data()
    data["questions"][1]["help"] = "At least {{ thresholds.regular_min_duties }} for Regular."
    rules = build_rules(data)
    step = next_step(rules, {"organization": "law_firm"}, on=IN_2022).to_json()
    assert step["question"]["help"] == "At least 5 for Regular."


@pytest.mark.parametrize(
    ("answers", "answer"),
    [
        ({"organisation": "law_firm"}, "organisation"),
        ({"organization": "law"}, "organization"),
        ({"nonprofit": "yes"}, "nonprofit"),
        ({"people_supervised": 1.5}, "people_supervised"),
        ({"years_managing": 3.5}, "years_managing"),
        ({"years_managing": 61}, "years_managing"),
        ({"years_managing": True}, "years_managing"),
        ({"duties": ["recruiting", "juggling"]}, "duties"),
        ({"duties": ["recruiting", "recruiting"]}, "duties"),
        ({"duties": "recruiting"}, "duties"),
    ],
)
def test_bad_answers_raise_an_answer_error_naming_the_answer(answers, answer):
    with pytest.raises(AnswerError) as caught:
        next_step(RULES, answers, on=IN_2022)
    assert caught.value.answer == answer


def test_answers_must_be_an_object_of_reasonable_size():
    with pytest.raises(AnswerError):
        next_step(RULES, ["organization"], on=IN_2022)
    with pytest.raises(AnswerError):
        next_step(RULES, {f"q{i}": 1 for i in range(1000)}, on=IN_2022)


def test_every_answer_set_of_the_space_is_a_finished_flow():
    count = 0
    for answers in answer_sets(RULES):
        count += 1
        assert next_step(RULES, answers, on=IN_2022).done
    assert count == count_answer_sets(RULES)
    print(f"answer space: {count} complete answer sets")


def criterion_data(data, category, criterion):
    found = next(c for c in data["categories"] if c["id"] == category)
    return next(k for p in found["paths"] for k in p["criteria"] if k["id"] == criterion)


def test_switching_off_the_duty_groups_criterion_lets_duties_in_one_area_count():
    five_personnel = ["recruiting", "orientation", "job_descriptions", "training_development"]
    five_personnel.append("benefits")
    answers = {"organization": "law_firm", "duties": five_personnel, "people_supervised": 3}
    assert (
        next_step(
            RULES, {**answers, "bar_activities": False, "seeking_development": True}, on=IN_2022
        ).result.outcome
        == "affiliate"
    )
    data = rules_data()
    criterion_data(data, "regular", "duty_groups")["enabled"] = False
    rules = build_rules(data)
    step = next_step(rules, answers, on=IN_2022)
    assert step.question["id"] == "nonprofit"  # Regular now fits; only the rate is left
    result = next_step(rules, {**answers, "nonprofit": False}, on=IN_2022).result
    assert result.outcome == "regular"
    assert "regular.duty_groups" not in {r.criterion for r in result.reasons}


def test_switching_off_the_supervision_criterion_stops_the_question():
    """`enabled: false` switches a criterion off everywhere; its question is then never asked."""
    data = rules_data()
    criterion_data(data, "regular", "supervises")["enabled"] = False
    rules = build_rules(data)
    five = ["recruiting", "orientation", "job_descriptions", "budgeting", "delegation"]
    step = next_step(rules, {"organization": "law_firm", "duties": five}, on=IN_2022)
    assert step.question["id"] == "nonprofit"


def test_unverified_criteria_tell_the_reader_to_confirm_with_headquarters():
    five = ["recruiting", "orientation", "job_descriptions", "budgeting", "delegation"]
    answers = {
        "organization": "law_firm",
        "duties": five,
        "people_supervised": 3,
        "nonprofit": False,
    }
    result = next_step(RULES, answers, on=IN_2022).result
    unverified = {
        f"regular.{c.id}"
        for p in RULES.category("regular").paths
        for c in p.criteria
        if not c.verified
    }
    assert unverified
    for reason in result.reasons:
        said = "Confirm with IPMA Headquarters." in reason.detail
        assert said == (reason.criterion in unverified)
