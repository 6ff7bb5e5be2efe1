"""A yearly change made once in rules/membership.yaml is followed everywhere: every page, the quiz's
engine and the calculator.

These are the changes staff make (issue 10), made as staff make them: one edit to a copy of the
YAML. The pages are rendered with the build's own figure check (quiz.build.pages.checked_pages), so
a figure typed into prose, as digits or as a word ("two years", "at no charge"), that the changed
rules no longer give fails here as it fails the build.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from quiz import api, enterprise, export
from quiz.build import figures, pages, schema
from quiz.build.validate import load_rules, validate
from quiz.model import Rules
from tests.engine_helpers import REPO_ROOT, RULES_PATH, rules_data

ON = date(2026, 12, 1)
RULES_TEXT = RULES_PATH.read_text(encoding="utf-8")


def regular_answers(rules: Rules) -> dict[str, Any]:
    """A law-firm manager with just enough duties, spread over the areas, and enough people."""
    by_area = [[d.id for d in g.duties] for g in rules.duty_groups if g.duties]
    spread = [area[0] for area in by_area] + [d for area in by_area for d in area[1:]]
    return {
        "organization": "law_firm",
        "duties": spread[: threshold(rules, "regular_min_duties")],
        "people_supervised": threshold(rules, "min_people_supervised"),
    }


def edited(tmp_path: Path, *edits: tuple[str, str]) -> Rules:
    """The rules with each (old, new) text edit made once, as staff would in an editor."""
    text = RULES_TEXT
    for old, new in edits:
        assert text.count(old) == 1, f"the edit's text is not in the rules exactly once: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / "membership.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


def site_text(rules: Rules) -> dict[str, str]:
    """Every generated page as a visitor reads it, after the build's figure check (which raises
    ``SiteError`` for a figure the rules do not give), and the hand-written pages checked too."""
    _, generated, _ = pages.checked_pages(rules, ON)
    assert pages.check_docs_placeholders(REPO_ROOT / "docs", rules, ON) == []
    return {uri: figures.markdown_text(markdown) for uri, markdown in generated.items()}


def engine(rules: Rules) -> api.Engine:
    """The engine the browser gets: the rules through their JSON export (as in rules.json)."""
    return api.Engine.from_json(json.loads(json.dumps(export.to_json(rules))), on=ON)


def call(rules: Rules, method: str, params: dict[str, Any]) -> dict[str, Any]:
    response = engine(rules).handle({"id": 1, "method": method, "params": params})
    assert response["ok"], response
    return response["result"]


def threshold_line(threshold_id: str, value: int) -> str:
    return f"  - id: {threshold_id}\n    value: {value}\n"


def threshold(rules: Rules, threshold_id: str) -> int:
    return int(rules.index.thresholds[threshold_id])


def stated(text: str, value: int, noun: str) -> bool:
    """`text` states `value` `noun` (digits or the number's word)."""
    words = [str(value)] + (
        [figures.NUMBER_WORDS[value]] if value < len(figures.NUMBER_WORDS) else []
    )
    return any(re.search(rf"\b{re.escape(w)} {noun}\b", text, re.IGNORECASE) for w in words)


# --- the four changes of issue 10 ----------------------------------------------------------------


def test_emeritus_years_raised_change_the_emeritus_page_and_the_result(tmp_path: Path):
    real = load_rules(RULES_PATH)
    regular, managing = (
        threshold(real, "emeritus_min_regular_years"),
        threshold(real, "emeritus_min_managing_years"),
    )
    rules = edited(
        tmp_path,
        (
            threshold_line("emeritus_min_regular_years", regular),
            threshold_line("emeritus_min_regular_years", regular + 1),
        ),
        (
            threshold_line("emeritus_min_managing_years", managing),
            threshold_line("emeritus_min_managing_years", managing + 2),
        ),
    )
    page = site_text(rules)["membership/emeritus.md"]
    for old in (regular, managing):
        assert not stated(page, old, "years"), f"the Emeritus page still says {old} years"
    assert stated(page, regular + 1, "years") and stated(page, managing + 2, "years")

    retired = {"organization": "none", "bar_activities": False}

    def category(years_regular: int, years_managing: int) -> str | None:
        answers = {
            **retired,
            "years_regular_member": years_regular,
            "years_managing": years_managing,
        }
        return call(rules, "classify", {"answers": answers})["outcome"].get("category")

    assert category(regular + 1, managing + 2) == "emeritus"
    assert category(regular, managing + 2) != "emeritus"  # the old threshold no longer qualifies
    assert category(regular + 1, managing + 1) != "emeritus"


def test_people_supervised_raised_is_asked_as_a_number_and_decides_regular(tmp_path: Path):
    real = load_rules(RULES_PATH)
    old = threshold(real, "min_people_supervised")
    new = old + 2
    rules = edited(
        tmp_path,
        (
            threshold_line("min_people_supervised", old),
            threshold_line("min_people_supervised", new),
        ),
    )
    regular_page = site_text(rules)["membership/regular.md"]
    assert f"at least {new} " in regular_page and f"at least {old} " not in regular_page

    person = regular_answers(rules)
    duties = person["duties"]
    base = {"organization": "law_firm", "duties": duties, "nonprofit": False}
    step = call(rules, "next_step", {"answers": {"organization": "law_firm", "duties": duties}})
    assert step["question"]["kind"] == "number"  # asked as a number, not "at least one?"

    def category(people: int) -> str | None:
        answers = {**base, "people_supervised": people}
        return call(rules, "classify", {"answers": answers})["outcome"].get("category")

    assert category(new) == "regular"
    assert category(new - 1) != "regular"
    assert category(old) != "regular"


def test_a_rate_renamed_in_the_yaml_prices_the_same_everywhere(tmp_path: Path):
    data = rules_data()
    (schedule,) = [v for v in data["dues"]["values"].values() if v.get("rates")]
    (rate_key, amount) = next(iter(schedule["rates"].items()))
    category, rate_id = rate_key.split(".")
    renamed = "reduced"
    path = tmp_path / "membership.yaml"
    # Staff rename the rate's id everywhere it is written, and nothing else (the question it asks
    # keeps its id).
    text = re.sub(rf"\b{category}\.{rate_id}\b", f"{category}.{renamed}", RULES_TEXT)
    text = text.replace(
        f"      - id: {rate_id}\n        label:", f"      - id: {renamed}\n        label:"
    )
    text = re.sub(rf"rate: {rate_id}\}}", f"rate: {renamed}}}", text)
    assert text != RULES_TEXT
    path.write_text(text, encoding="utf-8")
    rules = load_rules(path)
    assert [r.id for r in rules.index.categories[category].rates] == [renamed]
    form = enterprise.calculator_form(rules, on=ON)
    toggles = {t["question"]: True for t in form["toggles"]}
    assert toggles, "the calculator asks the renamed rate's question"
    quote = call(rules, "enterprise", {"counts": {category: 12}, "answers": toggles})
    assert quote["individual"]["total"] == 12 * amount
    result = call(rules, "classify", {"answers": {**regular_answers(rules), **toggles}})
    assert result["outcome"]["category"] == category
    assert (result["dues"]["rate"], result["dues"]["amount"]) == (renamed, amount)
    assert f"${amount}" in site_text(rules)["dues.md"]


def test_enterprise_prices_changed_from_included_to_a_percentage(tmp_path: Path):
    data = rules_data()
    (scheme,) = data["enterprise"]["values"].values()
    included = [c for c, price in scheme["after_places"].items() if price == "included"]
    assert included, "the real rules include some members at no charge"
    percent = 50
    rules = edited(
        tmp_path,
        *[
            (f"        {c}: included\n", f"        {c}: {{percent_of_dues: {percent}}}\n")
            for c in included
        ],
    )
    text = site_text(rules)
    for uri in ("enterprise.md", "faq.md", "membership/enterprise.md"):
        assert not figures.NO_CHARGE.search(text[uri]), f"{uri} still says no charge"
    assert f"{percent}%" in text["enterprise.md"]
    counts = {c: 3 for c in included}
    quote = call(rules, "enterprise", {"counts": counts, "answers": {}})
    dues = {c: rules.dues.schedules[-1].amounts[c] for c in included}
    lines = {line["label"]: line for line in quote["enterprise"]["lines"]}
    charged = sum(line["amount"] for line in lines.values() if line["count"] == 3)
    assert charged == sum(3 * dues[c] * percent / 100 for c in included)


# --- every value at once -------------------------------------------------------------------------


def value_paths(data: Any) -> list[tuple]:
    """The path of every number in `data` the schema marks as a value (x-value): a threshold, an
    amount, a percentage, a count of places. Found by the build's own walk of the data with its
    schema, so a value added to the schema is changed here too."""
    return [
        raw
        for raw, node, value in schema.walk(data)
        if node.get("x-value") and isinstance(value, int | float) and not isinstance(value, bool)
    ]


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def test_the_schema_marks_every_kind_of_value():
    data = rules_data()
    found = {tuple(p for p in path if isinstance(p, str)) for path in value_paths(data)}
    kinds = {path[0] for path in found}
    assert {"thresholds", "dues", "enterprise"} <= kinds
    assert len(list(value_paths(data))) >= len(data["thresholds"]) + 5


def _compared_with_areas(data: Any) -> set[str]:
    """The thresholds a condition compares with a count of duty areas (there are only so many)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for op in ("groups_at_least", "groups_at_most"):
                if isinstance(node.get(op), str):
                    found.add(node[op])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["categories"])
    return found


def test_every_value_changed_at_once_builds_and_the_pages_and_engine_follow():
    """Every threshold moved past every old one, every amount and price new: the build's figure
    check passes (so no page states an old value: none of them is a value any more), every new
    dollar amount is on the Dues or Enterprise page, and the engine decides by the new
    thresholds."""
    data = rules_data()
    paths = list(value_paths(data))
    olds = [t["value"] for t in data["thresholds"]]
    shift = max(olds) - min(olds) + 1  # every new threshold differs from every old one
    areas = _compared_with_areas(data)
    new_dollars = set()
    for n, path in enumerate(paths):
        old = _get(data, path)
        if path[0] == "thresholds":
            # The same shift for all keeps the duty bands adjacent; a count of areas moves by one.
            new = old + (1 if data["thresholds"][path[1]]["id"] in areas else shift)
        elif path[-1] == "percent_of_dues":
            new = old - 13 + n % 3
        elif path[-1] == "included_places":
            new = old + 3
        else:
            new = old + 1000 + 7 * n  # an amount: never one the rules had before
            new_dollars.add(new)
        _set(data, path, new)
    rules = validate(data)
    text = site_text(rules)  # raises SiteError for a figure the changed rules do not give
    pricing = text["dues.md"] + text["enterprise.md"]
    for amount in new_dollars:
        assert f"${amount:,}" in pricing, f"${amount:,} is not stated"
    # The engine follows: just enough for Regular is Regular; one duty fewer is not.
    person = {**regular_answers(rules), "nonprofit": False}
    assert len(person["duties"]) == threshold(rules, "regular_min_duties")
    assert call(rules, "classify", {"answers": person})["outcome"]["category"] == "regular"
    fewer = {**person, "duties": person["duties"][:-1]}
    assert call(rules, "classify", {"answers": fewer})["outcome"].get("category") != "regular"
