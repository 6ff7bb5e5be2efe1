"""Every `{{ name }}` the rules define on some date, read from their plain data: for the
placeholder check and the build's did-you-mean hints. Build-time only, so the browser's engine does
not carry it; the naming scheme itself, and what each name shows, is quiz.values'."""

from __future__ import annotations

from quiz.model import QuestionKind, Rules
from quiz.rules_json import to_json

from . import data as d


def names(rules: Rules) -> set[str]:
    """Every name the rules define on some date (for did-you-mean hints and checks)."""
    return names_in(to_json(rules))


def names_in(data: object) -> set[str]:
    """Every name the rules JSON defines on some date. Reads the JSON, not the model, so that the
    build can check placeholders even in a file with other mistakes; a broken part names nothing."""
    found = {"association.name", "association.short_name"}
    for category in d.items(d.get(data, "categories")):
        cid = category.get("id")
        if not isinstance(cid, str):
            continue
        found.add(f"categories.{cid}.name")
        if category.get("excluded_by"):
            found.add(f"categories.{cid}.precedence")
        for path in d.items(category.get("paths")):
            found.update(
                f"criteria.{cid}.{c['id']}"
                for c in d.items(path.get("criteria"))
                if isinstance(c.get("id"), str)
            )
    for threshold in d.items(d.get(data, "thresholds")):
        if isinstance(threshold.get("id"), str):
            found.add(f"thresholds.{threshold['id']}")
    for question in d.items(d.get(data, "questions")):
        if isinstance(question.get("id"), str) and question.get("kind") == QuestionKind.NUMBER:
            found.update((f"questions.{question['id']}.min", f"questions.{question['id']}.max"))
    # Dues and Enterprise names follow from the categories as well as from the dated blocks: a
    # broken dues block (a misspelled key, a bad date) is reported where it is, not again at every
    # text that names one of its amounts.
    individual = [
        c
        for c in d.items(d.get(data, "categories"))
        if isinstance(c.get("id"), str) and c.get("kind") == "individual"
    ]
    found.update(("dues.year", "dues.label"))
    for category in individual:
        if category.get("dues_published", True) is not False:
            found.add(f"dues.{category['id']}")
            found.update(
                f"dues.{category['id']}.{r['id']}"
                for r in d.items(category.get("rates"))
                if isinstance(r.get("id"), str)
            )
    for block in d.mapping(d.get(data, "dues", "values")).values():
        for table in ("amounts", "rates"):
            found.update(f"dues.{key}" for key in d.mapping(d.get(block, table)))
    found.update(f"enterprise.{n}" for n in ("year", "flat_fee", "included_places", "place_price"))
    after: set[str] = set()
    schemes = d.get(data, "enterprise", "values")
    if not isinstance(schemes, dict) or not schemes:
        after.update(c["id"] for c in individual)
    for scheme in d.mapping(schemes).values():
        places = d.get(scheme, "after_places")
        after.update(places if isinstance(places, dict) else (c["id"] for c in individual))
    for key in after:
        found.update((f"enterprise.after_places.{key}", f"enterprise.after_places.{key}.phrase"))
    return found
