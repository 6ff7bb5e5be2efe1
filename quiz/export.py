"""The validated rules as plain JSON for the browser, and back.

`to_json` writes the rules file's own structure (so the same validator reads it: `load_json`
round-trips through `build_rules`), normalized: every default filled in, dates as ISO strings,
amounts as JSON numbers (ints when whole), dated blocks sorted by date. Lists keep the file's order
(questions are asked in it); `json.dumps(..., sort_keys=True)` makes the bytes deterministic.
"""

from __future__ import annotations

from decimal import Decimal

from .model import (
    Category,
    CategoryKind,
    DuesSchedule,
    EnterpriseScheme,
    Price,
    PriceKind,
    Question,
    QuestionKind,
    Rules,
)
from .money import to_number
from .validate import build_rules


def to_json(rules: Rules) -> dict:
    """Plain JSON data (dicts, lists, str, numbers, bools, None) of the whole rules."""
    a = rules.association
    return {
        "schema_version": rules.schema_version,
        "sources": [
            {"id": s.id, "title": s.title, "url": s.url, "verified": s.verified}
            for s in rules.sources
        ],
        "association": {
            "name": a.name,
            "short_name": a.short_name,
            "mission": a.mission,
            "mission_source": a.mission_source,
            "who_can_join": a.who_can_join,
            "who_can_join_source": a.who_can_join_source,
            "headquarters": {"name": a.headquarters.name, "url": a.headquarters.url},
            "policies": [
                {"id": p.id, "text": p.text, "source": p.source, "verified": p.verified}
                for p in a.policies
            ],
            "not_eligible_advice": a.not_eligible_advice,
        },
        "duty_groups": [
            {
                "id": g.id,
                "name": g.name,
                "source": g.source,
                "verified": g.verified,
                "duties": [{"id": d.id, "name": d.name} for d in g.duties],
            }
            for g in rules.duty_groups
        ],
        "thresholds": [
            {
                "id": t.id,
                "value": t.value,
                "description": t.description,
                "source": t.source,
                "verified": t.verified,
            }
            for t in rules.thresholds
        ],
        "rights": [{"id": r.id, "label": r.label} for r in rules.rights],
        "categories": [_category(c) for c in rules.categories],
        "dues": {
            "description": rules.dues.description,
            "currency": rules.dues.currency,
            "values": {s.effective.isoformat(): _schedule(s) for s in rules.dues.schedules},
        },
        "enterprise": {
            "description": rules.enterprise.description,
            "values": {s.effective.isoformat(): _scheme(s) for s in rules.enterprise.schemes},
            "examples": [
                {"name": e.name, **dict(sorted(e.counts.items())), "nonprofit": e.nonprofit}
                for e in rules.enterprise.examples
            ],
        },
        "questions": [_question(q) for q in rules.questions],
        "faq": [
            {
                "id": f.id,
                "question": f.question,
                "answer": f.answer,
                "source": f.source,
                "verified": f.verified,
            }
            for f in rules.faq
        ],
    }


def load_json(data: dict) -> Rules:
    """Rules from `to_json` output (validated again: the browser trusts nothing it did not check).
    The answer-space walk is skipped: the build ran it on the same data."""
    return build_rules(data, check_answer_space=False)


def _category(c: Category) -> dict:
    data: dict = {
        "id": c.id,
        "name": c.name,
        "kind": c.kind.value,
        "order": c.order,
        "summary": c.summary,
        "description": c.description,
        "source": c.source,
        "verified": c.verified,
        "rights": {
            r.right: {
                k: v
                for k, v in (
                    ("allowed", r.allowed.value),
                    ("text", r.text),
                    ("source", r.source),
                    ("verified", r.verified),
                )
                if v is not None
            }
            for r in c.rights
        },
        "apply": [
            {k: v for k, v in (("label", a.label), ("url", a.url), ("rate", a.rate)) if v}
            for a in c.apply
        ],
    }
    if c.kind is CategoryKind.INDIVIDUAL:
        data["dues_published"] = c.dues_published
        data["excluded_by"] = list(c.excluded_by)
        data["paths"] = [
            {
                "id": p.id,
                "criteria": [
                    {
                        "id": k.id,
                        "text": k.text,
                        "condition": k.condition.to_json(),
                        "source": k.source,
                        "enabled": k.enabled,
                        "verified": k.verified,
                    }
                    for k in p.criteria
                ],
            }
            for p in c.paths
        ]
        data["rates"] = [
            {"id": r.id, "label": r.label, "condition": r.condition.to_json()} for r in c.rates
        ]
    return data


def _amounts(table: dict[str, Decimal]) -> dict:
    return {k: to_number(v) for k, v in sorted(table.items())}


def _schedule(s: DuesSchedule) -> dict:
    return {
        "reference": s.reference,
        "amounts": _amounts(s.amounts),
        "rates": _amounts(s.rates),
        "verified": s.verified,
    }


def _price(p: Price) -> object:
    if p.kind is PriceKind.INCLUDED:
        return "included"
    return {p.kind.value: to_number(p.value)}


def _scheme(s: EnterpriseScheme) -> dict:
    return {
        "reference": s.reference,
        "flat_fee": to_number(s.flat_fee),
        "included_places": s.included_places,
        "fill_order": list(s.fill_order),
        "place_price": _price(s.place_price),
        "after_places": {k: _price(v) for k, v in sorted(s.after_places.items())},
        "verified": s.verified,
    }


def _question(q: Question) -> dict:
    data: dict = {"id": q.id, "kind": q.kind.value, "text": q.text, "help": q.help}
    if q.ask_when is not None:
        data["ask_when"] = q.ask_when.to_json()
    if q.kind is QuestionKind.CHOICE:
        data["options"] = [
            {k: v for k, v in (("id", o.id), ("label", o.label), ("help", o.help)) if v}
            for o in q.options
        ]
    elif q.kind is QuestionKind.NUMBER:
        data.update(min=q.min, max=q.max, unit=q.unit)
    elif q.kind is QuestionKind.DUTIES:
        data["none_label"] = q.none_label
    return data
