"""The runtime engine (quiz/, not quiz/build/): standard library only, small modules, one-way flow.

Pyodide runs it in the browser, so it imports only the standard library. And a newcomer should be
able to read it module by module (issue 10): no import circle, no import hidden in a function, no
state kept at module level, no class over about 300 lines.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tests.engine_helpers import REPO_ROOT

QUIZ = REPO_ROOT / "quiz"
LONGEST_CLASS = 300


def runtime_modules() -> list[Path]:
    return sorted(p for p in QUIZ.rglob("*.py") if "build" not in p.relative_to(QUIZ).parts)


def engine_modules() -> list[Path]:
    """The runtime modules except `__main__.py`, the command line's entry (it starts quiz.build)."""
    return [p for p in runtime_modules() if p.name != "__main__.py"]


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_top_levels(path: Path) -> set[str]:
    """Top-level names of absolute imports; relative imports (`from . import x`) are the package."""
    found: set[str] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def package_imports(path: Path) -> set[str]:
    """The quiz modules `path` imports when it runs (`from .x import y`, `from . import x`), as
    names. Imports under `if TYPE_CHECKING:` are for annotations only and never run."""
    module = tree(path)
    typing_only = {
        id(inner)
        for node in module.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(module):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_the_runtime_engine_has_modules_to_scan():
    names = {p.name for p in engine_modules()}
    assert {"api.py", "flow.py", "result.py", "fitting.py", "conditions.py"} <= names


def test_every_runtime_module_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"__future__", "quiz"}
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_levels(path) - allowed)
        for path in engine_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_command_lines_entry_reaches_into_the_build_package():
    users = {p.name for p in runtime_modules() if "build" in package_imports(p)}
    assert users == {"__main__.py"}


def test_no_engine_module_imports_inside_a_function():
    found = []
    for path in engine_modules():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        found.append(f"{path.name}:{inner.lineno}")
    assert found == []


def test_the_engine_modules_import_each_other_in_one_direction():
    graph = {
        p.stem: package_imports(p) & {q.stem for q in engine_modules()} for p in engine_modules()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, "import circle: " + " → ".join([*visiting, name])
        if name in done:
            return
        visiting.append(name)
        for other in sorted(graph[name]):
            visit(other)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_the_import_circle_check_can_fail():
    assert "fitting" in package_imports(QUIZ / "flow.py")
    assert "flow" not in package_imports(QUIZ / "fitting.py")


def test_no_engine_module_keeps_mutable_state_at_module_level():
    """Module-level names are constants: no list, dict or set literal is assigned at the top level
    and later changed, and no `global` statement exists (the worker's engine is an object)."""
    found = []
    for path in engine_modules():
        module = tree(path)
        for node in ast.walk(module):
            if isinstance(node, ast.Global):
                found.append(f"{path.name}:{node.lineno} global")
        top = {
            target.id
            for node in module.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in top
                and node.func.attr in {"append", "update", "setdefault", "add", "pop", "clear"}
            ):
                found.append(f"{path.name}:{node.lineno} {node.func.value.id}.{node.func.attr}")
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in top
            ):
                found.append(f"{path.name}:{node.lineno} {node.value.id}[...] =")
    assert found == []


def test_no_engine_class_is_longer_than_about_three_hundred_lines():
    long = []
    for path in engine_modules():
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ClassDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_CLASS:
                    long.append(f"{path.name}:{node.name} ({length} lines)")
    assert long == []
