"""IPMA membership rules engine: the validated rules model, classification, dues and Enterprise
quotes. Standard library only: the same package runs in CPython (build, tests, CLI) and in Pyodide
in the browser (see ARCHITECTURE.md). YAML reading lives in quiz/build/, which is never shipped.
"""

from .classify import Result, Step, classify, next_step
from .dues import estimate
from .enterprise import quote
from .errors import (
    AnswerError,
    DuesYearError,
    NoPublishedDuesError,
    Problem,
    RulesError,
    RulesValidationError,
    UnknownValueError,
)
from .export import load_json, to_json
from .model import Rules
from .validate import build_rules
from .values import render_text, resolve

__all__ = [
    "AnswerError",
    "DuesYearError",
    "NoPublishedDuesError",
    "Problem",
    "Result",
    "Rules",
    "RulesError",
    "RulesValidationError",
    "Step",
    "UnknownValueError",
    "build_rules",
    "classify",
    "estimate",
    "load_json",
    "next_step",
    "quote",
    "render_text",
    "resolve",
    "to_json",
]
