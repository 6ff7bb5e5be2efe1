"""Real MkDocs builds of the site into temporary folders, checked in the generated HTML."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from quiz import dated, dues, enterprise
from quiz.build import minify
from quiz.build.pages import TEMPLATES_DIR
from quiz.build.validate import load_rules
from quiz.build.yaml_loader import load_data
from tests.helpers import REPO_ROOT, build_site, engine_manifest
from tests.site_checks import (
    allowed_figures,
    broken_internal_links,
    dollar_figures,
    html_pages,
    inconsistencies,
    page_text,
    section,
    third_party_requests,
    tree_hashes,
)

RULES = REPO_ROOT / "rules" / "membership.yaml"
DOCS = REPO_ROOT / "docs"

pytestmark = pytest.mark.slow


def built_on(site_dir: Path) -> dt.date:
    """The "in force" date the build used (overrides/main.html states it in a meta tag)."""
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<meta name="ipma:in-force-date" content="([\d-]+)">', html)
    assert found, "the home page does not state the build's in-force date"
    return dt.date.fromisoformat(found.group(1))


def text_of(site_dir: Path, key: str) -> str:
    return page_text(html_pages(site_dir)[key].read_text(encoding="utf-8"))


def build_ok(site_dir: Path, **kwargs) -> None:
    result = build_site(site_dir, **kwargs)
    assert result.returncode == 0, result.stderr


def built_then_docs_copy(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A good build (its folder and the hashes of what it wrote), and a copy of docs/ to break."""
    site = tmp_path / "site"
    build_ok(site)
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    return site, tree_hashes(site), docs


def rules_copy(tmp_path: Path, change) -> Path:
    data, _ = load_data(RULES)
    change(data)
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    path = folder / "membership.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- (a) the pages exist and say what they should ------------------------------------------------


def test_built_site_has_a_page_per_category_and_the_summary_pages(built_site):
    rules = load_rules(RULES)
    pages = html_pages(built_site)
    for category in rules.categories:
        key = f"membership/{category.id}/"
        assert key in pages, key
        text = text_of(built_site, key)
        assert f"{category.name} membership" in text
        assert "Sources" in text and "How to apply" in text
    for key in ("", "join/", "membership/compare/", "dues/", "enterprise/", "faq/", "sources/"):
        assert key in pages, key


def test_category_pages_show_the_dues_in_force_with_the_year(built_site):
    rules, on = load_rules(RULES), built_on(built_site)
    for category in rules.categories:
        text = text_of(built_site, f"membership/{category.id}/")
        if not category.dues_published:
            if category.individual:  # (Enterprise's description names its pricing)
                assert "$" not in text
            continue
        estimate = dues.estimate(rules, category.id, on=on)
        assert f"Dues: {estimate.label}" in text
        if estimate.status is dated.Status.LATEST_PUBLISHED:
            assert f"Dues: {estimate.label}; confirm current dues with IPMA Headquarters" in text
        assert f"{estimate.display} USD per calendar year" in text


def test_comparison_is_a_table_with_every_individual_category_and_the_rows_people_scan(built_site):
    rules, on = load_rules(RULES), built_on(built_site)
    html = html_pages(built_site)["membership/compare/"].read_text(encoding="utf-8")
    table = html[html.index('<div class="ipma-compare">') :]
    table = table[: table.index("</table>")]
    head = table[: table.index("</thead>")]
    for category in rules.individual_categories:
        assert f">{category.name}</a></th>" in head
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>", table)
    assert rows[:3] == ["Who it is for", "Dues a year", "Duties needed"], "prices second (issue 13)"
    assert rows[3:] == [r.label for r in rules.rights if r.compare]
    regular = dues.estimate(rules, "regular", on=on)
    assert regular.display in page_text(table)


def test_dues_page_names_the_year_in_force(built_site):
    rules, on = load_rules(RULES), built_on(built_site)
    pick = dated.in_force(rules.dues.schedules, on)
    text = text_of(built_site, "dues/")
    assert pick.label("dues") in text
    footer = text_of(built_site, "")
    assert f"Prices shown: {pick.label('dues')}" in footer


def test_enterprise_page_shows_the_engines_quotes_and_a_calculator_mount(built_site):
    rules, on = load_rules(RULES), built_on(built_site)
    html = html_pages(built_site)["enterprise/"].read_text(encoding="utf-8")
    text = page_text(html)
    assert '<div class="ipma-calculator" data-ipma-calculator data-ipma-form="' in html
    assert "<noscript>" in html
    for example in rules.enterprise.examples:
        quote = enterprise.quote(rules, example.counts, example.answers, on=on)
        block = section(text, enterprise.example_title(rules, example.counts, example.name))
        assert f"Enterprise: {quote.to_json()['enterprise']['display']}" in block
        assert f"Individual dues: {quote.to_json()['individual']['display']}" in block
        assert quote.verdict in block and quote.break_even in block


