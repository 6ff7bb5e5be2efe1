"""Fuzzing the engine (issue 6, point 7): random rules, valid and invalid, and random answers.

Run this group alone with `pytest -m fuzz` (every test here carries the marker). The number of cases
is modest by default so the suite stays fast; `HYPOTHESIS_PROFILE=thorough pytest -m fuzz` runs ten
times as many.

(a) Valid rules: the real rules mutated within their schema (duty bands, years, dues and Enterprise
    schedules with decimal amounts and any price form, question order, criteria switched off, extra
    categories with paths, criteria, rates, rights and apply links written in the condition
    language, texts with placeholders and non-ASCII letters). `build_rules` accepts them; for every
    answer set of `quiz.answer_space` the engine gives one outcome with a reason, the question flow
    ends, and Enterprise quotes add up.
(b) Invalid rules: type swaps, deletions, garbage, deep nesting, huge numbers, unicode, YAML text
    edits and random text. Loading and validating gives `RulesValidationError` whose every problem
    has file:line, never another exception; `python -m quiz check` exits 1 without a traceback.
(c) Answers: arbitrary JSON values, wrong types, huge lists, deep nesting, oversized strings,
    unknown keys, NaN/Infinity, non-objects, invalid UTF-8. `api.handle` always answers (an
    `AnswerError` exactly when the answers are invalid, by an oracle written from ARCHITECTURE.md);
    `python -m quiz classify` exits 0 for valid answers, else 2 with one line on stderr.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from itertools import islice

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from quiz import api, dated
from quiz.answer_space import answer_sets
from quiz.build.validate import validate as build_rules
from quiz.build.yaml_loader import load_text
from quiz.conditions import Env, from_json
from quiz.enterprise import quote
from quiz.errors import RulesValidationError
from quiz.export import to_json
from quiz.flow import next_step
from quiz.result import classify
from tests.engine_helpers import RULES_PATH, real_rules, rules_data
from tests.helpers import REPO_ROOT, subprocess_env

pytestmark = pytest.mark.fuzz

settings.register_profile(
    "fuzz",
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
settings.register_profile("thorough", settings.get_profile("fuzz"))
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
PROFILE = settings.get_profile("thorough" if THOROUGH else "fuzz")


def cases(n: int) -> settings:
    """`n` cases by default, ten times as many under HYPOTHESIS_PROFILE=thorough."""
    return settings(PROFILE, max_examples=n * 10 if THOROUGH else n)


BASE = rules_data()
QUESTION_IDS = [q["id"] for q in BASE["questions"]]
DUTY_GROUP = {d["id"]: g["id"] for g in BASE["duty_groups"] for d in g["duties"]}
DUTY_IDS = list(DUTY_GROUP)
SOURCE_IDS = [s["id"] for s in BASE["sources"]]
RIGHT_IDS = [r["id"] for r in BASE["rights"]]
FIRST_DAY = date(2022, 1, 1)  # the first dues and Enterprise date: (a) prices on or after it
FIRST_DATE = FIRST_DAY.isoformat()  # as the rules' data holds it (JSON: ISO strings)
assert FIRST_DATE == min(BASE["dues"]["values"]) == min(BASE["enterprise"]["values"])
OTHER_DUTIES = next(q["other"]["id"] for q in BASE["questions"] if q["kind"] == "duties")


def built(make) -> st.SearchStrategy:
    """A value too big to show in a strategy's repr, built when drawn."""
    return st.just(None).map(lambda _: make())


class DeepList(list):
    """A deeply nested list that shows itself briefly (Hypothesis' printer would recurse)."""

    depth = 0

    def __repr__(self) -> str:
        return f"<a list nested {self.depth} deep>"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


class DeepDict(dict):
    """A deeply nested {not: {not: ...}} that shows itself briefly."""

    depth = 0

    def __repr__(self) -> str:
        return f"<{{not: ...}} nested {self.depth} deep>"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


def nested(depth: int, kind: str) -> object:
    value: object = "x"
    for _ in range(depth - 1):
        value = [value] if kind == "list" else {"not": value}
    top = DeepList([value]) if kind == "list" else DeepDict({"not": value})
    top.depth = depth
    return top


class Dumper(yaml.SafeDumper):
    """The safe dumper, knowing the deep values above are a list and a mapping."""


