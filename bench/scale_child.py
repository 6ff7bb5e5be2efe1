"""One scale measurement in a fresh process (so peak memory is this build's alone).

    .venv/bin/python -m bench.scale_child RULES.yaml

Prints JSON: seconds for load+validate (YAML with line numbers, the model, every check including the
answer-space walk), for the site model + page rendering, their total, and the peak resident memory
above the resident size after the imports: Linux's high-water mark (``VmHWM``) is reset first by
writing 5 to ``/proc/self/clear_refs``, so the import phase's own peak does not hide the build's.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path


def main(rules_path: Path) -> dict[str, float]:
    import gc

    from quiz.build import pages, site_model

    gc.collect()
    base_kib = _reset_peak()
    on = dt.date(2022, 6, 1)
    t0 = time.perf_counter()
    rules = pages.load(rules_path)
    t1 = time.perf_counter()
    model = site_model.build_model(rules, on)
    rendered = pages.render_pages(model)
    t2 = time.perf_counter()
    peak_kib = _status_kib("VmHWM")
    return {
        "categories": len(rules.categories),
        "pages": len(rendered),
        "load_s": t1 - t0,
        "render_s": t2 - t1,
        "total_s": t2 - t0,
        "peak_mib": (peak_kib - base_kib) / 1024,
    }


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> int:
    """Reset the peak RSS to the current RSS; return the current RSS (KiB)."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
