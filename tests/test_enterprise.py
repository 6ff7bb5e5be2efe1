"""Enterprise quotes beyond the case table: cents, break-even text, bad counts."""

from __future__ import annotations

from datetime import date

import pytest

from quiz.build.validate import validate as build_rules
from quiz.enterprise import quote
from quiz.errors import AnswerError, DuesYearError
from tests.engine_helpers import IN_2022, real_rules, rules_data


def test_half_of_an_odd_amount_keeps_its_cents():
    data = rules_data()
    schedule = data["dues"]["values"][next(iter(data["dues"]["values"]))]
    schedule["amounts"]["regular"] = 221
    rules = build_rules(data)
    result = quote(rules, {"regular": 11}, on=IN_2022).to_json()
    further = [
        line for line in result["enterprise"]["lines"] if line["count"] == 1 and line["unit"]
    ]
    assert further[-1]["unit"] == 110.5
    assert further[-1]["unit_display"] == "$110.50"
    assert result["enterprise"]["total"] == 1980 + 110.5
    assert result["enterprise"]["display"] == "$2,090.50"


def test_break_even_is_found_by_scanning_regular_counts():
    rules = real_rules()
    text = quote(rules, {"regular": 1}, on=IN_2022).to_json()["break_even"]["text"]
    assert text == "With the current rates, Enterprise costs less from 5 Regular members."
    for n in (4, 5):
        cheaper = quote(rules, {"regular": n}, on=IN_2022).cheaper
        assert cheaper == ("individual" if n == 4 else "enterprise")


def test_break_even_counts_the_free_members_too():
    result = quote(real_rules(), {"regular": 1, "affiliate": 10}, on=IN_2022)
    assert result.break_even_count == 1
    assert "with 10 Affiliate members" in result.break_even


def test_break_even_says_latest_published_rates_after_their_year():
    text = quote(real_rules(), {"regular": 1}, on=date(2026, 1, 1)).break_even
    assert text.startswith("With the 2022 rates,")


def test_break_even_when_the_discount_never_pays():
    data = rules_data()
    scheme = data["enterprise"]["values"][next(iter(data["enterprise"]["values"]))]
    scheme["after_places"]["regular"] = {"percent_of_dues": 100}
    scheme["flat_fee"] = 5000
    result = quote(build_rules(data), {"regular": 3}, on=IN_2022)
    assert result.break_even_count is None
    assert "never costs less" in result.break_even


def test_break_even_beyond_the_places_is_solved_not_scanned():
    data = rules_data()
    scheme = data["enterprise"]["values"][next(iter(data["enterprise"]["values"]))]
    scheme["flat_fee"] = 9000  # 10 places at $400 = $4,000: pays off only with the discount
    result = quote(build_rules(data), {"regular": 1}, on=IN_2022)
    # individual 400n vs 9000 + 200(n-10): 200n > 7000 → n = 36
    assert result.break_even_count == 36


def test_every_line_amount_is_count_times_unit():
    counts = {"regular": 13, "associate": 2, "affiliate": 1}
    result = quote(real_rules(), counts, {"nonprofit": True}, on=IN_2022)
    for option in (result.enterprise, result.individual):
        for line in option.lines:
            assert line.amount == line.count * line.unit
        assert option.total == sum(line.amount for line in option.lines)


@pytest.mark.parametrize(
    ("counts", "answer"),
    [
        ({"regular": -1}, "regular"),
        ({"regular": "3"}, "regular"),
        ({"academic": 2}, "academic"),
        ({"nonprofit": True}, "nonprofit"),
        ({"regular": 10**9}, "regular"),
    ],
)
def test_bad_counts_are_answer_errors_naming_the_count(counts, answer):
    with pytest.raises(AnswerError) as caught:
        quote(real_rules(), counts, on=IN_2022)
    assert caught.value.answer == answer


def test_bad_answers_are_answer_errors_naming_the_question():
    with pytest.raises(AnswerError) as caught:
        quote(real_rules(), {"regular": 3}, {"nonprofit": "yes"}, on=IN_2022)
    assert caught.value.answer == "nonprofit"


def test_renaming_a_rate_consistently_changes_nothing_a_member_pays():
    """Issue 10: the rate's id was written in code; renamed everywhere in the rules, 12 non-profit
    Regular members were priced at $4,800 instead of $2,640."""
    data = rules_data()
    regular = next(c for c in data["categories"] if c["id"] == "regular")
    regular["rates"][0]["id"] = "reduced"
    for link in regular["apply"]:
        if link.get("rate") == "nonprofit":
            link["rate"] = "reduced"
    block = next(iter(data["dues"]["values"].values()))
    block["rates"] = {"regular.reduced": block["rates"].pop("regular.nonprofit")}
    for entry in data["faq"]:
        entry["answer"] = entry["answer"].replace("dues.regular.nonprofit", "dues.regular.reduced")
    renamed = build_rules(data)
    before = quote(real_rules(), {"regular": 12}, {"nonprofit": True}, on=IN_2022)
    after = quote(renamed, {"regular": 12}, {"nonprofit": True}, on=IN_2022)
    assert after.to_json() == before.to_json()
    assert after.individual.total == 2640


def test_a_year_without_enterprise_pricing_raises():
    with pytest.raises(DuesYearError):
        quote(real_rules(), {"regular": 3}, year=2021)


def test_the_rules_examples_all_price():
    rules = real_rules()
    for example in rules.enterprise.examples:
        assert quote(rules, example.counts, example.answers, on=IN_2022).enterprise.total > 0
