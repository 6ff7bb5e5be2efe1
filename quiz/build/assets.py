"""Pyodide asset packaging: the engine zip shipped to the browser (and used by the Node tests)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

# The runtime package: quiz/ itself (this file lives in quiz/build/).
QUIZ_DIR = Path(__file__).resolve().parent.parent

# Fixed metadata so the same sources always give the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
_EXCLUDED_DIRS = {"build", "__pycache__"}  # build/ only at the top of the package
_EXCLUDED_SUFFIXES = {".pyc", ".pyo"}


def engine_files(package_dir: Path = QUIZ_DIR) -> list[tuple[str, Path]]:
    """The files of the runtime package as sorted (archive name, path) pairs.

    Archive names are POSIX paths starting with the package name (``quiz/api.py``), so unpacking
    the zip into a directory on ``sys.path`` makes the package importable. Skipped: ``build/`` at
    the top of the package, ``__pycache__`` anywhere, compiled files and dotfiles.
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
    """The engine zip as bytes: sorted entries, fixed timestamps and modes, byte-reproducible."""
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
    """Write the runtime ``quiz`` package (without ``quiz/build/``) as a zip to ``dest_path``.

    Returns the sha256 hex digest of the written bytes. ``package_dir`` defaults to the real
    ``quiz/``; tests pass another package directory to package a stand-in engine.
    """
    data = engine_zip_bytes(package_dir)
    dest = Path(dest_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


# --- the browser assets: what the quiz and calculator pages load ---------------------------------

REPO_ROOT = QUIZ_DIR.parent

# Site-relative URIs. The worker (docs/javascripts/engine-worker.mjs) derives the same names from
# its own URL, so the site can be served under any sub-path.
RULES_URI = "assets/rules.json"
ENGINE_URI = "assets/engine.zip"
MANIFEST_URI = "assets/manifest.json"
SNAPSHOT_URI = "assets/engine-snapshot.gz"  # quiz/build/snapshot.py
PYODIDE_URI = "assets/pyodide/"

# Only what ``loadPyodide`` fetches when no package is loaded: the loader, the Emscripten module,
# the wasm binary, the standard library and the lock file (read at start-up even with no package).
# No source maps, no console pages, no classic-script ``pyodide.js``: the worker is a module worker.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)

MANIFEST_FORMAT = 1


class AssetsError(RuntimeError):
    """A browser asset cannot be produced (node_modules/pyodide missing...); says how to fix it."""


def rules_json_bytes(rules_json: dict) -> bytes:
    """The rules export as compact UTF-8 JSON with sorted keys.

    Sorted keys make the bytes (and so the sha256 in the manifest) depend on the rules only, never
    on dict insertion order; compact separators because every visitor of the quiz downloads it.
    """
    return json.dumps(
        rules_json, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def pyodide_dir(repo_root: Path = REPO_ROOT) -> Path:
    return Path(repo_root) / "node_modules" / "pyodide"


def pyodide_version(repo_root: Path = REPO_ROOT) -> str:
    """The installed npm pyodide version (its package.json), recorded in the manifest."""
    package = pyodide_dir(repo_root) / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise AssetsError(
            f"cannot read the Pyodide version from {package} ({exc}): run `make install`"
        ) from exc


def pyodide_files(repo_root: Path = REPO_ROOT) -> list[tuple[str, Path]]:
    """(site URI, path) of the Pyodide files the browser needs, from node_modules/pyodide.

    The site is self-hosted (no CDN at run time), so a missing file must stop the build with the
    fix rather than produce a quiz that can never load.
    """
    source = pyodide_dir(repo_root)
    if not source.is_dir():
        raise AssetsError(
            f"{source} is missing: the quiz needs the npm pyodide package; run `make install`"
        )
    missing = [name for name in PYODIDE_FILES if not (source / name).is_file()]
    if missing:
        raise AssetsError(f"{source} lacks {', '.join(missing)}: reinstall it with `make install`")
    return [(PYODIDE_URI + name, source / name) for name in PYODIDE_FILES]


def manifest_bytes(
    rules: bytes,
    engine: bytes,
    version: str,
    on: dt.date | None = None,
    snapshot: bytes | None = None,
    stdlib: bytes | None = None,
) -> bytes:
    """``assets/manifest.json``: what the worker checks before it trusts the files it fetched.

    The sha256 of rules.json and engine.zip (a corrupt, truncated or stale-cached file must give
    the failure message, never a half-working quiz), their sizes, the Pyodide version, and ``on``:
    the date the build used to decide which dues are in force, so the quiz quotes the same year as
    the pages (null: the engine's own default, today).
    """
    manifest = {
        "format": MANIFEST_FORMAT,
        "pyodide": {"version": version, "index": "pyodide/"},
        "files": {
            "engine.zip": {"sha256": hashlib.sha256(engine).hexdigest(), "size": len(engine)},
            "rules.json": {"sha256": hashlib.sha256(rules).hexdigest(), "size": len(rules)},
        },
        "on": on.isoformat() if on is not None else None,
    }
    if stdlib is not None:  # fetched by Pyodide itself; the worker checks it as it arrives
        manifest["files"]["pyodide/python_stdlib.zip"] = {
            "sha256": hashlib.sha256(stdlib).hexdigest(),
            "size": len(stdlib),
        }
    if snapshot is not None:
        manifest["files"]["engine-snapshot.gz"] = {
            "sha256": hashlib.sha256(snapshot).hexdigest(),
            "size": len(snapshot),
        }
    return json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8") + b"\n"


def browser_assets(
    rules_json: dict, repo_root: Path = REPO_ROOT, on: dt.date | None = None
) -> list[tuple[str, bytes | Path]]:
    """Every file the quiz and calculator pages load, as (site-relative URI, bytes or source path).

    ``rules_json`` is ``quiz.export.to_json(rules)``; ``on`` is the build's "in force" date (see
    ``manifest_bytes``; default: the plugin's default, ``SOURCE_DATE_EPOCH`` or today). The MkDocs
    plugin adds each pair with ``File.generated`` in ``on_files``; nothing is written to docs/.
    The Pyodide files are large and copied as they are (paths); the rest is made here,
    deterministically, so two builds of the same sources give the same bytes.
    """
    if on is None:
        # The plugin's own default (SOURCE_DATE_EPOCH, else today): pages and quiz then agree even
        # when the caller does not pass the date it built with.
        from quiz.build.pages import build_date

        on = build_date(None)
    rules = rules_json_bytes(rules_json)
    engine = engine_zip_bytes(QUIZ_DIR)
    version = pyodide_version(repo_root)
    pyodide = pyodide_files(repo_root)  # checks node_modules/pyodide first, with the fix
    stdlib_path = dict(pyodide)[PYODIDE_URI + "python_stdlib.zip"]
    from quiz.build.snapshot import SnapshotError, snapshot_gz

    try:
        snapshot = snapshot_gz(engine, pyodide_dir(repo_root), version, repo_root)
    except SnapshotError as exc:
        raise AssetsError(str(exc)) from exc
    assets: list[tuple[str, bytes | Path]] = [
        (RULES_URI, rules),
        (ENGINE_URI, engine),
        (SNAPSHOT_URI, snapshot),
        (
            MANIFEST_URI,
            manifest_bytes(rules, engine, version, on, snapshot, stdlib_path.read_bytes()),
        ),
    ]
    assets.extend(pyodide)
    return assets
