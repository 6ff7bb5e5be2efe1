"""Named values behind {{ placeholders }}: one naming scheme for FAQ text, criteria and pages."""

from __future__ import annotations

import pytest

from quiz.build.checks.names import names
from quiz.errors import UnknownValueError
from quiz.values import placeholders, render_text, resolve
from tests.engine_helpers import IN_2022, faq_rule_rules, real_rules


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("dues.year", "2022"),
        ("dues.affiliate", "$165"),
        ("dues.regular.nonprofit", "$220"),
        ("thresholds.regular_min_duties", "5"),
        ("enterprise.flat_fee", "$1,980"),
        ("enterprise.included_places", "10"),
        ("enterprise.after_places.regular", "50%"),
        ("enterprise.after_places.affiliate", "free"),
        ("association.short_name", "IPMA"),
        ("categories.business_partner.name", "Business Partner"),
    ],
)
def test_names_resolve_to_their_display(name, display):
    assert resolve(real_rules(), name, on=IN_2022).display == display


def test_a_per_person_price_displays_as_an_amount():
    assert (
        resolve(faq_rule_rules(), "enterprise.after_places.affiliate", on=IN_2022).display == "$100"
    )


def test_render_text_fills_every_placeholder():
    text = "{{ association.short_name }}: Affiliate {{dues.affiliate}} in {{ dues.year }}."
    assert render_text(real_rules(), text, on=IN_2022) == "IPMA: Affiliate $165 in 2022."


def test_unknown_names_raise():
    with pytest.raises(UnknownValueError):
        render_text(real_rules(), "{{ dues.gold }}")
    with pytest.raises(UnknownValueError):
        resolve(real_rules(), "thresholds")


def test_every_faq_answer_and_criterion_renders_without_placeholders_left():
    rules = real_rules()
    texts = [f.answer for f in rules.faq]
    texts += [c.text for cat in rules.categories for p in cat.paths for c in p.criteria]
    for text in texts:
        rendered = render_text(rules, text, on=IN_2022)
        assert "{{" not in rendered
    assert all(set(placeholders(t)) <= names(rules) for t in texts)


def test_faq_answers_name_prices_instead_of_typing_them():
    rules = real_rules()
    for entry in rules.faq:
        for amount in ("$", "165", "1,980", "1980"):
            assert amount not in entry.answer, (entry.id, amount)
