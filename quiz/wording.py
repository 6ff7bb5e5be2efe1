"""How the engine words what it says: counts, units, lists of names, and sentences about the rules.

Wording only: every number comes from the rules or the answers, and every sentence that states a
rule is built from the rules' own data (a threshold, `excluded_by`, a price), so it changes when
they do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .conditions import Leaf, Op, measure
from .model import Category, Price, PriceKind, Question, QuestionKind
from .money import display

NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
"""The numbers written as words (the site's figure check reads them as figures too)."""

NO_CHARGE = "at no charge"
"""How an `included` price reads in a sentence (the figure check reads it as $0)."""


def words(n: int) -> str:
    """3 → "three"; numbers past twenty stay digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def unit(question: Question, n: int) -> str:
    """A number question's unit for `n` ("1 year", "2 years", "1 person")."""
    many = question.unit or ""
    return (question.unit_one or many) if n == 1 else many


def names(items: Iterable[str], conjunction: str = "and") -> str:
    """["A"] → "A"; ["A", "B", "C"] → "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def precedence(category: Category, excluders: Iterable[Category], every_other: bool) -> str:
    """ "only for those who do not meet the requirements of Regular or Associate membership" (from
    `excluded_by`), or "" when no other category takes priority over `category`."""
    if every_other:
        return "only for those who do not meet the requirements of any other membership category"
    listed = [c.name for c in excluders]
    if not listed:
        return ""
    return f"only for those who do not meet the requirements of {names(listed, 'or')} membership"


def price_display(price: Price, currency: str) -> str:
    """A price in a table cell: "free", "50%", "$100"."""
    if price.kind is PriceKind.INCLUDED:
        return "free"
    if price.kind is PriceKind.PERCENT_OF_DUES:
        return f"{percent(price.value)}%"  # type: ignore[arg-type]
    return display(price.value, currency)  # type: ignore[arg-type]


def price_phrase(price: Price, category_name: str, currency: str) -> str:
    """A price in a sentence: "at no charge", "at 50% of Regular dues", "at $100 each"."""
    if price.kind is PriceKind.INCLUDED:
        return NO_CHARGE
    if price.kind is PriceKind.PERCENT_OF_DUES:
        return f"at {percent(price.value)}% of {category_name} dues"  # type: ignore[arg-type]
    return f"at {display(price.value, currency)} each"  # type: ignore[arg-type]


def percent(value: Decimal) -> str:
    """50 → "50", 12.5 → "12.5"."""
    return format(value.normalize(), "f")


# --- answers and requirements, for a quiz result --------------------------------------------------


def answered(question: Question, answer: object, duty_group: Mapping[str, str], render) -> str:
    """What the person answered to `question`, in words (`render` fills placeholders)."""
    if question.kind is QuestionKind.CHOICE:
        option = question.option(answer)  # type: ignore[arg-type]
        return f"You answered: {render(option.label) if option else answer}."
    if question.kind is QuestionKind.YES_NO:
        return f"You answered {'Yes' if answer else 'No'} to: {render(question.text)}"
    if question.kind is QuestionKind.NUMBER:
        return f"You answered {answer} {unit(question, answer)}.".replace(" .", ".")  # type: ignore[arg-type]
    count = measure(Op.AT_LEAST, answer, duty_group)
    if count == 0:
        return "You ticked none of the duties."
    areas = measure(Op.GROUPS_AT_LEAST, answer, duty_group)
    return (
        f"You ticked {count} {plural(count, 'duty', 'duties')} in {areas} "
        f"{plural(areas, 'area', 'areas')}."
    )


def comparison(leaf: Leaf, question: Question, have: int, need: int, category: Category) -> str:
    """ "You ticked 4 duties; Regular needs at least 5 duties." for a number comparison."""
    if leaf.op in (Op.GROUPS_AT_LEAST, Op.GROUPS_AT_MOST):
        fact = f"Your duties span {have} {plural(have, 'area', 'areas')}"
        needed = plural(need, "area", "areas")
    elif question.kind is QuestionKind.DUTIES:
        fact = f"You ticked {have} {plural(have, 'duty', 'duties')}"
        needed = plural(need, "duty", "duties")
    else:
        fact = f"You answered {have} {unit(question, have)}".rstrip()
        needed = unit(question, need)
    bound = "at least" if leaf.op in (Op.AT_LEAST, Op.GROUPS_AT_LEAST) else "at most"
    return f"{fact}; {category.name} needs {bound} {need} {needed}.".replace("  ", " ")


def duties_and_areas(duties: int, areas: int) -> str:
    """ "three more duties covering two more areas": both shortfalls of the checklist at once."""
    return (
        f"{words(duties)} more {plural(duties, 'duty', 'duties')} covering {words(areas)} more "
        f"{plural(areas, 'area', 'areas')}"
    )


def gap(leaf: Leaf, question: Question, missing: int) -> str:
    """What is missing, counted: "one more duty", "duties in two more areas", "three more years"."""
    if leaf.op is Op.GROUPS_AT_LEAST:
        return f"duties in {words(missing)} more {plural(missing, 'area', 'areas')}"
    if question.kind is QuestionKind.DUTIES:
        return f"{words(missing)} more {plural(missing, 'duty', 'duties')}"
    return f"{words(missing)} more {unit(question, missing)}".rstrip()
