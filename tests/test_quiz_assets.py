"""What the quiz ships: the browser assets (rules JSON, the engine's files named by their hashes,
the manifest), the quiz page shell, and the rules the front-end code keeps to (no HTML strings,
no eval).

These run without a browser; the browser tests cover behaviour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import lzma
import posixpath
import re
import zipfile
from pathlib import Path

import pytest

from quiz import export
from quiz.build import assets, python_bundle
from quiz.build.validate import load_rules
from tests.helpers import REPO_ROOT

JS_DIR = REPO_ROOT / "docs" / "javascripts"
ON = dt.date(2022, 6, 1)


@pytest.fixture(scope="module")
def rules_json() -> dict:
    return export.to_json(load_rules(REPO_ROOT / "rules" / "membership.yaml"))


@pytest.fixture(scope="module")
def built_assets(rules_json) -> assets.BrowserAssets:
    return assets.browser_assets(rules_json, REPO_ROOT, on=ON)


@pytest.fixture(scope="module")
def shipped(built_assets) -> dict[str, bytes]:
    return built_assets.files


@pytest.fixture(scope="module")
def manifest(built_assets) -> dict:
    return json.loads(built_assets.files[built_assets.manifest_uri])


def engine_file(shipped: dict[str, bytes], manifest: dict, key: str) -> bytes:
    return shipped[assets.ENGINE_DIR + manifest["files"][key]["url"]]


def test_browser_assets_are_the_rules_and_the_engines_files_each_named_by_its_hash(
    shipped, built_assets
):
    names = {uri.removeprefix(assets.ENGINE_DIR) for uri in shipped if uri != "assets/rules.json"}
    # The name of every file holds the first 12 hex digits of its sha256 (quiz/build/assets.py).
    for name in names:
        data = shipped[assets.ENGINE_DIR + name]
        assert hashlib.sha256(data).hexdigest()[:12] in name.split("."), name
    bases = {re.sub(r"\.[0-9a-f]{12}\.", ".", name) for name in names}
    assert bases == {
        "manifest.json",
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.mjs.xz",
        "pyodide.asm.wasm.xz",
        "python.zip.xz",
        "xz-decoder.wasm",
    }
    assert built_assets.manifest_uri in shipped
    # No Pyodide package lock and no full standard library: the worker loads neither.
    assert not [n for n in names if "lock" in n or "stdlib" in n]


def test_the_manifest_names_every_file_with_its_sha256_and_size(shipped, manifest):
    for key, entry in manifest["files"].items():
        data = shipped[posixpath.normpath(assets.ENGINE_DIR + entry["url"])]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), key
        assert entry["size"] == len(data), key
    package = json.loads((REPO_ROOT / "node_modules" / "pyodide" / "package.json").read_text())
    assert manifest["pyodide"]["version"] == package["version"]
    lock = json.loads((REPO_ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert manifest["pyodide"]["lock"] == {"info": lock["info"], "packages": {}}
    assert manifest["on"] == ON.isoformat()


def test_the_xz_files_decompress_to_pyodides_own_files(shipped, manifest):
    pyodide = REPO_ROOT / "node_modules" / "pyodide"
    for key, name in (("wasm.xz", "pyodide.asm.wasm"), ("glue.xz", "pyodide.asm.mjs")):
        packed = engine_file(shipped, manifest, key)
        assert lzma.decompress(packed) == (pyodide / name).read_bytes()
    assert engine_file(shipped, manifest, "glue") == (pyodide / "pyodide.asm.mjs").read_bytes()
    assert engine_file(shipped, manifest, "loader") == (pyodide / "pyodide.mjs").read_bytes()


def test_the_python_bundle_holds_the_engine_and_the_stdlib_it_uses_compiled(shipped, manifest):
    bundle = lzma.decompress(engine_file(shipped, manifest, "python.xz"))
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        names = set(archive.namelist())
    assert {"quiz/__init__.pyc", "quiz/api.pyc", "json/__init__.pyc", "decimal.pyc"} <= names
    assert all(n.endswith(".pyc") for n in names), "compiled only: no source"
    assert not [n for n in names if n.startswith("quiz/build/")]
    stdlib = zipfile.ZipFile(REPO_ROOT / "node_modules" / "pyodide" / "python_stdlib.zip")
    assert len(names) < len(stdlib.namelist()) / 2  # a part of it


def test_rules_json_is_the_compact_sorted_export_and_round_trips(shipped, rules_json):
    data = shipped["assets/rules.json"]
    expected = json.dumps(rules_json, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert data == expected.encode("utf-8")
    assert b"\n" not in data
    assert export.to_json(export.load_json(json.loads(data))) == rules_json


def test_engine_zip_is_the_runtime_package_without_build():
    with zipfile.ZipFile(io.BytesIO(assets.engine_zip_bytes())) as archive:
        names = archive.namelist()
    assert "quiz/api.py" in names and "quiz/__init__.py" in names
    assert not [n for n in names if n.startswith("quiz/build/") or n.endswith(".pyc")]


def test_browser_assets_are_byte_for_byte_reproducible(rules_json, built_assets):
    again = assets.browser_assets(rules_json, REPO_ROOT, on=ON)
    assert again == built_assets


def test_browser_assets_without_node_modules_say_run_make_install(rules_json, tmp_path):
    with pytest.raises(assets.AssetsError, match="make install"):
        assets.browser_assets(rules_json, tmp_path, on=ON)


def test_the_built_site_ships_the_files_its_pages_name(built_site: Path):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    uri = re.search(r'<meta name="ipma:engine" content="([^"]+)"', html).group(1)
    manifest = json.loads((built_site / uri).read_text())
    for name, expected in manifest["files"].items():
        data = (
            built_site / posixpath.normpath(posixpath.join(posixpath.dirname(uri), expected["url"]))
        ).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected["sha256"], name
    pages = re.search(r'<meta name="ipma:engine-pages" content="([^"]+)"', html).group(1)
    assert pages.split() == ["enterprise/", "quiz/"]


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


# --- the Python bundle (quiz/build/python_bundle.py) ---------------------------------------------


def test_the_bundle_is_made_once_then_read_from_the_cache(tmp_path: Path, monkeypatch):
    engine = assets.engine_zip_bytes()
    rules = b'{"not": "used once cached"}'
    version = assets.pyodide_version(REPO_ROOT)
    made = python_bundle.python_bundle(
        engine,
        assets.rules_json_bytes(
            export.to_json(load_rules(REPO_ROOT / "rules" / "membership.yaml"))
        ),
        assets.pyodide_dir(REPO_ROOT),
        version,
        tmp_path,
    )
    assert made[:2] == b"PK"  # a zip
    assert len(list((tmp_path / python_bundle.CACHE).iterdir())) == 1
    monkeypatch.setenv("PATH", "")  # no node now: only the cache can answer
    again = python_bundle.python_bundle(
        engine, rules, assets.pyodide_dir(REPO_ROOT), version, tmp_path
    )
    assert again == made


def test_without_node_the_build_says_what_is_missing(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    engine = assets.engine_zip_bytes()
    with pytest.raises(python_bundle.BundleError, match="node is not on PATH"):
        python_bundle.python_bundle(
            engine, b"{}", assets.pyodide_dir(REPO_ROOT), "314.0.7", tmp_path
        )
