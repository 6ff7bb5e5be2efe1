"""JSON in, JSON out: the entry point the browser's Web Worker (and the Node tests) call.

    handle({"id": 7, "method": "next_step", "params": {"answers": {...}}})
      → {"id": 7, "ok": true, "result": ...}
      | {"id": 7, "ok": false, "error": {"type": "AnswerError", "message": "..."}}

`handle` never raises: a worker that throws leaves the page waiting forever, so every failure is a
response. Rules are loaded once, by `configure(rules_json)` after the page fetched rules.json (or
by the `configure` method, for harnesses that only speak the protocol).

Methods and params:
    configure   {"rules": <rules.json>, "on": "2022-06-01" | null}  → {"configured": true, ...}
    next_step   {"answers": {...}}                                → Step JSON (ARCHITECTURE.md)
    classify    {"answers": {...}}                                → Result JSON
    enterprise  {"regular": 12, "associate": 2, "affiliate": 5, "nonprofit": false, "year"?: 2022}
                                                                  → Quote JSON
    rules_info  {}                                                → association, dues, categories
Every method also takes "on" (an ISO date) to price on another day than the configured one.
"""

from __future__ import annotations

from datetime import date

from . import dated
from .classify import classify, next_step
from .conditions import show
from .enterprise import quote
from .errors import AnswerError, DuesYearError, RequestError, RulesError
from .export import load_json
from .model import Rules

_STATE: dict = {"rules": None, "on": None}


def configure(rules_json: dict, on: date | str | None = None) -> Rules:
    """Validate and keep the rules (the export's JSON) for every later request."""
    rules = load_json(rules_json)
    return configure_rules(rules, on)


def configure_rules(rules: Rules, on: date | str | None = None) -> Rules:
    """Keep already-built rules (CPython callers that loaded the YAML themselves)."""
    _STATE["rules"] = rules
    _STATE["on"] = _date(on, "on")
    return rules


def handle(request: object) -> dict:
    """Answer one request; see the module docstring. Never raises."""
    request_id = request.get("id") if isinstance(request, dict) else None
    try:
        if not isinstance(request, dict):
            raise RequestError("expected a request object {id, method, params}")
        method = request.get("method")
        params = request.get("params") or {}
        if not isinstance(params, dict):
            raise RequestError("expected params to be an object")
        handler = _METHODS.get(method) if isinstance(method, str) else None
        if handler is None:
            raise RequestError(
                f"unknown method {method!r}: expected one of {', '.join(sorted(_METHODS))}"
            )
        return {"id": request_id, "ok": True, "result": handler(params)}
    except RulesError as exc:
        return _error(request_id, type(exc).__name__, str(exc))
    except RecursionError:
        return _error(request_id, "RequestError", "the request is nested too deeply")
    except Exception as exc:  # a bug: still an answer, so the page can say something went wrong
        return _error(request_id, "InternalError", f"{type(exc).__name__}: {exc}")


def _error(request_id: object, kind: str, message: str) -> dict:
    return {"id": request_id, "ok": False, "error": {"type": kind, "message": message}}


def _rules() -> Rules:
    rules = _STATE["rules"]
    if rules is None:
        raise RequestError("the engine has no rules yet: call configure(rules_json) first")
    return rules


def _on(params: dict) -> date | None:
    if params.get("on") is not None:
        return _date(params["on"], "on")
    return _STATE["on"]


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


def _configure(params: dict) -> dict:
    if not isinstance(params.get("rules"), dict):
        raise RequestError("expected params.rules: the rules JSON (assets/rules.json)")
    rules = configure(params["rules"], params.get("on"))
    return {"configured": True, "questions": len(rules.questions)}


def _next_step(params: dict) -> dict:
    return next_step(_rules(), _answers(params), on=_on(params)).to_json()


def _classify(params: dict) -> dict:
    return classify(_rules(), _answers(params), on=_on(params)).to_json()


def _enterprise(params: dict) -> dict:
    counts = {k: v for k, v in params.items() if k not in ("on", "year")}
    year = params.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999
    ):
        raise AnswerError("year", f"expected a year such as 2022, got {show(year)}")
    return quote(_rules(), counts, on=_on(params), year=year).to_json()


def _rules_info(params: dict) -> dict:
    """What the page shows around the quiz: names, the dues year and its status, the categories."""
    rules = _rules()
    on = _on(params)
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


_METHODS = {
    "configure": _configure,
    "next_step": _next_step,
    "classify": _classify,
    "enterprise": _enterprise,
    "rules_info": _rules_info,
}
