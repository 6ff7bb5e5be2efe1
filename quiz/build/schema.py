"""The rules file's shape, checked against its declared schema: rules/membership.schema.json.

The schema declares every field once: its type, what it means and an example. This module runs the
`jsonschema` library over the data and words each finding for staff, from the schema itself:

    rules/membership.yaml:88 dues.values[2023-01-01].amounts.affiliate: expected an amount in USD
    of at least 0, in whole cents, such as 165, got '165 USD'

"expected" is the failing field's `title`; an unknown key gets a did-you-mean from the keys the
schema allows; `x-messages` on a schema node overrides a message where the title would mislead.
Every finding is reported, not just the first. What the schema cannot say (a reference to an id, the
duty bands, placeholders...) is checked next, in quiz/build/checks/.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from quiz.conditions import show
from quiz.money import cents

from .problems import Report, did_you_mean

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "rules" / "membership.schema.json"

HTML_RE = re.compile(r"<\s*[A-Za-z/!?]")
PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}")
# https:// and mailto: only; no quotes, angle brackets or backslashes (they end an HTML attribute).
URL_RE = re.compile(r"^(https://|mailto:)[^\s<>\"'`\\]+$")
# Markdown link targets: inline `[text](target)` / `![alt](target)` and reference definitions
# `[label]: target`. Only https:, mailto: or a scheme-less (relative) target may follow.
LINK_TARGET_RE = re.compile(r"\]\(\s*<?([^\s)>]*)|^ {0,3}\[[^\]]+\]:\s*<?(\S*)", re.MULTILINE)
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = ("https", "mailto")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def schema() -> dict:
    """The declared schema (read once per process: it is a file of the repository)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- formats: what a string field may hold -----------------------------------------------------

FORMATS = FormatChecker(formats=())


