"""The engine under real Pyodide (Node, the npm package) answers exactly as CPython does.

The browser runs the same quiz/ source in Pyodide (Python 3.14 on WebAssembly), the build and the
tests run it in CPython 3.12. These tests send the same protocol requests to both, through
``quiz.api.handle``, and compare the JSON text: every case in tests/cases/, every complete answer
set the question flow allows (quiz.answer_space) with next_step at each step, Enterprise quotes, and
requests the engine must refuse. One Node process answers all of them, batched over the pipe.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quiz import api, enterprise, export
from quiz.answer_space import answer_sets
from quiz.build.validate import load_rules
from tests.engine_helpers import faq_rule_rules, load_cases, real_rules
from tests.helpers import REPO_ROOT

RULES_PATH = REPO_ROOT / "rules" / "membership.yaml"
CASES_DIR = REPO_ROOT / "tests" / "cases"
ON = "2022-06-01"  # a fixed "today", so the dues in force do not depend on the day the tests run


def jsonable(value: Any) -> Any:
    """Answers as JSON sends them (the enumerator gives duty lists as tuples)."""
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def canonical(response: Mapping[str, Any]) -> str:
    """The JSON text both sides are compared on (the harness prints sorted-key ``json.dumps``)."""
    return json.dumps(response, sort_keys=True)


def rules_json(path: Path = RULES_PATH) -> dict:
    return export.to_json(load_rules(path, answer_space=False))


def configure_request(rules: dict, on: str | None = ON) -> dict:
    return {"id": "configure", "method": "configure", "params": {"rules": rules, "on": on}}


def cpython(requests: list[dict], rules: dict, on: str | None = ON) -> list[str]:
    engine = api.Engine.from_json(rules, on=on)
    return [canonical(json.loads(json.dumps(engine.handle(r)))) for r in requests]


def pyodide(engine, requests: list[dict], rules: dict, on: str | None = ON) -> list[str]:
    configured = engine.request(configure_request(rules, on))
    assert configured["ok"], configured
    return [canonical(r) for r in engine.request_many(requests)]


def assert_same(engine, requests: list[dict], rules: dict, on: str | None = ON) -> None:
    expected = cpython(requests, rules, on)
    got = pyodide(engine, requests, rules, on)
    assert len(got) == len(expected)
    for request, want, have in zip(requests, expected, got, strict=True):
        assert have == want, f"Pyodide differs from CPython for {json.dumps(request)}"


def numbered(requests: list[dict]) -> list[dict]:
    """Unique requests (the same prefix recurs across answer sets), ids in order."""
    seen: dict[str, dict] = {}
    for request in requests:
        key = json.dumps({k: v for k, v in request.items() if k != "id"}, sort_keys=True)
        seen.setdefault(key, request)
    return [{**r, "id": i} for i, r in enumerate(seen.values())]


# --- the answer space --------------------------------------------------------------------------


def flow_requests(rules) -> tuple[list[dict], int]:
    """classify on every complete answer set, next_step on every prefix of it (in asking order)."""
    requests: list[dict] = []
    count = 0
    for answers in answer_sets(rules):
        count += 1
        items = list(jsonable(answers).items())
        for n in range(len(items) + 1):
            requests.append({"method": "next_step", "params": {"answers": dict(items[:n])}})
        requests.append({"method": "classify", "params": {"answers": dict(items)}})
    return numbered(requests), count


def test_every_answer_combination_gives_identical_json_in_pyodide_and_cpython(pyodide_engine):
    rules = load_rules(RULES_PATH, answer_space=False)
    requests, count = flow_requests(rules)
    print(f"\n{count} complete answer sets; {len(requests)} distinct next_step/classify requests")
    assert count > 100  # the real rules have a few hundred: an empty space would prove nothing
    assert_same(pyodide_engine, requests, export.to_json(rules))


def test_each_step_of_the_flow_is_a_question_until_done_in_pyodide(pyodide_engine):
    """Beyond equality: under Pyodide the flow ends in a result for every answer set."""
    rules = load_rules(RULES_PATH, answer_space=False)
    rules_data = export.to_json(rules)
    assert pyodide_engine.request(configure_request(rules_data))["ok"]
    finals = [
        {"id": i, "method": "next_step", "params": {"answers": jsonable(a)}}
        for i, a in enumerate(answer_sets(rules))
    ]
    outcomes = {
        r["result"]["result"]["outcome"]["kind"] for r in pyodide_engine.request_many(finals)
    }
    assert all(r for r in outcomes)
    assert outcomes == {"category", "not_eligible"}


# --- tests/cases/ --------------------------------------------------------------------------------


def answers_of(case: dict) -> dict:
    """A case's answers as the browser would send them (``duties: all`` is every duty)."""
    answers = dict(case["answers"])
    if answers.get("duties") == "all":
        answers["duties"] = list(real_rules().duty_ids)
    return jsonable(answers)


