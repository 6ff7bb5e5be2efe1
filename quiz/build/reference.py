"""The staff page "Rules file reference", written from the schema (rules/membership.schema.json).

Every field of the rules file with what it holds, what it means and an example, in the file's order.
It is generated, so it cannot fall behind the schema the build validates against: a field added to
the schema appears here with the next build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import schema

INTRO = """\
Every field of `rules/membership.yaml`, as its schema (`rules/membership.schema.json`) declares it.
`make check` reports any field that does not fit, with the file's line, and an editor that reads the
first line of the rules file flags it as you type. The [staff guide](staff-guide.md) walks through
the yearly changes. *Required* fields must be present; the others may be left out.
"""


def markdown() -> str:
    """The whole page, as Markdown (front matter included)."""
    root = schema.schema()
    lines = [
        "---",
        "title: Rules file reference",
        "description: Every field of the rules file, generated from its schema.",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# Rules file reference",
        "",
        INTRO,
    ]
    required = set(root.get("required", []))
    for key, node in root["properties"].items():
        lines += ["", f"## `{key}`", ""]
        lines.append(_describe(node))
        rows = list(_rows(node, key, key in required))
        if rows:
            lines += ["", "| Field | Holds | Meaning |", "|---|---|---|", *rows]
    return "\n".join(lines) + "\n"


def _describe(node: dict) -> str:
    node = _resolved(node)
    items = _resolved(node.get("items", {}))
    return node.get("description") or items.get("description") or node.get("title", "")


def _rows(node: dict, path: str, required: bool, depth: int = 0) -> Iterator[str]:
    node = _resolved(node)
    if depth > 8:
        return
    yield _row(path, node, required)
    if "items" in node and isinstance(node["items"], dict):
        yield from _children(_resolved(node["items"]), f"{path}[]", depth)
    elif isinstance(node.get("additionalProperties"), dict):
        key = "DATE" if node.get("x-dated") else "ID"
        yield from _children(
            _resolved(node["additionalProperties"]), f"{path}.{key}", depth, inner=True
        )
    else:
        yield from _children(node, path, depth)


def _children(node: dict, path: str, depth: int, inner: bool = False) -> Iterator[str]:
    properties = node.get("properties", {})
    if inner and not properties:
        yield _row(path, node, False)
        return
    needed = set(node.get("required", []))
    for key, sub in properties.items():
        if sub is False or key in ("effective",):
            continue
        if isinstance(sub, dict) and sub.get("$ref") == "#/$defs/condition":
            yield _row(f"{path}.{key}", {**_resolved(sub), "title": "a condition"}, key in needed)
            continue
        yield from _rows(sub, f"{path}.{key}", key in needed, depth + 1)


def _row(path: str, node: dict, required: bool) -> str:
    holds = node.get("title") or _kind(node)
    meaning = node.get("description", "")
    example = (node.get("examples") or [None])[0]
    if example is not None and not isinstance(example, dict | list):
        meaning += f" Example: `{example}`."
    elif example is not None:
        meaning += f" Example: `{json.dumps(example)}`."
    mark = " *(required)*" if required else ""
    return f"| `{path}`{mark} | {_cell(holds)} | {_cell(meaning.strip())} |"


def _kind(node: dict) -> str:
    return {
        "object": "a mapping",
        "array": "a list",
        "string": "text",
        "boolean": "true or false",
    }.get(node.get("type", ""), "see below")


def _resolved(node: Any) -> dict:
    if not isinstance(node, dict):
        return {}
    return schema.resolved(node)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
