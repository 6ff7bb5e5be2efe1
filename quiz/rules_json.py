"""The rules file's JSON ↔ the typed model, read off the model's own fields (quiz/model.py).

One mapping for every class instead of a reader and a writer per class: a field's type says how its
JSON is read (a nested dataclass, a tuple of them, an enum, an amount, a date, a condition), and its
metadata says where the JSON differs from the field (see quiz/model.py). Adding an optional field to
the rules file is then one line in the schema (rules/membership.schema.json) and one in the model.

`from_json` trusts its input: the build validated it against the schema and ran every check
(quiz/build/validate.py), and the browser gets only JSON the build wrote. Anything else fails with a
`RulesError` rather than a half-read model. `to_json` writes the same shape back, normalized: every
default filled in, dates as ISO strings, amounts as JSON numbers, dated blocks sorted by date.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Union

from . import conditions
from .conditions import Condition
from .errors import RulesError
from .model import Price, Rules
from .money import to_number


def rules_from_json(data: object) -> Rules:
    """The model of a validated rules JSON; `RulesError` when the data is not one."""
    try:
        return from_json(Rules, data)
    except RulesError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise RulesError(f"the rules JSON is not a validated rules file: {error!r}") from None


def from_json(cls: Any, data: object) -> Any:
    """An instance of `cls` (a model type) from its JSON."""
    origin = typing.get_origin(cls)
    if cls is Any:
        return data
    if origin is Union or origin is types.UnionType:
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(cls) if arg is not type(None)]
        return from_json(inner, data)
    if origin is tuple:
        (item,) = [arg for arg in typing.get_args(cls) if arg is not Ellipsis]
        return tuple(from_json(item, value) for value in _list(data))
    if origin is dict:
        _, item = typing.get_args(cls)
        return {key: from_json(item, value) for key, value in _dict(data).items()}
    if cls is Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise ValueError(f"expected an amount, got {data!r}")
        return Decimal(str(data))
    if cls is date:
        return date.fromisoformat(str(data))
    if cls is Condition:
        return conditions.from_json(data)
    if cls is Price:
        return Price.from_json(data)
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(data)
    if cls in (str, int, bool):
        if not isinstance(data, cls) or (cls is int and isinstance(data, bool)):
            raise ValueError(f"expected {cls.__name__}, got {data!r}")
        return data
    if is_dataclass(cls):
        return _instance(cls, _dict(data))
    raise TypeError(f"no JSON reading for {cls!r}")


def _instance(cls: type, data: dict) -> Any:
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for spec in fields(cls):
        if not spec.init:
            continue
        key = spec.metadata.get("json", spec.name)
        if key not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise KeyError(f"{cls.__name__}.{key}")
            continue
        raw = data[key]
        hint = hints[spec.name]
        if spec.metadata.get("dated"):
            (item,) = [a for a in typing.get_args(hint) if a is not Ellipsis]
            blocks = sorted(_dict(raw).items())
            values[spec.name] = tuple(from_json(item, {**b, "effective": d}) for d, b in blocks)
        elif "keyed" in spec.metadata:
            (item,) = [a for a in typing.get_args(hint) if a is not Ellipsis]
            name = spec.metadata["keyed"]
            values[spec.name] = tuple(
                from_json(item, {**value, name: key}) for key, value in _dict(raw).items()
            )
        elif spec.metadata.get("one_or_many"):
            values[spec.name] = (raw,) if isinstance(raw, str) else tuple(_list(raw))
        else:
            values[spec.name] = from_json(hint, raw)
    return cls(**values)


def to_json(value: object) -> Any:
    """The JSON of a model value (the inverse of `from_json`)."""
    if isinstance(value, Condition | Price):
        return to_json(value.to_json())
    if is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return to_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value


def _object(value: Any) -> dict:
    data: dict[str, Any] = {}
    for spec in fields(value):
        if not spec.init:
            continue
        item = getattr(value, spec.name)
        key = spec.metadata.get("json", spec.name)
        if item is None or (_has_default(spec) and item in ((), {})):
            continue  # an optional field left out (the schema has no null)
        if spec.metadata.get("dated"):
            data[key] = {
                block.effective.isoformat(): {
                    k: v for k, v in _object(block).items() if k != "effective"
                }
                for block in item
            }
        elif "keyed" in spec.metadata:
            name = spec.metadata["keyed"]
            data[key] = {
                getattr(entry, name): {k: v for k, v in _object(entry).items() if k != name}
                for entry in item
            }
        else:
            data[key] = to_json(item)
    return data


def _has_default(spec: Any) -> bool:
    return spec.default is not MISSING or spec.default_factory is not MISSING


def _list(data: object) -> list:
    if not isinstance(data, list | tuple):
        raise ValueError(f"expected a list, got {type(data).__name__}")
    return list(data)


def _dict(data: object) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"expected a mapping, got {type(data).__name__}")
    return data
