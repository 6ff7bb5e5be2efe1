"""Read the rules YAML with line numbers for every field (build time only: PyYAML).

PyYAML's `safe_load` forgets where things were and silently keeps the last of two equal keys. Staff
need "rules/membership.yaml:88 dues.values[2023-01-01].amounts.affiliate: ...", and a duplicated
key is almost always a paste mistake, so this loader composes the node tree itself: it builds the
data as JSON would hold it (a date such as 2022-01-01 becomes the string "2022-01-01", so that the
schema reads YAML and the browser's JSON alike) and records the line of every mapping key and list
item, keyed by the raw path (keys and indexes) that validation reports against (validate.py).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path

import yaml

from quiz.build.problems import shown_name
from quiz.errors import Problem, RulesValidationError

Locate = Callable[[tuple], tuple[str | None, int | None]]


def load_data(path: str | os.PathLike[str]) -> tuple[object, Locate]:
    """(plain data, locate) from a YAML file. Syntax errors and duplicate keys raise
    `RulesValidationError` naming the file and line, never a PyYAML traceback."""
    shown = shown_name(path)
    return load_text(read_text(path, shown), shown)


def load_text(text: str, file: str = "<rules>") -> tuple[object, Locate]:
    """Like `load_data` for YAML already in memory (`file` is the name errors show)."""
    data, locate, duplicates = load_with_problems(text, file)
    if duplicates:
        raise RulesValidationError(duplicates)
    return data, locate


def read_text(path: str | os.PathLike[str], shown: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesValidationError(
            [Problem(shown, None, "", f"cannot read: {exc.strerror}")]
        ) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise RulesValidationError(
            [Problem(shown, line, "", f"expected UTF-8 text: {exc.reason}")]
        ) from None


def load_with_problems(text: str, file: str) -> tuple[object, Locate, list[Problem]]:
    """(data, locate, duplicate-key problems): the duplicates are reported with every other
    problem of the file; syntax errors raise at once (there is nothing to go on)."""
    composed = _compose_fast(text)
    if composed is not None:
        return _plain(composed[0], composed[1], text, file)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character such as NUL, before any parsing
        line = text[: exc.position].count("\n") + 1
        raise RulesValidationError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"YAML syntax error: unacceptable character #x{exc.character:04x}",
                )
            ]
        ) from None
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise RulesValidationError([_too_deep(text, file)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise RulesValidationError(
            [Problem(file, line, "", f"YAML syntax error: {message}")]
        ) from None
    except yaml.YAMLError as exc:
        raise RulesValidationError([Problem(file, None, "", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    return _plain(loader, node, text, file)


def _compose_fast(text: str) -> tuple[yaml.BaseLoader, yaml.Node | None] | None:
    """The node tree by libyaml (PyYAML's C parser, ten times as fast on the rules file), or None
    when libyaml is missing or finds a problem: the pure-Python parser then reads the file again,
    so a syntax error reads the same wherever the build runs."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return None
    try:
        loader = fast(text)
        try:
            return loader, loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


def _plain(
    loader: yaml.BaseLoader, node: yaml.Node | None, text: str, file: str
) -> tuple[object, Locate, list[Problem]]:
    if node is None:
        raise RulesValidationError([Problem(file, 1, "", "the file is empty")])
    walker = _Walker(loader, file)
    try:
        data = walker.walk(node, ())
    except RecursionError:
        raise RulesValidationError([_too_deep(text, file)]) from None
    lines = walker.lines

    def locate(raw_path: tuple) -> tuple[str | None, int | None]:
        """The line of the deepest part of `raw_path` that exists (a missing field: its parent)."""
        path = tuple(raw_path)
        while path:
            line = lines.get(path)
            if line is not None:
                return file, line
            path = path[:-1]
        return file, lines.get((), 1)

    return data, locate, walker.problems


MAX_DEPTH = 100


def _too_deep(text: str, file: str) -> Problem:
    """Where the YAML nests deeper than MAX_DEPTH (found with the flat event stream), or else the
    first alias (`*name`: one that contains itself never ends)."""
    depth, deep, alias = 0, None, None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    deep = event.start_mark.line + 1
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent) and alias is None:
                alias = event.start_mark.line + 1
    except yaml.YAMLError:
        pass  # a syntax error further on: the depth (or the alias) is what stopped the loader
    if deep is None and alias is not None:
        return Problem(file, alias, "", "YAML alias that contains itself")
    return Problem(file, deep or 1, "", f"YAML nested more than {MAX_DEPTH} levels deep")


class _Walker:
    """Builds plain data from the node tree, recording lines and duplicate keys."""

    def __init__(self, loader: yaml.BaseLoader, file: str):
        self.loader = loader
        self.file = file
        self.lines: dict[tuple, int] = {}
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: tuple) -> object:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                line = key_node.start_mark.line + 1
                if key is None or isinstance(key, list | dict):
                    self.problems.append(
                        Problem(self.file, line, _show_path(path), "expected a plain key", path)
                    )
                    continue
                if isinstance(key, bool):
                    key = "true" if key else "false"
                key = str(key)  # JSON's keys are strings: `2022:` is the key "2022"
                if key in result:
                    first = self.lines.get((*path, key))
                    self.problems.append(
                        Problem(
                            self.file,
                            line,
                            _show_path((*path, key)),
                            f"duplicate key '{_key_text(key)}' (first at line {first}): "
                            "YAML would silently keep only the last one",
                            (*path, key),
                        )
                    )
                    continue
                self.lines[(*path, key)] = line
                result[key] = self.walk(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                items.append(self.walk(item, (*path, index)))
            return items
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> object:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError):
            # e.g. 2022-13-01 matches YAML's date pattern but is no date: keep the text, and let
            # validation say "expected a date such as 2022-01-01, got '2022-13-01'".
            return node.value
        if isinstance(value, datetime.datetime):
            return node.value  # a date and time, as typed: validation says a date is expected
        if isinstance(value, datetime.date):
            return value.isoformat()  # as JSON holds it
        return value


def _key_text(key: object) -> str:
    return str(key)


def _show_path(path: tuple) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
