"""tests/bad_rules.yaml: broken rules files as edits of the live one, and what staff are told.

Each case applies its edits (find → replace, each `find` exactly once) to rules/membership.yaml in
memory and validates the result. Every expected problem must be reported at its line (the line of
the edited file whose text is `line`, the `nth` such line when several are the same), with its field
path, and a message containing `message` (where "{line of 'TEXT'}" stands for the number of the
first line starting with TEXT); and nothing else may be reported, so a mistake never
cascades into misleading ones. The table can never drift from the real file: a `find` the file no
longer holds fails the case.

The coverage test reads the schema (rules/membership.schema.json): every field it declares, and
every form of the condition language, has a case that breaks it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from quiz.build import schema
from quiz.build.validate import validate
from quiz.build.yaml_loader import load_with_problems
from quiz.conditions import Op
from quiz.errors import Problem, RulesValidationError
from tests.engine_helpers import REPO_ROOT, RULES_PATH

TABLE = REPO_ROOT / "tests" / "bad_rules.yaml"
CASES = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
SHOWN = "rules/membership.yaml"

CONDITION_FORMS = ("answer", *(op.value for op in Op), "all", "any", "not")

# Fields without a broken example, each with the reason. Keep it empty: add a case instead.
NOT_COVERED: dict[str, str] = {}


def edited(case: dict) -> str:
    text = RULES_PATH.read_text(encoding="utf-8")
    for edit in case.get("edits") or [case]:
        assert text.count(edit["find"]) == 1, f"{case['name']}: find must match exactly once"
        text = text.replace(edit["find"], edit["replace"])
    return text


def problems_of(text: str) -> list[Problem]:
    try:
        data, locate, duplicates = load_with_problems(text, SHOWN)
        validate(data, locate, SHOWN, found=duplicates)
    except RulesValidationError as error:
        return error.problems
    return []


# In a message, "{line of 'TEXT'}" is the number of the first line of the edited file that starts
# with TEXT ("first at line {line of '- id: dues_year'}"), so a message never types a line number.
LINE_OF = re.compile(r"\{line of '([^']*)'\}")


def first_line(text: str, start: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start)]
    assert lines, f"no line starts with {start!r}"
    return lines[0]


def expected_line(text: str, anchor: str | dict) -> int:
    wanted, nth = (anchor, 1) if isinstance(anchor, str) else (anchor["text"], anchor["nth"])
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if line.strip() == wanted]
    assert len(lines) >= nth, f"no line {nth} reads {wanted!r}"
    if isinstance(anchor, str):
        assert len(lines) == 1, f"{wanted!r} is on several lines: give nth"
    return lines[nth - 1]


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[str, list[Problem]]]:
    found = {}
    for case in CASES:
        text = edited(case)
        found[case["name"]] = (text, problems_of(text))
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_broken_rules_are_reported_at_their_line_and_field_and_nothing_else(case, results):
    text, problems = results[case["name"]]
    remaining = list(problems)
    for expect in case["expect"]:
        line = expected_line(text, expect["line"]) if "line" in expect else None
        message = LINE_OF.sub(lambda m: str(first_line(text, m.group(1))), expect["message"])
        match = next(
            (
                p
                for p in remaining
                if p.line == line and p.path == expect["field"] and message in p.message
            ),
            None,
        )
        assert match is not None, (expect, [str(p) for p in problems])
        assert match.file == SHOWN
        remaining.remove(match)
    assert remaining == [], f"also reported: {[str(p) for p in remaining]}"


def test_every_case_explains_itself_and_has_a_unique_name():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))
    assert all(c.get("why") and c.get("expect") for c in CASES)


def test_the_live_rules_file_has_no_problem():
    assert problems_of(RULES_PATH.read_text(encoding="utf-8")) == []


# --- coverage: every field the schema declares is broken by some case ----------------------------


def declared_fields() -> set[str]:
    """Every field of the schema, as `categories[*].paths[*].criteria[*].text`; a mapping's own
    keys as `*`; each condition form once as `(condition).<form>`."""
    found: set[str] = set()
    found.update(f"(condition).{form}" for form in CONDITION_FORMS)

    def visit(node: object, path: str, depth: int = 0) -> None:
        if not isinstance(node, dict) or depth > 12:
            return
        if node.get("$ref") == "#/$defs/condition":
            found.add(path)
            return
        node = {**schema._resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}
        for part in (*node.get("anyOf", ()), *node.get("allOf", ())):
            visit(part, path, depth + 1)
        for key, sub in node.get("properties", {}).items():
            if sub is False:
                continue
            here = f"{path}.{key}" if path else key
            found.add(here)
            visit(sub, here, depth + 1)
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"], f"{path}.*", depth + 1)
            found.add(f"{path}.*")
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{path}[*]", depth + 1)

    visit(schema.schema(), "")
    return {f for f in found if f}


def covered_field(raw: tuple) -> set[str]:
    """The declared field a problem's raw path names (see `declared_fields`)."""
    node: object = schema.schema()
    path = ""
    for index, part in enumerate(raw):
        node = _resolved(node)
        if _is_condition(node):
            inside = [p for p in raw[index:] if isinstance(p, str) and p in CONDITION_FORMS]
            return {path} | ({f"(condition).{inside[-1]}"} if inside else set())
        if isinstance(part, int):
            node, path = node.get("items", {}), f"{path}[*]"
        elif part in node.get("properties", {}):
            node, path = node["properties"][part], f"{path}.{part}" if path else part
        elif isinstance(node.get("additionalProperties"), dict) or "propertyNames" in node:
            node, path = node.get("additionalProperties", {}), f"{path}.*"
        else:
            break  # an unknown key: it names the mapping it was found in
    node = _resolved(node)
    if _is_condition(node):
        return {path}
    while path.endswith("[*]"):
        path = path[:-3]  # a broken item of a list is a broken example of the list
    return {path}


