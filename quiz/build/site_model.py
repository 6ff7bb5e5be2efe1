"""What the generated pages show, as plain data computed by the engine from the rules.

Templates (quiz/build/templates/) only lay this out: every figure and every sentence about a rule
comes from an engine function (``dues.estimate``, ``enterprise.quote``, ``values.render_text``,
``wording``) or straight from a validated rules field. Nothing here knows a price, a threshold or a
category id; what the pages say of a category's precedence, an Enterprise price or a duty rule is
read from `excluded_by`, the prices and the criteria, so it can never disagree with the quiz.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quiz import dated, dues, enterprise, values, wording
from quiz.conditions import Condition
from quiz.errors import DuesYearError
from quiz.index import ANY_OTHER
from quiz.model import (
    Allowed,
    Category,
    DuesSchedule,
    PolicyRole,
    PriceKind,
    QuestionKind,
    Rules,
    Source,
    destination,
)
from quiz.money import display
from quiz.result import ALLOWED_TEXT

GENERAL = "About membership"
"""The FAQ's first section: the entries the rules give no section heading."""


def category_uri(category_id: str) -> str:
    """Site path of a category's generated page (Markdown source URI)."""
    return f"membership/{category_id}.md"


@dataclass
class SiteModel:
    """Everything the templates show; built once per build by ``build_model``."""

    rules: Rules
    on: date
    association: dict[str, Any] = field(default_factory=dict)
    dues: dict[str, Any] = field(default_factory=dict)
    categories: list[dict[str, Any]] = field(default_factory=list)
    enterprise: dict[str, Any] = field(default_factory=dict)
    faq: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    duty_groups: list[dict[str, Any]] = field(default_factory=list)
    thresholds: list[dict[str, Any]] = field(default_factory=list)

    def text(self, text: str | None) -> str | None:
        """A rules text with its ``{{ name }}`` placeholders filled for the build date."""
        return None if text is None else values.render_text(self.rules, text, on=self.on)

    def as_context(self) -> dict[str, Any]:
        hq = self.rules.association.headquarters.name
        individual = [c for c in self.categories if c["individual"]]
        return {
            "on": self.on,
            "on_text": long_date(self.on),
            "association": self.association,
            "dues": self.dues,
            "categories": self.categories,
            "individual": individual,
            "organization": [c for c in self.categories if not c["individual"]],
            "enterprise": self.enterprise,
            "faq": self.faq,
            "sources": self.sources,
            "duty_groups": self.duty_groups,
            "thresholds": self.thresholds,
            "confirm": f"Confirm with {hq}",
            "confirm_inline": f"confirm with {hq}",
            "compare_rights": [
                {"id": r.id, "label": r.label} for r in self.rules.rights if r.compare
            ],
        }


def long_date(value: date) -> str:
    """1 January 2027: unambiguous for readers on both sides of the Atlantic."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


# --- building -----------------------------------------------------------------------------------


def build_model(rules: Rules, on: date) -> SiteModel:
    """The site's data for a build on ``on`` (the date that decides which dues are in force)."""
    model = SiteModel(rules=rules, on=on)
    model.sources = [source_json(s) for s in rules.sources]
    model.association = _association(model)
    model.dues = _dues(model)
    model.categories = [
        _category(model, c) for c in sorted(rules.categories, key=lambda c: (c.order, c.id))
    ]
    model.enterprise = _enterprise(model)
    model.faq = _faq(model)
    model.duty_groups = [
        {
            "id": group.id,
            "name": group.name,
            "duties": [d.name for d in group.duties],
            "verified": group.verified,
            "note": model.text(group.note),
            "sources": _sources(rules, group.source),
        }
        for group in rules.duty_groups
    ]
    model.thresholds = [
        {
            "id": t.id,
            "value": t.value,
            "description": t.description,
            "verified": t.verified,
            "sources": _sources(rules, t.source),
        }
        for t in rules.thresholds
    ]
    return model


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "url": source.url,
        "url_confirmed": source.url_confirmed,
        "destination": destination(source.url),
        "verified": source.verified,
        "note": source.note,
    }


