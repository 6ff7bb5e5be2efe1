"""Dues by date: in force vs the latest published, upcoming schedules, years without dues."""

from __future__ import annotations

from datetime import date

import pytest

from quiz import dated
from quiz.build.validate import validate as build_rules
from quiz.dues import estimate
from quiz.errors import DuesYearError, NoPublishedDuesError
from tests.engine_helpers import real_rules, rules_data


@pytest.fixture(scope="module")
def rules_with_2024():
    data = rules_data()
    values = data["dues"]["values"]
    first = values[next(iter(values))]
    values["2024-01-01"] = {
        "reference": "seed-categories",
        "amounts": {k: v + 10 for k, v in first["amounts"].items()},
        "rates": {k: v + 10 for k, v in first["rates"].items()},
    }
    return build_rules(data)


def test_dues_in_their_own_year_are_in_force():
    found = estimate(real_rules(), "affiliate", on=date(2022, 3, 1))
    assert (found.year, found.status, found.label) == (2022, dated.Status.IN_FORCE, "2022 dues")


def test_dues_from_an_earlier_year_are_the_latest_published():
    found = estimate(real_rules(), "affiliate", on=date(2025, 3, 1))
    assert found.year == 2022
    assert found.status is dated.Status.LATEST_PUBLISHED
    assert found.label == "2022 dues, the latest in our sources"
    assert found.to_json()["status"] == "latest_published"


def test_a_year_without_dues_raises_naming_the_published_years():
    with pytest.raises(DuesYearError) as caught:
        estimate(real_rules(), "regular", year=2023)
    assert caught.value.published_years == (2022,)
    assert "2023" in str(caught.value) and "2022" in str(caught.value)


def test_a_date_before_any_dues_raises():
    with pytest.raises(DuesYearError):
        estimate(real_rules(), "regular", on=date(2021, 12, 31))


def test_a_special_rate_replaces_the_amount_only_for_categories_that_have_it():
    rules = real_rules()
    regular = rules.category("regular")
    (rate,) = regular.rates
    schedule = rules.dues.schedules[0]
    special = estimate(rules, "regular", on=date(2022, 5, 1), rate=rate.id)
    assert (special.rate, special.amount) == (rate, schedule.rates[f"regular.{rate.id}"])
    assert special.to_json()["rate_label"] == rate.label
    standard = estimate(rules, "regular", on=date(2022, 5, 1))
    assert standard.rate is None and standard.amount == schedule.amounts["regular"]
    assert [r["display"] for r in standard.to_json()["other_rates"]] == ["$220"]
    associate = estimate(rules, "associate", on=date(2022, 5, 1), rate=rate.id)
    assert (associate.rate, associate.amount) == (None, schedule.amounts["associate"])


def test_categories_without_published_dues_raise():
    with pytest.raises(NoPublishedDuesError):
        estimate(real_rules(), "business_partner")


def test_a_future_schedule_is_announced_not_current(rules_with_2024):
    on = date(2023, 6, 1)
    assert estimate(rules_with_2024, "regular", on=on).year == 2022
    upcoming = dated.upcoming(rules_with_2024.dues.schedules, on)
    assert [s.effective.year for s in upcoming] == [2024]
    picked = estimate(rules_with_2024, "regular", on=on, year=2024)
    assert picked.status is dated.Status.UPCOMING
    assert picked.label == "2024 dues, from 2024-01-01"


def test_a_new_year_schedule_takes_over_on_its_date(rules_with_2024):
    before = estimate(rules_with_2024, "regular", on=date(2023, 12, 31))
    after = estimate(rules_with_2024, "regular", on=date(2024, 1, 1))
    assert after.amount == before.amount + 10
    assert after.status is dated.Status.IN_FORCE
    assert [
        s.effective.year for s in dated.history(rules_with_2024.dues.schedules, date(2024, 2, 1))
    ] == [2022]