def _resolved(node: object) -> dict:
    if not isinstance(node, dict):
        return {}
    merged = {**schema._resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}
    for branch in merged.get("anyOf", ()):  # a price: the mapping forms' keys
        target = schema._resolve(branch) if isinstance(branch, dict) else {}
        if target.get("type") == "object":
            merged.setdefault("properties", {}).update(target.get("properties", {}))
    return merged


def _is_condition(node: dict) -> bool:
    return isinstance(node.get("if"), dict) and node["if"].get("required") == ["answer"]


def test_every_field_of_the_schema_has_a_broken_example(results):
    covered: set[str] = set()
    for _, problems in results.values():
        for problem in problems:
            covered |= covered_field(problem.raw)
    missing = sorted(declared_fields() - covered - set(NOT_COVERED))
    assert missing == [], "fields without a case in tests/bad_rules.yaml: " + ", ".join(missing)


def test_coverage_names_fields_as_the_schema_declares_them():
    """The coverage test can fail: it maps a problem to the field it breaks, knows every field."""
    fields = declared_fields()
    assert {
        "dues.values.*.amounts.*",
        "categories[*].paths[*].criteria[*].condition",
        "(condition).groups_at_least",
        "questions[*].other.advice",
        "enterprise.values.*.after_places.*.percent_of_dues",
    } <= fields
    assert covered_field(("dues", "values", "2022-01-01", "amounts", "affiliate")) == {
        "dues.values.*.amounts.*"
    }
    condition = (
        "categories",
        2,
        "paths",
        0,
        "criteria",
        1,
        "condition",
        "any",
        1,
        "not",
        "at_most",
    )
    assert covered_field(condition) == {
        "categories[*].paths[*].criteria[*].condition",
        "(condition).at_most",
    }
    assert covered_field(("sources", 3)) == {"sources"}


def test_table_is_yaml_the_staff_guide_can_point_to():
    assert Path(TABLE).read_text(encoding="utf-8").startswith("# ")
