"""JSON in, JSON out: the entry point the browser's Web Worker (and the Node tests) call.

    engine = Engine.from_json(rules_json, on="2022-06-01")
    engine.handle({"id": 7, "method": "next_step", "params": {"answers": {...}}})
      → {"id": 7, "ok": true, "result": ...}
      | {"id": 7, "ok": false, "error": {"type": "AnswerError", "message": "..."}}

`handle` never raises: a worker that throws leaves the page waiting forever, so every failure is a
response. An `Engine` holds the rules and the date it prices on; whoever runs it (the worker, a
test, the CLI) holds the engine, so nothing is kept at module level. An engine made without rules
answers only the `configure` method, for harnesses that speak the protocol alone.

Methods and params:
    configure   {"rules": <rules.json>, "on": "2022-06-01" | null}  → {"configured": true, ...}
    next_step   {"answers": {...}}                                → Step JSON (ARCHITECTURE.md)
    classify    {"answers": {...}}                                → Result JSON
    enterprise  {"counts": {"<category>": 12, ...}, "answers": {"<question>": true}, "year"?: 2022}
                                                                  → Quote JSON
    calculator_form {}                                            → the calculator's fields
    rules_info  {}                                                → association, dues, categories
Every method also takes "on" (an ISO date) to price on another day than the configured one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from . import dated
from .conditions import show
from .enterprise import calculator_form, quote
from .errors import AnswerError, DuesYearError, RequestError, RulesError
from .export import load_json
from .flow import next_step
from .model import Rules
from .result import classify


class Engine:
    """The rules (validated) and the date that decides which dues are in force."""

    def __init__(self, rules: Rules | None = None, on: date | str | None = None):
        self.rules = rules
        self.on = _date(on, "on")

    @classmethod
    def from_json(cls, rules_json: dict, on: date | str | None = None) -> Engine:
        """An engine for the rules export (assets/rules.json); `RulesError` if it is not valid."""
        return cls(load_json(rules_json), on)

    def configure(self, rules_json: dict, on: date | str | None = None) -> None:
        """Take new rules (the export's JSON) for every later request."""
        self.rules = load_json(rules_json)
        self.on = _date(on, "on")

    def handle(self, request: object) -> dict:
        """Answer one request; see the module docstring. Never raises."""
        request_id = request.get("id") if isinstance(request, dict) else None
        try:
            if not isinstance(request, dict):
                raise RequestError("expected a request object {id, method, params}")
            method = request.get("method")
            params = request.get("params") or {}
            if not isinstance(params, dict):
                raise RequestError("expected params to be an object")
            handler = METHODS.get(method) if isinstance(method, str) else None
            if handler is None:
                raise RequestError(
                    f"unknown method {method!r}: expected one of {', '.join(sorted(METHODS))}"
                )
            return {"id": request_id, "ok": True, "result": handler(self, params)}
        except RulesError as exc:
            return _error(request_id, type(exc).__name__, str(exc))
        except RecursionError:
            return _error(request_id, "RequestError", "the request is nested too deeply")
        except Exception as exc:  # a bug: still an answer, so the page can say something went wrong
            return _error(request_id, "InternalError", f"{type(exc).__name__}: {exc}")

    # --- what the methods read -----------------------------------------------------------------

    def configured_rules(self) -> Rules:
        if self.rules is None:
            raise RequestError("the engine has no rules yet: call configure(rules_json) first")
        return self.rules

    def date_for(self, params: dict) -> date | None:
        if params.get("on") is not None:
            return _date(params["on"], "on")
        return self.on


def _error(request_id: object, kind: str, message: str) -> dict:
    return {"id": request_id, "ok": False, "error": {"type": kind, "message": message}}


def _date(value: object, name: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RequestError(f"expected {name} as a date such as 2022-06-01, got {show(value)}")


def _answers(params: dict) -> object:
    answers = params.get("answers", {})
    if answers is None:
        return {}
    return answers


def _configure(engine: Engine, params: dict) -> dict:
    if not isinstance(params.get("rules"), dict):
        raise RequestError("expected params.rules: the rules JSON (assets/rules.json)")
    engine.configure(params["rules"], params.get("on"))
    return {"configured": True, "questions": len(engine.configured_rules().questions)}


def _next_step(engine: Engine, params: dict) -> dict:
    rules = engine.configured_rules()
    return next_step(rules, _answers(params), on=engine.date_for(params)).to_json()


def _classify(engine: Engine, params: dict) -> dict:
    rules = engine.configured_rules()
    return classify(rules, _answers(params), on=engine.date_for(params)).to_json()


def _enterprise(engine: Engine, params: dict) -> dict:
    unknown = set(params) - {"counts", "answers", "on", "year"}
    if unknown:
        shown = ", ".join(sorted(show(key) for key in unknown))
        raise RequestError(f"unknown enterprise params {shown}: expected counts, answers, on, year")
    year = params.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999
    ):
        raise AnswerError("year", f"expected a year such as 2022, got {show(year)}")
    rules = engine.configured_rules()
    counts = params.get("counts", {})
    answers = params.get("answers") or {}
    return quote(rules, counts, answers, on=engine.date_for(params), year=year).to_json()


def _calculator_form(engine: Engine, params: dict) -> dict | None:
    return calculator_form(engine.configured_rules(), on=engine.date_for(params))


def _rules_info(engine: Engine, params: dict) -> dict:  # noqa: ARG001
    """What the page shows around the quiz: names, the dues year and its status, the categories."""
    rules = engine.configured_rules()
    on = engine.date_for(params)
    info: dict = {
        "schema_version": rules.schema_version,
        "on": (on or dated.today()).isoformat(),
        "association": {
            "name": rules.association.name,
            "short_name": rules.association.short_name,
            "headquarters": {
                "name": rules.association.headquarters.name,
                "url": rules.association.headquarters.url,
            },
        },
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind.value,
                "order": c.order,
                "summary": c.summary,
                "dues_published": c.dues_published,
            }
            for c in sorted(rules.categories, key=lambda c: c.order)
        ],
        "questions": len(rules.questions),
    }
    for key, schedules, what in (
        ("dues", rules.dues.schedules, "dues"),
        ("enterprise", rules.enterprise.schemes, "Enterprise pricing"),
    ):
        try:
            pick = dated.in_force(schedules, on)
            info[key] = {"year": pick.year, "status": pick.status.value, "label": pick.label(what)}
        except DuesYearError:
            info[key] = None
    return info


METHODS: dict[str, Callable[[Engine, dict], dict | None]] = {
    "configure": _configure,
    "next_step": _next_step,
    "classify": _classify,
    "enterprise": _enterprise,
    "calculator_form": _calculator_form,
    "rules_info": _rules_info,
}
