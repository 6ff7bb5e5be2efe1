"""The site's consistency check: every figure a page states is one the rules give for that page.

A price, a count or a rule is written once, in the rules; pages name it with placeholders. A figure
typed into a page, a template or a rules text instead (`$149`, "two years", "at no charge") would
stay the same when the rules change, and contradict them. So the build reads every page as a visitor
reads it and asks the engine which figures that page may state:

* amounts in dollars (`$1,980`), and "no charge" / "free of charge" as $0;
* percentages (`50%`);
* counts of duties, duty areas, years, people, members and places, in digits or in words (one to
  twenty): a count is allowed when a value of that kind gives it (a threshold compared with the
  duty checklist allows a count of duties, a number question's threshold a count of its unit).

The build runs it on every page before MkDocs writes site/ (quiz/build/pages.py); tests run it again
on the built HTML (tests/site_checks.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from quiz import dated, dues, enterprise, values
from quiz.build.checks import names
from quiz.conditions import Op
from quiz.errors import DuesYearError
from quiz.model import PriceKind, QuestionKind, Rules
from quiz.wording import NUMBER_WORDS

DOLLARS = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\d+(?:\.\d{2})?)(?![\d,]*\d)")
NO_CHARGE = re.compile(r"\b(?:at no charge|free of charge|no charge|at no cost)\b", re.IGNORECASE)
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?%")
_WORDS = "|".join(NUMBER_WORDS)
NOUNS = {
    "duty area": "areas",  # "2 duty areas" counts areas, not duties
    "duty areas": "areas",
    "duty": "duties",
    "duties": "duties",
    "area": "areas",
    "areas": "areas",
    "year": "years",
    "years": "years",
    "person": "people",
    "people": "people",
    "member": "members",
    "members": "members",
    "place": "places",
    "places": "places",
}
_NOUN = "|".join(sorted(NOUNS, key=len, reverse=True))
# "5 of the duties", "10 Regular members": digits, at most four words, then the noun.
COUNTS = re.compile(
    rf"(?<![\d,.$])\b(\d+)\s+(?:[A-Za-z][A-Za-z'’-]*\s+){{0,4}}?({_NOUN})\b", re.IGNORECASE
)
# "two years", "one more person": a number word is also an ordinary word ("one of them", "one when
# the person ..."), so it counts only with the noun right after it or after one describing word.
_GLUE = r"(?:the|a|an|of|to|in|on|at|for|and|or|if|when|who|that|which|is|are|was|were|be|it|they)"
WORD_COUNTS = re.compile(
    rf"\b({_WORDS})\s+(?:(?!{_GLUE}\b)[A-Za-z][A-Za-z'’-]*\s+)?({_NOUN})\b", re.IGNORECASE
)


@dataclass
class Allowed:
    """Figures the engine produces for a build date; ``for_page`` picks what a page may state."""

    current: set[Decimal] = field(default_factory=set)
    every_year: set[Decimal] = field(default_factory=set)
    per_category: dict[str, set[Decimal]] = field(default_factory=dict)
    enterprise: set[Decimal] = field(default_factory=set)
    named: set[Decimal] = field(default_factory=set)
    counts: dict[str, set[int]] = field(default_factory=dict)  # noun → counts the rules give
    member_counts: set[int] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)

    def for_page(self, key: str) -> tuple[set[Decimal], dict[str, set[int]], set[Decimal]]:
        """(dollar amounts, counts by noun, percentages) the page at URL path ``key`` may state.

        Counts and percentages: any the rules give, on every page. Amounts: a category page its
        own dues and the values texts can name; the dues page every published year; the
        Enterprise page the engine's quotes of the examples; the FAQ and the staff pages the
        values their placeholders name; any other page (home, comparison, how to join) the dues
        in force."""
        counts = {noun: set(found) for noun, found in self.counts.items()}
        counts["members"] = counts.get("members", set()) | self.member_counts
        counts["places"] = counts.get("places", set()) | self.member_counts
        category = re.fullmatch(r"membership/([^/]+)/", key)
        if category and category.group(1) in self.per_category:
            money = self.per_category[category.group(1)] | self.named
        elif key == "dues/":
            money = self.every_year
        elif key == "enterprise/":
            money = self.enterprise | self.named | self.current
        elif key in {"faq/", "staff-guide/", "rules-reference/"}:
            money = self.named | self.current
        else:
            money = self.current
        return set(money), counts, set(self.percents)


def allowed_figures(rules: Rules, on: date) -> Allowed:
    """Every figure the engine produces from ``rules`` for a build on ``on``."""
    allowed = Allowed()
    for category in rules.categories:
        mine: set[Decimal] = set()
        if category.dues_published:
            try:
                estimate = dues.estimate(rules, category.id, on=on)
                mine.add(estimate.amount)
                mine.update(r.amount for r in estimate.rates)
            except DuesYearError:
                pass
        allowed.per_category[category.id] = mine
        if category.individual:
            allowed.current |= mine
    for schedule in rules.dues.schedules:
        allowed.every_year |= set(schedule.amounts.values()) | set(schedule.rates.values())
    for name in sorted(names.names(rules)):
        try:
            value = values.resolve(rules, name, on=on)
        except Exception:  # a name with no value on this date (no scheme in force yet)
            continue
        if isinstance(value.value, Decimal) and value.display.startswith("$"):
            allowed.named.add(value.value)
        if value.value == PriceKind.INCLUDED.value:
            allowed.named.add(Decimal(0))  # "at no charge"
        if value.display.endswith("%"):
            allowed.percents.add(Decimal(value.display[:-1]))
    allowed.counts = _counts(rules)
    for example in rules.enterprise.examples:
        quote = enterprise.quote(rules, example.counts, example.answers, on=on)
        allowed.enterprise |= {quote.enterprise.total, quote.individual.total, quote.saving}
        for line in (*quote.enterprise.lines, *quote.individual.lines):
            allowed.enterprise |= {line.unit, line.amount}
            allowed.member_counts.add(line.count)
        allowed.member_counts |= set(example.counts.values())
        allowed.member_counts.add(sum(example.counts.values()))
        if quote.break_even_count is not None:
            allowed.member_counts.add(quote.break_even_count)
    try:
        scheme = dated.in_force(rules.enterprise.schemes, on).schedule
        allowed.member_counts.add(scheme.included_places)
        allowed.enterprise.add(scheme.flat_fee)
    except DuesYearError:
        pass
    return allowed


def _counts(rules: Rules) -> dict[str, set[int]]:
    """Counts by noun: each threshold under the noun its comparisons count, each number
    question's range under its unit."""
    found: dict[str, set[int]] = {}
    thresholds = rules.index.thresholds
    for leaf in rules.index.leaves:
        if leaf.op in (Op.IN, Op.IS):
            continue
        question = rules.index.questions[leaf.question]
        number = thresholds[leaf.value] if isinstance(leaf.value, str) else leaf.value
        if leaf.op in (Op.GROUPS_AT_LEAST, Op.GROUPS_AT_MOST):
            noun = "areas"
        elif question.kind is QuestionKind.DUTIES:
            noun = "duties"
        else:
            noun = NOUNS.get((question.unit or "").lower(), "other")
        found.setdefault(noun, set()).add(number)  # type: ignore[arg-type]
    for band in rules.duty_bands:
        for name in (band.min, band.max):
            if name is not None:
                found.setdefault("duties", set()).add(thresholds[name])
    for question in rules.questions:
        if question.kind is QuestionKind.NUMBER:
            noun = NOUNS.get((question.unit or "").lower(), "other")
            found.setdefault(noun, set()).update((question.min or 0, question.max or 0))
    # "2022 dues per calendar year": a dated schedule's year reads like a count of years.
    dated_years = {s.effective.year for s in (*rules.dues.schedules, *rules.enterprise.schemes)}
    found.setdefault("years", set()).update(dated_years)
    return found


