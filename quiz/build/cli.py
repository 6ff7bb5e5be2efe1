"""`python -m quiz` (console script `ipma-quiz`): check, classify, enterprise, export.

    python -m quiz check [RULES]
        Validate the rules (default rules/membership.yaml) against rules/membership.schema.json
        and every check. Exit 0 and print a one-screen summary: categories, dues years (which is
        in force today), Enterprise schemes, questions, FAQ entries, the size of the answer space,
        and the links still pointing at a stand-in address. Exit 1 listing every problem on stderr,
        one per line: `file:line field.path: message`.
    python -m quiz classify [ANSWERS.json | -] [--rules R] [--on DATE]
        Answers JSON (a file, or stdin with - or nothing) → the Result JSON on stdout
        (ARCHITECTURE.md). Bad answers: a message on stderr, exit 2.
    python -m quiz enterprise CATEGORY=N ... [--answer QUESTION=VALUE ...] [--on DATE]
        [--year YEAR] [--rules R]
        → the Enterprise quote JSON: both totals with line items, the cheaper option, break-even.
        e.g. `enterprise regular=12 affiliate=5 --answer nonprofit=true`: category and question
        ids are the rules' own (a wrong one is an error listing the right ones).
    python -m quiz export [--out FILE] [--rules R]
        → the validated rules as the JSON the browser loads (sorted keys, ISO dates).

RULES may be the YAML file or an exported rules JSON (`--rules site/assets/rules.json`); both are
validated the same way (quiz/build/validate.py).
Exit codes: 0 ok, 1 the rules are invalid, 2 bad input (answers, counts, dates, usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from quiz import dated
from quiz.answer_space import count_answer_sets, tie_breaks
from quiz.enterprise import quote
from quiz.errors import AnswerError, DuesYearError, RulesError, RulesValidationError
from quiz.export import to_json
from quiz.model import Rules
from quiz.money import display
from quiz.result import classify

from .validate import load_rules, unconfirmed_links

DEFAULT_RULES = "rules/membership.yaml"

EXIT_OK, EXIT_RULES, EXIT_INPUT = 0, 1, 2


def load(path: str, *, answer_space: bool = False) -> Rules:
    """Validated rules from the YAML file or from an exported rules JSON."""
    return load_rules(path, answer_space=answer_space)


def _json(text: str) -> object:
    """json.loads, with its two non-JSONDecodeError failures turned into plain ValueErrors."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # Python's limit on the digits of an integer
        raise ValueError("a number has too many digits") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2022-06-01, got {text!r}"
        ) from None


