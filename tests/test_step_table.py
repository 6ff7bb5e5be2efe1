"""The engine's steps in the quiz page (quiz/build/step_table.py): every state choice and yes/no
answers reach, each entry the engine's own answer, byte for byte, in CPython and in Pyodide."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

from quiz import export
from quiz.build.step_table import step_key, step_table, table_attribute, unpacked
from quiz.model import QuestionKind
from tests.engine_helpers import real_rules

ON = dt.date(2022, 6, 1)


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def test_the_table_starts_from_no_answers_and_follows_every_choice_and_yes_no_answer():
    rules = real_rules()
    table = step_table(rules, ON)
    assert step_key({}) in table
    for key, step in table.items():
        answers = json.loads(key)
        assert step_key(answers) == key  # keys are the answers' own JSON, in the order asked
        if step["done"]:
            continue
        question = rules.question(step["question"]["id"])
        if question.kind is QuestionKind.CHOICE:
            values = [o.id for o in question.options]
        elif question.kind is QuestionKind.YES_NO:
            values = [True, False]
        else:
            values = []  # a checklist or a number: the worker answers from here on
        for value in values:
            assert step_key({**answers, question.id: value}) in table, (key, value)
    kinds = {rules.question(s["question"]["id"]).kind for s in table.values() if not s["done"]}
    assert QuestionKind.DUTIES in kinds  # the checklist itself is in the table, not what follows
    assert any(s["done"] for s in table.values())  # and results choices alone decide


def test_every_entry_is_what_next_step_returns_for_its_answers_in_cpython():
    rules = real_rules()
    from quiz.flow import next_step

    for key, step in step_table(rules, ON).items():
        assert canonical(step) == canonical(next_step(rules, json.loads(key), on=ON).to_json())


def test_every_entry_is_byte_identical_to_what_the_engine_answers_in_pyodide(pyodide_engine):
    rules = real_rules()
    table = step_table(rules, ON)
    configured = pyodide_engine.request(
        {
            "id": "configure",
            "method": "configure",
            "params": {
                "rules": json.loads(json.dumps(export.to_json(rules))),
                "on": ON.isoformat(),
            },
        }
    )
    assert configured["ok"], configured
    requests = [
        {"id": i, "method": "next_step", "params": {"answers": json.loads(key)}}
        for i, key in enumerate(table)
    ]
    for key, response in zip(table, pyodide_engine.request_many(requests), strict=True):
        assert response["ok"], response
        assert canonical(response["result"]) == canonical(table[key]), key


def test_the_table_in_the_page_cannot_leave_its_attribute():
    table = {step_key({"q": "x"}): {"done": True, "result": {"text": "'\"><script>alert(1)&amp;"}}}
    attribute = table_attribute(table)
    value = attribute.removeprefix(" data-ipma-steps='").removesuffix("'")
    assert "'" not in value and "<" not in value and ">" not in value
    assert unpacked(json.loads(html.unescape(value))) == table


def test_the_page_holds_each_distinct_step_once():
    table = step_table(real_rules(), ON)
    steps = json.loads(html.unescape(table_attribute(table).split("'")[1]))["steps"]
    assert len({canonical(s) for s in steps}) == len(steps) < len(table)


def page_table(built_site: Path) -> dict:
    """The table in the built quiz page's mount, as the quiz reads it."""
    page = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    found = re.findall(r"<div[^>]*\bdata-ipma-quiz\b[^>]*\bdata-ipma-steps='([^']*)'", page)
    assert len(found) == 1
    return unpacked(json.loads(html.unescape(found[0])))


def test_the_quiz_page_carries_the_table_for_its_build_date(built_site: Path, built):
    table = page_table(built_site)
    on = dt.date.fromisoformat(built.on)
    rules = export.load_json(built.rules)
    assert table == json.loads(json.dumps(step_table(rules, on)))
    for key, step in table.items():  # and CPython's api gives the same for the built rules
        assert canonical(step) == canonical(built.call("next_step", {"answers": json.loads(key)}))


ASK_THE_WORKER = """async (keys) => {
  const client = await import(new URL("../javascripts/engine-client.js", location.href));
  const engine = client.getEngine();
  const out = {};
  for (const key of keys) {
    out[key] = await engine.request("next_step", { answers: JSON.parse(key) });
  }
  return out;
}"""


def test_every_entry_in_the_page_is_what_the_browsers_worker_answers(
    browser, built_site: Path, quiz_url: str
):
    table = page_table(built_site)
    context = browser.new_context(bypass_csp=True)  # to talk to the engine from the test
    try:
        page = context.new_page()
        page.goto(quiz_url)
        answers = page.evaluate(ASK_THE_WORKER, list(table))
    finally:
        context.close()
    assert set(answers) == set(table)
    for key, step in table.items():
        assert canonical(answers[key]) == canonical(step), key
