"""xz copies of the browser's large files, made once and cached.

Why xz: the worker decompresses the big files itself (``docs/javascripts/xz-decoder.mjs`` over a
12.5 KB WebAssembly build of xz-embedded), so a host that compresses nothing (or, like GitHub Pages,
nothing but text) sends them as small as one that does: issue 12's 4 MB first visit holds for both.
Measured on Pyodide 314.0.7's 9.6 MB wasm: gzip -9 3.5 MB, brotli 11 2.8 MB, zstd 19 2.90 MB, xz
2.64 MB; the Python bundle 562 → 527 KB and the glue 216 → 206 KB from zstd to xz, which with the
minified scripts brings a first visit to a host that compresses nothing under 4 MB (bench/README.md,
"Real networks"). Decoding the
wasm takes about 0.3 s of the worker's time instead of zstd's 0.15 s, while it downloads; a repeat
visit decodes nothing (the worker keeps the decompressed files).

The settings: LZMA2 at preset 9e; ``pb=0`` because WebAssembly and zip bytes are not aligned to 4;
an 8 MiB dictionary, which is what the decoder allocates (64 MiB at the preset's default) for 5 KB
more than a window as large as the wasm; CRC32, which the decoder checks (the worker checks every
file's sha256 as well, so a longer check would add bytes and nothing else). xz at
this preset takes seconds on the wasm, so every result is cached under ``.cache/xz/`` by the hash of
its input and the settings. Python's own ``lzma`` writes it: no dependency.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import tempfile
from pathlib import Path

FILTERS = (
    {
        "id": lzma.FILTER_LZMA2,
        "preset": 9 | lzma.PRESET_EXTREME,
        "dict_size": 8 << 20,
        "lc": 3,
        "lp": 0,
        "pb": 0,
    },
)
CACHE = ".cache/xz"
_SETTINGS = repr(FILTERS).encode()


def xz(data: bytes, root: Path) -> bytes:
    """``data`` as one xz stream (LZMA2, CRC32), from the cache if made."""
    key = hashlib.sha256(hashlib.sha256(data).digest() + _SETTINGS).hexdigest()[:40]
    cached = Path(root) / CACHE / f"{key}.xz"
    if cached.is_file():
        return cached.read_bytes()
    packed = lzma.compress(
        data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, filters=[dict(f) for f in FILTERS]
    )
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(packed)
    os.replace(tmp.name, cached)  # atomic: two builds at once never read half a file
    return packed