def _sources(rules: Rules, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    return [source_json(rules.source(i)) for i in ids]


def _link(label: str, url: str, url_confirmed: bool) -> dict[str, Any]:
    return {
        "label": label,
        "url": url,
        "url_confirmed": url_confirmed,
        "destination": destination(url),
    }


def _association(model: SiteModel) -> dict[str, Any]:
    a = model.rules.association
    policies = {}
    for p in a.policies:
        policies[p.role.value if p.role else p.id] = {
            "id": p.id,
            "text": model.text(p.text),
            "verified": p.verified,
            "sources": _sources(model.rules, p.source),
            "link": _link("Read the policy", p.url, p.url_confirmed) if p.url else None,
        }
    return {
        "name": a.name,
        "short_name": a.short_name,
        "mission": model.text(a.mission),
        "mission_sources": _sources(model.rules, a.mission_source),
        "who_can_join": model.text(a.who_can_join),
        "who_can_join_sources": _sources(model.rules, a.who_can_join_source),
        "headquarters": {"name": a.headquarters.name, "url": a.headquarters.url},
        "policies": policies,  # by role (or id, for a policy without one)
        "policy_list": list(policies.values()),
        "disclaimer": policies.get(PolicyRole.DISCLAIMER.value),
        "not_eligible_advice": model.text(a.not_eligible_advice),
    }


# --- dues -----------------------------------------------------------------------------------------


def _dues(model: SiteModel) -> dict[str, Any]:
    """The schedule in force on the build date, the announced ones, and the history."""
    rules, on = model.rules, model.on
    schedules = rules.dues.schedules
    try:
        pick = dated.in_force(schedules, on)
    except DuesYearError:
        pick = None
    return {
        "description": rules.dues.description,
        "currency": rules.dues.currency,
        "current": _schedule(model, pick.schedule, pick.label("dues"), pick.status)
        if pick
        else None,
        "upcoming": [
            _schedule(model, s, f"{s.effective.year} dues", dated.Status.UPCOMING)
            for s in dated.upcoming(schedules, on)
        ],
        "history": [
            _schedule(model, s, f"{s.effective.year} dues", dated.Status.PAST)
            for s in reversed(dated.history(schedules, on))
        ],
    }


def _schedule(
    model: SiteModel, schedule: DuesSchedule, label: str, status: dated.Status
) -> dict[str, Any]:
    rules = model.rules
    currency = rules.dues.currency
    rows = []
    for category in sorted(rules.categories, key=lambda c: (c.order, c.id)):
        if category.id not in schedule.amounts:
            continue
        rows.append(
            {
                "id": category.id,
                "name": category.name,
                "uri": category_uri(category.id),
                "display": display(schedule.amounts[category.id], currency),
                "rates": [_rate(model, r, currency) for r in dues.rate_amounts(category, schedule)],
            }
        )
    return {**_schedule_head(model, schedule, label, status), "rows": rows}


def _schedule_head(
    model: SiteModel, schedule: DuesSchedule, label: str, status: dated.Status
) -> dict[str, Any]:
    """What a dues year says of itself, without its rows: a category page needs only this, and
    building every row for every category page made the build quadratic in the categories."""
    rules = model.rules
    hq = rules.association.headquarters.name
    latest = status is dated.Status.LATEST_PUBLISHED
    return {
        "year": schedule.effective.year,
        "effective": schedule.effective,
        "effective_text": long_date(schedule.effective),
        "label": label,
        # What the site knows of a year's dues, and no more: "2022 dues, the latest in our
        # sources; confirm current dues with IPMA Headquarters".
        "full_label": f"{label}; confirm current dues with {hq}" if latest else label,
        "status": status.value,
        "sources": _sources(rules, schedule.reference),
        "verified": schedule.verified,
    }


def _rate(model: SiteModel, rate: dues.RateAmount, currency: str) -> dict[str, Any]:
    return {
        "id": rate.rate.id,
        "label": rate.rate.label,
        "display": display(rate.amount, currency),
        "verified": rate.rate.verified,
        "note": model.text(rate.rate.note),
    }


def _category_dues(model: SiteModel, category: Category) -> dict[str, Any] | None:
    """The category's dues in force on the build date (engine: ``dues.estimate``)."""
    if not category.dues_published:
        return None
    try:
        estimate = dues.estimate(model.rules, category.id, on=model.on)
        pick = dated.in_force(model.rules.dues.schedules, model.on)
    except DuesYearError:
        return None
    currency = model.rules.dues.currency
    schedule = _schedule_head(model, pick.schedule, estimate.label, pick.status)
    return {
        "year": estimate.year,
        "label": estimate.label,
        "full_label": schedule["full_label"],
        "status": estimate.status.value,
        "display": estimate.display,
        "rates": [_rate(model, r, currency) for r in estimate.rates],
        "sources": schedule["sources"],
    }


# --- categories -----------------------------------------------------------------------------------


def _category(model: SiteModel, category: Category) -> dict[str, Any]:
    rules = model.rules
    cited: dict[str, None] = dict.fromkeys(category.source)
    paths = []
    for path in category.paths:
        criteria = []
        for criterion in path.enabled_criteria:
            cited.update(dict.fromkeys(criterion.source))
            criteria.append(
                {
                    "id": criterion.id,
                    "text": model.text(criterion.text),
                    "verified": criterion.verified,
                    "note": model.text(criterion.note),
                }
            )
        paths.append(
            {"id": path.id, "title": path.title or humanize(path.id), "criteria": criteria}
        )
    rights = []
    for right in rules.rights:
        granted = next((r for r in category.rights if r.right == right.id), None)
        if granted is None:
            continue
        cited.update(dict.fromkeys(granted.source))
        rights.append(
            {
                "id": right.id,
                "label": right.label,
                "allowed": granted.allowed.value,
                "allowed_text": ALLOWED_TEXT[granted.allowed],
                "text": model.text(granted.text),
                "verified": granted.verified,
            }
        )
    category_dues = _category_dues(model, category)
    if category_dues is not None:
        cited.update(dict.fromkeys(s["id"] for s in category_dues["sources"]))
    for rate in category.rates:
        cited.update(dict.fromkeys(rate.source))
    every_other = ANY_OTHER in category.excluded_by
    excluders = rules.index.excluders.get(category.id, ())
    return {
        "id": category.id,
        "name": category.name,
        "individual": category.individual,
        "uri": category_uri(category.id),
        "summary": model.text(category.summary),
        "description": model.text(category.description),
        "verified": category.verified,
        "precedence": wording.precedence(category, excluders, every_other),
        "result_note": model.text(category.result_note),
        "paths": paths,
        "duty_rule": duty_rule(model, category),
        "rights": rights,
        "rights_stated": [r for r in rights if r["allowed"] != Allowed.NOT_STATED.value],
        "rights_not_stated": [
            r for r in rights if r["allowed"] == Allowed.NOT_STATED.value and not r["text"]
        ],
        "rights_not_stated_noted": [
            r for r in rights if r["allowed"] == Allowed.NOT_STATED.value and r["text"]
        ],
        "rights_by_id": {r["id"]: r for r in rights},
        "dues": category_dues,
        "dues_published": category.dues_published,
        "apply": [
            {**_link(a.label, a.url, a.url_confirmed), "rate": a.rate} for a in category.apply
        ],
        "sources": [source_json(rules.source(s)) for s in cited if s],
    }


def humanize(identifier: str) -> str:
    """``limited_manager`` → "Limited manager" (a path without a title)."""
    text = identifier.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def duty_rule(model: SiteModel, category: Category) -> list[dict[str, Any]]:
    """The category's requirements on the duty checklist: the texts of its criteria that read the
    checklist, exactly as its page and the quiz state them (the comparison table shows these), with
    whether each is confirmed. Empty when no way into the category depends on duties."""
    checklist = {q.id for q in model.rules.questions if q.kind is QuestionKind.DUTIES}
    found: dict[str, dict[str, Any]] = {}
    for path in category.paths:
        for criterion in path.enabled_criteria:
            if checklist & set(_questions(criterion.condition)):
                text = model.text(criterion.text)
                found.setdefault(text, {"text": text, "verified": criterion.verified})  # type: ignore[index]
    return list(found.values())


def _questions(condition: Condition) -> list[str]:
    return list(condition.questions())


# --- Enterprise -----------------------------------------------------------------------------------


def _enterprise(model: SiteModel) -> dict[str, Any]:
    """The scheme in force in plain words, the worked examples quoted by the engine, and the
    calculator's form (what it asks, from the rules)."""
    rules = model.rules
    currency = rules.dues.currency
    organization = next((c for c in model.categories if c["id"] == rules.enterprise.category), None)
    base = {"description": rules.enterprise.description, "category": organization}
    try:
        pick = dated.in_force(rules.enterprise.schemes, model.on)
    except DuesYearError:
        return {**base, "scheme": None, "examples": [], "form": None, "form_attribute": ""}
    scheme = pick.schedule
    names = {c.id: c.name for c in rules.categories}
    after = [
        {
            "category": category_id,
            "name": names.get(category_id, category_id),
            "phrase": wording.price_phrase(price, names.get(category_id, category_id), currency),
            "further": category_id in scheme.fill_order,
        }
        for category_id, price in scheme.after_places.items()
    ]
    examples = []
    for example in rules.enterprise.examples:
        quote = enterprise.quote(rules, dict(example.counts), dict(example.answers), on=model.on)
        examples.append(
            {
                "title": enterprise.example_title(rules, example.counts, example.name),
                "counts": dict(example.counts),
                "quote": quote.to_json(),
            }
        )
    place = scheme.place_price
    form = enterprise.calculator_form(rules, on=model.on)
    form_json = json.dumps(form, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return {
        **base,
        "scheme": {
            "year": pick.year,
            "label": pick.label("Enterprise pricing"),
            "flat_fee": display(scheme.flat_fee, currency),
            "included_places": scheme.included_places,
            "filled_by": wording.names((names.get(c, c) for c in scheme.fill_order), "or"),
            "place_price": None
            if place.kind is PriceKind.INCLUDED
            else f"plus {wording.price_display(place, currency)} per place",
            "after": after,
            "sources": _sources(rules, scheme.reference),
            "verified": scheme.verified,
        },
        "examples": examples,
        "form": form,
        # The calculator's mount carries its form as an attribute (like the quiz's steps).
        "form_attribute": f'data-ipma-form="{html.escape(form_json, quote=True)}"',
    }


# --- FAQ ------------------------------------------------------------------------------------------


def _faq(model: SiteModel) -> list[dict[str, Any]]:
    """The FAQ's sections: the general one first, then each `group` heading in the order the rules
    first use it; entries in the rules' order."""
    sections: dict[str | None, list[dict[str, Any]]] = {None: []}
    for entry in model.rules.faq:
        sections.setdefault(entry.group, []).append(
            {
                "id": entry.id,
                "question": model.text(entry.question),
                "answer": model.text(entry.answer),
                "sources": _sources(model.rules, entry.source),
                "verified": entry.verified,
            }
        )
    return [
        {"title": title or GENERAL, "entries": entries}
        for title, entries in sections.items()
        if entries
    ]