def number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS.index(word.lower())


def problems(text: str, allowed: Allowed, key: str, where: str) -> list[str]:
    """Every figure in a page's text that the rules do not give for that page, one line each."""
    money, counts, percents = allowed.for_page(key)
    found = []
    for match in DOLLARS.finditer(text):
        amount = Decimal(match.group(1).replace(",", ""))
        if amount not in money:
            found.append(f"{where}: ${match.group(1)} is not a figure the rules give for this page")
    for match in NO_CHARGE.finditer(text):
        if Decimal(0) not in money:
            found.append(
                f"{where}: '{match.group(0)}' (a price of $0) is not a figure the rules give for "
                "this page"
            )
    for match in PERCENT.finditer(text):
        if Decimal(match.group(1)) not in percents:
            found.append(f"{where}: {match.group(0)} is not a figure the rules give for this page")
    for match in [*COUNTS.finditer(text), *WORD_COUNTS.finditer(text)]:
        noun = NOUNS[match.group(2).lower()]
        if number(match.group(1)) not in counts.get(noun, set()):
            phrase = " ".join(match.group(0).split())
            found.append(f"{where}: '{phrase}' is not a count the rules give for this page")
    return found


# --- a page's text, as a visitor reads it ---------------------------------------------------------

_FENCE = re.compile(r"^( {0,4})(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_ATTRIBUTES = re.compile(r"\{[:.#][^}]*\}|\{ [.#][^}]*\}")


def markdown_text(markdown: str) -> str:
    """The text a visitor reads in a Markdown page: no front matter, code, link targets or tags."""
    text = _FRONT_MATTER.sub("", markdown)
    text = _FENCE.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _TAG.sub(" ", text)
    text = _ATTRIBUTES.sub(" ", text)
    return " ".join(text.replace("|", " | ").split())


def page_key(uri: str) -> str:
    """The URL path a page's source URI is served at ("membership/regular.md" → that page)."""
    if uri == "index.md":
        return ""
    stem = uri[: -len(".md")]
    return stem[: -len("index")] if stem.endswith("/index") else f"{stem}/"
