"""Helpers for the engine tests: the real rules (loaded once), copies of their data, fixtures."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from quiz.build.validate import load_rules, validate
from quiz.build.yaml_loader import load_data
from quiz.model import Rules

REPO_ROOT = Path(__file__).resolve().parent.parent
RULES_PATH = REPO_ROOT / "rules" / "membership.yaml"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
CASES = REPO_ROOT / "tests" / "cases"

IN_2022 = date(2022, 6, 1)
"""The cases' date: the seed's 2022 dues are then in force."""


@cache
def real_rules() -> Rules:
    return load_rules(RULES_PATH)


@cache
def _data() -> object:
    return load_data(RULES_PATH)[0]


def rules_data() -> dict:
    """A fresh deep copy of the real rules' plain data (as JSON holds it), to modify in a test."""
    return copy.deepcopy(_data())


def rules_from(data: object) -> Rules:
    """Validated rules from modified data (`RulesValidationError` listing every problem)."""
    return validate(data)


@cache
def faq_rule_rules() -> Rules:
    """The real rules with the Affiliate FAQ's Enterprise counting rule (the fixture) instead."""
    data = rules_data()
    fixture = load_data(FIXTURES / "enterprise_faq_rule.yaml")[0]
    data["enterprise"]["values"] = fixture["enterprise"]["values"]
    return validate(data)


def load_cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
