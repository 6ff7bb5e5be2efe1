"""zstd copies of the browser's large files, made once and cached.

Why zstd: the worker decompresses the big files itself (``fzstd``, a 24 KB decoder), so a host that
compresses nothing (or, like GitHub Pages, nothing but text) sends them as small as one that does.
The browser's own ``DecompressionStream`` reads only gzip and deflate, and gzip leaves Pyodide's
wasm at 3.5 MB where zstd makes it 2.9 MB (brotli 2.8 MB, but no browser decodes brotli in a
stream and a JavaScript brotli decoder carries a 120 KB dictionary). Level 19 takes seconds on the
9.6 MB wasm, so every result is cached under ``.cache/zstd/`` by the hash of its input.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import zstandard

LEVEL = 19
# A 4 MiB window instead of level 19's 8 MiB: the decoder copies its window for every block it
# streams, and a smaller one halves that work (measured: 236 → 145 ms for the wasm) for 5 KB more.
WINDOW_LOG = 22
CACHE = ".cache/zstd"


def zstd(data: bytes, root: Path) -> bytes:
    """``data`` as one zstd frame (with its content size and checksum), from the cache if made."""
    key = f"{hashlib.sha256(data).hexdigest()[:40]}-{LEVEL}-{WINDOW_LOG}.zst"
    cached = Path(root) / CACHE / key
    if cached.is_file():
        return cached.read_bytes()
    params = zstandard.ZstdCompressionParameters.from_level(
        LEVEL, window_log=WINDOW_LOG, write_content_size=True, write_checksum=True
    )
    packed = zstandard.ZstdCompressor(compression_params=params).compress(data)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(packed)
    os.replace(tmp.name, cached)
    return packed
