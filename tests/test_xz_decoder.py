"""The worker's xz decoder (docs/javascripts/xz-decoder.mjs over the wasm the build ships), run
under Node on data made the way the build makes the engine's files (quiz/build/compress.py)."""

from __future__ import annotations

import hashlib
import json
import lzma
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from quiz.build import assets, compress
from tests.helpers import REPO_ROOT

SCRIPT = REPO_ROOT / "tests" / "node" / "xz_decode.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


@pytest.fixture(scope="module")
def decoder_wasm(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xz") / "xz-decoder.wasm"
    path.write_bytes(assets.xz_decoder_wasm(REPO_ROOT))
    return path


@pytest.fixture(scope="module")
def original() -> bytes:
    """Half text, half noise: many times the decoder's 64 KB output buffer, as the wasm is."""
    rng = random.Random(12)
    text = (REPO_ROOT / "rules" / "membership.yaml").read_bytes() * 4
    return text + rng.randbytes(200_000) + text


def packed(data: bytes) -> bytes:
    return lzma.compress(
        data,
        format=lzma.FORMAT_XZ,
        check=lzma.CHECK_CRC32,
        filters=[dict(f) for f in compress.FILTERS],
    )


def decode(decoder_wasm: Path, tmp_path: Path, data: bytes, chunk: int) -> dict:
    source = tmp_path / f"input-{chunk}.xz"
    source.write_bytes(data)
    done = subprocess.run(
        ["node", str(SCRIPT), str(decoder_wasm), str(source), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("chunk", [1, 7_777, 65_536, 1_000_000])
def test_it_decodes_what_the_build_compresses_in_any_chunk_size(
    decoder_wasm, original, tmp_path, chunk
):
    expected = original[:40_000] if chunk == 1 else original  # a byte a push: a shorter file
    out = decode(decoder_wasm, tmp_path, packed(expected), chunk)
    assert out == {
        "ok": True,
        "sha256": hashlib.sha256(expected).hexdigest(),
        "length": len(expected),
        "chunks": out["chunks"],
    }
    assert out["chunks"] >= len(expected) // 65_536  # the output buffer filled, and was drained


def test_the_build_settings_compress_to_what_the_decoder_reads(decoder_wasm, tmp_path):
    data = compress.xz(b"the engine's bytes " * 5_000, tmp_path)
    out = decode(decoder_wasm, tmp_path, data, 4_096)
    assert out["ok"] and out["length"] == 19 * 5_000


def test_data_cut_short_is_an_error_not_a_shorter_file(decoder_wasm, original, tmp_path):
    data = packed(original)
    out = decode(decoder_wasm, tmp_path, data[: len(data) // 2], 65_536)
    assert out == {"ok": False, "error": "the xz data ends early"}


def test_damaged_data_and_data_that_is_not_xz_are_errors(decoder_wasm, original, tmp_path):
    data = bytearray(packed(original))
    data[len(data) // 3] ^= 0xFF
    damaged = decode(decoder_wasm, tmp_path, bytes(data), 65_536)
    assert damaged["ok"] is False and "damaged" in damaged["error"], damaged
    garbage = decode(decoder_wasm, tmp_path, b"not xz at all, not even close" * 10, 65_536)
    assert garbage["ok"] is False and "damaged" in garbage["error"], garbage
    empty = decode(decoder_wasm, tmp_path, b"", 65_536)
    assert empty["ok"] is False, empty
