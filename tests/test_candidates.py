"""The candidate index: a category an answered choice question rules out is never evaluated.

It is an optimisation (it keeps the validator's answer-space walk linear in the categories), so the
one thing to prove is that it never drops a category that could still fit.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from quiz.answer_space import answer_sets as every_answer_set
from quiz.build.validate import validate as build_rules
from quiz.fitting import candidates, fit, outcome
from quiz.fitting import env as _env
from tests.engine_helpers import real_rules, rules_data
from tests.test_properties import answer_sets

RULES = real_rules()


def _left_out(rules, answers) -> set[str]:
    kept = {c.id for c in candidates(rules, answers)}
    return {c.id for c in rules.individual_categories} - kept


def _assert_left_out_cannot_fit(rules, answers) -> None:
    for env in (_env(rules, answers), _env(rules, answers, all_closed=True)):
        for category_id in _left_out(rules, answers):
            assert fit(rules.category(category_id), env) is False, (category_id, answers)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_a_category_left_out_never_fits_any_partial_answers(answers):
    _assert_left_out_cannot_fit(RULES, answers)


def test_a_category_left_out_never_fits_on_the_whole_answer_space():
    pruned = 0
    for answers in every_answer_set(RULES):
        _assert_left_out_cannot_fit(RULES, answers)
        pruned += len(_left_out(RULES, answers))
    assert pruned > 0  # the index does prune on the real rules (Academic, Associate, …)


def test_candidates_keep_the_order_that_breaks_ties():
    order = [c.id for c in RULES.individual_categories]
    for answers in every_answer_set(RULES):
        kept = [c.id for c in candidates(RULES, answers)]
        assert kept == [cid for cid in order if cid in kept]


def _partner_with_extra_path(criteria: list[dict]) -> object:
    """The rules with one more path for Business Partner (gated on organization: provider)."""
    data = rules_data()
    partner = next(c for c in data["categories"] if c["id"] == "business_partner")
    source = partner["source"]
    partner["paths"].append(
        {
            "id": "extra",
            "criteria": [
                {"id": f"c{i}", "text": "Extra", "condition": cond, "source": source}
                for i, cond in enumerate(criteria)
            ],
        }
    )
    return build_rules(data)


def _kept(rules, organization: str) -> bool:
    kept = candidates(rules, {"organization": organization})
    return "business_partner" in {c.id for c in kept}


def test_a_path_without_the_choice_criterion_keeps_the_category_for_every_option():
    rules = _partner_with_extra_path([{"answer": "seeking_development", "is": True}])
    for option in rules.question("organization").options:
        assert _kept(rules, option.id)


def test_the_options_of_several_paths_add_up():
    rules = _partner_with_extra_path([{"answer": "organization", "in": ["association"]}])
    assert _kept(rules, "association") and _kept(rules, "provider")
    assert not _kept(rules, "law_firm")


def test_two_choice_criteria_on_one_path_must_both_admit_the_answer():
    rules = _partner_with_extra_path(
        [
            {"answer": "organization", "in": ["association", "law_firm"]},
            {"answer": "organization", "in": ["association"]},
        ]
    )
    assert _kept(rules, "association") and _kept(rules, "provider")
    assert not _kept(rules, "law_firm")
    for answers in every_answer_set(rules):
        _assert_left_out_cannot_fit(rules, answers)


def test_outcomes_are_the_same_with_and_without_the_index():
    """The walk the validator makes, evaluated once through the index and once over everyone."""
    from quiz.fitting import applicable as _applicable
    from quiz.fitting import fits as _fits
    from quiz.fitting import possible as _possible

    for answers in every_answer_set(RULES):
        env = _env(RULES, _applicable(RULES, answers), all_closed=True)
        full, _ = _possible(RULES, _fits(RULES, env, everyone=True))
        assert outcome(RULES, answers) == (full[0] if full else None)
