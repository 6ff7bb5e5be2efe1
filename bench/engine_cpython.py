"""The engine throughput loop in CPython, driven line by line like ``bench/node/engine_bench.mjs``.

.venv/bin/python -m bench.engine_cpython
"""

from __future__ import annotations

import json
import sys
import time

if __name__ == "__main__":
    started = time.perf_counter()
    import quiz.api  # noqa: F401 - loaded before the first round, as in the Node harness
    from bench import engine_loop

    print(
        json.dumps(
            {
                "ready": True,
                "python": sys.version.split()[0],
                "load_ms": (time.perf_counter() - started) * 1000,
            }
        ),
        flush=True,
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            if "setup" in msg:
                print(engine_loop.setup_json(json.dumps(msg["setup"])), flush=True)
            elif "round" in msg:
                print(engine_loop.round_json(msg["round"], msg["seconds"]), flush=True)
            else:
                print(json.dumps({"error": f"unknown message {line[:100]}"}), flush=True)
        except Exception as exc:  # report, keep serving
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
