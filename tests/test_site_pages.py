"""The generated pages' functions, without MkDocs: build date, placeholders, nav, page content."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from quiz import dues, values
from quiz.build import pages, placeholders, site_model
from quiz.build.mkdocs_plugin.config import IpmaConfig
from quiz.build.validate import load_rules
from quiz.build.yaml_loader import load_data
from tests.helpers import REPO_ROOT, load_mkdocs_config

RULES = REPO_ROOT / "rules" / "membership.yaml"
STAFF_GUIDE = REPO_ROOT / "docs" / "staff-guide.md"
ON = dt.date(2022, 6, 1)


@pytest.fixture(scope="module")
def site() -> pages.SiteContent:
    return pages.build_site_content(RULES, on=ON)


def write_rules(tmp_path: Path, change) -> Path:
    """A copy of the real rules file with ``change(data)`` applied (comments are not kept)."""
    data, _ = load_data(RULES)
    change(data)
    path = tmp_path / "membership.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- the build date ----------------------------------------------------------------------------


def test_build_date_prefers_the_plugin_option_then_source_date_epoch_then_today():
    epoch = str(int(dt.datetime(2023, 3, 4, 23, 59, tzinfo=dt.UTC).timestamp()))
    assert pages.build_date(dt.date(2030, 1, 1), {"SOURCE_DATE_EPOCH": epoch}) == dt.date(
        2030, 1, 1
    )
    assert pages.build_date(None, {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2023, 3, 4)
    assert pages.build_date(None, {}) == dt.datetime.now(tz=dt.UTC).date()


def test_a_malformed_source_date_epoch_is_a_clear_error():
    with pytest.raises(pages.SiteError, match="SOURCE_DATE_EPOCH"):
        pages.build_date(None, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_plugin_option_on_accepts_a_bare_yaml_on_key_and_iso_strings():
    config = IpmaConfig()
    config.load_dict(yaml.safe_load("on: 2023-06-01\nrules: rules/membership.yaml"))
    errors, warnings = config.validate()
    assert not errors and not warnings
    assert config.on == dt.date(2023, 6, 1)

    config = IpmaConfig()
    config.load_dict({"on": "2024-01-31"})
    assert not config.validate()[0]
    assert config.on == dt.date(2024, 1, 31)

    config = IpmaConfig()
    config.load_dict({"on": "next year"})
    errors, _ = config.validate()
    assert errors and "2023-06-01" in str(errors[0][1])


# --- placeholders in hand-written pages --------------------------------------------------------


def test_placeholders_are_filled_by_the_engine_outside_code_only(site):
    affiliate = values.resolve(site.rules, "dues.affiliate", on=ON).display
    markdown = (
        "Affiliate: {{ dues.affiliate }}.\n"
        "Literal: \\{{ dues.affiliate }} and `{{ dues.affiliate }}`.\n"
        "```yaml\nanswer: The rate is {{ dues.affiliate }}\n```\n"
    )
    out = site.render_placeholders(markdown, where="docs/x.md")
    assert out.splitlines()[0] == f"Affiliate: {affiliate}."
    assert out.splitlines()[1] == "Literal: {{ dues.affiliate }} and `{{ dues.affiliate }}`."
    assert "answer: The rate is {{ dues.affiliate }}" in out


def test_an_unknown_placeholder_names_the_page_line_and_a_likely_fix(site):
    with pytest.raises(pages.SiteError) as error:
        site.render_placeholders("Fine.\n\nRate: {{ dues.afiliate }}\n", where="docs/x.md")
    message = str(error.value)
    assert message.startswith("docs/x.md:3: ")
    assert "dues.afiliate" in message and "did you mean '{{ dues.affiliate }}'" in message


def test_placeholder_names_lists_only_placeholders_outside_code():
    text = "A {{ dues.year }} `{{ no.code }}`\n```\n{{ no.fence }}\n```\n\\{{ no.escaped }}"
    assert placeholders.names(text) == ["dues.year"]


def test_every_hand_written_docs_page_has_only_known_placeholders(site):
    assert pages.check_docs_placeholders(REPO_ROOT / "docs", site.rules, site.on) == []


# --- generated pages ---------------------------------------------------------------------------


def test_every_category_in_the_rules_gets_a_generated_page_and_a_nav_entry(site):
    ids = [c.id for c in sorted(site.rules.categories, key=lambda c: (c.order, c.id))]
    for category_id in ids:
        assert f"membership/{category_id}.md" in site.pages
    nav = pages.expand_nav(load_mkdocs_config()["nav"], site)
    flat = re.findall(r"membership/([a-z_]+)\.md", str(nav))
    assert [i for i in flat if i != "compare"] == ids


def test_generated_pages_include_home_join_compare_dues_enterprise_faq(site):
    for uri in (
        "index.md",
        "join.md",
        "membership/compare.md",
        "dues.md",
        "enterprise.md",
        "faq.md",
    ):
        assert site.pages[uri].startswith("---\n"), uri


def test_category_page_states_the_engines_dues_and_the_nonprofit_rate(site):
    regular = dues.estimate(site.rules, "regular", on=ON)
    nonprofit = dues.estimate(site.rules, "regular", on=ON, rate="nonprofit")
    page = site.pages["membership/regular.md"]
    assert regular.display in page and nonprofit.display in page
    assert regular.label in page


def test_unverified_items_ask_readers_to_confirm_with_headquarters(site):
    criterion = next(
        c
        for cat in site.rules.categories
        for p in cat.paths
        for c in p.enabled_criteria
        if not c.verified
    )
    category = next(
        c for c in site.rules.categories if any(criterion in p.criteria for p in c.paths)
    )
    page = site.pages[f"membership/{category.id}.md"]
    line = next(line for line in page.splitlines() if criterion.text.split("{{")[0].strip() in line)
    assert "Confirm with IPMA Headquarters" in line


def test_comparison_duties_follow_the_thresholds(tmp_path):
    def change(data):
        for t in data["thresholds"]:
            if t["id"] == "regular_min_duties":
                t["value"] = 7

    rules = load_rules(write_rules(tmp_path, change))
    model = site_model.build_model(rules, ON)
    regular = next(c for c in model.categories if c["id"] == "regular")
    assert regular["duty_rule"][0]["text"].startswith("Responsible for at least 7 of the duties")


def test_faq_answer_follows_the_affiliate_rate_in_the_rules(tmp_path):
    def change(data):
        for schedule in data["dues"]["values"].values():
            schedule["amounts"]["affiliate"] += 12

    changed = pages.build_site_content(write_rules(tmp_path, change), on=ON)
    new = values.resolve(changed.rules, "dues.affiliate", on=ON).display
    old = values.resolve(load_rules(RULES), "dues.affiliate", on=ON).display
    faq = changed.pages["faq.md"]
    assert f"The Affiliate rate is {new} per year" in faq
    assert old not in faq


def test_enterprise_examples_are_the_engines_quotes(site):
    from quiz import enterprise

    page = site.pages["enterprise.md"]
    for example in site.rules.enterprise.examples:
        quote = enterprise.quote(site.rules, example.counts, example.answers, on=ON).to_json()
        title = enterprise.example_title(site.rules, example.counts, example.name)
        assert f"### {title}" in page
        assert f"**Enterprise: {quote['enterprise']['display']}**" in page
        assert f"**Individual dues: {quote['individual']['display']}**" in page
        assert f"**{quote['verdict']}** {quote['break_even']['text']}" in page
    form = html.escape(
        json.dumps(
            enterprise.calculator_form(site.rules, on=ON),
            separators=(",", ":"),
            ensure_ascii=False,
            sort_keys=True,
        ),
        quote=True,
    )
    mount = f'<div class="ipma-calculator" data-ipma-calculator data-ipma-form="{form}"></div>'
    assert mount in page
    assert "<noscript>" in page


def test_a_year_not_started_is_announced_not_current(tmp_path):
    def change(data):
        schedules = data["dues"]["values"]
        last = schedules[max(schedules)]
        schedules["2023-01-01"] = {
            "reference": last["reference"],
            "amounts": {k: v + 10 for k, v in last["amounts"].items()},
            "rates": {k: v + 10 for k, v in last.get("rates", {}).items()},
        }

    site = pages.build_site_content(write_rules(tmp_path, change), on=dt.date(2022, 12, 31))
    assert site.model.dues["current"]["year"] == 2022
    assert [s["year"] for s in site.model.dues["upcoming"]] == [2023]
    assert "## Announced: 2023 dues" in site.pages["dues.md"]
    assert site.theme_context([])["announcements"][0]["text"].startswith("2023 dues take effect on")


# --- the staff guide ---------------------------------------------------------------------------


def test_staff_guide_quotes_of_the_rules_file_are_in_the_real_file():
    guide = STAFF_GUIDE.read_text(encoding="utf-8")
    quotes = re.findall(r'```yaml title="rules/membership.yaml"\n(.*?)```', guide, re.DOTALL)
    assert len(quotes) >= 3
    real = RULES.read_text(encoding="utf-8")
    for quote in quotes:
        assert quote in real, (
            f"the staff guide quotes lines that are not in the rules file:\n{quote}"
        )


def test_staff_guide_error_examples_are_what_the_engine_prints(tmp_path):
    """The guide pastes real messages, line numbers included: they must stay what the engine says
    for the file as it is (a change that moves the lines makes this fail: update the guide)."""
    guide = STAFF_GUIDE.read_text(encoding="utf-8")
    examples = re.findall(r"```text\n(rules/membership\.yaml:\d+ .*?)\n```", guide)
    assert len(examples) == 2
    real = RULES.read_text(encoding="utf-8")
    typos = [
        ("The Affiliate rate is {{ dues.affiliate }}", "The Affiliate rate is {{ dues.afiliate }}"),
        (
            "        affiliate: " + str(_affiliate_amount()) + "\n",
            "        affiliate: " + str(_affiliate_amount()) + " USD\n",
        ),
    ]
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    for (old, new), example in zip(typos, examples, strict=True):
        assert old in real
        broken = rules_dir / "membership.yaml"
        broken.write_text(real.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(pages.SiteError) as error:
            pages.load(broken)
        printed = str(error.value).splitlines()[1]
        printed = printed.replace(str(broken), "rules/membership.yaml")
        assert printed.endswith(example), (printed, example)


def _affiliate_amount() -> int:
    rules = load_rules(RULES)
    return int(rules.dues.schedules[0].amounts["affiliate"])


# --- what every page must say, derived from the rules --------------------------------------------


def _text(site: pages.SiteContent, uri: str) -> str:
    from quiz.build import figures

    return " ".join(figures.markdown_text(site.pages[uri]).split())


def test_every_category_page_says_which_categories_take_priority_over_it(site):
    """Precedence lives in `excluded_by`; every page of a category that has it states it."""
    excluders = site.rules.index.excluders
    with_precedence = [c for c in site.rules.categories if excluders.get(c.id)]
    assert len(with_precedence) >= 3
    for category in with_precedence:
        sentence = values.render_text(site.rules, f"{{{{ categories.{category.id}.precedence }}}}")
        for name in (c.name for c in excluders[category.id]):
            assert name in sentence or "any other" in sentence
        page = _text(site, site_model.category_uri(category.id))
        assert sentence in page, f"{category.id}: no precedence sentence"


def test_a_duty_rule_reads_the_same_on_its_category_page_the_compare_page_and_the_faq(site):
    """One rule, one text: the criterion on the duty checklist, as the rules write it, is what the
    category page, the Compare table and the FAQ all say (issue 11: the Affiliate rule differed)."""
    duty_question = next(q.id for q in site.rules.questions if q.kind.value == "duties")
    checked = 0
    for category in site.rules.categories:
        for path in category.paths:
            for criterion in path.criteria:
                if duty_question not in json.dumps(criterion.condition.to_json()):
                    continue
                text = " ".join(values.render_text(site.rules, criterion.text).split())
                assert text in _text(site, site_model.category_uri(category.id))
                assert text in _text(site, "membership/compare.md")
                checked += 1
                faq_lines = [
                    " ".join(line.split())
                    for line in site.pages["faq.md"].splitlines()
                    if line.startswith(f"- {category.name}: ")
                ]
                assert all(text in line for line in faq_lines)
                if category.id == "affiliate":  # the rule the FAQ had differently (issue 11)
                    assert faq_lines
    assert checked >= 3


def _unconfirmed(rules) -> list[tuple[str, str]]:
    """(where, text) of everything in the model marked `verified: false` that has a text to state:
    found by walking the model, so a field that gains `verified` is walked too."""
    found = []

    def walk(node, where: str) -> None:
        if dataclasses.is_dataclass(node):
            if getattr(node, "verified", True) is False:
                # what a page states of it: its text, else its label, answer or note (a duty
                # area's name is verified, its list is not), else its name
                for name in ("text", "label", "answer", "note", "name", "title"):
                    if isinstance(getattr(node, name, None), str):
                        text = values.render_text(rules, getattr(node, name))
                        found.append((where, " ".join(text.split())))
                        break
            for f in dataclasses.fields(node):
                if f.name != "index":
                    walk(getattr(node, f.name), f"{where}.{f.name}")
        elif isinstance(node, tuple | list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk(rules, "rules")
    return found


def test_every_unconfirmed_rule_is_marked_wherever_a_page_states_it(site):
    """Anything the rules mark `verified: false` (a criterion, a rate, a policy, a duty area, an
    FAQ answer ...) is followed, on every line of every page that states it, by the request to
    confirm it with Headquarters."""
    confirm = f"Confirm with {site.rules.association.headquarters.name}"
    unconfirmed = _unconfirmed(site.rules)
    kinds = {where.rsplit(".", 1)[-1].split("[")[0] for where, _ in unconfirmed}
    assert {"criteria", "rates", "policies"} <= kinds, kinds
    stated_items = [text for _, text in unconfirmed]
    for item in stated_items:
        lines = [
            line
            for markdown in site.pages.values()
            for line in (
                " ".join(re.sub(r"`[^`]*`", "", raw).split()) for raw in markdown.splitlines()
            )
            if item in line
        ]
        if not lines:
            continue  # not stated on any page (a threshold is stated through its criteria)
        # the request in the same table cell, before any other emphasis than bold
        marked = re.compile(re.escape(item) + r"(?:[^*|]|\*\*)*?\*\(" + re.escape(confirm))
        for line in lines:
            assert line.count(item) == len(marked.findall(line)), f"{item!r} unmarked in: {line}"
