"""Build the typed model from plain data, collecting *every* problem before raising one error.

Staff edit the rules file by hand; a build that stops at the first mistake makes them fix one line
per run. So every reader here reports and carries on, and `build_rules` raises a single
`RulesValidationError` listing all problems, each with file, line, field path and what was expected:

    rules/membership.yaml:88 dues.values[2023-01-01].amounts.affiliate: expected an amount in USD
    such as 165, got '165 USD'

The data comes from the YAML loader (dates as `datetime.date`, with a `locate` function giving each
field's line) or from the JSON export (dates as ISO strings, no lines).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from . import conditions as cond
from .conditions import COMPARISONS, Condition, Leaf, Op, show
from .errors import Problem, RulesValidationError
from .model import (
    ANY_OTHER,
    Allowed,
    ApplyLink,
    Association,
    Category,
    CategoryKind,
    CategoryRight,
    Criterion,
    Dues,
    DuesSchedule,
    Duty,
    DutyCategory,
    Enterprise,
    EnterpriseExample,
    EnterpriseScheme,
    FaqEntry,
    Headquarters,
    Option,
    Path,
    Policy,
    Price,
    PriceKind,
    Question,
    QuestionKind,
    Rate,
    Right,
    Rules,
    Source,
    Threshold,
)
from .money import cents, to_decimal

SCHEMA_VERSION = 1

Locate = Callable[[tuple], tuple[str | None, int | None]]
"""locate(raw_path) -> (file, line); raw_path holds mapping keys and list indexes."""

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HTML_RE = re.compile(r"<\s*[A-Za-z/!?]")
PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}")
NAME_RE = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")
# https:// and mailto: only; no quotes, angle brackets or backslashes (they end an HTML attribute).
URL_RE = re.compile(r"^(https://|mailto:)[^\s<>\"'`\\]+$")
# Markdown link targets: inline `[text](target)` / `![alt](target)` and reference definitions
# `[label]: target`. Only https:, mailto: or a scheme-less (relative) target may follow.
LINK_TARGET_RE = re.compile(r"\]\(\s*<?([^\s)>]*)|^ {0,3}\[[^\]]+\]:\s*<?(\S*)", re.MULTILINE)
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = ("https", "mailto")

# The duty bands the rules file's comment promises to check (no overlap, no gap):
#   affiliate_max_duties + 1 == associate_min_duties < regular_min_duties
DUTY_BANDS = ("affiliate_max_duties", "associate_min_duties", "regular_min_duties")

# Amounts above this are typing mistakes; below it, every sum the engine makes stays exact in cents.
MAX_AMOUNT = Decimal(1_000_000_000)

_MISSING = object()


class Loc:
    """A field's place: `raw` for locate() (keys and indexes), `text` for the message."""

    __slots__ = ("raw", "text")

    def __init__(self, raw: tuple = (), text: str = ""):
        self.raw = raw
        self.text = text

    def key(self, key: object) -> Loc:
        name = str(key)
        return Loc((*self.raw, key), f"{self.text}.{name}" if self.text else name)

    def item(self, index: object, label: object = None) -> Loc:
        shown = index if label is None else label
        if isinstance(shown, date):
            shown = shown.isoformat()
        return Loc((*self.raw, index), f"{self.text}[{shown}]")

    def sub(self, rel: tuple) -> Loc:
        """A path relative to this one, as the condition parser reports it (keys and indexes)."""
        loc = self
        for part in rel:
            loc = loc.item(part) if isinstance(part, int) else loc.key(part)
        return loc


def build_rules(
    data: object,
    locate: Locate | None = None,
    file: str | None = None,
    *,
    check_answer_space: bool = True,
) -> Rules:
    """The validated `Rules`, or `RulesValidationError` listing every problem found.

    `check_answer_space` also walks every answer set the quiz allows (enumerate.py) to prove each
    individual category can be the outcome; the browser's `load_json` skips it (the build did it).
    """
    builder = _Builder(locate, file)
    rules = builder.build(data)
    if rules is not None and check_answer_space and not builder.problems:
        builder.check_answer_space(rules)
    if builder.problems or rules is None:
        raise RulesValidationError(builder.sorted_problems())
    return rules


