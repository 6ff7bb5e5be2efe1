"""`python -m quiz` (console script `ipma-quiz`): check, classify, enterprise, export.

    python -m quiz check [RULES]
        Validate the rules (default rules/membership.yaml). Exit 0 and print a one-screen summary:
        categories, dues years (which is in force today), Enterprise schemes, questions, FAQ
        entries, the size of the answer space. Exit 1 listing every problem on stderr, one per
        line: `file:line field.path: message`.
    python -m quiz classify [ANSWERS.json | -] [--rules R] [--on DATE]
        Answers JSON (a file, or stdin with - or nothing) → the Result JSON on stdout
        (ARCHITECTURE.md). Bad answers: a message on stderr, exit 2.
    python -m quiz enterprise --regular N --associate N --affiliate N [--nonprofit] [--on DATE]
        [--year YEAR] [--rules R]
        → the Enterprise quote JSON: both totals with line items, the cheaper option, break-even.
    python -m quiz export [--out FILE] [--rules R]
        → the validated rules as the JSON the browser loads (sorted keys, ISO dates).

RULES may be the YAML file or an exported rules JSON (`--rules site/assets/rules.json`).
Exit codes: 0 ok, 1 the rules are invalid, 2 bad input (answers, counts, dates, usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from . import dated
from .errors import AnswerError, DuesYearError, RulesError, RulesValidationError
from .model import Rules

DEFAULT_RULES = "rules/membership.yaml"

EXIT_OK, EXIT_RULES, EXIT_INPUT = 0, 1, 2


def load(path: str, *, check_answer_space: bool = False) -> Rules:
    """Rules from YAML (via the build-time loader, imported only here) or from exported JSON."""
    if path.endswith(".json"):
        from .errors import Problem
        from .validate import build_rules

        try:
            data = _json(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise RulesValidationError(
                [Problem(path, None, "", f"cannot read: {exc.strerror}")]
            ) from None
        except json.JSONDecodeError as exc:
            raise RulesValidationError(
                [Problem(path, exc.lineno, "", f"invalid JSON: {exc.msg}")]
            ) from None
        except ValueError as exc:  # too many digits, nested too deeply, not UTF-8
            raise RulesValidationError([Problem(path, None, "", f"invalid JSON: {exc}")]) from None
        return build_rules(data, file=path, check_answer_space=check_answer_space)
    from .build.yaml_loader import load_rules

    return load_rules(path, check_answer_space=check_answer_space)


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


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected at least 0, got {value}")
    return value


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
    for name in ("regular", "associate", "affiliate"):
        enterprise.add_argument(f"--{name}", type=_count, default=0, metavar="N")
    enterprise.add_argument(
        "--nonprofit", action="store_true", help="Regular members at the non-profit rate"
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
    from .enumerate import count_answer_sets, tie_breaks
    from .money import display

    rules = load(args.rules, check_answer_space=True)
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
    print("\n".join(lines))
    return EXIT_OK


def _dues_text(rules: Rules):
    from .money import display

    def text(schedule) -> str:
        names = rules.index["categories"]
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
                mark += " (the latest published)"
        elif schedule.effective > on:
            mark = "  (upcoming)"
        rows.append(f"  {schedule.effective.isoformat()}: {describe(schedule)}{mark}")
    return f"{title} ({len(schedules)} dated):\n" + "\n".join(rows)


def cmd_classify(args: argparse.Namespace) -> int:
    from .classify import classify

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
    from .enterprise import quote

    rules = load(args.rules)
    counts = {
        "regular": args.regular,
        "associate": args.associate,
        "affiliate": args.affiliate,
        "nonprofit": args.nonprofit,
    }
    _print_json(quote(rules, counts, on=args.on, year=args.year).to_json())
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .export import to_json

    rules = load(args.rules, check_answer_space=True)
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
