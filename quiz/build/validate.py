"""A rules file → the validated model, or every mistake in it with file, line and field.

    rules/membership.yaml ──yaml_loader──▶ data + lines
                          ──schema──────▶ shape (rules/membership.schema.json)
                          ──checks/─────▶ references, conditions, questions, duty bands, prices,
                                          placeholders
                          ──rules_json──▶ Rules (quiz/model.py) ──checks/answer_space──▶ done

Staff edit the file by hand; a build that stops at the first mistake makes them fix one line per
run. So every step reports and carries on, and one `RulesValidationError` lists every problem:

    rules/membership.yaml:88 dues.values[2023-01-01].amounts.affiliate: expected an amount in USD
    of at least 0, in whole cents, such as 165, got '165 USD'
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from quiz.conditions import MAX_DEPTH, depth, first_leaf
from quiz.errors import Problem, RulesValidationError
from quiz.model import Rules
from quiz.rules_json import rules_from_json

from . import schema
from .checks import CHECKS
from .checks import answer_space as answer_space_check
from .checks import data as check_data
from .problems import Locate, Report, shown_name
from .yaml_loader import load_with_problems, read_text


def validate(
    data: object,
    locate: Locate | None = None,
    file: str | None = None,
    *,
    answer_space: bool = True,
    found: list[Problem] | None = None,
) -> Rules:
    """The model of `data`, or `RulesValidationError` listing every problem (with `found`, the
    problems the reader already had, such as duplicate keys). `answer_space` also walks every
    answer set the quiz allows, to prove each category can be the outcome."""
    report = Report(data, locate, file)
    report.extend(found or ())
    data = _without_deep_conditions(data, report)
    data = _without_deep_values(data, report)
    schema.check(data, report)
    for check in CHECKS:
        check(data, report)
    if report.problems:
        raise RulesValidationError(report.problems)
    rules = rules_from_json(data)
    if answer_space:
        answer_space_check.check(rules, data, report)
        if report.problems:
            raise RulesValidationError(report.problems)
    return rules


def _without_deep_conditions(data: object, report: Report) -> object:
    """The data with every condition nested deeper than conditions.MAX_DEPTH reported, and replaced
    by its first comparison for the other checks: a condition thousands deep (a paste gone wrong, a
    hostile file) would otherwise exhaust the stack of the schema check. Copies only
    what it changes:
    the caller's data stays as it was."""
    for raw, condition, _ in list(check_data.conditions(data)):
        if depth(condition) <= MAX_DEPTH:
            continue
        report.add(raw, f"expected conditions nested at most {MAX_DEPTH} deep")
        data = _replaced(data, raw, first_leaf(condition))
    return data


MAX_DATA_DEPTH = 60
"""How deep any value may nest: the rules file's own structure, conditions included, stays far
below it; deeper data (a paste gone wrong, a hostile JSON) would exhaust the checks' stack."""


def _without_deep_values(data: object, report: Report) -> object:
    """The data with every value nested deeper than MAX_DATA_DEPTH reported and left out."""
    too_deep = []
    pending = [((), data)]
    while pending:
        raw, node = pending.pop()
        if len(raw) > MAX_DATA_DEPTH and isinstance(node, dict | list):
            too_deep.append(raw)
            continue
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        pending.extend(((*raw, key), value) for key, value in items)
    for raw in too_deep:
        report.add(raw, f"expected data nested at most {MAX_DATA_DEPTH} levels deep")
        data = _replaced(data, raw, None)
    return data


def _replaced(data: object, raw: tuple, value: object) -> object:
    """A copy of `data` with the item at `raw` replaced, sharing everything off that path."""
    if not raw:
        return value
    head, rest = raw[0], raw[1:]
    copy = list(data) if isinstance(data, list) else dict(data)  # type: ignore[arg-type]
    copy[head] = _replaced(copy[head], rest, value)
    return copy


def load_rules(path: str | os.PathLike[str], *, answer_space: bool = True) -> Rules:
    """The validated rules from a YAML file (or a rules JSON such as site/assets/rules.json)."""
    shown = shown_name(path)
    text = read_text(path, shown)
    if str(path).endswith(".json"):
        return validate(_json(text, shown), None, shown, answer_space=answer_space)
    data, locate, duplicates = load_with_problems(text, shown)
    return validate(data, locate, shown, answer_space=answer_space, found=duplicates)


def _json(text: str, shown: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesValidationError(
            [Problem(shown, exc.lineno, "", f"invalid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise RulesValidationError(
            [Problem(shown, None, "", "invalid JSON: nested too deeply")]
        ) from None
    except ValueError:  # Python's limit on the digits of an integer
        message = "invalid JSON: a number has too many digits"
        raise RulesValidationError([Problem(shown, None, "", message)]) from None


def unconfirmed_links(path: str | os.PathLike[str]) -> list[str]:
    """Every address the rules mark `url_confirmed: false` (a stand-in for the real page), as
    `file:line field: url`, for `make check` to list until staff fill them in."""
    shown = shown_name(path)
    data, locate, _ = load_with_problems(read_text(Path(path), shown), shown)
    report = Report(data, locate, shown)
    found: dict[str, int] = {}
    for raw, _, value in schema.walk(data):
        if isinstance(value, dict) and value.get("url_confirmed") is False and "url" in value:
            line = report.line((*raw, "url"))
            found[f"{shown}:{line} {report.field((*raw, 'url'))}: {value['url']}"] = line or 0
    return sorted(found, key=found.__getitem__)
