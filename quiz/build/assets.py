"""The quiz's browser assets: what the quiz and calculator pages download, and how they find it.

Everything the engine's worker loads lives in ``assets/engine/`` under a name that holds the hash
of its bytes (``pyodide.asm.3f2a9c01b4e7.wasm.xz``): a file's content can never change under its
name, so hosts may cache it for a year (``_headers``, quiz/build/csp.py) and a visitor never mixes
files of two deploys. ``manifest.<hash>.json`` lists them with their sha256 and size; every page
names it in ``<meta name="ipma:engine">`` (overrides/main.html), so the worker needs no request to
find it, and revalidates nothing on a repeat visit.

What the worker downloads (issue 12: at most 4 MB on a first visit, whether the host compresses or
not), the big files xz-compressed (quiz/build/compress.py) and decompressed in the worker:

- ``pyodide.asm.*.wasm.xz``: Pyodide's WebAssembly (9.6 MB, 2.64 MB as xz);
- ``python.*.zip.xz``: the standard library modules the engine uses and the engine itself,
  compiled (quiz/build/python_bundle.py), in place of Pyodide's 2.5 MB ``python_stdlib.zip``;
- ``pyodide.asm.*.mjs`` (Emscripten's glue, for hosts that compress JavaScript) and
  ``pyodide.asm.*.mjs.xz`` (the same for hosts that do not: the worker imports it from a blob);
- ``pyodide.*.mjs`` (Pyodide's loader) and ``xz-decoder.*.wasm`` (xz-embedded, public domain, as
  built to WebAssembly by the npm package ``xz-decompress``; ``docs/javascripts/xz-decoder.mjs``
  drives it);
- ``assets/rules.json`` (the page reads it too, under its plain name).

No ``pyodide-lock.json``: the worker loads no package, and gives Pyodide the lock file's ``info``
(from the manifest) with no package in it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from quiz.build.compress import xz
from quiz.build.python_bundle import BundleError, python_bundle

# The runtime package: quiz/ itself (this file lives in quiz/build/).
QUIZ_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = QUIZ_DIR.parent

# Fixed metadata so the same sources always give the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
_EXCLUDED_DIRS = {"build", "__pycache__"}  # build/ only at the top of the package
_EXCLUDED_SUFFIXES = {".pyc", ".pyo"}

# Site-relative URIs.
RULES_URI = "assets/rules.json"
ENGINE_DIR = "assets/engine/"

MANIFEST_FORMAT = 3  # 3: xz instead of zstd (keys "wasm.xz", "python.xz", "glue.xz")


class AssetsError(RuntimeError):
    """A browser asset cannot be produced (node_modules/pyodide missing...); says how to fix it."""


# --- the engine package ---------------------------------------------------------------------------


def engine_files(package_dir: Path = QUIZ_DIR) -> list[tuple[str, Path]]:
    """The files of the runtime package as sorted (archive name, path) pairs.

    Archive names are POSIX paths starting with the package name (``quiz/api.py``), so the zip on
    ``sys.path`` makes the package importable. Skipped: ``build/`` at the top of the package,
    ``__pycache__`` anywhere, compiled files and dotfiles.
    """
    package_dir = Path(package_dir).resolve()
    found: list[tuple[str, Path]] = []
    for root, dirs, files in os.walk(package_dir):
        here = Path(root)
        top = here == package_dir
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and d != "__pycache__" and not (top and d in _EXCLUDED_DIRS)
        ]
        for name in files:
            path = here / name
            if name.startswith(".") or path.suffix in _EXCLUDED_SUFFIXES:
                continue
            rel = path.relative_to(package_dir.parent).as_posix()
            found.append((rel, path))
    found.sort()
    return found


def engine_zip_bytes(package_dir: Path = QUIZ_DIR) -> bytes:
    """The engine's sources as a zip: sorted entries, fixed timestamps and modes, byte-reproducible.
    (The browser gets them compiled, in the Python bundle; the Node tests run this zip.)"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for arcname, path in engine_files(package_dir):
            info = zipfile.ZipInfo(arcname, date_time=_EPOCH)
            info.create_system = 3  # Unix, whatever platform builds it
            info.external_attr = _FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


