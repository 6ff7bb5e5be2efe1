"""The worker protocol: JSON in, JSON out, never an exception."""

from __future__ import annotations

import json

import pytest

from quiz import api
from quiz.export import to_json
from tests.engine_helpers import real_rules

ENGINE = api.Engine.from_json(json.loads(json.dumps(to_json(real_rules()))), on="2022-06-01")


def call(method, params=None, request_id=1):
    response = ENGINE.handle({"id": request_id, "method": method, "params": params or {}})
    assert json.loads(json.dumps(response)) == response, "plain JSON"
    return response


def test_next_step_returns_the_first_question():
    response = call("next_step", {"answers": {}})
    assert response["ok"] is True and response["id"] == 1
    assert response["result"]["question"]["id"] == "organization"


def test_classify_returns_the_result_shape():
    response = call("classify", {"answers": {"organization": "provider"}})
    result = response["result"]
    assert set(result) == {
        "outcome",
        "reasons",
        "also_meets",
        "nearest_upgrade",
        "dues",
        "dues_note",
        "rights",
        "apply",
        "next_steps",
        "notes",
        "disclaimer",
    }
    assert result["outcome"]["category"] == "business_partner"
    assert result["dues_note"] == "Contact IPMA Headquarters for dues."
    assert {r["allowed"] for r in result["rights"]} <= {"yes", "no", "with_approval", "not_stated"}


def test_enterprise_returns_the_quote_shape():
    result = call(
        "enterprise",
        {
            "counts": {"regular": 12, "associate": 2, "affiliate": 5},
            "answers": {"nonprofit": False},
        },
    )["result"]
    assert set(result) == {
        "year",
        "enterprise",
        "individual",
        "cheaper",
        "saving",
        "saving_display",
        "verdict",
        "break_even",
        "basis",
        "notes",
    }
    assert set(result["enterprise"]["lines"][0]) == {
        "label",
        "count",
        "unit",
        "unit_display",
        "amount",
        "display",
    }


def test_rules_info_names_the_dues_in_force():
    info = call("rules_info")["result"]
    assert info["dues"] == {"year": 2022, "status": "in_force", "label": "2022 dues"}
    assert info["association"]["short_name"] == "IPMA"


def test_a_request_can_price_on_another_date():
    info = call("rules_info", {"on": "2025-02-01"})["result"]
    assert info["dues"]["status"] == "latest_published"


@pytest.mark.parametrize(
    ("request_", "error_type"),
    [
        (
            {"id": 3, "method": "classify", "params": {"answers": {"organization": "x"}}},
            "AnswerError",
        ),
        ({"id": 3, "method": "enterprise", "params": {"counts": {"regular": -2}}}, "AnswerError"),
        (
            {"id": 3, "method": "enterprise", "params": {"counts": {"regular": 2}, "year": 2030}},
            "DuesYearError",
        ),
        ({"id": 3, "method": "enterprise", "params": {"regular": 2}}, "RequestError"),
        ({"id": 3, "method": "teleport", "params": {}}, "RequestError"),
        ({"id": 3, "method": "classify", "params": ["x"]}, "RequestError"),
        ({"id": 3, "method": "classify", "params": {"on": "tomorrow"}}, "RequestError"),
        (
            {"id": 3, "method": "configure", "params": {"rules": {"schema_version": 1}}},
            "RulesError",
        ),
        ("not a request", "RequestError"),
        (None, "RequestError"),
    ],
)
def test_errors_are_responses_never_exceptions(request_, error_type):
    response = ENGINE.handle(request_)
    assert response["ok"] is False
    assert response["error"]["type"] == error_type
    assert response["error"]["message"]
    assert response["id"] == (3 if isinstance(request_, dict) else None)


def test_without_rules_the_engine_says_to_configure_first():
    response = api.Engine().handle({"id": 9, "method": "next_step", "params": {}})
    assert response["error"]["type"] == "RequestError"
    assert "configure" in response["error"]["message"]


def test_the_configure_method_loads_rules_json():
    engine = api.Engine()
    rules_json = json.loads(json.dumps(to_json(real_rules())))
    response = engine.handle({"id": 1, "method": "configure", "params": {"rules": rules_json}})
    assert response["ok"] is True
    step = engine.handle({"id": 2, "method": "next_step", "params": {"answers": {}}})
    assert step["ok"] is True


# --- hostile answers (issue 6): a clear one-line AnswerError, never an internal error -------------


@pytest.mark.parametrize(
    "answers, fragment",
    [
        ({"years_managing": 10**5000}, "got a number too large to use"),
        ({"years_managing": 1e308}, "got a number too large to use"),
        ({"organization": "x" * 1_000_000}, "(1,000,000 characters)"),
        ({"duties": ["x" * 1_000_000]}, "(1,000,000 characters)"),
        ({"a\nb\u2028c": True}, "answer 'a\\nb\\u2028c': unknown question"),
    ],
)
def test_hostile_answers_get_a_short_one_line_answer_error(answers, fragment):
    response = call("classify", {"answers": answers})
    assert response["ok"] is False
    error = response["error"]
    assert error["type"] == "AnswerError"
    assert fragment in error["message"]
    assert error["message"].isprintable() and len(error["message"]) < 600


def test_a_huge_member_count_or_date_is_a_clear_error_not_an_internal_one():
    for method, params in [
        ("enterprise", {"counts": {"regular": 10**5000}}),
        ("enterprise", {"counts": {"regular": 1}, "year": 10**5000}),
        ("classify", {"answers": {}, "on": 10**5000}),
    ]:
        error = call(method, params)["error"]
        assert error["type"] in ("AnswerError", "RequestError"), error
        assert "too large" in error["message"]


def test_the_calculator_form_comes_from_the_rules():
    form = call("calculator_form")["result"]
    rules = real_rules()
    scheme = rules.enterprise.schemes[-1]
    priced = set(scheme.fill_order) | set(scheme.after_places)
    assert [f["category"] for f in form["fields"]] == [
        c.id for c in rules.individual_categories if c.id in priced
    ]
    assert all(f["max"] == rules.enterprise.max_members for f in form["fields"])
    asked = {q for c in rules.categories for r in c.rates for q in r.condition.questions()}
    assert {t["question"] for t in form["toggles"]} == asked
    assert all(t["label"] == rules.question(t["question"]).statement for t in form["toggles"])