def _pair(text: str, form: str) -> tuple[str, str]:
    """NAME=VALUE split at its first '=', or the error that shows the expected `form`."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected {form}, got {text!r}")
    return name, value


def _count(text: str) -> tuple[str, int]:
    """CATEGORY=N, a member count (the engine checks the category and the number)."""
    name, number = _pair(text, "CATEGORY=N such as regular=12")
    try:
        return name, int(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number after {name}=, got {number!r}"
        ) from None


def _answer(text: str) -> tuple[str, object]:
    """QUESTION=VALUE: true/false, a whole number, or an option id (the engine checks it)."""
    name, value = _pair(text, "QUESTION=VALUE such as nonprofit=true")
    words = {"true": True, "yes": True, "false": False, "no": False}
    if value.lower() in words:
        return name, words[value.lower()]
    try:
        return name, int(value)
    except ValueError:
        return name, value


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m quiz",
        description="IPMA membership rules: validate, classify answers, quote Enterprise, export.",
        epilog="Exit codes: 0 ok, 1 the rules are invalid, 2 bad input.",
    )
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="validate the rules and print a summary",
        description="Validate the rules. Exit 0 with a one-screen summary; exit 1 listing every "
        "problem on stderr as `file:line field.path: message`.",
    )
    check.add_argument("rules", nargs="?", default=DEFAULT_RULES, help=f"default {DEFAULT_RULES}")
    check.add_argument("--on", type=_date, help="date for the in-force marker (default today)")

    classify = sub.add_parser(
        "classify",
        help="answers JSON → result JSON",
        description='Classify an answers JSON object such as {"organization": "law_firm", '
        '"duties": ["recruiting"], ...} (file, or - / nothing for stdin). Prints the Result '
        "JSON (outcome, reasons, also_meets, nearest_upgrade, dues, rights, apply, ...). "
        "Bad answers: message on stderr, exit 2.",
    )
    classify.add_argument(
        "answers", nargs="?", default="-", help="answers JSON file, or - for stdin"
    )
    classify.add_argument("--rules", default=DEFAULT_RULES, help="rules YAML or exported JSON")
    classify.add_argument("--on", type=_date, help="date whose dues apply (default today)")

    enterprise = sub.add_parser(
        "enterprise",
        help="member counts → Enterprise quote JSON",
        description="Price an organization's members under Enterprise and individually. Prints "
        "the quote JSON: year, enterprise and individual totals with line items, cheaper, "
        "saving, break_even.",
    )
    enterprise.add_argument(
        "counts",
        nargs="*",
        type=_count,
        metavar="CATEGORY=N",
        help="members by category id, e.g. regular=12 associate=3",
    )
    enterprise.add_argument(
        "--answer",
        action="append",
        type=_answer,
        default=[],
        metavar="QUESTION=VALUE",
        help="an answer that chooses a rate, e.g. nonprofit=true",
    )
    enterprise.add_argument("--on", type=_date, help="date whose pricing applies (default today)")
    enterprise.add_argument("--year", type=int, help="price with this year's published figures")
    enterprise.add_argument("--rules", default=DEFAULT_RULES, help="rules YAML or exported JSON")

    export = sub.add_parser(
        "export",
        help="validated rules → the browser's rules JSON",
        description="Write the validated rules as JSON (sorted keys, ISO dates, amounts as "
        "numbers).",
    )
    export.add_argument("--out", help="write to this file instead of stdout")
    export.add_argument("--rules", default=DEFAULT_RULES, help="rules YAML or exported JSON")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except RulesValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)
        return EXIT_RULES
    except (AnswerError, DuesYearError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except RulesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_RULES


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def cmd_check(args: argparse.Namespace) -> int:
    rules = load(args.rules, answer_space=True)
    on = args.on or dated.today()
    lines = [f"{args.rules}: OK (schema_version {rules.schema_version})"]
    shown = []
    for c in sorted(rules.categories, key=lambda c: c.order):
        notes = [] if c.individual else [c.kind.value]
        if not c.dues_published:
            notes.append("dues not published")
        shown.append(f"{c.name} ({', '.join(notes)})" if notes else c.name)
    lines.append(f"Categories ({len(rules.categories)}): {', '.join(shown)}")
    lines.append(_schedules_line("Dues", rules.dues.schedules, on, _dues_text(rules)))
    lines.append(
        _schedules_line(
            "Enterprise pricing",
            rules.enterprise.schemes,
            on,
            lambda s: f"{display(s.flat_fee)} for up to {s.included_places} places",
        )
    )
    lines.append(f"Questions: {len(rules.questions)}")
    lines.append(f"FAQ entries: {len(rules.faq)}")
    lines.append(
        f"Answer space: {count_answer_sets(rules)} complete answer sets "
        f"({tie_breaks(rules)} decided by category order)"
    )
    if not args.rules.endswith(".json"):
        stand_ins = unconfirmed_links(args.rules)
        if stand_ins:
            lines.append(
                f"Links still pointing at a stand-in address ({len(stand_ins)}; fill in the real "
                "page and set url_confirmed: true):"
            )
            lines.extend(f"  {link}" for link in stand_ins)
    print("\n".join(lines))
    return EXIT_OK


def _dues_text(rules: Rules):
    def text(schedule) -> str:
        names = rules.index.categories
        parts = [f"{names[c].name} {display(a)}" for c, a in schedule.amounts.items()]
        parts += [f"{k} {display(a)}" for k, a in schedule.rates.items()]
        return ", ".join(parts)

    return text


def _schedules_line(title: str, schedules, on: date, describe) -> str:
    try:
        current = dated.in_force(schedules, on)
    except DuesYearError:
        current = None
    rows = []
    for schedule in schedules:
        mark = ""
        if current is not None and schedule is current.schedule:
            mark = f"  <- in force on {on.isoformat()}"
            if current.status is dated.Status.LATEST_PUBLISHED:
                mark += " (the latest in the sources)"
        elif schedule.effective > on:
            mark = "  (upcoming)"
        rows.append(f"  {schedule.effective.isoformat()}: {describe(schedule)}{mark}")
    return f"{title} ({len(schedules)} dated):\n" + "\n".join(rows)


def cmd_classify(args: argparse.Namespace) -> int:
    try:
        if args.answers == "-":
            stream = getattr(sys.stdin, "buffer", None)  # bytes, so bad UTF-8 is ours to report
            text = stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
        else:
            text = Path(args.answers).read_bytes().decode("utf-8")
    except OSError as exc:
        print(f"error: cannot read {args.answers}: {exc.strerror}", file=sys.stderr)
        return EXIT_INPUT
    except UnicodeDecodeError as exc:
        print(
            f"error: answers are not UTF-8 text (byte {exc.start}: {exc.reason})", file=sys.stderr
        )
        return EXIT_INPUT
    try:
        answers = _json(text)
    except ValueError as exc:
        print(f"error: answers are not valid JSON: {exc}", file=sys.stderr)
        return EXIT_INPUT
    rules = load(args.rules)
    _print_json(classify(rules, answers, on=args.on).to_json())
    return EXIT_OK


def cmd_enterprise(args: argparse.Namespace) -> int:
    rules = load(args.rules)
    counts = dict(args.counts)
    answers = dict(args.answer)
    _print_json(quote(rules, counts, answers, on=args.on, year=args.year).to_json())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    rules = load(args.rules, answer_space=True)
    text = json.dumps(to_json(rules), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


_COMMANDS = {
    "check": cmd_check,
    "classify": cmd_classify,
    "enterprise": cmd_enterprise,
    "export": cmd_export,
}
