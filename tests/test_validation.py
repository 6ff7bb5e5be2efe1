"""Broken rules files are rejected with every problem named by file, line and field.

Each file in tests/bad_rules/ is a copy of the rules with deliberate faults, described in its
header together with the problems it must produce (`# expect: LINE PATH :: MESSAGE FRAGMENT`).
The expected lines were located in the file by text, not by the validator.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.build.yaml_loader import load_data, load_rules, load_text
from quiz.errors import RulesValidationError
from quiz.validate import build_rules
from tests.helpers import REPO_ROOT, subprocess_env

BAD = REPO_ROOT / "tests" / "bad_rules"
RULES = REPO_ROOT / "rules" / "membership.yaml"
EXPECT = re.compile(r"^# expect: (\d+) (\S+) :: (.+)$")


def expectations(path: Path) -> list[tuple[int, str, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            number, field, fragment = match.groups()
            found.append((int(number), "" if field == "-" else field, fragment))
        elif not line.startswith("#"):
            break
    return found


BAD_FILES = sorted(BAD.glob("*.yaml"))


def problems_of(path: Path) -> list:
    with pytest.raises(RulesValidationError) as caught:
        load_rules(path)
    return caught.value.problems


def test_there_are_at_least_twenty_bad_rules_files_each_with_expectations():
    assert len(BAD_FILES) >= 20
    for path in BAD_FILES:
        assert expectations(path), f"{path.name} has no '# expect:' lines"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_rules_file_reports_exactly_the_expected_problems_with_line_and_field(path: Path):
    problems = problems_of(path)
    expected = expectations(path)
    shown = "\n".join(str(p) for p in problems)
    assert len(problems) == len(expected), f"expected {len(expected)} problem(s), got:\n{shown}"
    for line, field, fragment in expected:
        matching = [p for p in problems if p.line == line and p.path == field]
        assert matching, f"no problem at line {line} field {field!r}; got:\n{shown}"
        assert any(fragment in p.message for p in matching), f"{fragment!r} not in:\n{shown}"
        assert all(p.file and p.file.endswith(path.name) for p in matching)


def test_several_faults_in_one_file_are_all_reported_in_one_error():
    problems = problems_of(BAD / "several_faults.yaml")
    assert len(problems) == 5
    assert [p.line for p in problems] == sorted(p.line for p in problems), "listed in file order"


def test_error_text_is_one_file_line_path_message_per_line():
    with pytest.raises(RulesValidationError) as caught:
        load_rules(BAD / "amount_with_currency.yaml")
    (line,) = str(caught.value).splitlines()
    assert re.fullmatch(
        r"\S*amount_with_currency\.yaml:\d+ dues\.values\[2022-01-01\]\.amounts\.affiliate: "
        r"expected an amount in USD such as 165, got '165 USD'",
        line,
    )


@pytest.mark.parametrize(
    "name", ["yaml_syntax_error", "several_faults", "duplicate_yaml_key", "unreachable_category"]
)
def test_check_command_exits_1_listing_every_problem(name: str):
    path = BAD / f"{name}.yaml"
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
    for line, field, fragment in expectations(path):
        assert any(
            re.search(rf":{line}[ :]", row) and field in row and fragment in row
            for row in result.stderr.splitlines()
        ), result.stderr


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_check_command_in_process_exits_1_on_every_bad_file(path: Path, capsys):
    from quiz.cli import main

    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{len(expectations(path))} problem" in err
    for line, field, fragment in expectations(path):
        head = f"{path.name}:{line} {field}: " if field else f"{path.name}:{line}: "
        assert any(head in row and fragment in row for row in err.splitlines()), err


# --- validation of in-memory data (no file): the field path alone names the place -------------


@pytest.fixture(scope="module")
def data():
    loaded, _ = load_data(RULES)
    return loaded


def test_real_rules_are_valid():
    rules = load_rules(RULES)
    assert rules.schema_version == 1


def test_problems_without_a_file_carry_the_field_path_only(data):
    broken = copy.deepcopy(data)
    broken["thresholds"][0]["value"] = "five"
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (None, None)
    assert str(problem) == (
        "thresholds[regular_min_duties].value: expected a whole number such as 5, got 'five'"
    )


def test_iso_date_strings_are_accepted_as_dues_dates(data):
    converted = copy.deepcopy(data)
    converted["dues"]["values"] = {k.isoformat(): v for k, v in data["dues"]["values"].items()}
    rules = build_rules(converted, check_answer_space=False)
    assert rules.dues.schedules[0].effective.isoformat() == "2022-01-01"


def test_a_gap_between_duty_bands_is_reported_on_the_threshold(data):
    broken = copy.deepcopy(data)
    broken["thresholds"][1]["value"] = 4  # associate_min_duties: 2 + 1 != 4
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert problem.path == "thresholds[affiliate_max_duties].value"
    assert "leave a gap" in problem.message


def test_associate_band_must_stay_below_regular(data):
    broken = copy.deepcopy(data)
    broken["thresholds"][0]["value"] = 3  # regular_min_duties == associate_min_duties
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert [p.path for p in caught.value.problems] == ["thresholds[associate_min_duties].value"]


def test_a_script_tag_in_a_question_is_rejected(data):
    broken = copy.deepcopy(data)
    broken["questions"][0]["help"] = "Pick one <script>alert(1)</script>"
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert problem.path == "questions[organization].help"
    assert "HTML is not allowed" in problem.message


def test_a_criterion_text_naming_an_unknown_value_is_reported(data):
    broken = copy.deepcopy(data)
    criterion = broken["categories"][0]["paths"][0]["criteria"][1]
    criterion["text"] = "At least {{ thresholds.regular_max_duties }} duties"
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert problem.path == "categories[regular].paths[manager].criteria[duties].text"
    assert "unknown value '{{ thresholds.regular_max_duties }}'" in problem.message


def test_a_syntax_error_names_its_line_and_is_no_traceback():
    with pytest.raises(RulesValidationError) as caught:
        load_text("a: 1\nb: [1, 2\nc: 3\n", "x.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "x.yaml" and problem.line is not None
    assert problem.message.startswith("YAML syntax error")


def test_duplicate_keys_are_detected_even_though_yaml_keeps_the_last():
    with pytest.raises(RulesValidationError) as caught:
        load_text("a: 1\nb:\n  c: 1\n  c: 2\n", "x.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (4, "b.c")
    assert "first at line 3" in problem.message


def test_locate_points_a_missing_field_at_its_parent():
    _, locate = load_text("top:\n  - id: a\n    name: x\n", "x.yaml")
    assert locate(("top", 0, "name")) == ("x.yaml", 3)
    assert locate(("top", 0, "title")) == ("x.yaml", 2)


# --- hostile text and links (issue 6): https:// and mailto: only, no script in Markdown links ----


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
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken, check_answer_space=False)
    (problem,) = caught.value.problems
    assert problem.path == "association.headquarters.url"
    assert "https:// or mailto: only" in problem.message


@pytest.mark.parametrize("url", ["https://www.theipma.org/join?x=1#a", "mailto:info@theipma.org"])
def test_https_and_mailto_urls_are_accepted(data, url):
    fine = copy.deepcopy(data)
    fine["association"]["headquarters"]["url"] = url
    build_rules(fine, check_answer_space=False)


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
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken, check_answer_space=False)
    (problem,) = caught.value.problems
    assert problem.path == "faq[what_is_affiliate].answer"
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
    build_rules(fine, check_answer_space=False)


# --- an entry with one broken field is reported once, not again where it is named -----------------


def test_a_question_with_a_broken_kind_is_not_reported_again_where_conditions_name_it(data):
    broken = copy.deepcopy(data)
    question = next(q for q in broken["questions"] if q["id"] == "seeking_development")
    question["kind"] = "yesno"
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert [p.path for p in caught.value.problems] == ["questions[seeking_development].kind"]


def test_an_option_with_a_broken_label_is_not_reported_again_where_conditions_name_it(data):
    broken = copy.deepcopy(data)
    del broken["questions"][0]["options"][0]["label"]  # law_firm, named by three criteria
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert [p.path for p in caught.value.problems] == [
        "questions[organization].options[law_firm].label"
    ]


def test_a_right_with_a_broken_label_is_not_reported_again_in_every_category(data):
    broken = copy.deepcopy(data)
    broken["rights"][0]["label"] = ""
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert [p.path for p in caught.value.problems] == ["rights[vote].label"]


def test_a_rate_with_a_broken_condition_is_not_reported_again_in_dues_and_apply_links(data):
    broken = copy.deepcopy(data)
    broken["categories"][0]["rates"][0]["condition"] = {"answer": "non_profit", "is": True}
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert [p.path for p in caught.value.problems] == [
        "categories[regular].rates[nonprofit].condition.answer"
    ]


# --- found by fuzzing (tests/test_fuzz_engine.py): a validation error, never another exception ---


@pytest.mark.parametrize(
    "where, value",
    [
        (("enterprise", "values", 0, "fill_order"), [["regular"]]),
        (("categories", 1, "excluded_by"), [["regular"]]),
        (("categories", 0, "apply", 1, "rate"), ["nonprofit"]),
    ],
)
def test_a_list_where_an_id_belongs_is_a_validation_error_not_a_type_error(data, where, value):
    broken = copy.deepcopy(data)
    target = broken
    for part in where[:-1]:
        target = (
            target[part] if part != 0 or isinstance(target, list) else next(iter(target.values()))
        )
    target[where[-1]] = value
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    assert "a list" in str(caught.value)


@pytest.mark.parametrize("amount", [10**30, 1e300, 10**4000])
def test_an_amount_with_too_many_digits_is_a_validation_error_not_a_decimal_error(data, amount):
    broken = copy.deepcopy(data)
    next(iter(broken["dues"]["values"].values()))["amounts"]["regular"] = amount
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert "expected an amount of at most 1,000,000,000" in problem.message


def test_a_condition_nested_thousands_deep_is_a_validation_error_not_a_recursion_error(data):
    broken = copy.deepcopy(data)
    condition: dict = {"answer": "organization", "in": ["law_firm"]}
    for _ in range(5000):
        condition = {"not": condition}
    broken["categories"][0]["paths"][0]["criteria"][0]["condition"] = condition
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
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


def test_enterprise_pricing_cannot_name_a_category_without_published_dues(data):
    """A quote compares Enterprise with the members' individual dues: Business Partner has none,
    and pricing it made every quote with Business Partner members fail (KeyError)."""
    broken = copy.deepcopy(data)
    scheme = next(iter(broken["enterprise"]["values"].values()))
    scheme["after_places"]["business_partner"] = {"per_person": 100}
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (problem,) = caught.value.problems
    assert problem.path == "enterprise.values[2022-01-01].after_places.business_partner"


def test_a_key_with_a_line_break_is_reported_on_one_line(data):
    broken = copy.deepcopy(data)
    broken["sources"][0]["ti\ntle\u2028"] = "x"
    with pytest.raises(RulesValidationError) as caught:
        build_rules(broken)
    (line,) = str(caught.value).splitlines()
    assert line == (
        "sources[seed-categories].ti\\ntle\\u2028: unknown key 'ti\\ntle\\u2028' "
        "(did you mean 'title'?): expected one of id, title, url, verified"
    )
