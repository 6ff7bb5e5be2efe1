"""The engine's answers for the screens that choice and yes/no answers alone can reach (issue 12).

Why: in the browser every Continue asks the engine, and the engine is Python, which on a slow line
takes a while to download. But the quiz's first screens depend only on a handful of answers: where
the person works, then a few yes/no questions. The build asks the engine itself (``next_step``, the
very call the worker answers) for every such state, and the quiz page carries the answers: those
screens, and the results they lead to (a vendor's, a school's), show at once. Python is needed only
from the first duty checklist or number answer on, by when it has had the time a person takes to
tick their duties.

Keys are the exact answers as JSON, in the order the questions were asked (``{"organization":
"law_firm"}``), the way the page writes them (``JSON.stringify`` of the answers on the path); values
are ``next_step``'s JSON. No rule goes into JavaScript: the page looks a key up, and anything else
goes to the worker. tests/test_step_table.py proves every entry byte-identical to the worker's.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import date

from quiz.flow import next_step
from quiz.model import Question, QuestionKind, Rules


def step_key(answers: dict[str, object]) -> str:
    """The table's key for these answers: their JSON as the page's ``JSON.stringify`` writes it."""
    return json.dumps(answers, separators=(",", ":"), ensure_ascii=False)


def step_table(rules: Rules, on: date) -> dict[str, dict]:
    """Every state reachable through choice and yes/no answers → ``next_step``'s JSON for it."""
    table: dict[str, dict] = {}
    pending: list[dict[str, object]] = [{}]
    while pending:
        state = pending.pop()
        step = next_step(rules, state, on=on)
        table[step_key(state)] = step.to_json()
        if not step.done:
            question = rules.question(step.question["id"])
            pending.extend({**state, question.id: value} for value in _branches(question))
    return dict(sorted(table.items()))


def _branches(question: Question) -> Iterator[object]:
    if question.kind is QuestionKind.CHOICE:
        yield from (option.id for option in question.options)
    elif question.kind is QuestionKind.YES_NO:
        yield from (True, False)


def table_attribute(table: dict[str, dict]) -> str:
    """The table as the quiz mount's ``data-ipma-steps`` attribute (JSON, HTML-escaped).

    Why an attribute and not a ``<script type="application/json">`` block: Material's instant
    navigation re-creates every inline script of the page it swaps in without its ``type``, which
    would turn the data into a script the page's policy blocks (and lose it); attributes travel
    with the content untouched."""
    text = json.dumps(table, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return f' data-ipma-steps="{html.escape(text, quote=True)}"'