def test_faq_page_has_every_question_with_rendered_values_and_sources(built_site):
    rules = load_rules(RULES)
    html = html_pages(built_site)["faq/"].read_text(encoding="utf-8")
    for entry in rules.faq:
        assert entry.question in html
    assert "{{" not in page_text(html)
    assert html.count("Source:") + html.count("Sources:") == len(rules.faq)
    text = page_text(html)
    for entry in rules.faq:  # an answer that draws on two sources cites both (issue 11)
        block = section(text, entry.question)
        for source_id in entry.source:
            assert rules.source(source_id).title in block, (entry.id, source_id)


def test_home_page_leads_to_the_quiz(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="md-button md-button--primary" href="quiz/">', html)


# --- (b) every figure comes from the rules --------------------------------------------------------


def test_every_figure_on_every_page_is_one_the_rules_give_for_that_page(built_site):
    allowed = allowed_figures(RULES, built_on(built_site))
    assert inconsistencies(built_site, allowed) == []


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("The Affiliate rate is $149 per year.", "$149 is not a figure the rules give"),
        (
            "Emeritus members were Regular members for three years.",
            "'three years' is not a count the rules give",
        ),
        ("Affiliate members join at no charge.", "'at no charge' (a price of $0)"),
    ],
)
def test_a_figure_typed_into_a_page_fails_the_build_before_site_is_touched(
    tmp_path, typed, problem
):
    """Issue 10: a value typed as digits, as a word or as "no charge" stops the build."""
    site, before, docs = built_then_docs_copy(tmp_path)
    (docs / "typed.md").write_text(f"# Typed\n\n{typed}\n", encoding="utf-8")
    result = build_site(site, config_overrides={"docs_dir": str(docs)})
    assert result.returncode != 0
    assert f"typed.md: {problem}" in result.stderr, result.stderr
    assert tree_hashes(site) == before


