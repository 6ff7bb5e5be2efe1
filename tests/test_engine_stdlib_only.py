"""The runtime engine (quiz/, not quiz/build/) imports only the standard library (Pyodide)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.engine_helpers import REPO_ROOT

QUIZ = REPO_ROOT / "quiz"


def runtime_modules() -> list[Path]:
    return sorted(p for p in QUIZ.rglob("*.py") if "build" not in p.relative_to(QUIZ).parts)


def imported_top_levels(path: Path) -> set[str]:
    """Top-level names of absolute imports; relative imports (`from . import x`) are the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def relative_build_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.level
        and (node.module or "").startswith("build")
    ]


def test_the_runtime_engine_has_modules_to_scan():
    names = {p.name for p in runtime_modules()}
    assert {"api.py", "classify.py", "validate.py", "conditions.py"} <= names


def test_every_runtime_module_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"__future__", "quiz"}
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_levels(path) - allowed)
        for path in runtime_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_cli_reaches_into_the_build_package_and_only_lazily():
    users = {p.name for p in runtime_modules() if relative_build_imports(p)}
    assert users <= {"cli.py"}
    tree = ast.parse((QUIZ / "cli.py").read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level]
    assert not any((n.module or "").startswith("build") for n in top_level)
