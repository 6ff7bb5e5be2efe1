"""Run the benchmarks and print one Markdown table; also written to bench/results/latest.md.

    .venv/bin/python bench/run.py            # everything (about 8 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # fewer repetitions, smaller scale (about 3 minutes)
    .venv/bin/python bench/run.py --only engine,build   # some measures only (see --help)

Benchmarks are not tests: they measure and print; ``make test`` never runs them. See bench/README.md
for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.report import Row, table  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results" / "latest.md"
PYODIDE_DIR = REPO_ROOT / "node_modules" / "pyodide"
BROWSER_PARTS = {
    "loads": "measures 1–4 and 2's baselines, the shipping comparison: cold and warm loads",
    "incognito": "measure 2 in incognito contexts (the worker-reload investigation)",
    "human": "measure 5: a visitor answering every 2 s",
    "bytes": "measure 6: bytes transferred",
}
GROUPS = {
    "browser": "measures 1–6 and the engine shipping comparison (Chromium)",
    "engine": "measure 9: engine throughput, CPython vs Pyodide in Node",
    "build": "measure 7: mkdocs build with the plugin vs plain files",
    "scale": "measure 8: synthetic rules, 10 / 100 / 1,000 categories",
    "network": "the quiz and the calculator on emulated lines, two hosts, two visitors (issue 12)",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups: "
        + "; ".join(f"{k} ({v})" for k, v in {**GROUPS, **BROWSER_PARTS}.items()),
    )
    parser.add_argument("--skip", default="", help="comma-separated groups to leave out")
    parser.add_argument(
        "--reps",
        type=int,
        default=None,
        help="repetitions of each browser load (default 4, quick 2)",
    )
    parser.add_argument(
        "--variants",
        default="",
        help="browser load variants to run (default all): quiz, main, worker, worker-premodule, "
        "ship-zip, ship-wheel",
    )
    parser.add_argument(
        "--full-scale", action="store_true", help="also run a real mkdocs build at 1,000 categories"
    )
    parser.add_argument(
        "--net-reps", type=int, default=None, help="repetitions of each network visit (default 1)"
    )
    parser.add_argument(
        "--net-modes",
        default="compressing,not compressing",
        help="hosts for the network group: compressing, not compressing (comma-separated)",
    )
    parser.add_argument(
        "--net-query",
        default="",
        help="query string added to the quiz and Enterprise URLs in the network group "
        "(e.g. '?ipma-engine-timeout=120' to see an old build's times past its load limit)",
    )
    parser.add_argument(
        "--net-only", default="", help="network runs whose label contains this text (a filter)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the table")
    return parser.parse_args(argv)


def selected(args: argparse.Namespace) -> list[str]:
    """The groups to run; a browser part (loads, incognito, human, bytes) selects that part only."""
    names = [g for g in args.only.split(",") if g] or list(GROUPS)
    skip = {g for g in args.skip.split(",") if g}
    unknown = (set(names) | skip) - set(GROUPS) - set(BROWSER_PARTS)
    if unknown:
        known = ", ".join([*GROUPS, *BROWSER_PARTS])
        raise SystemExit(f"unknown group(s): {', '.join(sorted(unknown))}; known: {known}")
    parts = [n for n in names if n in BROWSER_PARTS]
    args.browser_parts = parts or list(BROWSER_PARTS)
    groups = [g for g in GROUPS if g in names or (g == "browser" and parts)]
    return [g for g in groups if g not in skip]


def build_site(dest: Path) -> tuple[Path | None, str]:
    from tests.helpers import build_site as helper_build

    result = helper_build(dest)
    if result.returncode != 0:
        return None, f"mkdocs build --strict failed ({result.returncode}): {result.stderr[-1500:]}"
    return dest, ""


def run_browser(args: argparse.Namespace, tmp: Path, notes: list[str]) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from bench import bare, browser_measures, ship
    from bench.server import serve

    rows: list[Row] = []
    site_dir, error = build_site(tmp / "site")
    if error:
        notes.append(f"The site did not build, so only the bare baselines ran: {error}")
        log(f"  ! {error}")
    bare_dir = tmp / "bare"
    ship_lock = None
    try:
        info = ship.prepare(bare_dir, log=log)
        ship_lock = "/__bench/pyodide-lock.json"
        notes.append(
            "Engine shipping: engine.zip "
            f"{info['engine.zip']}, wheel {info[ship.WHEEL_NAME]}; `pyodide lockfile add-wheels` "
            f"(pyodide-build 0.39, offline) wrote the lock entry {info['lock entry']}."
        )
    except Exception as exc:  # the wheel variant is left out, the rest runs
        notes.append(f"Engine shipping (b) could not be prepared: {exc}")
        log(f"  ! ship: {exc}")
        from quiz.build.assets import build_engine_zip

        build_engine_zip(bare_dir / "engine.zip")
    pages = bare.write_bare_pages(bare_dir, ship_lock_url=ship_lock)
    # The bare baselines load Pyodide as npm ships it (the site's own engine files are repacked).
    mounts: dict[str, Path] = {"/__bench/": bare_dir, "/__bench/pyodide/": PYODIDE_DIR}
    if site_dir is not None:
        mounts["/"] = site_dir
    quick = args.quick
    reps = args.reps or (2 if quick else 4)
    variants = [v for v in browser_measures.LOAD_VARIANTS if v in pages or v == "quiz"]
    if site_dir is None:
        variants.remove("quiz")
    if args.variants:
        wanted = set(args.variants.split(","))
        variants = [v for v in variants if v in wanted]
    with serve(mounts) as server, sync_playwright() as playwright:
        site = browser_measures.Site(server.base_url, server, site_dir, pages, log=log)
        # One untimed load first: the first Chromium start reads its binary from disk.
        with contextlib.suppress(Exception), browser_measures.Profile(playwright) as page:
            browser_measures.load_bare(page, site, "main", warm=False)
        parts = args.browser_parts
        loads: dict = {"samples": {}, "clicks": []}
        incognito = None
        if "loads" in parts:
            log(f"browser: cold and warm loads, {reps} repetitions of {', '.join(variants)}")
            loads = browser_measures.run_loads(
                playwright,
                site,
                reps,
                variants,
                clicks=0 if site_dir is None else (2 if quick else 3),
                budget_s=None if args.reps else (100 if quick else 200),
            )
        if "incognito" in parts:
            incognito_variants = [
                v for v in ("main", "worker", "worker-premodule", "quiz") if v in variants
            ]
            incognito_reps = args.reps or (1 if quick else 3)
            log(f"browser: incognito contexts, {incognito_reps} repetitions")
            incognito = browser_measures.run_incognito(
                playwright,
                site,
                incognito_reps,
                incognito_variants,
                budget_s=None if args.reps else (40 if quick else 60),
            )
        if "loads" in parts or "incognito" in parts:
            load_rows = browser_measures.load_rows(loads, incognito)
            if "loads" not in parts:
                load_rows = [r for r in load_rows if r.samples]
            rows += load_rows
        if site_dir is not None and "human" in parts:
            log("browser: a visitor answering every 2 s")
            rows += browser_measures.human_rows(
                browser_measures.run_human(playwright, site, args.reps or (1 if quick else 3))
            )
        if site_dir is not None and "bytes" in parts:
            log("browser: bytes transferred")
            measured = {}
            category = browser_measures.category_path(site_dir)
            for label, path, engine in (
                ("home page", "", False),
                (f"category page ({category})", category, False),
                ("quiz page", browser_measures.QUIZ_PATH, True),
            ):
                try:
                    measured[label] = browser_measures.page_bytes(playwright, site, path, engine)
                except Exception as exc:
                    site.errors.append(f"bytes, {label}: {exc}")
            rows += browser_measures.bytes_rows(measured)
        for error in site.errors:
            notes.append(f"Browser run: {error[:500]}")
    return rows


def run_engine(args: argparse.Namespace) -> list[Row]:
    from bench import engine_measure

    return engine_measure.run(
        rounds=2 if args.quick else 5, seconds=0.5 if args.quick else 1.0, log=log
    )


def run_build(args: argparse.Namespace) -> list[Row]:
    from bench import build_measure

    return build_measure.run_site_build(2 if args.quick else 5, log=log)


def run_scale(args: argparse.Namespace) -> list[Row]:
    from bench import build_measure

    if args.quick:
        sizes, reps = [10, 100, 300], {10: 1, 100: 1, 300: 1}
    else:
        sizes, reps = [10, 100, 1000], {10: 3, 100: 3, 1000: 1}
    mkdocs_sizes = [10, 100] + ([1000] if args.full_scale else [])
    return build_measure.run_scale(sizes, reps, mkdocs_sizes, log=log)


def run_network(args: argparse.Namespace, tmp: Path, notes: list[str]) -> list[Row]:
    from playwright.sync_api import sync_playwright

    from bench import network
    from bench.server import serve, unused_port
    from tests.helpers import build_site as helper_build

    # Built for the address it is served on: Material's instant navigation (which keeps a worker
    # started on the home page alive into the quiz) only follows links on its site_url's host.
    port = unused_port()
    site_dir = tmp / "site-network"
    built = helper_build(site_dir, config_overrides={"site_url": f"http://127.0.0.1:{port}/"})
    if built.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed: {built.stderr[-1500:]}")
    modes = tuple(m.strip() for m in args.net_modes.split(",") if m.strip())
    runs = [r for r in network.plan(modes) if args.net_only in r.label]
    reps = args.net_reps or 1
    with sync_playwright() as playwright:
        results = network.execute(
            playwright,
            lambda compress: serve({"/": site_dir}, port=port, compress=compress),
            runs,
            reps,
            args.net_query,
            log,
        )
    for run, visits in results.items():
        for visit in visits:
            if "error" in visit:
                notes.append(f"Network run, {run.label}: {visit['error']}")
    return network.rows(results)


RUNNERS = {"browser": run_browser, "engine": run_engine, "build": run_build, "scale": run_scale}


def environment() -> str:
    def version(argv: list[str]) -> str:
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not found"

    pyodide_version = "not installed"
    package = PYODIDE_DIR / "package.json"
    if package.exists():
        import json

        pyodide_version = json.loads(package.read_text())["version"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.node()} ({os.cpu_count()} cores, load average {load} at the end), "
        f"Python {platform.python_version()}, {version(['/usr/bin/chromium', '--version'])}, "
        f"Node {version(['node', '--version'])}, Pyodide {pyodide_version}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    groups = selected(args)
    started = time.perf_counter()
    load_at_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list[Row] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for group in groups:
            log(f"== {group}: {GROUPS[group]}")
            t0 = time.perf_counter()
            try:
                if group == "browser":
                    rows += run_browser(args, Path(tmp), notes)
                elif group == "network":
                    rows += run_network(args, Path(tmp), notes)
                else:
                    rows += RUNNERS[group](args)
            except Exception as exc:
                log(traceback.format_exc())
                rows.append(
                    Row(group, f"{GROUPS[group]}", "", error=f"{type(exc).__name__}: {exc}"[:300])
                )
            log(f"   ({time.perf_counter() - t0:.0f} s)")
    elapsed = time.perf_counter() - started
    order = {
        "1": 1,
        "2": 2,
        "3": 3,
        "4": 4,
        "5": 5,
        "6": 6,
        "ship": 6.5,
        "7": 7,
        "8": 8,
        "9": 9,
        "net": 10,
    }
    rows.sort(key=lambda r: order.get(r.measure, 99))
    mode = "quick" if args.quick else "full"
    header = (
        f"# Benchmark results ({mode} run, {dt.datetime.now().strftime('%Y-%m-%d %H:%M')})\n\n"
        f"{environment()}; load average {load_at_start} at the start. Whole run: {elapsed:.0f} s. "
        f"Groups: {', '.join(groups)}.\n\n"
        "Median, min and max over the repeated runs; ratios are per pair of runs made side by "
        "side. "
        "What each figure means: bench/README.md.\n"
    )
    unmet = [r for r in rows if r.met is False]
    if unmet:
        notes.append(
            "Not met: "
            + "; ".join(f"{r.measure}. {r.name}" for r in unmet)
            + ". bench/README.md, 'Goals not met', says what was tried and what would meet them."
        )
    text = header + "\n" + table(rows) + "\n"
    if notes:
        text += "\n## Notes\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
