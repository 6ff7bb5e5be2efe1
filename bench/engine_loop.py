"""The engine throughput loop, run unchanged in CPython and in Pyodide (standard library only).

``setup(payload)`` takes ``{"rules": <quiz.export.to_json(rules)>, "answers": [answers, ...],
"quotes": [{"counts": ..., "answers": ...}, ...], "on": "YYYY-MM-DD" | None}``;
``round(kind, seconds)`` calls the engine for about ``seconds`` seconds, cycling the inputs, and
returns calls per second. ``kind`` is:

- ``classify``: ``quiz.result.classify(rules, answers, on)``;
- ``quote``: ``quiz.enterprise.quote(rules, counts, answers, on)``;
- ``handle``: ``quiz.api.handle({"method": "classify", ...})``, the JSON entry the worker calls
  (answers as JSON text in and out, as the worker does).
"""

from __future__ import annotations

import datetime as dt
import json
import time

_STATE: dict = {}


def setup(payload: dict | str) -> dict:
    from quiz import api, export

    if isinstance(payload, str):
        payload = json.loads(payload)
    _STATE["rules"] = export.load_json(payload["rules"])
    _STATE["answers"] = payload["answers"]
    _STATE["quotes"] = payload["quotes"]
    on = payload.get("on")
    _STATE["on"] = dt.date.fromisoformat(on) if on else None
    _STATE["engine"] = api.Engine(_STATE["rules"], _STATE["on"])
    _STATE["requests"] = [
        json.dumps({"id": i, "method": "classify", "params": {"answers": a}})
        for i, a in enumerate(payload["answers"])
    ]
    return {"answers": len(_STATE["answers"]), "quotes": len(_STATE["quotes"])}


def _loop(call, items: list, seconds: float) -> float:
    n = len(items)
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    now = start
    while now < deadline:
        for _ in range(20):
            call(items[count % n])
            count += 1
        now = time.perf_counter()
    return count / (now - start)


def round(kind: str, seconds: float) -> float:  # noqa: A001 - the name the harnesses call
    rules, on = _STATE["rules"], _STATE["on"]
    if kind == "classify":
        from quiz.result import classify

        return _loop(lambda a: classify(rules, a, on=on), _STATE["answers"], seconds)
    if kind == "quote":
        from quiz.enterprise import quote

        def priced(q: dict) -> object:
            return quote(rules, q["counts"], q.get("answers", {}), on=on)

        return _loop(priced, _STATE["quotes"], seconds)
    if kind == "handle":
        engine = _STATE["engine"]

        def call(text: str) -> None:
            response = engine.handle(json.loads(text))
            if not response.get("ok"):
                raise RuntimeError(f"quiz.api.handle failed: {response}")
            json.dumps(response)

        return _loop(call, _STATE["requests"], seconds)
    raise ValueError(f"unknown kind {kind!r}")


def setup_json(payload: str) -> str:
    return json.dumps(setup(payload))


def round_json(kind: str, seconds: float) -> str:
    return json.dumps({"kind": kind, "per_s": round(kind, seconds)})
