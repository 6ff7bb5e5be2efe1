"""The site's own scripts and stylesheets, minified for the built site (esbuild, from npm).

Why: issue 12 allows the quiz page 4 MB on a first visit from a host that compresses nothing, and
the engine leaves the page about 0.6 MB. Our JavaScript is written to be read (half of it is
comments): minified, the quiz page's nine modules go from 114 KB to 54 KB and our two stylesheets
from 28 KB to 20 KB. Each file is minified on its own, not bundled: the modules keep their names,
their imports and their exports, so the pages, the worker and the tests load them as before.

Only the built site is minified: ``mkdocs serve`` serves docs/ as written, for whoever debugs it.
Each result is cached under ``.cache/minify/`` by the hash of its source and of esbuild's version,
so a rebuild after a rules edit runs no esbuild at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from quiz.build.assets import REPO_ROOT, AssetsError
from quiz.build.problems import shown_name

LOADERS = {".js": "js", ".mjs": "js", ".css": "css"}
CACHE = ".cache/minify"
FOLDERS = ("javascripts/", "stylesheets/")  # the site's own, under docs/


def esbuild(repo_root: Path = REPO_ROOT) -> Path:
    return Path(repo_root) / "node_modules" / ".bin" / "esbuild"


def wanted(uri: str) -> bool:
    """Whether the site file at ``uri`` (docs/-relative) is one of ours to minify."""
    return uri.startswith(FOLDERS) and Path(uri).suffix in LOADERS


def minified(name: str, source: bytes, repo_root: Path = REPO_ROOT) -> bytes:
    """``source`` (the file ``name``: its suffix says JavaScript or CSS) minified by esbuild, from
    the cache if made; ``AssetsError`` says which file and why when it cannot be."""
    tool = esbuild(repo_root)
    if not tool.is_file():
        raise AssetsError(
            f"{tool} is missing: the build minifies the site's scripts; run `make install`"
        )
    loader = LOADERS[Path(name).suffix]
    key = hashlib.sha256(f"{_version(repo_root)}\0{loader}\0".encode() + source).hexdigest()[:40]
    cached = Path(repo_root) / CACHE / key
    if cached.is_file():
        return cached.read_bytes()
    out = _run(tool, name, loader, source)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(out)
    os.replace(tmp.name, cached)  # atomic: two builds at once never read half a file
    return out


def _version(repo_root: Path) -> str:
    package = Path(repo_root) / "node_modules" / "esbuild" / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def _run(tool: Path, name: str, loader: str, source: bytes) -> bytes:
    try:
        done = subprocess.run(
            [str(tool), "--minify", f"--loader={loader}", "--log-level=error"],
            input=source,
            capture_output=True,
            check=True,
            timeout=60,
        )
    except subprocess.CalledProcessError as exc:
        raise AssetsError(_problem(name, exc.stderr.decode("utf-8", "replace"))) from None
    except subprocess.TimeoutExpired:
        raise AssetsError(f"{name}: esbuild took over 60 s") from None
    return done.stdout


def minified_tree(docs_dir: Path, repo_root: Path = REPO_ROOT) -> dict[str, bytes]:
    """Every script and stylesheet of ours under ``docs_dir``, minified: ``{docs/-relative URI:
    bytes}``. Made before MkDocs touches ``site/`` (the plugin's ``on_config``), so a file esbuild
    cannot read stops the build while the last good site is whole."""
    out: dict[str, bytes] = {}
    for path in sorted(Path(docs_dir).rglob("*")):
        uri = path.relative_to(docs_dir).as_posix()
        if path.is_file() and wanted(uri):
            out[uri] = minified(shown_name(path), path.read_bytes(), repo_root)
    return out


def _problem(name: str, stderr: str) -> str:
    """esbuild's first error as ``file:line:column: cannot be minified: message``."""
    message = re.search(r"\[ERROR\] (.+)", stderr)
    where = re.search(r"<stdin>:(\d+):(\d+)", stderr)
    # esbuild counts columns from 0; editors, and this message, from 1.
    place = f"{name}:{where.group(1)}:{int(where.group(2)) + 1}" if where else name
    return f"{place}: cannot be minified: {message.group(1) if message else stderr.strip()[:300]}"