Dumper.add_representer(DeepList, yaml.SafeDumper.represent_list)
Dumper.add_representer(DeepDict, yaml.SafeDumper.represent_dict)


# --- (a) valid rules ------------------------------------------------------------------------------

LETTERS = st.characters(
    codec="utf-8", categories=("L", "N", "Zs"), include_characters=".,;:!?'-()&/%$"
)
WORDS = st.text(LETTERS, min_size=1, max_size=30).filter(lambda s: s.strip())
SAFE_NAMES = [
    *(f"thresholds.{t['id']}" for t in BASE["thresholds"]),
    "association.name",
    "association.short_name",
    *(f"categories.{c['id']}.name" for c in BASE["categories"]),
]
TEXT = st.one_of(
    WORDS,
    st.builds(lambda a, n, b: f"{a} {{{{ {n} }}}} {b}", WORDS, st.sampled_from(SAFE_NAMES), WORDS),
)
URLS = st.sampled_from(
    ["https://www.theipma.org/", "https://example.org/join?a=1&b=2#x", "mailto:info@theipma.org"]
)


def number(value: Decimal) -> int | float:
    """As YAML or JSON would hold it: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


AMOUNTS = st.one_of(
    st.decimals(min_value=0, max_value=5000, places=2),
    st.decimals(min_value=0, max_value=1_000_000, places=0),
).map(number)
# Dues of 0 publish a category as free: only a category marked `free: true` may have them.
DUES = st.one_of(
    st.decimals(min_value="0.01", max_value=5000, places=2),
    st.decimals(min_value=1, max_value=1_000_000, places=0),
).map(number)
PERCENTS = st.decimals(min_value=0, max_value=100, places=2).map(number)
DATES = st.dates(min_value=date(2023, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat)


def applicable(answers: dict, questions: list[dict], thresholds: dict) -> dict:
    """The answers the flow would use: those whose `ask_when` holds (as classify does)."""
    kept: dict = {}
    for q in questions:
        if q["id"] not in answers:
            continue
        if "ask_when" in q:
            env = Env(kept, thresholds, DUTY_GROUP, all_closed=True)
            if from_json(q["ask_when"]).evaluate(env) is not True:
                continue
        kept[q["id"]] = answers[q["id"]]
    return kept


def draw_answer(draw, q: dict) -> object:
    kind = q["kind"]
    if kind == "choice":
        return draw(st.sampled_from([o["id"] for o in q["options"]]))
    if kind == "yes_no":
        return draw(st.booleans())
    if kind == "number":
        return draw(st.integers(q.get("min", 0), q["max"]))
    ticked = set(draw(st.lists(st.sampled_from([*DUTY_IDS, OTHER_DUTIES]), unique=True)))
    return tuple(d for d in [*DUTY_IDS, OTHER_DUTIES] if d in ticked)


def draw_condition(draw, questions: list[dict], thresholds: dict, depth: int = 0) -> dict:
    """A random condition in the rules' condition language, over the given questions."""
    form = draw(st.sampled_from(["leaf"] * 3 + (["all", "any", "not"] if depth < 2 else [])))
    if form == "not":
        return {"not": draw_condition(draw, questions, thresholds, depth + 1)}
    if form in ("all", "any"):
        size = draw(st.integers(1, 3))
        return {form: [draw_condition(draw, questions, thresholds, depth + 1) for _ in range(size)]}
    q = draw(st.sampled_from(questions))
    kind = q["kind"]
    if kind == "choice":
        ids = [o["id"] for o in q["options"]]
        return {
            "answer": q["id"],
            "in": draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)),
        }
    if kind == "yes_no":
        return {"answer": q["id"], "is": draw(st.booleans())}
    ops = ["at_least", "at_most"]
    top = q["max"] + 1 if kind == "number" else len(DUTY_IDS) + 1
    if kind == "duties":
        ops += ["groups_at_least", "groups_at_most"]
    op = draw(st.sampled_from(ops))
    if op.startswith("groups_"):
        top = len({g for g in DUTY_GROUP.values()}) + 1
    value = draw(st.one_of(st.integers(0, top), st.sampled_from(sorted(thresholds))))
    return {"answer": q["id"], op: value}


