"""Measures 7 and 8: the site build, and how it grows with the rules.

7. ``mkdocs build --strict`` of the real site (the ipma plugin loads and validates the rules,
   renders the generated pages, fills placeholders, adds the quiz assets) against the same site made
   of plain files: the plugin's output written out once by its own page functions
   (``quiz.build.pages``) into a temp docs dir, built with a mkdocs.yml without the plugin. The two
   builds alternate; the ratio is per pair. The plain variant keeps the theme's ``ipma`` data
   through a two-line MkDocs hook, so both sites are the same pages.
8. Synthetic rules (``bench/synthetic.py``) with 10, 100 and 1,000 categories × 30 dues years: the
   engine side of the build (load + validate, including the answer-space walk; site model + page
   rendering) in a fresh process each (``bench/scale_child.py``: time and peak memory), and a real
   ``mkdocs build`` with the plugin pointed at the synthetic file. The growth exponent is the
   least-squares slope of log(figure) against log(categories).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Goal, Row, loglog_exponent, ratios

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_DATE = dt.date(2022, 6, 1)


def _helpers():
    sys.path.insert(0, str(REPO_ROOT))
    from tests import helpers

    return helpers


def _mkdocs() -> str:
    return str(_helpers().venv_bin("mkdocs"))


def _env() -> dict[str, str]:
    return _helpers().subprocess_env()


def write_real_config(work: Path, rules_path: Path | None = None) -> Path:
    helpers = _helpers()
    config = helpers.site_config(work / "site-real", rules_path=rules_path)
    path = work / "real" / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(helpers.dump_mkdocs_config(config), encoding="utf-8")
    return path


HOOK = '''"""Stands in for the ipma plugin's theme data (overrides/main.html reads `ipma`)."""
import json

IPMA = json.loads({data!r})


def on_env(env, config, files):
    env.globals["ipma"] = IPMA
    return env
