"""`python -m quiz`: check's summary, classify, enterprise and export, with their exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from quiz.answer_space import count_answer_sets
from quiz.build.cli import main
from quiz.export import to_json
from tests.engine_helpers import REPO_ROOT, real_rules
from tests.helpers import subprocess_env


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=subprocess_env(),
        timeout=120,
    )


def test_check_prints_a_one_screen_summary_of_the_real_rules():
    result = run("check", "rules/membership.yaml", "--on", "2022-06-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert len(out.splitlines()) <= 24
    rules = real_rules()
    for category in rules.categories:
        assert category.name in out
    assert "2022-01-01" in out and "in force on 2022-06-01" in out
    assert f"Questions: {len(rules.questions)}" in out
    assert f"FAQ entries: {len(rules.faq)}" in out
    assert f"Answer space: {count_answer_sets(rules)} complete answer sets" in out


def test_check_marks_old_dues_as_the_latest_published(capsys):
    assert main(["check", "rules/membership.yaml", "--on", "2025-01-01"]) == 0
    assert "(the latest in the sources)" in capsys.readouterr().out


def test_classify_reads_answers_from_stdin():
    answers = {"organization": "law_firm", "duties": ["recruiting", "orientation", "budgeting"]}
    result = run("classify", "-", "--on", "2022-06-01", stdin=json.dumps(answers))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"]["category"] == "associate"


def test_classify_rejects_bad_answers_with_exit_2_and_a_clear_message():
    result = run("classify", stdin=json.dumps({"organization": "moon"}))
    assert result.returncode == 2
    assert "organization" in result.stderr and "moon" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("classify", stdin="{not json").returncode == 2


def test_classify_and_enterprise_work_from_an_exported_rules_json(tmp_path, capsys):
    exported = tmp_path / "rules.json"
    assert main(["export", "--out", str(exported)]) == 0
    assert json.loads(exported.read_text()) == json.loads(json.dumps(to_json(real_rules())))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"organization": "provider"}))
    capsys.readouterr()
    assert main(["classify", str(answers), "--rules", str(exported)]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"]["category"] == "business_partner"
    assert main(["enterprise", "regular=12", "--rules", str(exported), "--on", "2022-06-01"]) == 0
    assert json.loads(capsys.readouterr().out)["enterprise"]["total"] == 2380


def test_enterprise_takes_generic_counts_and_the_answers_rates_ask(capsys):
    args = ["enterprise", "regular=12", "--answer", "nonprofit=yes", "--on", "2022-06-01"]
    assert main(args) == 0
    quote = json.loads(capsys.readouterr().out)
    assert (quote["enterprise"]["total"], quote["individual"]["total"]) == (2200, 2640)


def test_enterprise_names_the_categories_it_prices_for_a_wrong_one(capsys):
    assert main(["enterprise", "regulars=12", "--on", "2022-06-01"]) == 2
    err = capsys.readouterr().err
    scheme = real_rules().enterprise.schemes[-1]
    for category in set(scheme.fill_order) | set(scheme.after_places):
        assert category in err


def test_export_to_stdout_is_sorted_json():
    result = run("export")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert result.stdout == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("command", ["check", "classify", "enterprise", "export"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_a_missing_rules_file_is_reported_not_a_traceback(capsys):
    assert main(["check", "rules/nope.yaml"]) == 1
    assert "cannot read" in capsys.readouterr().err


# --- hostile answers and rules JSON (issue 6): exit 2 (or 1) with one line, never a traceback -----


@pytest.mark.parametrize(
    "stdin, fragment",
    [
        (b'{"organization": "\xff"}', "answers are not UTF-8 text"),
        (b"[" * 100_000, "answers are not valid JSON: nested too deeply"),
        (b'{"years_managing": ' + b"9" * 5000 + b"}", "a number has too many digits"),
        (b'{"a\\nb": 1}', "answer 'a\\nb': unknown question"),
    ],
)
def test_classify_rejects_hostile_input_with_exit_2_and_one_line(stdin, fragment):
    result = subprocess.run(
        [sys.executable, "-m", "quiz", "classify", "-"],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        env=subprocess_env(),
        timeout=120,
    )
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    (line,) = err.splitlines()
    assert line.startswith("error: ") and fragment in line


def test_classify_reports_an_answers_file_that_is_not_utf8(tmp_path, capsys):
    answers = tmp_path / "answers.json"
    answers.write_bytes(b'{"organization": "law_firm\xff"}')
    assert main(["classify", str(answers)]) == 2
    assert "answers are not UTF-8 text" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, fragment",
    [("[" * 100_000, "nested too deeply"), ("9" * 5000, "a number has too many digits")],
)
def test_a_rules_json_that_python_cannot_read_is_a_rules_error_not_a_traceback(
    tmp_path, capsys, text, fragment
):
    rules = tmp_path / "rules.json"
    rules.write_text(text)
    assert main(["check", str(rules)]) == 1
    assert fragment in capsys.readouterr().err
