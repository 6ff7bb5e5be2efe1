"""Validation beyond the table of broken files (tests/test_bad_rules.py): the command line, data
that did not come from a file, hostile text and links, and input the checks must survive.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
import sys

import pytest
import yaml

from quiz import model
from quiz.build import schema
from quiz.build.cli import main
from quiz.build.validate import load_rules, validate
from quiz.build.yaml_loader import load_data, load_text
from quiz.errors import RulesValidationError
from tests.helpers import REPO_ROOT, subprocess_env
from tests.test_bad_rules import CASES, LINE_OF, edited, first_line

RULES = REPO_ROOT / "rules" / "membership.yaml"
BY_NAME = {case["name"]: case for case in CASES}


@pytest.fixture(scope="module")
def data():
    loaded, _ = load_data(RULES)
    return loaded


def problems_of(data) -> list:
    with pytest.raises(RulesValidationError) as caught:
        validate(data)
    return caught.value.problems


def broken_file(tmp_path, name: str):
    path = tmp_path / "membership.yaml"
    path.write_text(edited(BY_NAME[name]), encoding="utf-8")
    return path


# --- the command line: `make check` -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["yaml_syntax_error", "several_faults", "duplicate_yaml_key", "unreachable_category"]
)
def test_check_command_exits_1_listing_every_problem_as_file_line_field(tmp_path, name: str):
    path = broken_file(tmp_path, name)
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "check", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=subprocess_env(),
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    rows = result.stderr.splitlines()
    expected = BY_NAME[name]["expect"]
    assert rows[-1] == f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found."
    text = path.read_text(encoding="utf-8")
    for expect in expected:
        head = "membership.yaml:" if not expect["field"] else f" {expect['field']}: "
        message = LINE_OF.sub(lambda m: str(first_line(text, m.group(1))), expect["message"])
        assert any(head in row and message in row for row in rows), result.stderr


def test_check_lists_the_problems_in_file_order_one_per_line(tmp_path, capsys):
    path = broken_file(tmp_path, "several_faults")
    assert main(["check", str(path)]) == 1
    rows = capsys.readouterr().err.splitlines()[:-1]
    lines = [int(re.match(r"\S+:(\d+) ", row).group(1)) for row in rows]
    assert len(rows) == 5 and lines == sorted(lines)


def test_error_text_is_one_file_line_path_message_per_line(tmp_path):
    path = broken_file(tmp_path, "amount_with_currency")
    with pytest.raises(RulesValidationError) as caught:
        load_rules(path)
    (line,) = str(caught.value).splitlines()
    assert re.fullmatch(
        r"\S*membership\.yaml:\d+ dues\.values\[2022-01-01\]\.amounts\.affiliate: expected an "
        r"amount in USD of at least 0, in whole cents, such as 165, got '165 USD'",
        line,
    )


def test_check_lists_the_links_still_pointing_at_a_stand_in_address(capsys):
    assert main(["check", str(RULES)]) == 0
    out = capsys.readouterr().out
    listed = [row.strip() for row in out.splitlines() if row.startswith("  rules/membership.yaml:")]
    stand_ins = []
    for raw_line, text in enumerate(RULES.read_text(encoding="utf-8").splitlines(), 1):
        if "url_confirmed: false" in text and not text.lstrip().startswith("#"):
            stand_ins.append(raw_line)
    # Each listed link names the line of its url, next to (or on) its url_confirmed: false.
    assert len(listed) == len(stand_ins) > 0
    for row, confirmed_at in zip(listed, stand_ins, strict=True):
        line = int(row.split(":")[1].split()[0])
        assert 0 <= confirmed_at - line <= 1, row


def test_a_rules_json_is_validated_by_the_same_schema_and_checks(tmp_path, data):
    broken = copy.deepcopy(data)
    broken["thresholds"][0]["value"] = "five"
    path = tmp_path / "rules.json"
    path.write_text(__import__("json").dumps(broken), encoding="utf-8")
    with pytest.raises(RulesValidationError) as caught:
        load_rules(path)
    (problem,) = caught.value.problems
    assert problem.line is None and problem.path == "thresholds[regular_min_duties].value"


# --- data that did not come from a file: the field path alone names the place -------------------


def test_real_rules_are_valid_and_declare_their_schema_for_editors():
    rules = load_rules(RULES)
    assert rules.schema_version == 2
    first = RULES.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=membership.schema.json"
    assert (RULES.parent / "membership.schema.json").is_file()


def test_problems_without_a_file_carry_the_field_path_only(data):
    broken = copy.deepcopy(data)
    broken["thresholds"][0]["value"] = "five"
    (problem,) = problems_of(broken)
    assert (problem.file, problem.line) == (None, None)
    assert str(problem) == (
        "thresholds[regular_min_duties].value: expected a whole number of at least 0 such as 5, "
        "got 'five'"
    )


def test_dates_are_read_as_json_holds_them(data):
    assert list(data["dues"]["values"]) == ["2022-01-01"]
    rules = validate(copy.deepcopy(data), answer_space=False)
    assert rules.dues.schedules[0].effective.isoformat() == "2022-01-01"


def test_a_dues_amount_of_zero_is_accepted_for_a_category_marked_free(data):
    fine = copy.deepcopy(data)
    emeritus = next(c for c in fine["categories"] if c["id"] == "emeritus")
    emeritus["free"] = True
    next(iter(fine["dues"]["values"].values()))["amounts"]["emeritus"] = 0
    assert validate(fine).dues.schedules[0].amounts["emeritus"] == 0


def test_the_staff_guides_example_dues_block_cannot_be_published_by_accident():
    """The guide's template for a new year's dues uses zeros: pasted as is, the build stops."""
    guide = (REPO_ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml[^\n]*\n(    20\d\d-01-01:\n.*?)```", guide, re.DOTALL)
    assert block, "the staff guide shows a new year's dues block"
    text = RULES.read_text(encoding="utf-8")
    anchor = "        regular.nonprofit: 220\n"
    pasted = text.replace(anchor, anchor + block.group(1), 1)
    with pytest.raises(RulesValidationError) as caught:
        validate(*load_text(pasted, "rules/membership.yaml"))
    messages = [p.message for p in caught.value.problems]
    assert messages and all("expected an amount above 0" in m for m in messages), messages


def test_a_script_tag_in_a_question_is_rejected(data):
    broken = copy.deepcopy(data)
    broken["questions"][0]["help"] = "Pick one <script>alert(1)</script>"
    (problem,) = problems_of(broken)
    assert problem.path == "questions[organization].help"
    assert "HTML is not allowed" in problem.message


def test_locate_points_a_missing_field_at_its_parent():
    _, locate = load_text("top:\n  - id: a\n    name: x\n", "x.yaml")
    assert locate(("top", 0, "name")) == ("x.yaml", 3)
    assert locate(("top", 0, "title")) == ("x.yaml", 2)


def test_duplicate_keys_are_detected_even_though_yaml_keeps_the_last():
    with pytest.raises(RulesValidationError) as caught:
        load_text("a: 1\nb:\n  c: 1\n  c: 2\n", "x.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (4, "b.c")
    assert "first at line 3" in problem.message


# --- hostile text and links: https:// and mailto: only, no script in Markdown links --------------


@pytest.mark.parametrize(
    "url",
    [
        "http://www.theipma.org/",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://www.theipma.org/"><script>alert(1)</script>',
        "https://www.theipma.org/' onmouseover='alert(1)",
        "mailto:",
        "//www.theipma.org/",
    ],
)
def test_url_fields_accept_only_https_and_mailto_addresses(data, url):
    broken = copy.deepcopy(data)
    broken["association"]["headquarters"]["url"] = url
    (problem,) = problems_of(broken)
    assert problem.path == "association.headquarters.url"
    assert "https:// or mailto: only" in problem.message


@pytest.mark.parametrize("url", ["https://www.theipma.org/join?x=1#a", "mailto:info@theipma.org"])
def test_https_and_mailto_urls_are_accepted(data, url):
    fine = copy.deepcopy(data)
    fine["association"]["headquarters"]["url"] = url
    validate(fine, answer_space=False)


@pytest.mark.parametrize(
    "text",
    [
        "See [this](javascript:alert(1)).",
        "See [this]( JavaScript:alert(1) ).",
        "See ![this](javascript:alert(1)).",
        'See [this](javascript:alert(1) "title").',
        "See [this](&#106;avascript:alert(1)).",
        "See [this](java&#x09;script:alert(1)).",
        "See [this](vbscript:msgbox(1)).",
        "See [this](data:text/html;base64,PHNjcmlwdD4=).",
        "See [this](http://www.theipma.org/).",
        "See [this][x].\n\n[x]: javascript:alert(1)",
    ],
)
def test_markdown_links_in_text_fields_only_go_to_https_mailto_or_relative_targets(data, text):
    broken = copy.deepcopy(data)
    broken["faq"][0]["answer"] = text
    (problem,) = problems_of(broken)
    assert problem.path == "faq[dues_and_renewal].answer"
    assert "links in text fields may only go to https:// or mailto: addresses" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "See [the dues](dues.md), [the top](#top) or [IPMA](https://www.theipma.org/).",
        "Write to [us](mailto:info@theipma.org). Meetings start at 10:30 (see below): bring notes.",
    ],
)
def test_safe_markdown_links_and_colons_in_text_are_accepted(data, text):
    fine = copy.deepcopy(data)
    fine["faq"][0]["answer"] = text
    validate(fine, answer_space=False)


# --- one mistake is reported once, not again everywhere its item is named ------------------------


def test_a_question_with_a_broken_kind_is_not_reported_again_where_conditions_name_it(data):
    broken = copy.deepcopy(data)
    question = next(q for q in broken["questions"] if q["id"] == "seeking_development")
    question["kind"] = "yesno"
    assert [p.path for p in problems_of(broken)] == ["questions[seeking_development].kind"]


def test_an_option_with_a_broken_label_is_not_reported_again_where_conditions_name_it(data):
    broken = copy.deepcopy(data)
    del broken["questions"][0]["options"][0]["label"]  # law_firm, named by three criteria
    assert [p.path for p in problems_of(broken)] == [
        "questions[organization].options[law_firm].label"
    ]


def test_a_right_with_a_broken_label_is_not_reported_again_in_every_category(data):
    broken = copy.deepcopy(data)
    broken["rights"][0]["label"] = ""
    assert [p.path for p in problems_of(broken)] == ["rights[vote].label"]


def test_a_misspelled_question_in_a_rate_is_reported_once(data):
    broken = copy.deepcopy(data)
    broken["categories"][0]["rates"][0]["condition"] = {"answer": "non_profit", "is": True}
    assert [p.path for p in problems_of(broken)] == [
        "categories[regular].rates[nonprofit].condition.answer"
    ]


def test_a_broken_dues_date_hides_no_other_problem_and_names_nothing_unknown(data):
    """Issue 10: a bad effective date must neither hide the block's problems nor turn every
    placeholder naming the dues into an "unknown value"."""
    broken = copy.deepcopy(data)
    block = broken["dues"]["values"].pop("2022-01-01")
    block["amounts"]["affiliate"] = -165
    broken["dues"]["values"]["2022-13-01"] = block
    problems = problems_of(broken)
    assert [p.path for p in problems] == [
        "dues.values[2022-13-01]",
        "dues.values[2022-13-01].amounts.affiliate",
    ]


# --- found by fuzzing (tests/test_fuzz_engine.py): a validation error, never another exception ---


@pytest.mark.parametrize(
    "where, value",
    [
        (("enterprise", "values", "2022-01-01", "fill_order"), [["regular"]]),
        (("categories", 1, "excluded_by"), [["regular"]]),
        (("categories", 0, "apply", 1, "rate"), ["nonprofit"]),
    ],
)
def test_a_list_where_an_id_belongs_is_a_validation_error_not_a_type_error(data, where, value):
    broken = copy.deepcopy(data)
    target = broken
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    assert any("a list" in p.message for p in problems_of(broken))


@pytest.mark.parametrize("amount", [10**30, 1e300, 10**4000])
def test_an_amount_with_too_many_digits_is_a_validation_error_not_a_decimal_error(data, amount):
    broken = copy.deepcopy(data)
    broken["dues"]["values"]["2022-01-01"]["amounts"]["regular"] = amount
    (problem,) = problems_of(broken)
    assert problem.message.startswith("expected an amount in USD of at least 0")


def test_a_condition_nested_thousands_deep_is_a_validation_error_not_a_recursion_error(data):
    broken = copy.deepcopy(data)
    condition: dict = {"answer": "organization", "in": ["law_firm"]}
    for _ in range(5000):
        condition = {"not": condition}
    broken["categories"][0]["paths"][0]["criteria"][0]["condition"] = condition
    (problem,) = problems_of(broken)
    assert "expected conditions nested at most 32 deep" in problem.message


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "YAML nested more than 100 levels deep"),
        ("a: 1\nb:\n" + "".join("  " * i + "c:\n" for i in range(1, 3000)), 102, "nested"),
        ("a: 1\nb: &x [*x]\n", 2, "YAML alias that contains itself"),
        ("a: 1\nb: x\x00y\n", 2, "YAML syntax error: unacceptable character #x0000"),
    ],
)
def test_yaml_the_parser_cannot_take_is_a_validation_error_with_its_line(text, line, fragment):
    with pytest.raises(RulesValidationError) as caught:
        load_text(text, "x.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("x.yaml", line)
    assert fragment in problem.message


def test_a_rules_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: caf\xe9\n")
    with pytest.raises(RulesValidationError) as caught:
        load_rules(path)
    (problem,) = caught.value.problems
    assert problem.line == 3 and "expected UTF-8 text" in problem.message


def test_a_key_with_a_line_break_is_reported_on_one_line(data):
    broken = copy.deepcopy(data)
    broken["sources"][0]["ti\ntle\u2028"] = "x"
    (problem,) = problems_of(broken)
    assert str(problem) == (
        "sources[seed-categories].ti\\ntle\\u2028: unknown key 'ti\\ntle\\u2028' "
        "(did you mean 'title'?): expected one of id, title, url, url_confirmed, verified, note"
    )


def test_yaml_keys_that_are_not_strings_are_read_as_json_reads_them():
    data, _ = load_text("2022: a\ntrue: b\n", "x.yaml")
    assert data == {"2022": "a", "true": "b"}
    assert yaml.safe_load("2022: a") == {2022: "a"}  # what PyYAML alone would give


# --- one shape: the schema and the model declare the same fields ---------------------------------


def _schema_models() -> list[tuple[str, str, dict]]:
    """(x-model class name, schema path, resolved schema node) for every node naming its class."""

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = schema.resolved(node)
        return node

    found = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if "x-model" in node:
                found.append((node["x-model"], path or "/", resolve(node)))
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(schema.schema(), "")
    return found


def test_every_model_class_has_exactly_the_fields_its_schema_node_declares():
    """The schema is the one declaration of the file's shape: the model it builds has a field for
    each property (under the JSON name its metadata gives), and nothing else but what it derives."""
    mismatches = []
    seen = set()
    classes = [c for c in vars(model).values() if dataclasses.is_dataclass(c)]
    # A mapping's key (a right's id, a date) is a field of the value's class, not a property.
    keys = {"effective"} | {
        f.metadata["keyed"] for c in classes for f in dataclasses.fields(c) if "keyed" in f.metadata
    }
    for name, path, node in _schema_models():
        cls = getattr(model, name)
        seen.add(cls)
        fields = {}
        for f in dataclasses.fields(cls):
            if not f.init or (path.endswith("/additionalProperties") and f.name in keys):
                continue  # derived (index), or the key of the mapping it is a value of
            fields[f.metadata.get("json", f.name)] = f
        properties = set(node.get("properties", {}))
        if properties != set(fields):
            mismatches.append(
                f"{name} at {path}: only in the schema {sorted(properties - set(fields))}, "
                f"only in the model {sorted(set(fields) - properties)}"
            )
    assert mismatches == []
    # Every class of the model that holds a part of the file is named by the schema.
    unnamed = {c.__name__ for c in classes if c.__module__ == model.__name__} - {
        c.__name__ for c in seen
    }
    assert unnamed <= {"Price"}, unnamed
