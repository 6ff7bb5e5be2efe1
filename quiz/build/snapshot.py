"""The engine's Pyodide memory snapshot (gzip), made at build time under Node and cached.

Why: in the browser most of "Python ready" is Python starting and importing the standard library
and the engine, the same work on every visit. A snapshot of Pyodide's memory taken right after
``import quiz.api`` lets the worker skip it (measured: ≈ 2.5 s → ≈ 1 s to the first answer cold,
≈ 1.7 s → ≈ 0.6 s on a reload). It is shipped gzip-compressed (31 MB → ≈ 7 MB) and inflated in the
worker, so no host's compression settings matter; the worker falls back to a normal start if it is
missing or damaged.

The snapshot depends only on the Pyodide version and the engine zip (not on the rules: the worker
configures them after restoring), so it is cached under ``.cache/engine-snapshot/`` by the hash of
both and of ``make_snapshot.mjs``: rebuilds with other rules reuse it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "make_snapshot.mjs"
CACHE = ".cache/engine-snapshot"


class SnapshotError(RuntimeError):
    """The snapshot could not be made; the message says why and how to fix it."""


def snapshot_gz(engine: bytes, pyodide_dir: Path, version: str, repo_root: Path) -> bytes:
    """The gzip-compressed snapshot for this engine zip and Pyodide, from the cache or made now."""
    key = hashlib.sha256(
        b"\0".join([version.encode(), hashlib.sha256(engine).digest(), SCRIPT.read_bytes()])
    ).hexdigest()[:32]
    cached = Path(repo_root) / CACHE / f"{key}.gz"
    if cached.is_file():
        return cached.read_bytes()
    data = gzip.compress(_make(engine, pyodide_dir), compresslevel=6, mtime=0)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, cached)  # atomic: two builds at once never read half a file
    return data


def _make(engine: bytes, pyodide_dir: Path) -> bytes:
    node = shutil.which("node")
    if node is None:
        raise SnapshotError("node is not on PATH: the engine snapshot is made with Node.js")
    with tempfile.TemporaryDirectory() as tmp:
        engine_path = Path(tmp) / "engine.zip"
        out = Path(tmp) / "snapshot.bin"
        engine_path.write_bytes(engine)
        try:
            subprocess.run(
                [node, str(SCRIPT), str(pyodide_dir), str(engine_path), str(out)],
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
                cwd=tmp,
            )
        except subprocess.CalledProcessError as exc:
            tail = (exc.stderr or exc.stdout or "").strip().splitlines()[-5:]
            raise SnapshotError(
                "Node could not make the engine snapshot:\n" + "\n".join(tail)
            ) from None
        except subprocess.TimeoutExpired:
            raise SnapshotError("Node took over 300 s to make the engine snapshot") from None
        return out.read_bytes()
