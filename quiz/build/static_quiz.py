"""The quiz's first question as static HTML, in the quiz page itself (issue 5, measure 1), and the
engine's answers for the screens after it (quiz/build/step_table.py, issue 12).

Why: the quiz draws its screens with JavaScript, and on a cold visit the modules that do it arrive
only after Material's bundle and DOMContentLoaded (≈ 0.4 s). The first question never depends on
any answer, so the build asks the engine for it (`next_step` with no answers, the very call the
browser makes) and puts it in the HTML: it is on screen at first paint, and the quiz takes it over
when its modules arrive, keeping whatever was already ticked and acting on a Continue pressed
meanwhile (held by engine-start.js). Without JavaScript it is hidden (stylesheets/quiz.css,
`@media (scripting: none)`) and the page's <noscript> note explains why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from quiz.build.step_table import step_key, step_table, table_attribute
from quiz.model import Rules

TEMPLATE = "quiz_question.html.j2"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# The quiz's mount as docs/quiz.md writes it: an empty element carrying data-ipma-quiz.
MOUNT = re.compile(r"(<div\b[^>]*\bdata-ipma-quiz\b[^>]*)>\s*(</div>)")

YES_NO = (
    {"id": "true", "label": "Yes", "help": None},
    {"id": "false", "label": "No", "help": None},
)


@dataclass(frozen=True)
class Mount:
    """What the build puts in the quiz's mount: the engine's steps for the first screens
    (quiz/build/step_table.py) as an attribute, and the first question, on screen from the first
    paint, as its content."""

    attribute: str
    content: str


def mount(rules: Rules, on: date) -> Mount:
    table = step_table(rules, on)
    first = table[step_key({})]
    content = "" if first["done"] else question_html(first["question"], first["number"])
    return Mount(table_attribute(table), content)


def question_html(question: dict, number: int, form_only: bool = False) -> str:
    """One question (the engine's question JSON) as the quiz's markup; `form_only` leaves out the
    quiz's status and notice containers around the form."""
    question = dict(question)
    if question["kind"] == "yes_no":
        question["options"] = YES_NO
    elif question["kind"] == "choice":
        question["options"] = [{"help": None, **o} for o in question["options"]]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(
        q=question, step={"number": number}, form_only=form_only
    )


def fill_quiz_mount(html: str, filled: Mount) -> str:
    """A page's HTML with its (empty) quiz mount filled; unchanged without one."""
    return MOUNT.sub(
        lambda m: f"{m.group(1)}{filled.attribute}>{filled.content}{m.group(2)}", html, count=1
    )
