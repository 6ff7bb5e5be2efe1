"""What the generated pages show, as plain data computed by the engine from the rules.

Templates (quiz/build/templates/) only lay this out: every figure here comes from an engine function
(``dues.estimate``, ``enterprise.quote``, ``values.render_text``) or straight from a validated rules
field, formatted by ``money.display``. Nothing here knows a price, a threshold or a category id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quiz import dated, dues, enterprise, values
from quiz.conditions import AllOf, AnyOf, Condition, Leaf, Not, Op
from quiz.errors import DuesYearError
from quiz.model import Allowed, Category, DuesSchedule, PriceKind, QuestionKind, Rules
from quiz.money import display

ALLOWED_TEXT = {
    Allowed.YES: "Yes",
    Allowed.NO: "No",
    Allowed.WITH_APPROVAL: "With approval",
    Allowed.NOT_STATED: "Not stated",
}

# The rights the comparison table shows, by the rights' ids in the rules file, in this order. A
# right missing from the rules is simply not shown.
COMPARE_RIGHTS = ("vote", "hold_office", "chair", "attend_meetings")


def category_uri(category_id: str) -> str:
    """Site path of a category's generated page (Markdown source URI)."""
    return f"membership/{category_id}.md"


@dataclass
class SiteModel:
    """Everything the templates show; built once per build by ``build_model``."""

    rules: Rules
    on: date
    association: dict[str, Any]
    dues: dict[str, Any]
    categories: list[dict[str, Any]]
    enterprise: dict[str, Any]
    faq: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    duty_groups: list[dict[str, Any]]
    thresholds: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def text(self, text: str) -> str:
        """A rules text with its ``{{ name }}`` placeholders filled for the build date."""
        return values.render_text(self.rules, text, on=self.on)

    def as_context(self) -> dict[str, Any]:
        return {
            "on": self.on,
            "on_text": long_date(self.on),
            "association": self.association,
            "dues": self.dues,
            "categories": self.categories,
            "individual": [c for c in self.categories if c["individual"]],
            "organization": [c for c in self.categories if not c["individual"]],
            "enterprise": self.enterprise,
            "faq": self.faq,
            "sources": self.sources,
            "duty_groups": self.duty_groups,
            "thresholds": self.thresholds,
            "confirm": f"Confirm with {self.rules.association.headquarters.name}",
            "confirm_inline": f"confirm with {self.rules.association.headquarters.name}",
            "compare_rights": [r.id for r in self.rules.rights if r.id in COMPARE_RIGHTS],
            "right_labels": {r.id: r.label for r in self.rules.rights},
            **self.extra,
        }


def long_date(value: date) -> str:
    """1 January 2027: unambiguous for readers on both sides of the Atlantic."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


# --- building -----------------------------------------------------------------------------------


def build_model(rules: Rules, on: date) -> SiteModel:
    """The site's data for a build on ``on`` (the date that decides which dues are in force)."""
    model = SiteModel(
        rules=rules,
        on=on,
        association={},
        dues={},
        categories=[],
        enterprise={},
        faq=[],
        sources=[_source(s) for s in rules.sources],
        duty_groups=[],
        thresholds=[],
    )
    model.association = _association(model)
    model.dues = _dues(model)
    model.categories = [
        _category(model, c) for c in sorted(rules.categories, key=lambda c: (c.order, c.id))
    ]
    model.enterprise = _enterprise(model)
    model.faq = [
        {
            "id": entry.id,
            "question": entry.question,
            "answer": model.text(entry.answer),
            "source": _source_ref(rules, entry.source),
            "verified": entry.verified,
        }
        for entry in rules.faq
    ]
    model.duty_groups = [
        {
            "id": group.id,
            "name": group.name,
            "duties": [d.name for d in group.duties],
            "verified": group.verified,
            "source": _source_ref(rules, group.source),
        }
        for group in rules.duty_groups
    ]
    model.thresholds = [
        {"id": t.id, "value": t.value, "description": t.description, "verified": t.verified}
        for t in rules.thresholds
    ]
    return model


def _source(source) -> dict[str, Any]:
    return {"id": source.id, "title": source.title, "url": source.url, "verified": source.verified}


def _source_ref(rules: Rules, source_id: str | None) -> dict[str, Any] | None:
    if not source_id:
        return None
    return _source(rules.source(source_id))