def test_a_price_typed_into_a_template_fails_the_build_on_every_page_it_reaches(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    category = (TEMPLATES_DIR / "category.md.j2").read_text(encoding="utf-8")
    typed = category.replace("## How to apply\n", "## How to apply\n\nJoin today for only $99!\n")
    assert typed != category
    (templates / "category.md.j2").write_text(typed, encoding="utf-8")
    result = build_site(
        tmp_path / "site", config_overrides={"plugins": {"ipma": {"templates": str(templates)}}}
    )
    assert result.returncode != 0
    rules = load_rules(RULES)
    for category in rules.categories:
        expected = f"membership/{category.id}.md (generated): $99 is not a figure the rules give"
        assert expected in result.stderr


# --- (c) a new dues year --------------------------------------------------------------------------


def test_a_new_dues_year_replaces_the_current_rates_everywhere_and_the_old_one_is_history(tmp_path):
    old_schedule = load_rules(RULES).dues.schedules[-1]
    new_date = dt.date(old_schedule.effective.year + 1, 1, 1)
    new_key = new_date.isoformat()

    def add_year(data):
        data["sources"].append(
            {"id": "new-dues", "title": "Board-approved dues", "url": data["sources"][0]["url"]}
        )
        values = data["dues"]["values"]
        last = values[max(values)]
        values[new_key] = {
            "reference": "new-dues",
            "amounts": {k: v + 7 for k, v in last["amounts"].items()},
            "rates": {k: v + 7 for k, v in last.get("rates", {}).items()},
        }

    rules_path = rules_copy(tmp_path, add_year)
    site = tmp_path / "site"
    on = new_date.replace(month=6)
    build_ok(
        site, rules_path=rules_path, config_overrides={"plugins": {"ipma": {"on": on.isoformat()}}}
    )
    assert built_on(site) == on
    # The quiz quotes the same year as the pages: the manifest carries the build's date.
    assert engine_manifest(site)[1]["on"] == on.isoformat()

    rules = load_rules(rules_path)
    new = {c: Decimal(v) for c, v in rules.dues.schedules[-1].amounts.items()}
    new |= {k: Decimal(v) for k, v in rules.dues.schedules[-1].rates.items()}
    old = set(old_schedule.amounts.values()) | set(old_schedule.rates.values())
    assert not old & set(new.values())

    # Wherever the current rates appear, they are the new ones.
    for key in (
        "",
        "join/",
        "membership/compare/",
        "faq/",
        "staff-guide/",
        *(f"membership/{c}/" for c in old_schedule.amounts),
    ):
        figures = set(dollar_figures(text_of(site, key)))
        assert not figures & old, f"/{key} still shows old dues {sorted(figures & old)}"
    for category_id, amount in old_schedule.amounts.items():
        text = text_of(site, f"membership/{category_id}/")
        assert f"Dues: {new_date.year} dues" in text
        assert amount + 7 in dollar_figures(text)
    assert set(new.values()) <= set(dollar_figures(text_of(site, "membership/compare/")))

    # On the dues page the old year is only under History.
    dues_text = text_of(site, "dues/")
    before, history = dues_text.split("History", 1)
    assert not set(dollar_figures(before)) & old
    assert old <= set(dollar_figures(history))
    assert f"{old_schedule.effective.year} dues" in history
    assert f"{old_schedule.effective.year} dues" not in before
    assert (
        allowed_figures(rules_path, on)
        and inconsistencies(site, allowed_figures(rules_path, on)) == []
    )


# --- (d) a broken rules file ----------------------------------------------------------------------


def test_broken_rules_fail_the_build_with_file_and_line_and_leave_site_untouched(tmp_path):
    site = tmp_path / "site"
    build_ok(site)
    before = tree_hashes(site)
    assert before

    real = RULES.read_text(encoding="utf-8")
    amount = str(int(load_rules(RULES).dues.schedules[0].amounts["affiliate"]))
    line = next(
        i for i, text in enumerate(real.splitlines(), 1) if text == f"        affiliate: {amount}"
    )
    folder = tmp_path / "rules"
    folder.mkdir()
    broken = folder / "membership.yaml"
    broken.write_text(
        real.replace(f"        affiliate: {amount}\n", f"        affiliate: {amount} USD\n", 1)
    )

    result = build_site(site, rules_path=broken)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert (
        f"membership.yaml:{line} dues.values[2022-01-01].amounts.affiliate: expected an amount"
        in output
    )
    assert tree_hashes(site) == before


def test_an_unknown_placeholder_in_a_docs_page_fails_before_site_is_touched(tmp_path):
    site, before, docs = built_then_docs_copy(tmp_path)
    (docs / "typo.md").write_text("# Typo\n\nThe rate is {{ dues.afiliate }}.\n", encoding="utf-8")

    result = build_site(site, config_overrides={"docs_dir": str(docs)})
    assert result.returncode != 0
    assert "typo.md:3: unknown value 'dues.afiliate'" in result.stderr
    assert "did you mean '{{ dues.affiliate }}'" in result.stderr
    assert tree_hashes(site) == before


def test_the_sites_own_scripts_and_stylesheets_are_served_minified(built_site):
    """Issue 12: a host that compresses nothing sends them as built. Every file of ours under
    docs/javascripts/ and docs/stylesheets/ is esbuild's output for its source (each on its own:
    the modules keep their imports and exports), and smaller."""
    ours = minify.minified_tree(DOCS)
    assert {Path(uri).name for uri in ours} >= {"engine-worker.mjs", "quiz-ui.js", "quiz.css"}
    for uri, content in ours.items():
        assert (built_site / uri).read_bytes() == content, uri
        assert len(content) < len((DOCS / uri).read_bytes()), uri
    total = sum(len(c) for c in ours.values())
    assert total < 0.6 * sum(len((DOCS / uri).read_bytes()) for uri in ours)


def test_a_script_that_cannot_be_minified_fails_the_build_before_site_is_touched(tmp_path):
    site, before, docs = built_then_docs_copy(tmp_path)
    script = docs / "javascripts" / "app.js"
    source = script.read_text(encoding="utf-8")
    script.write_text(source + "\nexport const = ;\n", encoding="utf-8")
    line = source.count("\n") + 2
    result = build_site(site, config_overrides={"docs_dir": str(docs)})
    assert result.returncode != 0
    assert f"{script}:{line}:14: cannot be minified: Expected identifier" in result.stderr, (
        result.stderr
    )
    assert tree_hashes(site) == before


# --- (e) strict build, links ----------------------------------------------------------------------


def test_strict_build_of_the_real_site_has_no_warning(tmp_path):
    result = build_site(tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "WARNING" not in result.stdout


def test_every_internal_href_and_src_resolves_to_a_built_file(built_site):
    assert broken_internal_links(built_site) == []


# --- (f) no third-party requests ------------------------------------------------------------------


def test_built_html_requests_nothing_from_another_host(built_site):
    assert third_party_requests(built_site) == []


def test_the_only_external_links_in_content_go_to_the_association(built_site, site_server):
    rules = load_rules(RULES)
    allowed_hosts = {re.sub(r"^https?://([^/]+).*", r"\1", s.url) for s in rules.sources}
    site_host = re.sub(r"^https?://([^/]+).*", r"\1", site_server)  # built_site's site_url
    # "Made with Material"; `make serve`'s address in the staff guide; the site_url
    allowed_hosts |= {"squidfunk.github.io", "127.0.0.1:8000", site_host}
    found = set()
    for path in html_pages(built_site).values():
        found |= set(re.findall(r'href="https?://([^/"]+)', path.read_text(encoding="utf-8")))
    assert found <= allowed_hosts, found - allowed_hosts
