"""Measure 9: engine throughput in CPython and under Pyodide in Node, side by side.

Both run ``bench/engine_loop.py`` on the same inputs: the rules export (``quiz.export.to_json``),
the case table in ``tests/cases/`` (``individual.yaml`` answers cycled for classifications,
``enterprise.yaml`` member counts cycled for Enterprise quotes; the enumerated answer space and a
grid of counts if the table is missing), priced on 2022-06-01 as the cases are.
The two processes take turns, round by round (CPython, Pyodide, CPython, …), so drift hits both; the
ratio is per pair of rounds.

    .venv/bin/python bench/run.py --only engine
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from bench.report import Row, ratios

REPO_ROOT = Path(__file__).resolve().parent.parent
RULES = REPO_ROOT / "rules" / "membership.yaml"
NODE_HARNESS = REPO_ROOT / "bench" / "node" / "engine_bench.mjs"
LOOP = REPO_ROOT / "bench" / "engine_loop.py"


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


CASES = REPO_ROOT / "tests" / "cases"


def _cases_whole(name: str) -> list[dict[str, Any]]:
    """The cases of tests/cases/NAME.yaml priced with the real rules, whole."""
    import yaml

    path = CASES / f"{name}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [_jsonable(c) for c in data if isinstance(c, dict) and not c.get("rules")]


def _cases(name: str, key: str) -> list[dict[str, Any]]:
    """The inputs of tests/cases/NAME.yaml (cases priced with the real rules only)."""
    import yaml

    path = CASES / f"{name}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        _jsonable(c[key]) for c in data if isinstance(c, dict) and key in c and not c.get("rules")
    ]


def payload(rules_path: Path = RULES) -> dict[str, Any]:
    """The inputs: the case table (tests/cases/), else the enumerated answer space and a grid."""
    from quiz import enterprise, export
    from quiz.answer_space import answer_sets
    from quiz.build.validate import load_rules

    rules = load_rules(rules_path)
    answers = _cases("individual", "answers")
    quotes = [
        {"counts": c["counts"], "answers": c.get("answers", {})}
        for c in _cases_whole("enterprise")
        if "counts" in c
    ]
    source = "the case table in tests/cases/"
    for answer in answers:  # the table's shorthand, as tests/test_cases.py reads it
        if answer.get("duties") == "all":
            answer["duties"] = list(rules.index.duties)
    if not answers:
        answers = [_jsonable(a) for a in answer_sets(rules)]
        source = "the enumerated answer space"
    if not quotes:
        form = enterprise.calculator_form(rules) or {"fields": [], "toggles": []}
        fields = [f["category"] for f in form["fields"]]
        toggles = [t["question"] for t in form["toggles"]]
        quotes = [
            {"counts": dict(zip(fields, n, strict=False)), "answers": dict.fromkeys(toggles, flag)}
            for n in itertools.product((0, 1, 4, 10, 11, 25, 60), (0, 2, 7), (0, 5))
            for flag in (False, True)
        ]
    return {
        "rules": export.to_json(rules),
        "answers": answers,
        "quotes": quotes,
        "on": "2022-06-01",
        "source": source,
    }


class LineProcess:
    """A harness process speaking one JSON line in, one JSON line out."""

    def __init__(self, argv: list[str], *, start_timeout: float = 120) -> None:
        self.proc = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self.hello = self._read(start_timeout)
        if not self.hello.get("ready"):
            self.close()
            raise RuntimeError(f"{argv[0]} failed to start: {self.hello}")

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()))
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            tail = "".join(self.stderr[-20:])
            raise RuntimeError(f"no answer from {self.proc.args[0]} in {timeout}s: {tail}")
        return json.loads(result[0])

    def ask(self, message: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        answer = self._read(timeout)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def make_engine_zip(dest: Path) -> Path:
    from quiz.build.assets import build_engine_zip

    build_engine_zip(dest)
    return dest


KINDS = [
    ("classify", "classifications/s"),
    ("quote", "Enterprise quotes/s"),
    ("handle", "quiz.api.handle classify requests/s (JSON in and out)"),
]


def run(rounds: int = 5, seconds: float = 1.0, log=print) -> list[Row]:
    node = shutil.which("node")
    data = payload()
    log(
        f"  engine: {len(data['answers'])} answer sets, {len(data['quotes'])} quote inputs "
        f"({data['source']})"
    )
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        zip_path = make_engine_zip(Path(tmp) / "engine.zip")
        harnesses: dict[str, LineProcess] = {}
        rows: list[Row] = []
        try:
            harnesses["CPython"] = LineProcess([str(_python()), "-m", "bench.engine_cpython"])
            if node is None:
                raise RuntimeError("node is not installed")
            harnesses["Pyodide"] = LineProcess([node, str(NODE_HARNESS), str(zip_path), str(LOOP)])
            versions = {k: h.hello.get("python") for k, h in harnesses.items()}
            log(f"  engine: CPython {versions['CPython']}, Pyodide (Python {versions['Pyodide']})")
            for h in harnesses.values():
                h.ask({"setup": data})
            samples: dict[tuple[str, str], list[float]] = {}
            for i in range(rounds):
                for kind, _ in KINDS:
                    order = list(harnesses.items())
                    if i % 2:
                        order.reverse()
                    for name, h in order:
                        value = h.ask({"round": kind, "seconds": seconds})["per_s"]
                        samples.setdefault((name, kind), []).append(value)
            for kind, label in KINDS:
                cp = samples[("CPython", kind)]
                py = samples[("Pyodide", kind)]
                rows.append(Row("9", f"engine {label}, CPython {versions['CPython']}", "/s", cp))
                rows.append(Row("9", f"engine {label}, Pyodide in Node", "/s", py))
                rows.append(
                    Row("9", f"engine {kind}: CPython / Pyodide speed ratio", "×", ratios(cp, py))
                )
        finally:
            for h in harnesses.values():
                h.close()
    return rows


def _python() -> Path:
    import sys

    return Path(sys.executable)


if __name__ == "__main__":
    from bench.report import table

    print(table(run(rounds=2, seconds=0.5)))