'''


def write_plain_variant(work: Path) -> Path:
    """The plain-files site: docs/ with placeholders filled, generated pages and assets as files."""
    from quiz.build import pages

    helpers = _helpers()
    config = helpers.load_mkdocs_config()
    ipma_options = {}
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "ipma" in entry:
            ipma_options = dict(entry["ipma"] or {})
    rules_path = (REPO_ROOT / ipma_options.get("rules", "rules/membership.yaml")).resolve()
    on = pages.build_date(ipma_options.get("on"))
    site = pages.build_site_content(rules_path, on=on)

    docs_src = (REPO_ROOT / config.get("docs_dir", "docs")).resolve()
    docs = work / "plain" / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(docs_src, docs)
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs).as_posix()
        path.write_text(
            site.render_placeholders(path.read_text(encoding="utf-8"), where=rel), encoding="utf-8"
        )
    for uri, markdown in site.pages.items():
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    for uri, content in site.assets.files.items():
        target = docs / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    sources = {
        path.relative_to(docs).with_suffix("").as_posix() + "/": path.read_text(encoding="utf-8")
        for path in docs.rglob("*.md")
    }
    theme = site.theme_context(pages.engine_pages(sources))
    hook = work / "plain" / "ipma_theme_hook.py"
    hook.write_text(HOOK.format(data=json.dumps(theme)), encoding="utf-8")
    plain = helpers.site_config(work / "site-plain", config_overrides={"plugins": {"ipma": None}})
    plain["docs_dir"] = str(docs)
    plain["nav"] = pages.expand_nav(config.get("nav"), site) if config.get("nav") else None
    if plain["nav"] is None:
        plain.pop("nav")
    plain["hooks"] = [str(hook)]
    path = work / "plain" / "mkdocs.yml"
    path.write_text(helpers.dump_mkdocs_config(plain), encoding="utf-8")
    return path


def mkdocs_build(config_file: Path, timeout: float = 600) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [_mkdocs(), "build", "--strict", "-f", str(config_file)],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build -f {config_file} failed:\n{result.stderr[-3000:]}")
    return elapsed


def run_site_build(reps: int, log=print) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        real = write_real_config(work)
        plain = write_plain_variant(work)
        mkdocs_build(real)  # warm the file cache and Python's bytecode cache, not timed
        mkdocs_build(plain)
        real_s: list[float] = []
        plain_s: list[float] = []
        for i in range(reps):
            order = [(real, real_s), (plain, plain_s)]
            if i % 2:
                order.reverse()
            for config, out in order:
                out.append(mkdocs_build(config))
            log(f"  site build rep {i}: plugin {real_s[-1]:.2f} s, plain files {plain_s[-1]:.2f} s")
        real_pages = sum(1 for _ in (work / "site-real").rglob("*.html"))
        plain_pages = sum(1 for _ in (work / "site-plain").rglob("*.html"))
    note = "" if real_pages == plain_pages else f"{real_pages} vs {plain_pages} HTML files"
    return [
        Row("7", "site build, mkdocs build with the ipma plugin", "s", real_s),
        Row("7", "site build, same site as plain Markdown files, no plugin", "s", plain_s),
        Row(
            "7",
            "ratio plugin / plain",
            "×",
            ratios(real_s, plain_s),
            Goal.at_most(1.5, "≤ 1.5×"),
            note=note,
        ),
    ]


# --- scale ----------------------------------------------------------------------------------------


def scale_child(rules_path: Path, timeout: float = 600) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale_child", str(rules_path)],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"scale child failed on {rules_path.name}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_scale(
    sizes: list[int], reps: dict[int, int], mkdocs_sizes: list[int], years: int = 30, log=print
) -> list[Row]:
    from bench.synthetic import write_synthetic

    rows: list[Row] = []
    engine: dict[int, list[dict[str, float]]] = {}
    builds: dict[int, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        files = {n: write_synthetic(work / f"rules-{n}.yaml", n, years) for n in sizes}
        for n in sizes:
            for _ in range(reps.get(n, 1)):
                engine.setdefault(n, []).append(scale_child(files[n]))
            last = engine[n][-1]
            log(
                f"  scale {n:5d} categories: load+validate {last['load_s']:.2f} s, "
                f"render {last['render_s']:.2f} s, peak +{last['peak_mib']:.0f} MiB"
            )
        for n in mkdocs_sizes:
            config = write_real_config(work / f"mk-{n}", rules_path=files[n])
            builds.setdefault(n, []).append(mkdocs_build(config))
            log(f"  scale {n:5d} categories: mkdocs build {builds[n][-1]:.2f} s")
    for n in sizes:
        runs = engine[n]
        rows.append(
            Row(
                "8",
                f"scale {n} categories × {years} years: engine load + validate",
                "s",
                [r["load_s"] for r in runs],
            )
        )
        rows.append(
            Row(
                "8",
                f"scale {n} categories: site model + page rendering",
                "s",
                [r["render_s"] for r in runs],
            )
        )
        rows.append(
            Row(
                "8",
                f"scale {n} categories: peak memory above baseline",
                "MB",
                [r["peak_mib"] * 1.048576 for r in runs],
            )
        )
    for n in mkdocs_sizes:
        rows.append(Row("8", f"scale {n} categories: real mkdocs build", "s", builds[n]))

    def medians(key: str) -> list[float]:
        return [max(statistics.median(r[key] for r in engine[n]), 1e-6) for n in sizes]

    def exponent(key: str) -> float:
        return loglog_exponent(sizes, medians(key))

    def local(key: str) -> float:
        ys = medians(key)
        return loglog_exponent(sizes[-2:], ys[-2:])

    linear = Goal.at_most(1.1, "≤ 1.1 (linear or better)")
    span = f"{sizes[0]}–{sizes[-1]}"
    top = f"{sizes[-2]}→{sizes[-1]}"
    rows += [
        Row(
            "8",
            f"growth exponent {span}, build time (load + validate + render)",
            "",
            [exponent("total_s")],
            linear,
        ),
        Row(
            "8",
            f"growth exponent {top} (the largest sizes), build time",
            "",
            [local("total_s")],
            linear,
        ),
        Row(
            "8",
            f"growth exponent {span}, of which load + validate",
            "",
            [exponent("load_s")],
            note=f"{top}: {local('load_s'):.2f}",
        ),
        Row(
            "8",
            f"growth exponent {span}, of which model + rendering",
            "",
            [exponent("render_s")],
            note=f"{top}: {local('render_s'):.2f}",
        ),
        Row(
            "8",
            f"growth exponent {span}, peak memory",
            "",
            [exponent("peak_mib")],
            linear,
            note=f"{top}: {local('peak_mib'):.2f}",
        ),
    ]
    if len(mkdocs_sizes) >= 2:
        xs = list(mkdocs_sizes)
        ys = [statistics.median(builds[n]) for n in mkdocs_sizes]
        rows.append(
            Row(
                "8",
                f"growth exponent, real mkdocs build ({', '.join(map(str, mkdocs_sizes))})",
                "",
                [loglog_exponent(xs, ys)],
                linear,
            )
        )
    return rows