def holding(condition: dict, answers: dict, thresholds: dict) -> dict:
    """The condition, negated if needed so that it holds for `answers` (a witness)."""
    env = Env(answers, thresholds, DUTY_GROUP, all_closed=True)
    return condition if from_json(condition).evaluate(env) else {"not": condition}


def draw_price(draw, with_dues: bool) -> object:
    forms = [st.just("included"), st.fixed_dictionaries({"per_person": AMOUNTS})]
    if with_dues:
        forms.append(st.fixed_dictionaries({"percent_of_dues": PERCENTS}))
    return draw(st.one_of(forms))


@st.composite
def valid_rules(draw) -> dict:
    """The real rules mutated within their schema. `strict` is False when the mutation may leave
    a category that no answers reach (criteria switched off): the validator rightly rejects those.
    """
    data = copy.deepcopy(BASE)
    strict = True
    thresholds = {t["id"]: t for t in data["thresholds"]}

    # Duty bands: affiliate_max + 1 == associate_min < regular_min; areas no more than duties.
    top = draw(st.integers(0, len(DUTY_IDS) - 3))
    regular = draw(st.integers(top + 2, len(DUTY_IDS)))
    thresholds["affiliate_max_duties"]["value"] = top
    thresholds["associate_min_duties"]["value"] = top + 1
    thresholds["regular_min_duties"]["value"] = regular
    thresholds["min_duty_groups"]["value"] = draw(st.integers(1, min(3, regular)))
    questions = {q["id"]: q for q in data["questions"]}
    supervised = questions["people_supervised"]
    thresholds["min_people_supervised"]["value"] = draw(st.integers(0, supervised["max"]))
    for question_id, threshold_id in (
        ("years_regular_member", "emeritus_min_regular_years"),
        ("years_managing", "emeritus_min_managing_years"),
    ):
        q = questions[question_id]
        q["min"] = draw(st.integers(0, 3))
        q["max"] = draw(st.integers(q["min"] + 1, 100))
        thresholds[threshold_id]["value"] = draw(st.integers(q["min"] + 1, q["max"]))
    threshold_values = {t: v["value"] for t, v in thresholds.items()}

    # Texts: some replaced by random text with placeholders.
    for q in data["questions"]:
        if draw(st.booleans()):
            q["text"] = draw(TEXT)
        for option in q.get("options", []):
            if draw(st.integers(0, 3)) == 0:
                option["label"] = draw(TEXT)
    for entry in data["faq"]:
        if draw(st.integers(0, 3)) == 0:
            entry["answer"] = draw(TEXT)

    # Criteria switched off (each path keeps one on).
    if draw(st.booleans()):
        for category in data["categories"]:
            for path in category.get("paths", []):
                n = len(path["criteria"])
                flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
                if not any(flags):
                    flags[draw(st.integers(0, len(flags) - 1))] = True
                for criterion, on in zip(path["criteria"], flags, strict=True):
                    if not on:
                        criterion["enabled"] = False
                        strict = False

    # Extra categories, each behind its own yes/no question (so the others stay reachable) and
    # with criteria that a drawn witness meets (so it is reachable too).
    # Each one multiplies the answer space (the validator walks all of it): one by default.
    extra = draw(st.integers(0, 2 if THOROUGH else 1))
    for category in data["categories"]:
        category["order"] += extra
    new_ids = []
    for i in range(extra):
        guard = {
            "id": f"fuzz_q{i}",
            "kind": "yes_no",
            "text": draw(TEXT),
            "errors": {"missing": draw(TEXT)},
        }
        if draw(st.booleans()):
            guard["help"] = draw(TEXT)
        data["questions"].insert(draw(st.integers(0, len(data["questions"]))), guard)
    for i in range(extra):
        witness = {q["id"]: draw_answer(draw, q) for q in data["questions"]}
        witness[f"fuzz_q{i}"] = True
        witness = applicable(witness, data["questions"], threshold_values)
        ident = f"fuzz-cat-{i}"
        new_ids.append(ident)
        paths = []
        for p in range(draw(st.integers(1, 2))):
            criteria = [
                {
                    "id": "guard",
                    "text": draw(TEXT),
                    "condition": {"answer": f"fuzz_q{i}", "is": True},
                    "source": draw(st.sampled_from(SOURCE_IDS)),
                }
            ]
            for c in range(draw(st.integers(0, 2))):
                condition = draw_condition(draw, data["questions"], threshold_values)
                criteria.append(
                    {
                        "id": f"c{c}",
                        "text": draw(TEXT),
                        "condition": holding(condition, witness, threshold_values),
                        "source": draw(st.sampled_from(SOURCE_IDS)),
                        "verified": draw(st.booleans()),
                    }
                )
            paths.append({"id": f"path{p}", "criteria": criteria})
        rates = [
            {
                "id": f"rate{r}",
                "label": draw(WORDS),
                "condition": draw_condition(draw, data["questions"], threshold_values),
            }
            for r in range(draw(st.integers(0, 2)))
        ]
        rights = {}
        for right in draw(st.lists(st.sampled_from(RIGHT_IDS), unique=True)):
            allowed = draw(st.sampled_from(["yes", "no", "with_approval", "not_stated"]))
            rights[right] = {"allowed": allowed}
            if allowed != "not_stated":
                rights[right]["source"] = draw(st.sampled_from(SOURCE_IDS))
            if draw(st.booleans()):
                rights[right]["text"] = draw(TEXT)
        apply = [{"label": draw(WORDS), "url": draw(URLS)} for _ in range(draw(st.integers(0, 2)))]
        if rates and apply and draw(st.booleans()):
            apply[0]["rate"] = rates[0]["id"]
        data["categories"].append(
            {
                "id": ident,
                "name": draw(WORDS),
                "kind": "individual",
                "order": i,
                "summary": draw(TEXT),
                "description": draw(TEXT),
                "source": draw(st.sampled_from(SOURCE_IDS)),
                "paths": paths,
                "rates": rates,
                "rights": rights,
                "apply": apply,
                "dues_published": draw(st.booleans()),
            }
        )
    for category in data["categories"]:
        if category["id"] not in new_ids and category.get("paths") and new_ids:
            others = draw(st.lists(st.sampled_from(new_ids), unique=True))
            if "any_other" not in category.get("excluded_by", []):
                category["excluded_by"] = category.get("excluded_by", []) + others

    # Question order: any, as long as organization comes before the questions asked after it.
    order = list(draw(st.permutations(data["questions"])))
    first_dependent = min(i for i, q in enumerate(order) if "ask_when" in q)
    at = next(i for i, q in enumerate(order) if q["id"] == "organization")
    if at > first_dependent:
        order.insert(draw(st.integers(0, first_dependent)), order.pop(at))
    data["questions"] = order

    # Dues: the 2022 block and up to three later dates, decimal amounts for every category.
    individual = [c for c in data["categories"] if c["kind"] == "individual"]
    published = [c["id"] for c in individual if c.get("dues_published", True)]
    rate_names = [
        f"{c['id']}.{r['id']}"
        for c in individual
        if c["id"] in published
        for r in c.get("rates", [])
    ]
    dates = [FIRST_DATE, *draw(st.lists(DATES, max_size=3, unique=True))]
    reference = next(iter(data["dues"]["values"].values()))["reference"]
    free = draw(st.lists(st.sampled_from(published), max_size=1))  # maybe one free category
    for category in individual:
        if category["id"] in free:
            category["free"] = True
    data["dues"]["values"] = {
        when: {
            "reference": reference,
            "amounts": {c: 0 if c in free else draw(DUES) for c in published},
            "rates": {r: draw(DUES) for r in rate_names},
        }
        for when in dates
    }

    # Enterprise: schemes at random dates with any price form.
    priced = published  # Enterprise prices only categories with published dues
    schemes = {}
    for when in [FIRST_DATE, *draw(st.lists(DATES, max_size=2, unique=True))]:
        fill = draw(st.lists(st.sampled_from(priced), min_size=1, max_size=3, unique=True))
        after = {c: draw_price(draw, c in published) for c in fill}
        for c in draw(st.lists(st.sampled_from(priced), unique=True)):
            after.setdefault(c, draw_price(draw, c in published))
        schemes[when] = {
            "reference": draw(st.sampled_from(SOURCE_IDS)),
            "flat_fee": draw(AMOUNTS),
            "included_places": draw(st.integers(0, 30)),
            "fill_order": fill,
            "place_price": draw_price(draw, all(c in published for c in fill)),
            "after_places": after,
        }
    data["enterprise"]["values"] = schemes
    for example in data["enterprise"]["examples"]:
        chosen = draw(st.lists(st.sampled_from(priced), min_size=1, max_size=3, unique=True))
        example["counts"] = {c: draw(st.integers(0, 50)) for c in chosen}
    # The texts name every real category's Enterprise price: keep them defined.
    named = [c["id"] for c in individual if c["id"] in ("regular", "associate", "affiliate")]
    for scheme in schemes.values():
        for c in named:
            scheme["after_places"].setdefault(c, draw_price(draw, True))

    on = draw(st.dates(min_value=FIRST_DAY, max_value=date(2036, 12, 31)))
    counts = {c: draw(st.integers(0, 60)) for c in priced}
    answers = {"nonprofit": draw(st.booleans())}
    return {"data": data, "strict": strict, "on": on, "counts": counts, "answers": answers}