def _association(model: SiteModel) -> dict[str, Any]:
    a = model.rules.association
    return {
        "name": a.name,
        "short_name": a.short_name,
        "mission": model.text(a.mission),
        "mission_source": _source_ref(model.rules, a.mission_source),
        "who_can_join": model.text(a.who_can_join),
        "who_can_join_source": _source_ref(model.rules, a.who_can_join_source),
        "headquarters": {"name": a.headquarters.name, "url": a.headquarters.url},
        "policies": {
            p.id: {
                "text": model.text(p.text),
                "verified": p.verified,
                "source": _source_ref(model.rules, p.source),
            }
            for p in a.policies
        },
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
        rates = [
            {"label": r.label, "display": display(schedule.rates[key], currency)}
            for r in category.rates
            if (key := f"{category.id}.{r.id}") in schedule.rates
        ]
        rows.append(
            {
                "id": category.id,
                "name": category.name,
                "uri": category_uri(category.id),
                "display": display(schedule.amounts[category.id], currency),
                "rates": rates,
            }
        )
    return {
        "year": schedule.effective.year,
        "effective": schedule.effective,
        "effective_text": long_date(schedule.effective),
        "label": label,
        "status": status.value,
        "rows": rows,
        "reference": _source_ref(rules, schedule.reference),
        "verified": schedule.verified,
    }


def _category_dues(model: SiteModel, category: Category) -> dict[str, Any] | None:
    """The category's dues in force on the build date (engine: ``dues.estimate``)."""
    if not category.dues_published:
        return None
    try:
        standard = dues.estimate(model.rules, category.id, on=model.on)
    except DuesYearError:
        return None
    rates = []
    for rate in category.rates:
        try:
            special = dues.estimate(model.rules, category.id, on=model.on, rate=rate.id)
        except DuesYearError:
            continue
        if special.rate == rate.id:
            rates.append({"id": rate.id, "label": rate.label, "display": special.display})
    return {
        "year": standard.year,
        "label": standard.label,
        "status": standard.status.value,
        "display": standard.display,
        "rates": rates,
    }


# --- categories -----------------------------------------------------------------------------------


def _category(model: SiteModel, category: Category) -> dict[str, Any]:
    rules = model.rules
    cited: dict[str, None] = {category.source: None}
    paths = []
    for path in category.paths:
        criteria = []
        for criterion in path.enabled_criteria:
            cited[criterion.source] = None
            criteria.append({"text": model.text(criterion.text), "verified": criterion.verified})
        paths.append({"id": path.id, "title": humanize(path.id), "criteria": criteria})
    rights = []
    for right in rules.rights:
        granted = next((r for r in category.rights if r.right == right.id), None)
        if granted is None:
            continue
        if granted.source:
            cited[granted.source] = None
        rights.append(
            {
                "id": right.id,
                "label": right.label,
                "allowed": granted.allowed.value,
                "allowed_text": ALLOWED_TEXT[granted.allowed],
                "text": model.text(granted.text) if granted.text else None,
                "verified": granted.verified,
            }
        )
    category_dues = _category_dues(model, category)
    if category_dues is not None:
        schedule = dated.in_force(rules.dues.schedules, model.on).schedule
        cited[schedule.reference] = None
    return {
        "id": category.id,
        "name": category.name,
        "individual": category.individual,
        "uri": category_uri(category.id),
        "summary": model.text(category.summary),
        "description": model.text(category.description),
        "verified": category.verified,
        "paths": paths,
        "duties_needed": duties_needed(rules, category),
        "rights": rights,
        "rights_stated": [r for r in rights if r["allowed"] != Allowed.NOT_STATED.value],
        "rights_not_stated": [r for r in rights if r["allowed"] == Allowed.NOT_STATED.value],
        "rights_by_id": {r["id"]: r for r in rights},
        "dues": category_dues,
        "dues_published": category.dues_published,
        "apply": [
            {"label": link.label, "url": link.url, "rate": link.rate} for link in category.apply
        ],
        "sources": [_source(rules.source(s)) for s in cited if s],
    }


def humanize(identifier: str) -> str:
    """``limited_manager`` → "Limited manager" (path ids name the routes into a category)."""
    text = identifier.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def duties_needed(rules: Rules, category: Category) -> str | None:
    """The duty checklist requirement of a category in a few words, from its conditions.

    Read from the criteria's conditions on the duty-checklist question (``at_least``, ``at_most``,
    ``groups_at_least`` ...), with the numbers taken from the thresholds, so the comparison table
    can never disagree with the eligibility rules. None when no route asks about duties.
    """
    duty_questions = {q.id for q in rules.questions if q.kind is QuestionKind.DUTIES}
    routes: list[str] = []
    other_routes = False
    for path in category.paths:
        parts = [
            text
            for criterion in path.enabled_criteria
            if (text := _describe(criterion.condition, rules, duty_questions))
        ]
        if parts:
            routes.append(", ".join(parts))
        else:
            other_routes = True
    if not routes:
        return None
    text = "; or ".join(dict.fromkeys(routes))
    if other_routes:
        text += " (or another route: see the category page)"
    return text[:1].upper() + text[1:]


def _describe(condition: Condition, rules: Rules, duty_questions: set[str]) -> str | None:
    if isinstance(condition, Leaf):
        if condition.question not in duty_questions:
            return None
        n = (
            rules.threshold(condition.value)
            if isinstance(condition.value, str)
            else condition.value
        )
        unit = "duty" if n == 1 else "duties"
        areas = "area" if n == 1 else "areas"
        return {
            Op.AT_LEAST: f"at least {n} {unit}",
            Op.AT_MOST: f"{n} or fewer {unit}",
            Op.GROUPS_AT_LEAST: f"in at least {n} {areas}",
            Op.GROUPS_AT_MOST: f"in {n} or fewer {areas}",
        }.get(condition.op)
    if isinstance(condition, Not):
        inner = condition.item
        if isinstance(inner, Leaf) and inner.question in duty_questions:
            n = rules.threshold(inner.value) if isinstance(inner.value, str) else inner.value
            if inner.op is Op.GROUPS_AT_LEAST:
                return f"duties in fewer than {n} areas"
            if inner.op is Op.AT_LEAST:
                return f"fewer than {n} duties"
        return None
    if isinstance(condition, AllOf | AnyOf):
        parts = [p for item in condition.items if (p := _describe(item, rules, duty_questions))]
        if not parts:
            return None
        return (" or " if isinstance(condition, AnyOf) else ", ").join(parts)
    return None


# --- Enterprise -----------------------------------------------------------------------------------


def _enterprise(model: SiteModel) -> dict[str, Any]:
    """The scheme in force in plain words, and the worked examples quoted by the engine."""
    rules = model.rules
    currency = rules.dues.currency
    try:
        pick = dated.in_force(rules.enterprise.schemes, model.on)
    except DuesYearError:
        return {"scheme": None, "examples": [], "description": rules.enterprise.description}
    scheme = pick.schedule
    names = {c.id: c.name for c in rules.categories}
    filled = _join([names.get(c, c) for c in scheme.fill_order])
    places_price = _price_words(scheme.place_price, currency, per="place")
    after = []
    for category_id, price in scheme.after_places.items():
        name = names.get(category_id, category_id)
        if price.kind is PriceKind.INCLUDED:
            words = "no charge"
        elif price.kind is PriceKind.PERCENT_OF_DUES:
            words = f"{values.percent_text(price.value)}% of the {name} dues each"
        else:
            words = f"{display(price.value, currency)} each"
        after.append(
            {
                "category": category_id,
                "name": name,
                "words": words,
                "further": category_id in scheme.fill_order,
            }
        )
    examples = []
    for example in rules.enterprise.examples:
        quote = enterprise.quote(rules, dict(example.counts), on=model.on)
        data = quote if isinstance(quote, dict) else quote.to_json()
        examples.append({"name": example.name, "counts": dict(example.counts), "quote": data})
    return {
        "description": rules.enterprise.description,
        "scheme": {
            "year": pick.year,
            "label": pick.label("Enterprise pricing"),
            "flat_fee": display(scheme.flat_fee, currency),
            "included_places": scheme.included_places,
            "filled_by": filled,
            "place_price": places_price,
            "after": after,
            "reference": _source_ref(rules, scheme.reference),
            "verified": scheme.verified,
        },
        "examples": examples,
    }


def _price_words(price, currency: str, per: str) -> str | None:
    if price.kind is PriceKind.INCLUDED:
        return None
    if price.kind is PriceKind.PERCENT_OF_DUES:
        return f"plus {values.percent_text(price.value)}% of the member's dues per {per}"
    return f"plus {display(price.value, currency)} per {per}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
