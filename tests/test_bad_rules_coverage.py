"""Every field the validator reads has at least one broken example in tests/bad_rules/ (issue 6).

The fields are the validator's own, recorded while it checks the real rules:
- every key `quiz.validate` asks a mapping for (`_Builder.mapping`, the reader every section, entry
  and sub-entry goes through: required and optional keys, used in the real file or not);
- the keys of the amount tables (`_Builder.amount_table`: dues amounts and special rates);
- the price forms (`PriceKind`) at every place a price is read (`_Builder.price`);
- the forms of the condition language (`conditions.Op`, `all`/`any`/`not`, `answer`): one parser
  serves criteria, rates and `ask_when`, so each form is required once, as `(condition).<form>`.

An expected problem (`# expect: LINE PATH :: ...` in a bad file) covers a field when its path,
normalised, names it: indexes and dates → `[*]`; ids the rules define used as mapping keys
(category, right and rate ids) → `*`; a trailing `[*]` dropped (a broken item of a list is a broken
example of the list); a path inside a condition → the condition's field and `(condition).<form>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from quiz import validate
from quiz.conditions import Op
from quiz.model import PriceKind
from quiz.validate import build_rules
from tests.engine_helpers import rules_data
from tests.test_validation import BAD_FILES, expectations

CONDITION_FORMS = ("answer", *(op.value for op in Op), "all", "any", "not")
CONDITION_ROOT = re.compile(r"^(.*?\.(?:condition|ask_when))(?=$|[.\[])(.*)$")
PRICE_FORMS = tuple(kind.value for kind in PriceKind if kind is not PriceKind.INCLUDED)

# Fields without a broken example, each with the reason. Keep it empty: add a bad file instead.
NOT_COVERED: dict[str, str] = {}


@pytest.fixture(scope="module")
def data() -> dict:
    return rules_data()


@pytest.fixture(scope="module")
def dynamic_ids(data) -> tuple[set[str], set[str]]:
    """(ids the rules define that appear as mapping keys, rate names such as regular.nonprofit)."""
    keys = {c["id"] for c in data["categories"]} | {r["id"] for r in data["rights"]}
    rates = {f"{c['id']}.{r['id']}" for c in data["categories"] for r in c.get("rates", [])}
    return keys, rates


def normalise(path: str, dynamic_ids: tuple[set[str], set[str]]) -> set[str]:
    keys, rates = dynamic_ids
    path = re.sub(r"\[[^\]]*\]", "[*]", path)
    for rate in sorted(rates, key=len, reverse=True):
        path = path.replace(f".rates.{rate}", ".rates.*")
    parts = path.split(".")
    for i, part in enumerate(parts[1:], start=1):
        name = part.split("[")[0]
        if name in keys:
            parts[i] = "*" + part[len(name) :]
    path = re.sub(r"(\[\*\])+$", "", ".".join(parts))
    match = CONDITION_ROOT.match(path)
    if match is None:
        return {path}
    root, inside = match.groups()
    forms = re.findall(r"[a-z_]+", inside)
    return {root, f"(condition).{forms[-1]}"} if forms else {root}


@pytest.fixture(scope="module")
def known_fields(data, dynamic_ids) -> set[str]:
    """The field paths the validator reads, normalised (see the module docstring)."""
    recorded: set[str] = set()
    builder = validate._Builder
    mapping, amount_table, price = builder.mapping, builder.amount_table, builder.price

    def record_mapping(self, value, loc, required=(), optional=(), what="a mapping"):
        required, optional = tuple(required), tuple(optional)
        recorded.update(loc.key(key).text for key in (*required, *optional))
        return mapping(self, value, loc, required, optional, what)

    def record_amount_table(self, value, loc, expected, known, what):
        recorded.update(loc.key(key).text for key in expected)
        return amount_table(self, value, loc, expected, known, what)

    def record_price(self, value, loc):
        recorded.update(loc.key(form).text for form in PRICE_FORMS)
        return price(self, value, loc)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builder, "mapping", record_mapping)
        patch.setattr(builder, "amount_table", record_amount_table)
        patch.setattr(builder, "price", record_price)
        build_rules(data, check_answer_space=False)
    fields = set().union(*(normalise(path, dynamic_ids) for path in recorded))
    return fields | {f"(condition).{form}" for form in CONDITION_FORMS}


@pytest.fixture(scope="module")
def covered(dynamic_ids) -> dict[str, list[str]]:
    """Normalised field path → the bad files with an expected problem on it."""
    found: dict[str, list[str]] = {}
    for path in BAD_FILES:
        for _, field, _ in expectations(path):
            for name in normalise(field, dynamic_ids) if field else ():
                found.setdefault(name, []).append(path.stem)
    return found


def leaf_paths(value: object, path: str = "") -> Iterator[str]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            shown = f"[{key}]" if hasattr(key, "isoformat") else f".{key}" if path else str(key)
            yield from leaf_paths(item, path + shown)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaf_paths(item, f"{path}[{index}]")
    else:
        yield path


def test_the_recorded_fields_include_every_field_the_real_rules_file_uses(
    data, dynamic_ids, known_fields
):
    used = set().union(*(normalise(path, dynamic_ids) for path in leaf_paths(data)))
    assert used - known_fields == set()
    assert len(known_fields) > len(used), "optional fields the real file does not use count too"


def test_every_field_the_validator_reads_has_a_broken_example(known_fields, covered):
    missing = sorted(known_fields - set(covered) - set(NOT_COVERED))
    assert not missing, "fields without a file in tests/bad_rules/:\n" + "\n".join(missing)
    assert set(NOT_COVERED) <= known_fields - set(covered), "NOT_COVERED lists a covered field"


def test_the_field_list_covers_every_section_and_form(known_fields):
    """A guard on the recording itself: the sections and the forms the brief names are there."""
    for field in [
        "schema_version",
        "sources[*].url",
        "association.headquarters.url",
        "association.policies[*].verified",
        "duty_groups[*].duties[*].name",
        "thresholds[*].value",
        "rights[*].label",
        "categories[*].paths[*].criteria[*].enabled",
        "categories[*].rates[*].condition",
        "categories[*].rights.*.allowed",
        "categories[*].apply[*].url",
        "categories[*].excluded_by",
        "categories[*].order",
        "categories[*].dues_published",
        "dues.values[*].reference",
        "dues.values[*].amounts.*",
        "dues.values[*].rates.*",
        "enterprise.values[*].fill_order",
        "enterprise.values[*].place_price.per_person",
        "enterprise.values[*].after_places.*.percent_of_dues",
        "enterprise.examples[*].nonprofit",
        "questions[*].ask_when",
        "questions[*].none_label",
        "questions[*].options[*].help",
        "faq[*].verified",
        "(condition).groups_at_most",
        "(condition).not",
    ]:
        assert field in known_fields


HOSTILE = {
    "a <script> tag in a text field": lambda field, fragment: "found '<script>'" in fragment,
    "an <img onerror> tag in a text field": lambda field, fragment: "onerror" in fragment,
    "a javascript: URL in a url field": lambda field, fragment: (
        field.endswith(".url") and "got 'javascript:" in fragment
    ),
    "an http: URL in a url field": lambda field, fragment: (
        field.endswith(".url") and "got 'http://" in fragment
    ),
    "markup closing an attribute in a url field": lambda field, fragment: (
        field.endswith(".url") and "https:// or mailto: only" in fragment
    ),
    "a Markdown link to javascript: in a text field": lambda field, fragment: (
        "addresses, found 'javascript:" in fragment
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_markup_and_links_have_a_bad_rules_example(kind):
    check = HOSTILE[kind]
    assert any(
        check(field, fragment) for path in BAD_FILES for _, field, fragment in expectations(path)
    ), f"no file in tests/bad_rules/ shows {kind}"
