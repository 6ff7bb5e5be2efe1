"""What the quiz ships: the browser assets (rules JSON, engine zip, manifest, Pyodide subset), the
quiz page shell, and the rules the front-end code keeps to (no HTML strings, no eval).

These run without a browser; the browser tests cover behaviour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from quiz import export
from quiz.build import assets
from quiz.build.yaml_loader import load_rules
from tests.helpers import REPO_ROOT

JS_DIR = REPO_ROOT / "docs" / "javascripts"
ON = dt.date(2022, 6, 1)


@pytest.fixture(scope="module")
def rules_json() -> dict:
    return export.to_json(load_rules(REPO_ROOT / "rules" / "membership.yaml"))


@pytest.fixture(scope="module")
def shipped(rules_json) -> dict[str, bytes | Path]:
    return dict(assets.browser_assets(rules_json, REPO_ROOT, on=ON))


def content(value: bytes | Path) -> bytes:
    return value.read_bytes() if isinstance(value, Path) else value


def test_browser_assets_are_the_rules_engine_manifest_and_only_the_pyodide_files_loading_needs(
    shipped,
):
    assert set(shipped) == {
        "assets/rules.json",
        "assets/engine.zip",
        "assets/engine-snapshot.gz",
        "assets/manifest.json",
        "assets/pyodide/pyodide.mjs",
        "assets/pyodide/pyodide.asm.mjs",
        "assets/pyodide/pyodide.asm.wasm",
        "assets/pyodide/python_stdlib.zip",
        "assets/pyodide/pyodide-lock.json",
    }
    for uri, value in shipped.items():
        if uri.startswith("assets/pyodide/"):
            assert value == REPO_ROOT / "node_modules" / "pyodide" / Path(uri).name


def test_manifest_records_the_sha256_of_what_the_worker_checks_and_the_pyodide_version(shipped):
    manifest = json.loads(shipped["assets/manifest.json"])
    for name in ("engine.zip", "rules.json", "engine-snapshot.gz", "pyodide/python_stdlib.zip"):
        data = content(shipped[f"assets/{name}"])
        assert manifest["files"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    package = json.loads((REPO_ROOT / "node_modules" / "pyodide" / "package.json").read_text())
    assert manifest["pyodide"]["version"] == package["version"]
    assert manifest["on"] == ON.isoformat()


def test_rules_json_is_the_compact_sorted_export_and_round_trips(shipped, rules_json):
    data = shipped["assets/rules.json"]
    assert data == json.dumps(rules_json, sort_keys=True, separators=(",", ":")).encode()
    assert b"\n" not in data
    assert export.to_json(export.load_json(json.loads(data))) == rules_json


def test_engine_zip_is_the_runtime_package_without_build(shipped):
    with zipfile.ZipFile(io.BytesIO(shipped["assets/engine.zip"])) as archive:
        names = archive.namelist()
    assert "quiz/api.py" in names and "quiz/__init__.py" in names
    assert not [n for n in names if n.startswith("quiz/build/") or n.endswith(".pyc")]


def test_browser_assets_are_byte_for_byte_reproducible(rules_json, shipped):
    again = dict(assets.browser_assets(rules_json, REPO_ROOT, on=ON))
    assert {u: content(v) for u, v in again.items() if not isinstance(v, Path)} == {
        u: content(v) for u, v in shipped.items() if not isinstance(v, Path)
    }


def test_browser_assets_without_node_modules_say_run_make_install(rules_json, tmp_path):
    with pytest.raises(assets.AssetsError, match="make install"):
        assets.browser_assets(rules_json, tmp_path, on=ON)


def test_the_built_site_ships_assets_matching_its_manifest(built_site: Path):
    manifest = json.loads((built_site / "assets" / "manifest.json").read_text())
    for name, expected in manifest["files"].items():
        data = (built_site / "assets" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected["sha256"], name
    shipped = sorted(p.name for p in (built_site / "assets" / "pyodide").iterdir())
    assert shipped == sorted(assets.PYODIDE_FILES)


def test_every_page_loads_app_js_and_only_engine_pages_start_the_engine_early(built_site: Path):
    engine_pages = set()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "<body" not in html:
            continue
        scripts = re.findall(r"<script\b[^>]*>", html)
        app = [s for s in scripts if "javascripts/app.js" in s]
        assert len(app) == 1 and 'type="module"' in app[0], page
        assert not re.search(r"<(?:script|link)\b[^>]*pyodide", html), page  # only the worker
        has_mount = "data-ipma-quiz" in html or "data-ipma-calculator" in html
        head = html.split("</head>", 1)[0]
        start = re.findall(r"<script\b[^>]*engine-start\.js[^>]*>", head)
        if has_mount:
            engine_pages.add(page.relative_to(built_site).as_posix())
            assert len(start) == 1 and "async" in start[0] and 'type="module"' in start[0], page
            assert re.search(r'<link rel="modulepreload"[^>]*engine-client\.js', head), page
        else:
            assert not re.search(r"<(?:script|link)\b[^>]*(?:engine|quiz-ui|calculator-ui)", html)
    assert engine_pages == {"quiz/index.html", "enterprise/index.html"}


def test_the_quiz_page_has_its_mount_a_noscript_fallback_and_the_privacy_statement(
    built_site: Path,
):
    html = (built_site / "quiz" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<div[^>]*data-ipma-quiz", html)
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript and "JavaScript" in noscript.group(1)
    assert re.search(r'href="[^"]*membership/compare/"', noscript.group(1))
    text = re.sub(r"<[^>]+>", " ", html)
    for phrase in ("not sent anywhere", "session storage", "sets no cookies", "# sign"):
        assert phrase in " ".join(text.split()), phrase
    assert "{{" not in text  # every placeholder was filled by the plugin


def test_the_enterprise_page_has_the_calculator_mount(built_site: Path):
    html = (built_site / "enterprise" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<div[^>]*data-ipma-calculator", html)


# --- the front-end's own code --------------------------------------------------------------------

FORBIDDEN = {
    "innerHTML": r"\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML",
    "document.write": r"document\.write",
    "eval": r"(?<![.\w])eval\s*\(|new\s+Function\s*\(",
    "string timers": r"set(?:Timeout|Interval)\s*\(\s*[\"'`]",
    "inline handlers": r"setAttribute\(\s*[\"']on[a-z]+",
}


@pytest.mark.parametrize("name,pattern", FORBIDDEN.items())
def test_quiz_scripts_build_dom_without_html_strings_or_eval(name, pattern):
    """Issue 6's strict CSP (no 'unsafe-inline', no 'unsafe-eval') and its hostile-input rule."""
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(JS_DIR.glob("*.*js"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(pattern, line) and not line.lstrip().startswith("//")
    ]
    assert offenders == [], f"{name} in {offenders}"


def test_quiz_pages_in_docs_have_no_inline_script_or_handler():
    for page in (REPO_ROOT / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script\b", text, re.I), page
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", text, re.I), page


# --- the engine snapshot (quiz/build/snapshot.py) ------------------------------------------------


def test_the_snapshot_is_made_once_then_read_from_the_cache(tmp_path: Path, monkeypatch):
    from quiz.build import snapshot

    engine = assets.engine_zip_bytes()
    version = assets.pyodide_version(REPO_ROOT)
    made = snapshot.snapshot_gz(engine, assets.pyodide_dir(REPO_ROOT), version, tmp_path)
    assert made[:2] == b"\x1f\x8b"  # gzip
    assert len(list((tmp_path / snapshot.CACHE).iterdir())) == 1
    monkeypatch.setenv("PATH", "")  # no node now: only the cache can answer
    again = snapshot.snapshot_gz(engine, assets.pyodide_dir(REPO_ROOT), version, tmp_path)
    assert again == made


def test_without_node_the_build_says_what_is_missing(tmp_path: Path, monkeypatch):
    from quiz.build import snapshot

    monkeypatch.setenv("PATH", "")
    engine = assets.engine_zip_bytes()
    with pytest.raises(snapshot.SnapshotError, match="node is not on PATH"):
        snapshot.snapshot_gz(engine, assets.pyodide_dir(REPO_ROOT), "314.0.7", tmp_path)


def test_the_manifest_lists_the_snapshot_and_the_standard_library(built_site: Path):
    manifest = json.loads((built_site / "assets" / "manifest.json").read_text())
    assert {"engine-snapshot.gz", "pyodide/python_stdlib.zip"} <= set(manifest["files"])