def build_engine_zip(dest_path: str | os.PathLike[str], package_dir: Path = QUIZ_DIR) -> str:
    """Write the runtime ``quiz`` package (without ``quiz/build/``) as a zip to ``dest_path``;
    returns the sha256 hex digest of the bytes written."""
    data = engine_zip_bytes(package_dir)
    dest = Path(dest_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


# --- Pyodide's files ------------------------------------------------------------------------------


def pyodide_dir(repo_root: Path = REPO_ROOT) -> Path:
    return Path(repo_root) / "node_modules" / "pyodide"


def xz_decoder_wasm(repo_root: Path = REPO_ROOT) -> bytes:
    """xz-embedded's WebAssembly (12.5 KB, no imports), as the npm package ``xz-decompress``
    ships it: a base64 ``data:`` URL inside its JavaScript bundle. It is taken out and served as a
    file of its own, so the worker fetches and checks it like every other (``data:`` URLs would
    need their own Content-Security-Policy source) and drives it with its own few lines."""
    bundle = Path(repo_root) / "node_modules" / "xz-decompress" / "dist" / "package"
    source = _read(bundle / "xz-decompress.js").decode("utf-8")
    found = re.findall(r"data:application/wasm;base64,([A-Za-z0-9+/=]+)", source)
    if len(found) != 1:
        raise AssetsError(
            f"{bundle / 'xz-decompress.js'} does not hold the one WebAssembly decoder this build "
            f"reads (found {len(found)}): is xz-decompress still at the version in package.json? "
            "Run `make install`"
        )
    wasm = base64.b64decode(found[0])
    if not wasm.startswith(b"\0asm"):
        raise AssetsError(f"{bundle / 'xz-decompress.js'}: its decoder is not WebAssembly")
    return wasm


def pyodide_version(repo_root: Path = REPO_ROOT) -> str:
    """The installed npm pyodide version (its package.json), recorded in the manifest."""
    package = pyodide_dir(repo_root) / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise AssetsError(
            f"cannot read the Pyodide version from {package} ({exc}): run `make install`"
        ) from exc


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AssetsError(
            f"{path} is missing ({exc.strerror}): the quiz needs the npm packages; "
            "run `make install`"
        ) from None


# --- the assets -----------------------------------------------------------------------------------


def rules_json_bytes(rules_json: dict) -> bytes:
    """The rules export as compact UTF-8 JSON with sorted keys: the bytes (and so the sha256 in the
    manifest) depend on the rules only, never on dict insertion order."""
    return json.dumps(
        rules_json, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def hashed_name(name: str, data: bytes) -> str:
    """``pyodide.asm.wasm.xz`` → ``pyodide.asm.<12 hex>.wasm.xz``: the hash goes before the
    first suffix the browser reads (``.mjs``, ``.json``, ``.wasm``), so the type stays visible."""
    digest = hashlib.sha256(data).hexdigest()[:12]
    for suffix in (".wasm.xz", ".mjs.xz", ".zip.xz", ".mjs", ".wasm", ".json"):
        if name.endswith(suffix):
            return f"{name[: -len(suffix)]}.{digest}{suffix}"
    raise ValueError(f"no known suffix in {name!r}")


def _entry(url: str, data: bytes) -> dict:
    return {"url": url, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


@dataclass(frozen=True)
class BrowserAssets:
    """The files to add to the site (site URI → bytes), and the manifest's site URI."""

    files: dict[str, bytes]
    manifest_uri: str


def browser_assets(rules_json: dict, repo_root: Path, on: dt.date) -> BrowserAssets:
    """Every file the quiz and calculator pages load.

    ``rules_json`` is ``quiz.export.to_json(rules)``; ``on`` is the build's "in force" date, which
    the manifest hands to the worker so that the quiz quotes the same year as the pages.
    Deterministic: the same sources give the same bytes, names included.
    """
    source = pyodide_dir(repo_root)
    version = pyodide_version(repo_root)
    rules = rules_json_bytes(rules_json)
    engine = engine_zip_bytes(QUIZ_DIR)
    try:
        python = python_bundle(engine, rules, source, version, repo_root)
    except BundleError as exc:
        raise AssetsError(str(exc)) from exc
    glue = _read(source / "pyodide.asm.mjs")
    contents = {
        "loader": ("pyodide.mjs", _read(source / "pyodide.mjs")),
        "glue": ("pyodide.asm.mjs", glue),
        "glue.xz": ("pyodide.asm.mjs.xz", xz(glue, repo_root)),
        "wasm.xz": ("pyodide.asm.wasm.xz", xz(_read(source / "pyodide.asm.wasm"), repo_root)),
        "python.xz": ("python.zip.xz", xz(python, repo_root)),
        "decoder": ("xz-decoder.wasm", xz_decoder_wasm(repo_root)),
    }
    files: dict[str, bytes] = {RULES_URI: rules}
    entries = {"rules.json": _entry("../rules.json", rules)}
    for key, (name, data) in contents.items():
        hashed = hashed_name(name, data)
        files[ENGINE_DIR + hashed] = data
        entries[key] = _entry(hashed, data)
    lock = json.loads(_read(source / "pyodide-lock.json"))
    manifest = {
        "format": MANIFEST_FORMAT,
        "pyodide": {"version": version, "lock": {"info": lock["info"], "packages": {}}},
        "files": entries,
        "on": on.isoformat(),
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8") + b"\n"
    manifest_uri = ENGINE_DIR + hashed_name("manifest.json", manifest_bytes)
    files[manifest_uri] = manifest_bytes
    return BrowserAssets(files, manifest_uri)