class _Builder:
    def __init__(self, locate: Locate | None, file: str | None):
        self.locate = locate
        self.file = file
        self.problems: list[Problem] = []
        self.texts: list[tuple[Loc, str]] = []
        self.source_ids: set[str] = set()
        self.threshold_ids: dict[str, int] = {}
        self.questions: dict[str, Question] = {}
        self.category_locs: dict[str, Loc] = {}
        self.threshold_locs: dict[str, Loc] = {}
        # Value names as the data writes them, valid or not: a placeholder naming a value whose
        # definition is broken is not reported twice (the definition's problem is enough).
        self.written_names: set[str] = set()
        # Questions whose id is fine but whose kind is broken: conditions naming them are not
        # reported as naming an unknown question (the kind's problem is enough).
        self.broken_questions: set[str] = set()

    # --- reporting ---------------------------------------------------------------------------

    def report(self, loc: Loc, message: str) -> None:
        file, line = self.file, None
        if self.locate is not None:
            found_file, line = self.locate(loc.raw)
            file = found_file or file
        self.problems.append(Problem(file, line, loc.text, message))

    def sorted_problems(self) -> list[Problem]:
        """In file order (by line when known), duplicates dropped."""
        unique = list(dict.fromkeys(self.problems))
        return sorted(unique, key=lambda p: (p.line is None, p.line or 0, p.path, p.message))

    # --- generic readers ---------------------------------------------------------------------

    def mapping(
        self,
        value: object,
        loc: Loc,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        what: str = "a mapping",
    ) -> dict | None:
        """A dict with only known keys (typos get a "did you mean") and all required keys."""
        if value is _MISSING:  # a missing section: already reported by its parent
            return None
        if not isinstance(value, dict):
            self.report(loc, f"expected {what}, got {show(value)}")
            return None
        required = tuple(required)
        known = (*required, *optional)
        for key in value:
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.report(
                    loc.key(key),
                    f"unknown key '{key}'{suggestion}: expected one of {', '.join(known)}",
                )
        for key in required:
            if key not in value:
                self.report(loc.key(key), f"missing required field '{key}'")
        return value

    def get(self, data: dict, key: str, loc: Loc, reader: Callable, default=_MISSING, **kw):
        """Read `data[key]` with `reader`; a missing key gives `default` (missing was reported)."""
        if key not in data or (data[key] is None and default is not _MISSING):
            return None if default is _MISSING else default
        return reader(data[key], loc.key(key), **kw)

    def text(self, value: object, loc: Loc, placeholders: bool = True) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.report(loc, f"expected text, got {show(value)}")
            return None
        found = HTML_RE.search(value)
        if found:
            snippet = value[found.start() : found.start() + 20].split(">")[0] + ">"
            self.report(loc, f"text fields are Markdown; HTML is not allowed, found '{snippet}'")
        for match in LINK_TARGET_RE.finditer(value):
            target = match.group(1) if match.group(1) is not None else match.group(2)
            # As a browser reads an href: entities decoded, control characters and spaces dropped.
            scheme = SCHEME_RE.match(re.sub(r"[\x00-\x20]", "", html.unescape(target)).lower())
            if scheme and scheme.group(1) not in SAFE_SCHEMES:
                self.report(
                    loc,
                    "links in text fields may only go to https:// or mailto: addresses, "
                    f"found '{target[:40]}'",
                )
        if placeholders:
            self.texts.append((loc, value))
        elif "{{" in value:
            self.report(loc, "placeholders ({{ ... }}) are not allowed in this field")
        return value.strip()

    def plain(self, value: object, loc: Loc) -> str | None:
        return self.text(value, loc, placeholders=False)

    def url(self, value: object, loc: Loc) -> str | None:
        if not isinstance(value, str) or not URL_RE.match(value):
            self.report(
                loc,
                "expected a URL such as https://www.theipma.org/ (https:// or mailto: only), "
                f"got {show(value)}",
            )
            return None
        return value

    def ident(self, value: object, loc: Loc) -> str | None:
        if not isinstance(value, str) or not ID_RE.match(value):
            self.report(
                loc,
                "expected an id of lowercase letters, digits, '_' or '-' such as "
                f"regular_min_duties, got {show(value)}",
            )
            return None
        return value

    def boolean(self, value: object, loc: Loc) -> bool | None:
        if not isinstance(value, bool):
            self.report(loc, f"expected true or false, got {show(value)}")
            return None
        return value

    def integer(self, value: object, loc: Loc, minimum: int | None = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(loc, f"expected a whole number such as 5, got {show(value)}")
            return None
        if minimum is not None and value < minimum:
            self.report(loc, f"expected a whole number of at least {minimum}, got {show(value)}")
            return None
        return value

    def amount(self, value: object, loc: Loc, example: str = "165") -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.report(loc, f"expected an amount in USD such as {example}, got {show(value)}")
            return None
        amount = to_decimal(value)
        if not amount.is_finite():
            self.report(loc, f"expected an amount in USD such as {example}, got {show(value)}")
            return None
        if amount < 0:
            self.report(loc, f"expected an amount of at least 0, got {show(value)}")
            return None
        if amount > MAX_AMOUNT:
            self.report(loc, f"expected an amount of at most {MAX_AMOUNT:,}, got {show(value)}")
            return None
        if amount != cents(amount):
            self.report(
                loc, f"expected an amount in whole cents such as {example}, got {show(value)}"
            )
            return None
        return amount

    def date_value(self, value: object, loc: Loc) -> date | None:
        if isinstance(value, datetime):
            self.report(loc, f"expected a date such as 2022-01-01, got a date and time ({value})")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.report(loc, f"expected a date such as 2022-01-01, got {show(value)}")
        return None

    def items(self, value: object, loc: Loc, what: str, allow_empty: bool = False) -> list:
        if value is _MISSING:  # a missing section: already reported by its parent
            return []
        if not isinstance(value, list):
            self.report(loc, f"expected a list of {what}, got {show(value)}")
            return []
        if not value and not allow_empty:
            self.report(loc, f"expected at least one of {what}, got an empty list")
        return value

    def item_loc(self, loc: Loc, index: int, item: object) -> Loc:
        label = item.get("id") if isinstance(item, dict) else None
        return loc.item(index, label if isinstance(label, str) and label else index)

    def unique(self, ids: Iterable[tuple[str | None, Loc]], what: str) -> None:
        seen: dict[str, Loc] = {}
        for ident, loc in ids:
            if ident is None:
                continue
            if ident in seen:
                where = seen[ident]
                line = self.locate(where.raw)[1] if self.locate else None
                first = f" (first at line {line})" if line else f" (first at {where.text})"
                self.report(loc.key("id"), f"duplicate {what} id '{ident}'{first}")
            else:
                seen[ident] = loc

    def source_ref(self, value: object, loc: Loc) -> str | None:
        if not isinstance(value, str):
            self.report(loc, f"expected a source id, got {show(value)}")
            return None
        if value not in self.source_ids:
            self.report(loc, f"unknown source '{value}': expected one of {_list(self.source_ids)}")
            return None
        return value

    def verified(self, data: dict, loc: Loc) -> bool:
        return bool(self.get(data, "verified", loc, self.boolean, default=True))

    # --- the file ----------------------------------------------------------------------------

    def build(self, data: object) -> Rules | None:
        root = Loc()
        top_keys = (
            "schema_version",
            "sources",
            "association",
            "duty_groups",
            "thresholds",
            "rights",
            "categories",
            "dues",
            "enterprise",
            "questions",
            "faq",
        )
        top = self.mapping(data, root, required=top_keys, what="a rules mapping")
        if top is None:
            return None
        version = top.get("schema_version")
        if "schema_version" in top and (version != SCHEMA_VERSION or isinstance(version, bool)):
            self.report(
                root.key("schema_version"),
                f"expected schema_version {SCHEMA_VERSION}, got {show(version)}",
            )
        sources = self.sources(top.get("sources", _MISSING), root.key("sources"))
        thresholds = self.thresholds(top.get("thresholds", _MISSING), root.key("thresholds"))
        duty_groups = self.duty_groups(top.get("duty_groups", _MISSING), root.key("duty_groups"))
        rights = self.rights(top.get("rights", _MISSING), root.key("rights"))
        questions = self.question_list(top.get("questions", _MISSING), root.key("questions"))
        association = self.association(top.get("association", _MISSING), root.key("association"))
        categories = self.categories(
            top.get("categories", _MISSING), root.key("categories"), {r.id for r in rights}
        )
        dues = self.dues(top.get("dues", _MISSING), root.key("dues"), categories)
        enterprise = self.enterprise(
            top.get("enterprise", _MISSING), root.key("enterprise"), categories, dues
        )
        faq = self.faq(top.get("faq", _MISSING), root.key("faq"))
        self.check_placeholders(thresholds, categories, dues, enterprise)
        self.check_bands(thresholds, root.key("thresholds"))
        if self.problems or None in (association, dues, enterprise):
            return None
        return Rules(
            schema_version=SCHEMA_VERSION,
            association=association,
            sources=tuple(sources),
            duty_groups=tuple(duty_groups),
            thresholds=tuple(thresholds),
            rights=tuple(rights),
            categories=tuple(categories),
            dues=dues,
            enterprise=enterprise,
            questions=tuple(questions),
            faq=tuple(faq),
        )

    def sources(self, value: object, loc: Loc) -> list[Source]:
        found: list[Source] = []
        ids = []
        for i, item in enumerate(self.items(value, loc, "sources")):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(item, iloc, ("id", "title", "url"), ("verified",))
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            title = self.get(data, "title", iloc, self.plain)
            url = self.get(data, "url", iloc, self.url)
            if ident:
                self.source_ids.add(ident)
            if ident and title and url:
                found.append(Source(ident, title, url, self.verified(data, iloc)))
        self.unique(ids, "source")
        return found

    def thresholds(self, value: object, loc: Loc) -> list[Threshold]:
        found: list[Threshold] = []
        ids = []
        for i, item in enumerate(self.items(value, loc, "thresholds")):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(item, iloc, ("id", "value", "description", "source"), ("verified",))
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            number = self.get(data, "value", iloc, self.integer)
            description = self.get(data, "description", iloc, self.plain)
            source = self.get(data, "source", iloc, self.source_ref)
            if ident is not None:
                self.threshold_ids[ident] = number
            if None not in (ident, number, description, source):
                found.append(
                    Threshold(ident, number, description, source, self.verified(data, iloc))
                )
        self.unique(ids, "threshold")
        self.threshold_locs = {t: loc for t, loc in ids if t}
        return found

    def duty_groups(self, value: object, loc: Loc) -> list[DutyCategory]:
        found: list[DutyCategory] = []
        group_ids = []
        duty_ids = []
        for i, item in enumerate(self.items(value, loc, "duty groups")):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(item, iloc, ("id", "name", "source", "duties"), ("verified",))
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            group_ids.append((ident, iloc))
            name = self.get(data, "name", iloc, self.plain)
            source = self.get(data, "source", iloc, self.source_ref)
            duties: list[Duty] = []
            dloc = iloc.key("duties")
            raw = self.items(data.get("duties", []), dloc, "duties", allow_empty=True)
            for j, duty in enumerate(raw):
                jloc = self.item_loc(dloc, j, duty)
                ddata = self.mapping(duty, jloc, ("id", "name"))
                if ddata is None:
                    continue
                duty_id = self.get(ddata, "id", jloc, self.ident)
                duty_ids.append((duty_id, jloc))
                duty_name = self.get(ddata, "name", jloc, self.plain)
                if duty_id and duty_name and ident:
                    duties.append(Duty(duty_id, duty_name, ident))
            if None not in (ident, name, source):
                found.append(
                    DutyCategory(ident, name, source, tuple(duties), self.verified(data, iloc))
                )
        self.unique(group_ids, "duty group")
        self.unique(duty_ids, "duty")
        if found and not any(g.duties for g in found):
            self.report(loc, "expected at least one duty in the checklist, got none")
        return found

    def rights(self, value: object, loc: Loc) -> list[Right]:
        found: list[Right] = []
        ids = []
        for i, item in enumerate(self.items(value, loc, "rights")):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(item, iloc, ("id", "label"))
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            label = self.get(data, "label", iloc, self.plain)
            if ident:  # a broken label is reported; category rights naming the id stay valid
                found.append(Right(ident, label or ""))
        self.unique(ids, "right")
        return found

    # --- questions and conditions ---------------------------------------------------------------

    def question_list(self, value: object, loc: Loc) -> list[Question]:
        found: list[Question] = []
        ids = []
        for i, item in enumerate(self.items(value, loc, "questions")):
            iloc = self.item_loc(loc, i, item)
            kind_value = item.get("kind") if isinstance(item, dict) else None
            optional = ["help", "ask_when"]
            if kind_value == QuestionKind.CHOICE:
                optional.append("options")
            elif kind_value == QuestionKind.NUMBER:
                optional += ["min", "max", "unit"]
            elif kind_value == QuestionKind.DUTIES:
                optional.append("none_label")
            else:
                optional += ["options", "min", "max", "unit", "none_label"]
            data = self.mapping(item, iloc, ("id", "kind", "text"), optional)
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            question = self.question(data, iloc, ident)
            if question is not None:
                self.questions.setdefault(question.id, question)
                found.append(question)
        self.unique(ids, "question")
        duties_questions = [q for q in found if q.kind is QuestionKind.DUTIES]
        if len(duties_questions) > 1:
            self.report(loc, "expected at most one duties question (the one checklist)")
        return found

    def question(self, data: dict, loc: Loc, ident: str | None) -> Question | None:
        kind = None
        if "kind" in data:
            try:
                kind = QuestionKind(data["kind"])
            except ValueError:
                self.report(
                    loc.key("kind"),
                    f"expected one of {', '.join(k.value for k in QuestionKind)}, "
                    f"got {show(data['kind'])}",
                )
        text = self.get(data, "text", loc, self.text)
        help_text = self.get(data, "help", loc, self.text, default=None)
        options: list[Option] = []
        minimum = maximum = None
        unit = none_label = None
        if kind is QuestionKind.CHOICE:
            oloc = loc.key("options")
            if "options" not in data:
                self.report(oloc, "missing required field 'options' (a choice question needs them)")
            raw = self.items(data.get("options", _MISSING), oloc, "options")
            option_ids = []
            for j, option in enumerate(raw):
                jloc = self.item_loc(oloc, j, option)
                odata = self.mapping(option, jloc, ("id", "label"), ("help",))
                if odata is None:
                    continue
                option_id = self.get(odata, "id", jloc, self.ident)
                option_ids.append((option_id, jloc))
                label = self.get(odata, "label", jloc, self.text)
                ohelp = self.get(odata, "help", jloc, self.text, default=None)
                if option_id:  # a broken label is reported; conditions naming the id stay valid
                    options.append(Option(option_id, label or "", ohelp))
            self.unique(option_ids, "option")
            if len(raw) == 1:
                self.report(oloc, "expected at least two options, got one")
        elif kind is QuestionKind.NUMBER:
            minimum = self.get(data, "min", loc, self.integer, default=0)
            maximum = self.get(data, "max", loc, self.integer)
            if "max" not in data:
                self.report(
                    loc.key("max"), "missing required field 'max' (a number question needs it)"
                )
            unit = self.get(data, "unit", loc, self.plain, default=None)
            if minimum is not None and maximum is not None and minimum > maximum:
                self.report(
                    loc.key("max"),
                    f"expected max of at least min ({show(minimum)}), got {show(maximum)}",
                )
        elif kind is QuestionKind.DUTIES:
            none_label = self.get(data, "none_label", loc, self.text, default=None)
        ask_when = None
        if "ask_when" in data:
            ask_when = self.condition(data["ask_when"], loc.key("ask_when"), before=True)
            if ask_when is not None and ident is not None and ident in set(ask_when.questions()):
                self.report(loc.key("ask_when"), f"question '{ident}' cannot depend on itself")
        # A question with a broken field is still kept (its problem is reported, so no Rules are
        # built): conditions naming it must not be reported as naming an unknown question.
        if ident is not None and kind is None:
            self.broken_questions.add(ident)
        if ident is None or kind is None:
            return None
        return Question(
            ident,
            kind,
            text or "",
            help_text,
            tuple(options),
            none_label,
            ask_when,
            minimum,
            maximum,
            unit,
        )

    def condition(self, value: object, loc: Loc, before: bool = False) -> Condition | None:
        """Parse and check a condition. `before`: only questions defined earlier may be named."""
        broken = []

        def report(rel: tuple, message: str) -> None:
            broken.append(True)
            self.report(loc.sub(rel), message)

        parsed = cond.parse(value, report)
        if parsed is None:
            return None
        ok = self.check_condition(parsed, value, loc, before)
        return parsed if ok and not broken else None

    def check_condition(self, node: Condition, data: object, loc: Loc, before: bool) -> bool:
        if isinstance(node, cond.Not):
            return self.check_condition(node.item, data["not"], loc.key("not"), before)
        if isinstance(node, cond.AllOf | cond.AnyOf):
            key = "all" if isinstance(node, cond.AllOf) else "any"
            results = [
                self.check_condition(item, data[key][i], loc.key(key).item(i), before)
                for i, item in enumerate(node.items)
            ]
            return all(results)
        return self.check_leaf(node, loc, before)  # type: ignore[arg-type]

    def check_leaf(self, leaf: Leaf, loc: Loc, before: bool) -> bool:
        question = self.questions.get(leaf.question)
        if question is None and leaf.question in self.broken_questions:
            return False  # its kind is broken, which is reported on the question itself
        if question is None:
            where = "defined before this one" if before else "defined in questions"
            self.report(
                loc.key("answer"),
                f"unknown question '{leaf.question}': expected a question id {where} "
                f"({_list(self.questions)})",
            )
            return False
        op = leaf.op
        fits = {
            Op.IN: (QuestionKind.CHOICE,),
            Op.IS: (QuestionKind.YES_NO,),
            Op.AT_LEAST: (QuestionKind.NUMBER, QuestionKind.DUTIES),
            Op.AT_MOST: (QuestionKind.NUMBER, QuestionKind.DUTIES),
            Op.GROUPS_AT_LEAST: (QuestionKind.DUTIES,),
            Op.GROUPS_AT_MOST: (QuestionKind.DUTIES,),
        }[op]
        if question.kind not in fits:
            suggestion = {
                QuestionKind.CHOICE: "in: [option, ...]",
                QuestionKind.YES_NO: "is: true or is: false",
                QuestionKind.NUMBER: "at_least or at_most",
                QuestionKind.DUTIES: "at_least, at_most, groups_at_least or groups_at_most",
            }[question.kind]
            self.report(
                loc.key(op.value),
                f"'{op.value}' does not fit {question.kind.value} question '{question.id}': "
                f"expected {suggestion}",
            )
            return False
        ok = True
        if op is Op.IN:
            known = [o.id for o in question.options]
            for i, option in enumerate(leaf.value):  # type: ignore[arg-type]
                if option not in known:
                    self.report(
                        loc.key("in").item(i),
                        f"unknown option '{option}' of question '{question.id}': "
                        f"expected one of {', '.join(known)}",
                    )
                    ok = False
        elif (
            op in COMPARISONS
            and isinstance(leaf.value, str)
            and leaf.value not in self.threshold_ids
        ):
            self.report(
                loc.key(op.value),
                f"unknown threshold '{leaf.value}': expected a number or one of "
                f"{_list(self.threshold_ids)}",
            )
            ok = False
        return ok

    # --- association ----------------------------------------------------------------------------

    def association(self, value: object, loc: Loc) -> Association | None:
        data = self.mapping(
            value,
            loc,
            (
                "name",
                "short_name",
                "mission",
                "mission_source",
                "who_can_join",
                "who_can_join_source",
                "headquarters",
                "not_eligible_advice",
            ),
            ("policies",),
        )
        if data is None:
            return None
        name = self.get(data, "name", loc, self.plain)
        short = self.get(data, "short_name", loc, self.plain)
        mission = self.get(data, "mission", loc, self.text)
        mission_source = self.get(data, "mission_source", loc, self.source_ref)
        who = self.get(data, "who_can_join", loc, self.text)
        who_source = self.get(data, "who_can_join_source", loc, self.source_ref)
        advice = self.get(data, "not_eligible_advice", loc, self.text)
        hq = None
        hloc = loc.key("headquarters")
        hdata = (
            self.mapping(data.get("headquarters"), hloc, ("name", "url"))
            if ("headquarters" in data)
            else None
        )
        if hdata is not None:
            hq_name = self.get(hdata, "name", hloc, self.plain)
            hq_url = self.get(hdata, "url", hloc, self.url)
            if hq_name and hq_url:
                hq = Headquarters(hq_name, hq_url)
        policies: list[Policy] = []
        ploc = loc.key("policies")
        ids = []
        raw = self.items(data.get("policies", []), ploc, "policies", allow_empty=True)
        for i, item in enumerate(raw):
            iloc = self.item_loc(ploc, i, item)
            pdata = self.mapping(item, iloc, ("id", "text", "source"), ("verified",))
            if pdata is None:
                continue
            ident = self.get(pdata, "id", iloc, self.ident)
            ids.append((ident, iloc))
            text = self.get(pdata, "text", iloc, self.text)
            source = self.get(pdata, "source", iloc, self.source_ref)
            if ident and text and source:
                policies.append(Policy(ident, text, source, self.verified(pdata, iloc)))
        self.unique(ids, "policy")
        values = (name, short, mission, mission_source, who, who_source, hq, advice)
        if None in values:
            return None
        return Association(
            name, short, mission, mission_source, who, who_source, hq, tuple(policies), advice
        )

    # --- categories ---------------------------------------------------------------------------

    def categories(self, value: object, loc: Loc, right_ids: set[str]) -> list[Category]:
        raw = self.items(value, loc, "categories")
        ids = []
        for i, item in enumerate(raw):
            iloc = self.item_loc(loc, i, item)
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str):
                self.category_locs.setdefault(ident, iloc)
            ids.append((ident if isinstance(ident, str) else None, iloc))
        self.unique(ids, "category")
        found: list[Category] = []
        orders: dict[int, str] = {}
        for i, item in enumerate(raw):
            iloc = self.item_loc(loc, i, item)
            category = self.category(item, iloc, right_ids)
            if category is None:
                continue
            if category.order in orders and category.order >= 0:
                self.report(
                    iloc.key("order"),
                    f"duplicate order {category.order} (also '{orders[category.order]}'): "
                    "expected each category to have its own order",
                )
            orders.setdefault(category.order, category.id)
            found.append(category)
        return found

    def category(self, value: object, loc: Loc, right_ids: set[str]) -> Category | None:
        data = self.mapping(
            value,
            loc,
            ("id", "name", "kind", "order", "summary", "description", "source"),
            (
                "paths",
                "excluded_by",
                "rates",
                "rights",
                "apply",
                "dues_published",
                "verified",
            ),
        )
        if data is None:
            return None
        ident = self.get(data, "id", loc, self.ident)
        name = self.get(data, "name", loc, self.plain)
        kind = None
        if "kind" in data:
            try:
                kind = CategoryKind(data["kind"])
            except ValueError:
                self.report(
                    loc.key("kind"),
                    f"expected individual or organization, got {show(data['kind'])}",
                )
        order = self.get(data, "order", loc, self.integer)
        summary = self.get(data, "summary", loc, self.text)
        description = self.get(data, "description", loc, self.text)
        source = self.get(data, "source", loc, self.source_ref)
        published = self.get(data, "dues_published", loc, self.boolean, default=True)

        paths: list[Path] = []
        ploc = loc.key("paths")
        if kind is CategoryKind.INDIVIDUAL and "paths" not in data:
            self.report(ploc, "missing required field 'paths' (an individual category needs one)")
        path_ids = []
        for i, item in enumerate(self.items(data.get("paths", []), ploc, "paths", True)):
            iloc = self.item_loc(ploc, i, item)
            pdata = self.mapping(item, iloc, ("id", "criteria"))
            if pdata is None:
                continue
            path_id = self.get(pdata, "id", iloc, self.ident)
            path_ids.append((path_id, iloc))
            criteria = self.criteria(pdata.get("criteria", _MISSING), iloc.key("criteria"))
            if criteria is not None and not any(c.enabled for c in criteria):
                self.report(iloc.key("criteria"), "expected at least one enabled criterion")
            if path_id and criteria is not None:
                paths.append(Path(path_id, tuple(criteria)))
        self.unique(path_ids, "path")

        excluded: list[str] = []
        eloc = loc.key("excluded_by")
        for i, other in enumerate(
            self.items(data.get("excluded_by", []), eloc, "categories", True)
        ):
            if other == ANY_OTHER or (
                isinstance(other, str) and other in self.category_locs and other != ident
            ):
                excluded.append(other)
            else:
                why = "itself" if other == ident else show(other)
                self.report(
                    eloc.item(i),
                    f"expected a category id or {ANY_OTHER}, got {why} "
                    f"(categories: {_list(self.category_locs)})",
                )

        rates: list[Rate] = []
        rloc = loc.key("rates")
        rate_ids = []
        for i, item in enumerate(self.items(data.get("rates", []), rloc, "rates", True)):
            iloc = self.item_loc(rloc, i, item)
            rdata = self.mapping(item, iloc, ("id", "label", "condition"))
            if rdata is None:
                continue
            rate_id = self.get(rdata, "id", iloc, self.ident)
            rate_ids.append((rate_id, iloc))
            label = self.get(rdata, "label", iloc, self.plain)
            condition = None
            if "condition" in rdata:
                condition = self.condition(rdata["condition"], iloc.key("condition"))
            if rate_id:  # a broken label or condition is reported; dues naming the rate stay valid
                rates.append(Rate(rate_id, label or "", condition))  # type: ignore[arg-type]
        self.unique(rate_ids, "rate")

        rights: list[CategoryRight] = []
        rights_loc = loc.key("rights")
        rights_data = self.mapping(data.get("rights", {}), rights_loc, (), sorted(right_ids))
        for right_id, item in (rights_data or {}).items():
            if right_id not in right_ids:
                continue
            right = self.category_right(right_id, item, rights_loc.key(right_id))
            if right is not None:
                rights.append(right)

        apply: list[ApplyLink] = []
        aloc = loc.key("apply")
        for i, item in enumerate(self.items(data.get("apply", []), aloc, "apply links", True)):
            iloc = aloc.item(i)
            adata = self.mapping(item, iloc, ("label", "url"), ("rate",))
            if adata is None:
                continue
            label = self.get(adata, "label", iloc, self.plain)
            link = self.get(adata, "url", iloc, self.url)
            rate = adata.get("rate")
            if rate is not None and (
                not isinstance(rate, str) or rate not in {r.id for r in rates}
            ):
                self.report(
                    iloc.key("rate"),
                    f"unknown rate {show(rate)}: expected one of this category's rates "
                    f"({_list(r.id for r in rates)})",
                )
            if label and link:
                apply.append(ApplyLink(label, link, rate))

        # Kept with stand-ins for broken fields (their problems are reported, so no Rules are
        # built) so that dues, precedence and Enterprise checks do not report it as unknown.
        if ident is None or kind is None:
            return None
        return Category(
            id=ident,
            name=name or ident,
            kind=kind,
            order=order if order is not None else -1,
            summary=summary or "",
            description=description or "",
            source=source or "",
            paths=tuple(paths),
            excluded_by=tuple(excluded),
            rates=tuple(rates),
            rights=tuple(rights),
            apply=tuple(apply),
            dues_published=published is not False if kind is CategoryKind.INDIVIDUAL else False,
            verified=self.verified(data, loc),
        )

    def criteria(self, value: object, loc: Loc) -> list[Criterion] | None:
        if value is _MISSING:
            return None
        found: list[Criterion] = []
        ids = []
        ok = True
        for i, item in enumerate(self.items(value, loc, "criteria")):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(
                item, iloc, ("id", "text", "condition", "source"), ("enabled", "verified")
            )
            if data is None:
                ok = False
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            text = self.get(data, "text", iloc, self.text)
            source = self.get(data, "source", iloc, self.source_ref)
            enabled = self.get(data, "enabled", iloc, self.boolean, default=True)
            condition = None
            if "condition" in data:
                condition = self.condition(data["condition"], iloc.key("condition"))
            if None in (ident, text, source, condition, enabled):
                ok = False
                continue
            found.append(
                Criterion(ident, text, condition, source, enabled, self.verified(data, iloc))
            )
        self.unique(ids, "criterion")
        return found if ok else None

    def category_right(self, right_id: str, value: object, loc: Loc) -> CategoryRight | None:
        data = self.mapping(value, loc, ("allowed",), ("text", "source", "verified"))
        if data is None or "allowed" not in data:
            return None
        raw = data["allowed"]
        try:
            allowed = Allowed(raw) if isinstance(raw, str) else None
        except ValueError:
            allowed = None
        if allowed is None:
            hint = (
                ' (write "yes" or "no" in quotes: YAML reads them as true/false)'
                if (isinstance(raw, bool))
                else ""
            )
            self.report(
                loc.key("allowed"),
                f"expected one of {', '.join(a.value for a in Allowed)}, got {show(raw)}{hint}",
            )
            return None
        text = self.get(data, "text", loc, self.text, default=None)
        source = self.get(data, "source", loc, self.source_ref, default=None)
        if allowed is not Allowed.NOT_STATED and "source" not in data:
            self.report(loc.key("source"), f"missing required field 'source' (allowed: {raw})")
        return CategoryRight(right_id, allowed, text, source, self.verified(data, loc))

    # --- dues -----------------------------------------------------------------------------------

    def dated_blocks(self, value: object, loc: Loc) -> list[tuple[date, object, Loc]]:
        """`values:` keyed by effective date, sorted by date; bad or duplicate dates reported."""
        if value is _MISSING:
            return []
        if not isinstance(value, dict):
            self.report(
                loc,
                f"expected a mapping of dates (such as 2022-01-01) to values, got {show(value)}",
            )
            return []
        if not value:
            self.report(loc, "expected at least one date, got none")
        found: dict[date, Loc] = {}
        blocks = []
        for key, block in value.items():
            kloc = loc.item(key)
            effective = self.date_value(key, kloc)
            if effective is None:
                continue
            if effective in found:
                self.report(kloc, f"duplicate date {effective.isoformat()}")
                continue
            found[effective] = kloc
            blocks.append((effective, block, kloc))
        return sorted(blocks, key=lambda b: b[0])

    def dues(self, value: object, loc: Loc, categories: list[Category]) -> Dues | None:
        data = self.mapping(value, loc, ("description", "currency", "values"))
        if data is None:
            return None
        description = self.get(data, "description", loc, self.plain)
        currency = data.get("currency")
        if "currency" in data and currency != "USD":
            self.report(loc.key("currency"), f"expected USD, got {show(currency)}")
        published = {c.id for c in categories if c.individual and c.dues_published}
        known = {c.id: c for c in categories}
        rate_names = {f"{c.id}.{r.id}" for c in categories if c.id in published for r in c.rates}
        schedules: list[DuesSchedule] = []
        if isinstance(data.get("values"), dict) and data["values"]:
            # Every date must list these, so they are names placeholders may use.
            self.written_names.update(f"dues.{name}" for name in published | rate_names)
        for effective, block, bloc in self.dated_blocks(
            data.get("values", _MISSING), loc.key("values")
        ):
            bdata = self.mapping(block, bloc, ("reference", "amounts"), ("rates", "verified"))
            if bdata is None:
                continue
            self.written_names.add("dues.year")
            for table in ("amounts", "rates"):
                if isinstance(bdata.get(table), dict):
                    self.written_names.update(f"dues.{key}" for key in bdata[table])
            reference = self.get(bdata, "reference", bloc, self.source_ref)
            amounts = self.amount_table(
                bdata.get("amounts", _MISSING), bloc.key("amounts"), published, known, "amounts"
            )
            rates = self.amount_table(
                bdata.get("rates", {}), bloc.key("rates"), rate_names, known, "rates"
            )
            if reference and amounts is not None and rates is not None:
                schedules.append(
                    DuesSchedule(effective, reference, amounts, rates, self.verified(bdata, bloc))
                )
        if description is None or currency != "USD":
            return None
        return Dues(description, currency, tuple(schedules))

    def amount_table(
        self, value: object, loc: Loc, expected: set[str], known: dict, what: str
    ) -> dict[str, Decimal] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.report(loc, f"expected a mapping of {what} to amounts, got {show(value)}")
            return None
        table: dict[str, Decimal] = {}
        ok = True
        for key, raw in value.items():
            kloc = loc.key(key)
            if key not in expected:
                ok = False
                category = str(key).split(".")[0]
                if what == "rates":
                    reason = (
                        f"expected a category rate such as regular.nonprofit ({_list(expected)})"
                    )
                elif category in known:
                    reason = (
                        f"'{key}' has no published dues (dues_published: false or not individual)"
                    )
                else:
                    reason = f"expected a category id with published dues ({_list(expected)})"
                self.report(kloc, f"unknown {what[:-1]} '{key}': {reason}")
                continue
            amount = self.amount(raw, kloc)
            if amount is None:
                ok = False
            else:
                table[key] = amount
        for key in sorted(expected - set(value)):
            ok = False
            self.report(
                loc.key(key),
                f"missing the amount for {key}: every date lists an amount for each individual "
                "category with published dues and each of their rates",
            )
        return table if ok else None

    # --- enterprise -------------------------------------------------------------------------------

    def enterprise(
        self, value: object, loc: Loc, categories: list[Category], dues: Dues | None
    ) -> Enterprise | None:
        data = self.mapping(value, loc, ("description", "values"), ("examples",))
        if data is None:
            return None
        description = self.get(data, "description", loc, self.plain)
        # Only categories with published dues: a quote compares with the members' individual dues.
        with_dues = {c.id for c in categories if c.individual and c.dues_published}
        priced = with_dues
        schemes: list[EnterpriseScheme] = []
        for effective, block, bloc in self.dated_blocks(
            data.get("values", _MISSING), loc.key("values")
        ):
            self.written_names.update(
                f"enterprise.{n}" for n in ("year", "flat_fee", "included_places", "place_price")
            )
            if isinstance(block, dict) and isinstance(block.get("after_places"), dict):
                self.written_names.update(
                    f"enterprise.after_places.{key}" for key in block["after_places"]
                )
            scheme = self.scheme(effective, block, bloc, priced, with_dues)
            if scheme is not None:
                schemes.append(scheme)
        examples: list[EnterpriseExample] = []
        xloc = loc.key("examples")
        for i, item in enumerate(self.items(data.get("examples", []), xloc, "examples", True)):
            iloc = xloc.item(i)
            xdata = self.mapping(item, iloc, ("name",), (*sorted(priced), "nonprofit"))
            if xdata is None:
                continue
            name = self.get(xdata, "name", iloc, self.plain)
            nonprofit = self.get(xdata, "nonprofit", iloc, self.boolean, default=False)
            counts = {}
            for key in xdata:
                if key in priced:
                    count = self.integer(xdata[key], iloc.key(key))
                    if count is not None:
                        counts[key] = count
            if name and nonprofit is not None:
                examples.append(EnterpriseExample(name, counts, nonprofit))
        if description is None:
            return None
        return Enterprise(description, tuple(schemes), tuple(examples))

    def scheme(
        self, effective: date, block: object, loc: Loc, priced: set[str], with_dues: set[str]
    ) -> EnterpriseScheme | None:
        data = self.mapping(
            block,
            loc,
            (
                "reference",
                "flat_fee",
                "included_places",
                "fill_order",
                "place_price",
                "after_places",
            ),
            ("verified",),
        )
        if data is None:
            return None
        reference = self.get(data, "reference", loc, self.source_ref)
        flat_fee = self.get(data, "flat_fee", loc, self.amount, example="1980")
        places = self.get(data, "included_places", loc, self.integer)
        fill: list[str] = []
        floc = loc.key("fill_order")
        raw_fill = self.items(data.get("fill_order", _MISSING), floc, "category ids")
        for i, item in enumerate(raw_fill):
            if isinstance(item, str) and item in priced and item not in fill:
                fill.append(item)
            else:
                why = "listed twice" if item in fill else f"expected one of {_list(priced)}"
                self.report(floc.item(i), f"unknown category {show(item)} in fill_order: {why}")
        place_price = None
        if "place_price" in data:
            place_price = self.price(data["place_price"], loc.key("place_price"))
            if place_price is not None and place_price.kind is PriceKind.PERCENT_OF_DUES:
                for category in fill:
                    if category not in with_dues:
                        self.report(
                            loc.key("place_price"),
                            f"percent_of_dues needs published dues, and '{category}' has none",
                        )
        after: dict[str, Price] = {}
        aloc = loc.key("after_places")
        adata = self.mapping(data.get("after_places", _MISSING), aloc, (), sorted(priced))
        for key, raw in (adata or {}).items():
            if key not in priced:
                continue
            price = self.price(raw, aloc.key(key))
            if price is None:
                continue
            if price.kind is PriceKind.PERCENT_OF_DUES and key not in with_dues:
                self.report(
                    aloc.key(key), f"percent_of_dues needs published dues, and '{key}' has none"
                )
            after[key] = price
        for category in fill:
            if adata is not None and category not in adata:
                self.report(
                    aloc.key(category),
                    f"missing the price after the places for '{category}' (it is in fill_order)",
                )
        values = (reference, flat_fee, places, place_price)
        if None in values or len(fill) != len(raw_fill) or adata is None:
            return None
        return EnterpriseScheme(
            effective,
            reference,
            flat_fee,
            places,
            tuple(fill),
            place_price,
            after,
            self.verified(data, loc),
        )

    def price(self, value: object, loc: Loc) -> Price | None:
        shape = "expected included, {percent_of_dues: 50} or {per_person: 100}"
        if value == PriceKind.INCLUDED.value:
            return Price(PriceKind.INCLUDED)
        if not isinstance(value, dict) or len(value) != 1:
            self.report(loc, f"{shape}, got {show(value)}")
            return None
        ((key, raw),) = value.items()
        if key == PriceKind.PERCENT_OF_DUES.value:
            pct = self.amount(raw, loc.key(key), example="50")
            if pct is not None and pct > 100:
                self.report(loc.key(key), f"expected a percent from 0 to 100, got {show(raw)}")
                return None
            return None if pct is None else Price(PriceKind.PERCENT_OF_DUES, pct)
        if key == PriceKind.PER_PERSON.value:
            amount = self.amount(raw, loc.key(key), example="100")
            return None if amount is None else Price(PriceKind.PER_PERSON, amount)
        hint = difflib.get_close_matches(str(key), ["percent_of_dues", "per_person"], n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        self.report(loc.key(key), f"unknown key '{key}'{suggestion}: {shape}")
        return None

    # --- FAQ ----------------------------------------------------------------------------------

    def faq(self, value: object, loc: Loc) -> list[FaqEntry]:
        found: list[FaqEntry] = []
        ids = []
        for i, item in enumerate(self.items(value, loc, "FAQ entries", allow_empty=True)):
            iloc = self.item_loc(loc, i, item)
            data = self.mapping(item, iloc, ("id", "question", "answer", "source"), ("verified",))
            if data is None:
                continue
            ident = self.get(data, "id", iloc, self.ident)
            ids.append((ident, iloc))
            question = self.get(data, "question", iloc, self.text)
            answer = self.get(data, "answer", iloc, self.text)
            source = self.get(data, "source", iloc, self.source_ref)
            if None not in (ident, question, answer, source):
                found.append(FaqEntry(ident, question, answer, source, self.verified(data, iloc)))
        self.unique(ids, "FAQ")
        return found

    # --- checks across sections ---------------------------------------------------------------

    def check_placeholders(self, thresholds, categories, dues, enterprise) -> None:
        from .values import known_names

        names = known_names(
            thresholds=[t.id for t in thresholds],
            categories=categories,
            schedules=dues.schedules if dues else (),
            schemes=enterprise.schemes if enterprise else (),
        )
        names |= self.written_names
        names.update(f"thresholds.{t}" for t in self.threshold_locs)
        names.update(f"categories.{c}.name" for c in self.category_locs)
        for loc, text in self.texts:
            for match in PLACEHOLDER_RE.finditer(text):
                name = match.group(1).strip()
                if not NAME_RE.match(name):
                    self.report(
                        loc,
                        f"expected a value name such as {{{{ dues.affiliate }}}}, got "
                        f"'{match.group(0)}'",
                    )
                elif name not in names:
                    close = difflib.get_close_matches(name, sorted(names), n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    self.report(loc, f"unknown value '{{{{ {name} }}}}'{hint}")

    def check_bands(self, thresholds: list[Threshold], loc: Loc) -> None:
        values = {t.id: t.value for t in thresholds}
        if not all(name in values for name in DUTY_BANDS):
            missing = [n for n in DUTY_BANDS if n not in values and n not in self.threshold_ids]
            for name in missing:
                self.report(loc, f"missing threshold '{name}' (the duty bands need it)")
            return
        top, low, regular = (values[n] for n in DUTY_BANDS)
        locs = self.threshold_locs
        if top + 1 != low:
            kind = "overlap" if top + 1 > low else "leave a gap"
            self.report(
                locs["affiliate_max_duties"].key("value"),
                f"Affiliate's band (at most {top} duties) and Associate's (at least {low}) {kind}: "
                "expected affiliate_max_duties + 1 == associate_min_duties, "
                f"got {top} + 1 != {low}",
            )
        if not low < regular:
            self.report(
                locs["associate_min_duties"].key("value"),
                f"expected associate_min_duties ({low}) below regular_min_duties ({regular}): "
                "otherwise Associate's and Regular's duty bands overlap",
            )

    def check_answer_space(self, rules: Rules) -> None:
        """Every individual category must be the outcome of some answer set the quiz allows."""
        # Only the outcome matters here, not the reasons: `outcome` is the cheap part of
        # `classify`. With classify.candidates (a category an answered choice question rules out is
        # never evaluated), each step costs the categories still in play, not all of them, so the
        # walk grows linearly with the categories instead of quadratically.
        from .classify import outcome
        from .enumerate import answer_sets

        reached: set[str | None] = set()
        try:
            for answers in answer_sets(rules):
                category = outcome(rules, answers)
                reached.add(category.id if category else None)
        except Exception as exc:  # a bug in rules the checks above did not foresee
            self.report(Loc(), f"the quiz fails on some answers: {type(exc).__name__}: {exc}")
            return
        for category in rules.individual_categories:
            if category.id not in reached:
                self.report(
                    self.category_locs.get(category.id, Loc()),
                    f"no answers lead to '{category.id}': its criteria can never be met, or "
                    "other categories always take priority (check excluded_by and thresholds)",
                )


def _list(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "none defined"
