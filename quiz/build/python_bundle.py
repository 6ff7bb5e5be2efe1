"""The browser's Python: the part of the standard library the engine uses, and the engine, compiled.

Why: Pyodide's own ``python_stdlib.zip`` is 2.5 MB to download and 9.6 MB of source that Python
compiles module by module as it starts, which is most of its start-up in the browser. The worker
needs about 160 of its 614 files, and compiled ahead they start twice as fast. So the build runs
``make_python_bundle.mjs`` under Node (the same Pyodide the browser runs): it exercises the engine
the way the worker does and writes one zip of ``.pyc`` files, stdlib and ``quiz/`` together, that
the worker installs as Python's standard library (see that script for what it runs and keeps).

The bundle depends on the Pyodide version, the engine's code and the script, not on the rules (the
engine imports every module it uses when ``quiz.api`` is imported), so it is cached under
``.cache/python-bundle/`` by their hash: a rebuild with other rules, as staff make when they edit
``rules/``, reuses it. The rules only drive the exercise, which reaches every code path there is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "make_python_bundle.mjs"
CACHE = ".cache/python-bundle"


class BundleError(RuntimeError):
    """The bundle could not be made; the message says why and how to fix it."""


def python_bundle(
    engine: bytes, rules: bytes, pyodide_dir: Path, version: str, root: Path
) -> bytes:
    """The bundle zip for this engine zip and Pyodide, from the cache or made now."""
    key = hashlib.sha256(
        b"\0".join([version.encode(), hashlib.sha256(engine).digest(), SCRIPT.read_bytes()])
    ).hexdigest()[:32]
    cached = Path(root) / CACHE / f"{key}.zip"
    if cached.is_file():
        return cached.read_bytes()
    data = _make(engine, rules, pyodide_dir)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, cached)  # atomic: two builds at once never read half a file
    return data


def _make(engine: bytes, rules: bytes, pyodide_dir: Path) -> bytes:
    node = shutil.which("node")
    if node is None:
        raise BundleError("node is not on PATH: the browser's Python is compiled with Node.js")
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: Path(tmp) / name for name in ("engine.zip", "rules.json", "bundle.zip")}
        paths["engine.zip"].write_bytes(engine)
        paths["rules.json"].write_bytes(rules)
        try:
            done = subprocess.run(
                [node, str(SCRIPT), str(pyodide_dir), *(str(p) for p in paths.values())],
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
                cwd=tmp,
            )
        except subprocess.CalledProcessError as exc:
            tail = [
                line[:300] for line in (exc.stderr or exc.stdout or "").strip().splitlines()[-8:]
            ]
            raise BundleError(
                "Node could not make the browser's Python bundle:\n" + "\n".join(tail)
            ) from None
        except subprocess.TimeoutExpired:
            raise BundleError("Node took over 600 s to make the browser's Python bundle") from None
        json.loads(done.stdout.strip().splitlines()[-1])  # {"modules": N, "bytes": N}
        return paths["bundle.zip"].read_bytes()
