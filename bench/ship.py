"""The two ways to ship the engine to Pyodide (issue 4), prepared for the browser measure:

(a) ``engine.zip`` (``quiz.build.assets``), fetched in parallel with ``loadPyodide`` and unpacked
    with ``pyodide.unpackArchive`` — what the site's worker does;
(b) a wheel of the runtime ``quiz`` package, added to a copy of Pyodide's ``pyodide-lock.json`` with
    ``pyodide lockfile add-wheels`` (pyodide-build 0.39 + pkginfo, in its own venv
    ``bench/.venv-pyodide-build``, made here on first use with Python 3.12), then ``loadPackage``.

``prepare(dest)`` writes ``engine.zip``, the wheel and ``pyodide-lock.json`` into ``dest`` (served
at ``/__bench/``); the pages are ``ship-zip.html`` and ``ship-wheel.html`` (``bench/bare.py``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PB_VENV = REPO_ROOT / "bench" / ".venv-pyodide-build"
PYODIDE_LOCK = REPO_ROOT / "node_modules" / "pyodide" / "pyodide-lock.json"
DIST = "ipma_quiz"
VERSION = "0.1.0"
WHEEL_NAME = f"{DIST}-{VERSION}-py3-none-any.whl"
PACKAGE_NAME = "ipma-quiz"  # the name loadPackage takes


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(dest_dir: Path) -> Path:
    """A pure-Python wheel of the runtime ``quiz`` package (the same files as engine.zip)."""
    from quiz.build.assets import engine_files

    dist_info = f"{DIST}-{VERSION}.dist-info"
    entries: list[tuple[str, bytes]] = [(name, path.read_bytes()) for name, path in engine_files()]
    entries.append(
        (
            f"{dist_info}/METADATA",
            f"Metadata-Version: 2.1\nName: {PACKAGE_NAME}\nVersion: {VERSION}\n"
            "Summary: IPMA membership rules engine (runtime package)\n".encode(),
        )
    )
    entries.append(
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: bench/ship.py\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n",
        )
    )
    entries.append((f"{dist_info}/top_level.txt", b"quiz\n"))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
    dest_dir.mkdir(parents=True, exist_ok=True)
    wheel = dest_dir / WHEEL_NAME
    wheel.write_bytes(buffer.getvalue())
    return wheel


def _python312() -> str:
    """A Python 3.12 to make the pyodide-build venv with (pip on 3.11 picks an old, broken one)."""
    if sys.version_info[:2] == (3, 12):
        return sys.executable
    for candidate in ("python3.12",):
        try:
            out = subprocess.run(
                [candidate, "-c", "import sys; print(sys.executable)"],
                capture_output=True,
                text=True,
                check=True,
            )
            return out.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
    raise RuntimeError("python3.12 is needed for pyodide-build")


def ensure_pyodide_build(log=print) -> Path:
    """``bench/.venv-pyodide-build/bin/pyodide``, installing pyodide-build 0.39 there if missing."""
    exe = PB_VENV / "bin" / "pyodide"
    if exe.exists():
        return exe
    log(f"  ship: creating {PB_VENV.relative_to(REPO_ROOT)} (pyodide-build 0.39, pkginfo)")
    subprocess.run([_python312(), "-m", "venv", str(PB_VENV)], check=True)
    subprocess.run(
        [
            str(PB_VENV / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "pyodide-build>=0.39,<0.40",
            "pkginfo",
        ],
        check=True,
    )
    return exe


def add_wheel_to_lock(wheel: Path, dest_dir: Path, log=print) -> Path:
    """Run ``pyodide lockfile add-wheels``; the new lock lists the wheel beside it in dest_dir."""
    exe = ensure_pyodide_build(log)
    output = dest_dir / "pyodide-lock.json"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [
            str(exe),
            "lockfile",
            "add-wheels",
            "--input",
            str(PYODIDE_LOCK),
            "--output",
            str(output),
            "--base-path",
            str(dest_dir),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=dest_dir,
    )
    if result.returncode != 0 or not output.exists():
        raise RuntimeError(
            f"pyodide lockfile add-wheels failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    lock = json.loads(output.read_text(encoding="utf-8"))
    entry = lock["packages"].get(PACKAGE_NAME)
    if entry is None:
        raise RuntimeError(
            f"add-wheels did not add {PACKAGE_NAME}: {sorted(lock['packages'])[:5]}…"
        )
    return output


def prepare(dest_dir: Path, log=print) -> dict[str, str]:
    """engine.zip, the wheel and the lock copy in dest_dir; returns their sizes for the log."""
    from quiz.build.assets import build_engine_zip

    build_engine_zip(dest_dir / "engine.zip")
    wheel = build_wheel(dest_dir)
    lock = add_wheel_to_lock(wheel, dest_dir, log)
    entry = json.loads(lock.read_text(encoding="utf-8"))["packages"][PACKAGE_NAME]
    return {
        "engine.zip": f"{(dest_dir / 'engine.zip').stat().st_size} B",
        WHEEL_NAME: f"{wheel.stat().st_size} B",
        "lock entry": json.dumps(entry),
    }
