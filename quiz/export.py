"""The validated rules as plain JSON for the browser (assets/rules.json), and back.

The JSON has the rules file's own structure (rules/membership.schema.json), normalized by
`rules_json.to_json`: every default filled in, dates as ISO strings, amounts as JSON numbers (ints
when whole), dated blocks sorted by date. Lists keep the file's order (questions are asked in it);
`json.dumps(..., sort_keys=True)` makes the bytes deterministic. The browser builds the model from
it without validating again: the build validated the very same data.
"""

from __future__ import annotations

from .model import Rules
from .rules_json import rules_from_json
from .rules_json import to_json as _to_json


def to_json(rules: Rules) -> dict:
    """Plain JSON data (dicts, lists, str, numbers, bools) of the whole rules."""
    return _to_json(rules)


def load_json(data: object) -> Rules:
    """Rules from `to_json` output; `RulesError` when the data is not such an export."""
    return rules_from_json(data)