@FORMATS.checks("ipma-text", raises=ValueError)
def _text(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type says what is wrong
    found = HTML_RE.search(value)
    if found:
        snippet = value[found.start() : found.start() + 20].split(">")[0] + ">"
        raise ValueError(f"text fields are Markdown; HTML is not allowed, found '{snippet}'")
    if value and not value.strip():  # (an empty one is reported by its minLength)
        raise ValueError("expected text, got only spaces")
    for match in LINK_TARGET_RE.finditer(value):
        target = match.group(1) if match.group(1) is not None else match.group(2)
        # As a browser reads an href: entities decoded, control characters and spaces dropped.
        scheme = SCHEME_RE.match(re.sub(r"[\x00-\x20]", "", html.unescape(target)).lower())
        if scheme and scheme.group(1) not in SAFE_SCHEMES:
            raise ValueError(
                "links in text fields may only go to https:// or mailto: addresses, "
                f"found '{target[:40]}'"
            )
    return True


@FORMATS.checks("ipma-plain", raises=ValueError)
def _plain(value: object) -> bool:
    if isinstance(value, str) and PLACEHOLDER_RE.search(value):
        raise ValueError("placeholders ({{ ... }}) are not allowed in this field")
    return _text(value)


@FORMATS.checks("ipma-url", raises=ValueError)
def _url(value: object) -> bool:
    return not isinstance(value, str) or bool(URL_RE.match(value))


@FORMATS.checks("ipma-cents", raises=ValueError)
def _cents(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    try:
        amount = Decimal(str(value))
        return amount.is_finite() and amount == cents(amount)
    except InvalidOperation:
        return False


DATE_AND_TIME = "a date and time"
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d")


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if DATE_TIME_RE.match(value):
        raise ValueError(DATE_AND_TIME)
    if not DATE_RE.match(value):
        return False
    date.fromisoformat(value)  # ValueError for 2022-13-01
    return True


# --- the findings, worded -----------------------------------------------------------------------


def check(data: object, report: Report) -> None:
    """Report every way `data` departs from the schema."""
    validator = Draft202012Validator(schema(), format_checker=FORMATS)
    for error in validator.iter_errors(data):
        for raw, message in _worded(error, data):
            report.add(raw, message)


def _worded(error: ValidationError, data: object) -> Iterator[tuple[tuple, str]]:
    """(raw path, message) for one schema error (a few for `required` and unknown keys)."""
    raw = tuple(error.absolute_path)
    node: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    custom = node.get("x-messages", {}).get(error.validator)
    instance = error.instance
    kind = error.validator

    if "propertyNames" in error.absolute_schema_path and isinstance(instance, str):
        raw = (*raw, instance)  # a key: the problem is where the key is written
    if kind == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield (*raw, name), custom or f"missing required field '{name}'"
        return
    if kind == "additionalProperties" and error.validator_value is False:
        allowed = list(node.get("properties", {}))
        known = node.get("x-known", allowed)
        for key in instance:
            if key not in allowed:
                hint = did_you_mean(key, known)
                yield (
                    (*raw, key),
                    (custom or f"unknown key '{key}'{hint}: expected one of {', '.join(known)}"),
                )
        return
    if kind is None or kind == "False":  # a field this kind of item does not use
        for key in _forbidden_keys(error, data, raw):
            yield (*raw, key), _not_used((*raw, key), data)
        return
    if kind in ("anyOf", "oneOf"):
        branch = _matching_branch(error)
        if branch:
            for sub in branch:
                yield from _worded(sub, data)
            return
    if custom:
        yield raw, custom
        return
    if kind == "minItems":
        wanted = node.get("title") or f"at least {error.validator_value} {_items(node)}"
        got = "an empty list" if not instance else f"{len(instance)}"
        yield raw, f"expected {wanted}, got {got}"
        return
    if kind == "uniqueItems":
        seen: set = set()
        twice = next((v for v in instance if repr(v) in seen or seen.add(repr(v))), None)  # type: ignore[func-returns-value]
        yield raw, f"expected each item once, got {show(twice)} twice"
        return
    if kind == "format" and error.cause is not None and str(error.cause):
        message = str(error.cause)
        if message.startswith(("text fields", "links in", "placeholders", "expected")):
            yield raw, message
            return
        if message == DATE_AND_TIME:
            yield raw, f"expected {_title(node)}, got a date and time ({show(instance)})"
            return
    message = f"expected {_title(node)}, got {show(instance)}"
    if kind == "enum" and isinstance(instance, bool):
        message += ' (write "yes" or "no" in quotes: YAML reads them as true/false)'
    if kind == "enum" and isinstance(instance, str):
        message += did_you_mean(instance, [str(v) for v in error.validator_value])
    yield raw, message


def _title(node: dict) -> str:
    if not isinstance(node, dict):
        return "something else"
    if "title" in node:
        return node["title"]
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if "const" in node:
        return str(node["const"])
    if "type" in node:
        return {"object": "a mapping", "array": "a list", "string": "text"}.get(
            node["type"], str(node["type"])
        )
    return "something else"


def _items(node: dict) -> str:
    items = node.get("items")
    title = items.get("title") if isinstance(items, dict) else None
    return f"of {title}" if title else "items"


def _matching_branch(error: ValidationError) -> list[ValidationError] | None:
    """For a failed `anyOf`: the errors of the one branch made for the value's shape (a list for a
    list, the mapping whose required key is present), so the message names the real problem."""
    branches = error.schema.get(error.validator, []) if isinstance(error.schema, dict) else []
    fitting = []
    for index, branch in enumerate(branches):
        if not isinstance(branch, dict):
            continue
        target = _resolve(branch)
        wanted = target.get("type")
        if wanted == "array" and isinstance(error.instance, list):
            fitting.append(index)
        elif wanted == "object" and isinstance(error.instance, dict):
            required = target.get("required", [])
            if required and all(key in error.instance for key in required):
                fitting.append(index)
    if len(fitting) != 1:
        return None
    found = [sub for sub in error.context or () if sub.relative_schema_path[0] == fitting[0]]
    return found or None


def resolved(node: dict) -> dict:
    """`node` with the definition its `$ref` names merged in (the node's own keys win)."""
    return {**_resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}


def _resolve(node: dict) -> dict:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return schema()["$defs"][ref.split("/")[-1]]
    return node


def _forbidden_keys(error: ValidationError, data: object, raw: tuple) -> list:
    """The keys of the item at `raw` that a `false` subschema forbids (jsonschema reports such an
    error at the item, without the key)."""
    node: object = schema()
    for part in list(error.absolute_schema_path):
        node = node[part] if isinstance(node, dict | list) else None  # type: ignore[index]
    item: object = data
    for part in raw:
        item = item[part] if isinstance(item, dict | list) else None  # type: ignore[index]
    if not isinstance(node, dict) or not isinstance(item, dict):
        return []
    return [key for key, sub in node.items() if sub is False and key in item]


def _not_used(raw: tuple, data: object) -> str:
    """A field the item's kind does not use (a `unit` on a choice question)."""
    key = raw[-1] if raw else "this field"
    parent = data
    for part in raw[:-1]:
        parent = parent[part] if isinstance(parent, dict | list) else None  # type: ignore[index]
    kind = parent.get("kind") if isinstance(parent, dict) else None
    if kind is not None:
        return f"'{key}' is not used by a {kind} question: remove it"
    return f"'{key}' is not used here: remove it"


# --- walking the data with its schema -------------------------------------------------------------


def walk(data: object) -> Iterator[tuple[tuple, dict, object]]:
    """Every (raw path, schema node, value) of `data`, where the value has the node's shape.

    The checks and the tests read the schema's annotations through it: `x-defines` (an id others
    name), `x-ref` (a name of one), `x-value` (a figure pages state), `format` (text fields). A
    mapping's keys are visited too when the schema declares them (`propertyNames`): the value is
    then the key itself. Parts of the data that do not have the schema's shape are skipped (the
    schema check reports them), so a check never trips on a broken file.
    """
    yield from _walk(schema(), data, ())


def _walk(node: object, value: object, raw: tuple) -> Iterator[tuple[tuple, dict, object]]:
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        yield from _walk(resolved(node), value, raw)
        return
    yield raw, node, value
    for key in ("allOf",):
        for part in node.get(key, []):
            yield from _walk(part, value, raw)
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if branches:
            for branch in branches:
                if _shape_fits(branch, value):
                    yield from _walk(branch, value, raw)
                    break
    if "if" in node and isinstance(value, dict):
        condition = node["if"]
        required = condition.get("required", []) if isinstance(condition, dict) else []
        taken = node.get("then") if all(k in value for k in required) else node.get("else")
        yield from _walk(taken, value, raw)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        names = node.get("propertyNames")
        for key, item in value.items():
            if names is not None:
                yield from _walk(names, key, (*raw, key))
            if key in properties:
                yield from _walk(properties[key], item, (*raw, key))
            elif isinstance(extra, dict):
                yield from _walk(extra, item, (*raw, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            yield from _walk(node["items"], item, (*raw, index))


def _shape_fits(branch: object, value: object) -> bool:
    if not isinstance(branch, dict):
        return False
    target = _resolve(branch)
    if "const" in target:
        return target["const"] == value
    wanted = target.get("type")
    return {
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        None: True,
    }.get(wanted, False)
