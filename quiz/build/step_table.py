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

In the page, every distinct step is written once (``{"states": {key: index}, "steps": [...]}``:
several states lead to the same result) in a single-quoted attribute, where JSON's own quotes need
no escaping: 57 KB of the quiz page's 89 KB became 28 KB, which a host that compresses nothing
sends as they are (issue 12's 4 MB).
"""

from __future__ import annotations

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


def packed(table: dict[str, dict]) -> dict[str, object]:
    """The table with every distinct step once: ``{"states": {key: index}, "steps": [...]}``."""
    steps: list[dict] = []
    index: dict[str, int] = {}
    states: dict[str, int] = {}
    for key, step in table.items():
        text = json.dumps(step, sort_keys=True, ensure_ascii=False)
        states[key] = index.setdefault(text, len(steps))
        if states[key] == len(steps):
            steps.append(step)
    return {"states": states, "steps": steps}


def unpacked(data: dict) -> dict[str, dict]:
    """``packed``'s inverse: what the page's script reads (docs/javascripts/quiz-ui.js)."""
    return {key: data["steps"][i] for key, i in data["states"].items()}


def table_attribute(table: dict[str, dict]) -> str:
    """The table, packed, as the quiz mount's single-quoted ``data-ipma-steps`` attribute.

    Why an attribute and not a ``<script type="application/json">`` block: Material's instant
    navigation re-creates every inline script of the page it swaps in without its ``type``, which
    would turn the data into a script the page's policy blocks (and lose it); attributes travel
    with the content untouched. In single quotes only ``&``, ``'``, ``<`` and ``>`` are escaped."""
    text = json.dumps(packed(table), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    for char, entity in (("&", "&amp;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, entity)
    return f" data-ipma-steps='{text}'"