def case_requests() -> dict[str, list[dict]]:
    """Requests for every case in tests/cases/, by the rules they are about: classify and
    next_step on each individual case's answers (and next_step on each prefix of a flow case),
    a quote for each Enterprise case (the FAQ's counting rule where the case says so)."""
    by_rules: dict[str, list[dict]] = {"real": [], "faq_rule": []}
    for case in load_cases("individual.yaml"):
        answers = answers_of(case)
        by_rules["real"].append({"method": "classify", "params": {"answers": answers}})
        items = list(answers.items())
        for n in range(len(items) + 1):
            request = {"method": "next_step", "params": {"answers": dict(items[:n])}}
            by_rules["real"].append(request)
    for case in load_cases("enterprise.yaml"):
        params = dict(case["counts"])
        if "year" in case:
            params["year"] = case["year"]
        by_rules[case.get("rules", "real")].append({"method": "enterprise", "params": params})
    return {name: numbered(requests) for name, requests in by_rules.items()}


def test_every_case_in_tests_cases_gives_identical_json_in_pyodide_and_cpython(pyodide_engine):
    files = sorted(CASES_DIR.glob("*.yaml"))
    assert {p.name for p in files} >= {"individual.yaml", "enterprise.yaml"}
    rules = {
        "real": rules_json(),
        "faq_rule": export.to_json(faq_rule_rules()),
    }
    total = 0
    for name, requests in case_requests().items():
        assert requests, f"no {name} cases"
        total += len(requests)
        assert_same(pyodide_engine, requests, rules[name])
    print(f"\n{total} distinct requests from the cases in tests/cases/")


# --- Enterprise quotes, rules_info and refusals --------------------------------------------------


def enterprise_requests() -> list[dict]:
    """A grid over every priced category and every question a rate asks, from the rules' form."""
    form = enterprise.calculator_form(load_rules(RULES_PATH, answer_space=False), on=None)
    fields = [f["category"] for f in form["fields"]]
    toggles = [t["question"] for t in form["toggles"]]
    first, rest = fields[0], fields[1:]
    requests = []
    grid = itertools.product(
        range(0, 26),
        itertools.product((0, 1, 5), repeat=len(rest)),
        itertools.product((False, True), repeat=len(toggles)),
    )
    for number, others, flags in grid:
        counts = {first: number, **dict(zip(rest, others, strict=True))}
        answers = dict(zip(toggles, flags, strict=True))
        requests.append({"method": "enterprise", "params": {"counts": counts, "answers": answers}})
    for number in (99, 100, 101, 1000, 99_999, 100_000):
        counts = {first: number, fields[-1]: 7}
        requests.append({"method": "enterprise", "params": {"counts": counts}})
    requests.append({"method": "enterprise", "params": {"counts": {first: 12}, "year": 2022}})
    return numbered(requests)


def test_enterprise_quotes_are_identical_in_pyodide_and_cpython(pyodide_engine):
    requests = enterprise_requests()
    assert len(requests) > 300
    assert_same(pyodide_engine, requests, rules_json())


REFUSED = [
    {"method": "classify", "params": {"answers": {"organization": "castle"}}},
    {"method": "classify", "params": {"answers": {"nope": True}}},
    {"method": "classify", "params": {"answers": {"duties": ["recruiting", "recruiting"]}}},
    {"method": "classify", "params": {"answers": {"years_managing": 61}}},
    {"method": "classify", "params": {"answers": {"years_managing": "5"}}},
    {"method": "classify", "params": {"answers": ["organization"]}},
    {"method": "next_step", "params": {"answers": {"people_supervised": "yes"}}},
    {"method": "next_step", "params": {"answers": {"people_supervised": 1.5}}},
    {"method": "next_step", "params": {"answers": {"organization": "<script>alert(1)</script>"}}},
    {"method": "enterprise", "params": {"counts": {"regular": -1}}},
    {"method": "enterprise", "params": {"counts": {"regular": "12"}}},
    {"method": "enterprise", "params": {"counts": {"regular": 100_001}}},
    {"method": "enterprise", "params": {"counts": {"regular": 1}, "year": 1999}},
    {"method": "enterprise", "params": {"counts": {"castle": 1}}},
    {"method": "enterprise", "params": {"regular": 1}},
    {"method": "enterprise", "params": {"counts": {}, "answers": {"nonprofit": "yes"}}},
    {"method": "teleport", "params": {}},
    {"method": "classify", "params": "answers"},
    {"method": "rules_info", "params": {}},
]


def test_refusals_and_rules_info_are_identical_in_pyodide_and_cpython(pyodide_engine):
    requests = numbered(REFUSED)
    responses = cpython(requests, rules_json())
    assert sum('"ok": false' in r for r in responses) >= len(REFUSED) - 1  # all but rules_info
    assert_same(pyodide_engine, requests, rules_json())