MAX_SETS = 400  # answer sets classified per rules, spread over the space (the real rules: ~300)
FLOW_SETS = 40  # of which followed through the question flow


def check_engine(rules, on: date, counts: dict, answers: dict) -> int:
    individual = {c.id for c in rules.individual_categories}
    every = list(islice(answer_sets(rules), 100_000))
    assert every, "the answer space is never empty"
    sets = every[:: max(1, len(every) // MAX_SETS)]
    for answers in sets:
        result = classify(rules, answers, on=on)
        shown = result.to_json()
        json.dumps(shown, allow_nan=False)
        outcome = shown["outcome"]
        assert outcome["kind"] in ("category", "not_eligible")
        assert (outcome["kind"] == "category") == (outcome["category"] is not None)
        if outcome["category"] is not None:
            assert outcome["category"] in individual
            assert outcome["category"] not in {a["category"] for a in shown["also_meets"]}
            chosen = rules.category(outcome["category"])
            assert (shown["dues"] is not None) == chosen.dues_published
        assert shown["reasons"], f"no reason for {answers}"
    step_size = max(1, len(sets) // FLOW_SETS)
    for answers in sets[::step_size]:
        given_answers: dict = {}
        for _ in range(len(rules.questions) + 1):
            step = next_step(rules, given_answers, on=on)
            if step.done:
                break
            question = step.question["id"]
            assert question not in given_answers and question in answers
            given_answers[question] = answers[question]
        else:
            raise AssertionError("next_step did not finish")
        assert step.to_json() == {
            "done": True,
            "result": classify(rules, given_answers, on=on).to_json(),
        }
    check_quotes(rules, on, counts, answers)
    return len(sets)


def check_quotes(rules, on: date, counts: dict, answers: dict) -> None:
    scheme = dated.in_force(rules.enterprise.schemes, on).schedule
    priced = set(scheme.fill_order) | set(scheme.after_places)
    members = {k: v for k, v in counts.items() if k in priced}
    years = {s.effective.year for s in rules.dues.schedules} & {
        s.effective.year for s in rules.enterprise.schemes
    }
    quotes = [quote(rules, members, answers, on=on)]
    for year in sorted(years):
        scheme = dated.for_year(rules.enterprise.schemes, year, on).schedule
        priced = set(scheme.fill_order) | set(scheme.after_places)
        quotes.append(
            quote(rules, {k: v for k, v in counts.items() if k in priced}, on=on, year=year)
        )
    for q in quotes:
        for option in (q.enterprise, q.individual):
            assert option.total == sum((line.amount for line in option.lines), Decimal(0))
            for line in option.lines:
                assert line.amount == line.unit * line.count
                assert line.count >= 0 and line.amount >= 0
        assert q.saving == abs(q.individual.total - q.enterprise.total)
        assert q.cheaper == (
            "none"
            if sum(q.counts.values()) == 0
            else "enterprise"
            if q.enterprise.total < q.individual.total
            else "individual"
            if q.enterprise.total > q.individual.total
            else "same"
        )
        assert q.verdict
        shown = q.to_json()
        json.dumps(shown, allow_nan=False)
        assert q.break_even


@cases(15)
@given(valid_rules())
def test_random_valid_rules_are_accepted_and_every_answer_set_gets_one_outcome(case):
    data = case["data"]
    try:
        rules = build_rules(copy.deepcopy(data))
        event("accepted")
    except RulesValidationError as exc:
        # Only criteria switched off can make a category unreachable: that is the one rejection
        # well-formed rules may get, and then it must be the only problem.
        assert not case["strict"], str(exc)
        assert all(p.message.startswith("no answers lead to") for p in exc.problems), str(exc)
        event("rejected: criteria switched off left a category unreachable")
        rules = build_rules(copy.deepcopy(data), answer_space=False)
    checked = check_engine(rules, case["on"], case["counts"], case["answers"])
    event(f"answer sets checked: {'<100' if checked < 100 else '100+'}")


@cases(5)
@given(valid_rules())
def test_random_valid_rules_round_trip_through_the_export(case):
    try:
        rules = build_rules(copy.deepcopy(case["data"]))
    except RulesValidationError:
        assume(False)
    exported = to_json(rules)
    again = build_rules(json.loads(json.dumps(exported)), answer_space=False)
    assert to_json(again) == exported


# --- (b) invalid rules ----------------------------------------------------------------------------

GARBAGE_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20, max_value=10**400),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), -1e308, 1e-300, -0.0]),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "{{ dues.nope }}",
            "{{",
            "yes",
            "2022-13-45",
            "\u202eevil",
            "\x00\x07",
        ]
    ),
    built(lambda: "x" * 5000),
    built(lambda: "💥" * 50),
)
GARBAGE = st.recursive(
    GARBAGE_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def node_paths(value: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += node_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += node_paths(item, (*path, index))
    return found


PATHS = node_paths(BASE)[1:]


def get(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


@st.composite
def broken_data(draw, max_depth: int = 3000) -> dict:
    """The real rules with one to three random faults."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent, key = get(data, path[:-1]), path[-1]
            value = parent[key] if isinstance(parent, dict | list) else None
        except (KeyError, IndexError, TypeError):
            continue  # an earlier fault removed or replaced this part
        if not isinstance(parent, dict | list):
            continue
        fault = draw(
            st.sampled_from(
                ["delete", "garbage", "wrap", "text", "number", "deep", "rename", "duplicate"]
            )
        )
        if fault == "delete":
            del parent[key]
        elif fault == "garbage":
            parent[key] = draw(GARBAGE)
        elif fault == "wrap":
            parent[key] = draw(st.sampled_from([[value], {"value": value}]))
        elif fault == "text":  # a scalar as text; a list or mapping as YAML-looking text
            flat = not isinstance(value, dict | list)
            parent[key] = str(value) if flat else draw(st.sampled_from(["[a, b]", "{a: 1}", "- x"]))
        elif fault == "number":
            parent[key] = draw(
                st.sampled_from([10**30, -(10**30), 10**4000, 1e308, float("nan"), -1, 0.5])
            )
        elif fault == "deep":
            depth = draw(st.integers(30, max_depth))
            parent[key] = nested(depth, draw(st.sampled_from(["list", "not"])))
        elif fault == "rename" and isinstance(parent, dict):
            new_key = draw(st.one_of(st.text(max_size=12), st.just(f"{key}_")))
            parent[new_key] = parent.pop(key)
        elif fault == "duplicate" and isinstance(parent, list):
            parent.insert(key, value)
    return data


def check_problems(exc: RulesValidationError, file: str | None, text: str | None = None) -> None:
    assert exc.problems
    for problem in exc.problems:
        assert "\n" not in str(problem), repr(str(problem))
        if file is not None:
            assert problem.file == file, problem
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            if text is not None:
                assert problem.line <= text.count("\n") + 2, problem
    assert len(str(exc).splitlines()) == len(exc.problems)


@cases(150)
@given(broken_data())
def test_broken_rules_data_gives_a_validation_error_and_nothing_else(data):
    """As from the JSON export: no lines, the field path names the place."""
    try:
        build_rules(data)
        event("still valid")
    except RulesValidationError as exc:
        check_problems(exc, None)


def dump(data: object) -> str:
    try:
        return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)
    except RecursionError:  # PyYAML's emitter is recursive: the harness, not the engine
        assume(False)
        raise


@cases(60)
@given(broken_data(max_depth=150))
def test_broken_rules_yaml_gives_a_validation_error_with_file_and_line(data):
    text = dump(data)
    try:
        loaded, locate = load_text(text, "fuzz.yaml")
        build_rules(loaded, locate, "fuzz.yaml")
        event("still valid")
    except RulesValidationError as exc:
        check_problems(exc, "fuzz.yaml", text)


REAL_TEXT = RULES_PATH.read_text(encoding="utf-8")
REAL_LINES = REAL_TEXT.splitlines(keepends=True)


@st.composite
def edited_text(draw) -> str:
    """The real rules file with random line edits, as a slip of the keyboard would make."""
    lines = list(REAL_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "cut"]))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif edit == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif edit == "insert":
            at = draw(st.integers(0, len(lines[i])))
            junk = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=8))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        else:
            lines = lines[:i]
    return "".join(lines)


@cases(150)
@given(st.one_of(edited_text(), st.text(max_size=300), st.text(st.characters(), max_size=300)))
def test_random_and_edited_yaml_text_gives_a_validation_error_with_file_and_line(text):
    try:
        loaded, locate = load_text(text, "fuzz.yaml")
        build_rules(loaded, locate, "fuzz.yaml", answer_space=False)
        event("still valid")
    except RulesValidationError as exc:
        check_problems(exc, "fuzz.yaml", text)


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        env=subprocess_env({"PYTHONIOENCODING": "utf-8"}),
        timeout=120,
    )


@cases(6)
@given(st.one_of(edited_text(), broken_data(max_depth=150).map(dump)))
def test_check_command_exits_1_with_file_and_line_and_no_traceback(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", str(path))
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    if result.returncode == 0:
        event("still valid")
        return
    assert result.returncode == 1, err
    *problems, summary = err.splitlines()
    assert re.fullmatch(r"\d+ problems? found\.", summary), err
    assert problems and all(re.match(rf"{re.escape(str(path))}:\d+[ :]", p) for p in problems), err


# --- (c) answers ----------------------------------------------------------------------------------

RULES = real_rules()
QUESTIONS = {q.id: q for q in RULES.questions}


def valid_answers_oracle(answers: object) -> bool:
    """Whether answers are valid, from ARCHITECTURE.md's contract (not from answers.py): an object
    keyed by question ids; choice → option id; yes/no → boolean; number → whole number in range
    (a float with no fraction counts); checklist → list of distinct duty ids (and the id of its box
    for other duties); null = unanswered."""
    if not isinstance(answers, dict) or len(answers) > 100:
        return False
    for key, value in answers.items():
        q = QUESTIONS.get(key)
        if q is None:
            return False
        if value is None:
            continue
        kind = q.kind.value
        if kind == "choice" and not (isinstance(value, str) and value in {o.id for o in q.options}):
            return False
        if kind == "yes_no" and not isinstance(value, bool):
            return False
        if kind == "number":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                return False
            if not (q.min or 0) <= value <= q.max:
                return False
        if kind == "duties" and not (
            isinstance(value, list)
            and all(isinstance(d, str) and (d in DUTY_GROUP or d == OTHER_DUTIES) for d in value)
            and len(set(value)) == len(value)
        ):
            return False
    return True


def answer_for(q) -> st.SearchStrategy:
    kind = q.kind.value
    if kind == "choice":
        return st.sampled_from([o.id for o in q.options])
    if kind == "yes_no":
        return st.booleans()
    if kind == "number":
        return st.one_of(st.integers(q.min or 0, q.max), st.integers(q.min or 0, q.max).map(float))
    return st.lists(st.sampled_from([*DUTY_IDS, OTHER_DUTIES]), unique=True)


VALID_ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: st.one_of(st.none(), answer_for(q)) for q in RULES.questions}
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**18, max_value=10**300),
        st.floats(),
        st.text(max_size=20),
        st.text(st.characters(codec="utf-8"), max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def corrupted_answers(draw) -> dict:
    answers = dict(draw(VALID_ANSWERS))
    key = draw(
        st.one_of(
            st.sampled_from([*QUESTION_IDS, "organisation", "", "a\nb", "__proto__"]),
            built(lambda: "x" * 300),
        )
    )
    answers[key] = draw(
        st.one_of(
            JSON_VALUES,
            st.sampled_from(
                [
                    float("nan"),
                    float("inf"),
                    -1e308,
                    1e308,
                    2.5,
                    -1,
                    61,
                    10**300,
                    "yes",
                    "true",
                    "<script>alert(1)</script>",
                    ["recruiting", "recruiting"],
                    DUTY_IDS + ["extra"],
                    {"id": "law_firm"},
                ]
            ),
            built(lambda: "x" * 100_000),
            built(lambda: ["recruiting"] * 5000),
            built(lambda: nested(500, "list")),  # deeper breaks json.dumps in the CLI test
        )
    )
    return answers


ANSWERS = st.one_of(
    VALID_ANSWERS,
    corrupted_answers(),
    JSON_VALUES,
    st.dictionaries(st.text(max_size=30), JSON_VALUES, max_size=8),
    st.just({q: None for q in QUESTION_IDS}),
    st.just({f"k{i}": 1 for i in range(150)}),
    built(lambda: nested(5000, "list")),
)


@pytest.fixture(scope="module")
def configured():
    return api.Engine.from_json(to_json(RULES), on="2022-06-01")


@cases(300)
@given(answers=ANSWERS, method=st.sampled_from(["classify", "next_step"]))
def test_api_answers_every_answers_object_and_errors_exactly_for_invalid_ones(
    configured, answers, method
):
    response = configured.handle({"id": 1, "method": method, "params": {"answers": answers}})
    json.dumps(response, allow_nan=False)
    valid = answers is None or valid_answers_oracle(answers)  # params.answers null: none yet
    assert response["ok"] is valid, response
    if valid:
        event("valid")
        result = response["result"]
        assert "outcome" in result or "done" in result
    else:
        error = response["error"]
        assert error["type"] == "AnswerError", error
        assert "\n" not in error["message"] and len(error["message"]) < 600, error


@cases(100)
@given(
    request=st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries(
            {
                "id": JSON_VALUES,
                "method": st.one_of(JSON_VALUES, st.sampled_from(list(api.METHODS))),
            },
            optional={
                "params": st.one_of(
                    JSON_VALUES,
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "answers": ANSWERS,
                            "on": st.one_of(JSON_VALUES, st.dates().map(date.isoformat)),
                            "year": JSON_VALUES,
                            "counts": st.one_of(
                                JSON_VALUES,
                                st.dictionaries(
                                    st.sampled_from(["regular", "associate", "x"]), JSON_VALUES
                                ),
                            ),
                            "regular": JSON_VALUES,
                        },
                    ),
                )
            },
        ),
    )
)
def test_api_never_raises_and_never_fails_internally_on_any_request(configured, request):
    if isinstance(request, dict) and request.get("method") == "configure":
        request = {**request, "method": "rules_info"}  # keep the configured rules
    response = configured.handle(request)
    assert isinstance(response, dict) and isinstance(response.get("ok"), bool)
    if not response["ok"]:
        assert response["error"]["type"] != "InternalError", response["error"]
        assert "\n" not in response["error"]["message"]


def classify_input(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8")


CLI_INPUT = st.one_of(
    VALID_ANSWERS.map(classify_input),
    corrupted_answers().filter(lambda a: len(json.dumps(a)) < 200_000).map(classify_input),
    JSON_VALUES.map(classify_input),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"organization": "law_firm"}\xff',
            b'{"organization": "\xc3\x28"}',
            b'{"years_managing": NaN}',
            b'{"years_managing": Infinity}',
            b'"just a string"',
            b"\xef\xbb\xbf{}",
        ]
    ),
    built(lambda: b"[" * 100_000),
    built(lambda: b'{"years_managing": ' + b"9" * 5000 + b"}"),
    built(lambda: b'{"organization": "' + b"x" * 1_000_000 + b'"}'),
)


def expected_exit(stdin: bytes) -> int:
    try:
        answers = json.loads(stdin.decode("utf-8"))
    except (ValueError, RecursionError):
        return 2
    return 0 if valid_answers_oracle(answers) else 2


@cases(12)
@given(CLI_INPUT)
def test_classify_command_exits_0_for_valid_answers_and_2_with_one_line_for_invalid(stdin):
    result = run_cli("classify", "-", "--on", "2022-06-01", stdin=stdin)
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    assert result.returncode == expected_exit(stdin), err
    if result.returncode == 0:
        event("valid")
        assert json.loads(result.stdout)["outcome"]["kind"] in ("category", "not_eligible")
    else:
        (line,) = err.splitlines()
        assert line.startswith("error: ") and len(line) < 600, line


def test_the_default_fuzz_run_is_modest_and_thorough_is_ten_times_bigger():
    assert cases(10).max_examples == (100 if THOROUGH else 10)
    assert PROFILE.deadline is None
