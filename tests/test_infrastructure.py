"""Smoke tests of the test infrastructure: browser, static server, Pyodide harness, site build."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.helpers import (
    PYODIDE_DIR,
    REPO_ROOT,
    PyodideEngine,
    PyodideHarnessError,
    build_site,
    http_server,
    make_engine_zip,
    site_config,
)

from .conftest import missing_tool


def test_http_server_headers(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (tmp_path / "a.wasm").write_bytes(b"\0asm")
    (tmp_path / "b.mjs").write_text("export {};", encoding="utf-8")
    (tmp_path / "c.zip").write_bytes(b"PK")
    (tmp_path / "d.json").write_text("{}", encoding="utf-8")
    expected = {
        "": "text/html",
        "a.wasm": "application/wasm",
        "b.mjs": "text/javascript",
        "c.zip": "application/zip",
        "d.json": "application/json",
    }
    with http_server(tmp_path) as base_url:
        for name, content_type in expected.items():
            with urllib.request.urlopen(base_url + name) as response:
                assert response.headers["Content-Type"].split(";")[0] == content_type
                assert response.headers["Cache-Control"] == "max-age=600"


def test_browser_reads_title(page, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>Harness check</title></head>"
        "<body><h1 id='greeting'>Hello</h1></body></html>",
        encoding="utf-8",
    )
    with http_server(tmp_path) as base_url:
        page.goto(base_url)
        assert page.title() == "Harness check"
        assert page.locator("#greeting").inner_text() == "Hello"


FAKE_API = textwrap.dedent(
    '''
    """Stand-in engine: echoes requests in the worker protocol's response shape."""
    import sys


    class Engine:
        def handle(self, request):
            if request.get("method") == "raise":
                raise ValueError("handle must not raise")
            if request.get("method") == "boom":
                return {"id": request.get("id"), "ok": False,
                        "error": {"type": "AnswerError", "message": "boom"}}
            return {"id": request.get("id"), "ok": True,
                    "result": {"echo": request.get("params"), "python": sys.version_info[:2]}}
    '''
)


@pytest.fixture
def fake_engine_zip(tmp_path: Path) -> Path:
    package = tmp_path / "src" / "quiz"
    (package / "build").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "api.py").write_text(FAKE_API, encoding="utf-8")
    (package / "build" / "__init__.py").write_text("raise ImportError('not shipped')\n")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "api.cpython-312.pyc").write_bytes(b"junk")
    zip_path = tmp_path / "engine.zip"
    digest = make_engine_zip(zip_path, package)
    assert digest == hashlib.sha256(zip_path.read_bytes()).hexdigest()
    return zip_path


def test_engine_zip_is_reproducible_and_excludes_build(
    fake_engine_zip: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(fake_engine_zip) as archive:
        assert archive.namelist() == ["quiz/__init__.py", "quiz/api.py"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    again = tmp_path / "again.zip"
    make_engine_zip(again, tmp_path / "src" / "quiz")
    assert again.read_bytes() == fake_engine_zip.read_bytes()


def test_pyodide_harness_round_trip(fake_engine_zip: Path) -> None:
    if shutil.which("node") is None or not PYODIDE_DIR.is_dir():
        missing_tool("node or node_modules/pyodide is missing (make node_modules)")
    with PyodideEngine(fake_engine_zip) as engine:
        assert engine.python_version.startswith("3.")
        answer = engine.request(
            {"id": 1, "method": "next_step", "params": {"answers": {"a": True}}}
        )
        assert answer["id"] == 1 and answer["ok"] is True
        assert answer["result"]["echo"] == {"answers": {"a": True}}
        assert answer["result"]["python"][0] == 3
        many = engine.request_many(
            [
                {"id": i, "method": "classify", "params": {"n": i, "pad": "x" * 500}}
                for i in range(3000)
            ]
        )
        assert [r["id"] for r in many] == list(range(3000))
        assert all(r["result"]["echo"]["n"] == r["id"] for r in many)
        assert engine.request({"id": 9, "method": "boom"})["error"]["message"] == "boom"
        with pytest.raises(PyodideHarnessError, match="ValueError: handle must not raise"):
            engine.request({"id": 10, "method": "raise"})
        assert engine.request({"id": 11, "method": "x"})["id"] == 11  # still answering


def test_site_config_keeps_paths_absolute(tmp_path: Path) -> None:
    config = site_config(
        tmp_path, {"plugins": {"search": {"lang": "en"}}}, rules_path="rules/x.yaml"
    )
    assert Path(config["docs_dir"]).is_absolute()
    assert Path(config["theme"]["custom_dir"]).is_absolute()
    assert config["site_dir"] == str(tmp_path.resolve())
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert names.count("search") == 1
    assert {"search": {"lang": "en"}} in config["plugins"]
    ipma = next(p for p in config["plugins"] if isinstance(p, dict) and "ipma" in p)
    assert Path(ipma["ipma"]["rules"]).is_absolute()


def test_site_config_defaults_ipma_rules_to_repo(tmp_path: Path) -> None:
    config = site_config(tmp_path, {"plugins": {"ipma": {}}})
    ipma = next(p for p in config["plugins"] if isinstance(p, dict) and "ipma" in p)
    assert ipma["ipma"]["rules"] == str(REPO_ROOT / "rules" / "membership.yaml")


def test_build_site_helper_minimal(tmp_path: Path) -> None:
    """The helper itself, independent of the plugin and pages: a one-page site from tmp."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Only page\n\nHello.\n", encoding="utf-8")
    overrides = {
        "docs_dir": str(docs),
        "plugins": ["search"],
        "nav": None,
        "extra_css": [],
        "extra_javascript": [],
    }
    result = build_site(tmp_path / "site", overrides)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Only page" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_build_site_builds_current_config(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    result = build_site(site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site_dir / "index.html").is_file()
    assert "International Practice Management Association" in (site_dir / "index.html").read_text(
        encoding="utf-8"
    )
