"""A static file server for the benchmarks that behaves like an ordinary static host.

Like GitHub Pages: ``Cache-Control: max-age=600`` on every response, a strong ``ETag`` and
``Last-Modified`` on every file, ``304 Not Modified`` on ``If-None-Match`` / ``If-Modified-Since``,
correct MIME types (``application/wasm`` included), ``404.html`` for missing files.

Two modes (``serve(..., compress=...)``), as the network benchmarks need both kinds of host:

- **not compressing** (the default, like ``mkdocs serve`` or a bare object store): bodies as stored;
- **compressing**: like a static host that compresses on the fly (GitHub Pages, Netlify,
  Cloudflare): text, JavaScript, JSON, SVG and wasm go out gzip-encoded (level 6) to a client that
  accepts it, and a precompressed ``FILE.br`` beside a file is sent instead (``Content-Encoding:
  br``) to one that accepts brotli. Anything else (zip, xz, images) goes out as stored.

Several directories can be mounted side by side on one origin (``{"/": site, "/__bench/": bare}``),
so the bare Pyodide pages share the site's origin and its HTTP cache.

Every response is logged (``Server.log``: path, status, body bytes) so a measure can count what
one page load transferred.

    .venv/bin/python -m bench.server SITE_DIR   # serve a directory by hand (port 8765)
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import hashlib
import http.server
import mimetypes
import os
import socket
import sys
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import CONTENT_TYPES as _SITE_TYPES

# The test server's types, plus the archives only the benches serve (the engine as a wheel).
CONTENT_TYPES = {**_SITE_TYPES, ".whl": "application/zip", ".tar": "application/x-tar"}

CACHE_CONTROL = "max-age=600"  # GitHub Pages' header for every file

# What a compressing host encodes on the fly (by Content-Type, without parameters).
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/wasm",
)


@dataclass
class Hit:
    path: str
    status: int
    body_bytes: int


@dataclass
class Server:
    base_url: str
    compress: bool = False
    log: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # gzip bodies by (path, size, mtime): a file is compressed once, not on every request.
    gzipped: dict[tuple[str, int, int], bytes] = field(default_factory=dict)

    def take_log(self) -> list[Hit]:
        """The responses logged since the last call, and a fresh log."""
        with self.lock:
            hits, self.log = self.log, []
        return hits


def _content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def _etag(stat: os.stat_result) -> str:
    digest = hashlib.sha1(f"{stat.st_size}-{stat.st_mtime_ns}".encode()).hexdigest()[:20]
    return f'"{digest}"'


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mounts: list[tuple[str, Path]] = []
    server_state: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _resolve(self, url_path: str) -> tuple[Path | None, Path | None]:
        """(file, mount root) for a URL path; file is None when missing."""
        for prefix, root in self.mounts:
            if not url_path.startswith(prefix):
                continue
            rel = url_path[len(prefix) :]
            candidate = (root / rel).resolve()
            if root not in candidate.parents and candidate != root:
                return None, root
            if candidate.is_dir():
                if not url_path.endswith("/"):
                    return candidate, root  # redirect below
                candidate = candidate / "index.html"
            return (candidate if candidate.is_file() else None), root
        return None, None

    def _send(self, status: int, headers: Mapping[str, str], body: bytes | None) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        sent = 0
        if body is not None and self.command == "GET":
            self.wfile.write(body)
            sent = len(body)
        with self.server_state.lock:
            self.server_state.log.append(Hit(self.path, status, sent))

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        file, root = self._resolve(url_path)
        if file is not None and file.is_dir():
            self._send(301, {"Location": url_path + "/", "Content-Length": "0"}, b"")
            return
        if file is None:
            page = (root or self.mounts[-1][1]) / "404.html"
            body = page.read_bytes() if page.is_file() else b"Not found"
            self._send(
                404,
                {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))},
                body,
            )
            return
        stat = file.stat()
        etag = _etag(stat)
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "ETag": etag,
            "Last-Modified": last_modified,
        }
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        not_modified = False
        if if_none_match is not None:
            not_modified = etag in [tag.strip() for tag in if_none_match.split(",")] or (
                if_none_match.strip() == "*"
            )
        elif if_modified_since is not None:
            with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                not_modified = int(stat.st_mtime) <= since
        content_type = _content_type(file)
        encoding = self._encoding(file, content_type)
        if encoding:
            headers["Vary"] = "Accept-Encoding"
            headers["ETag"] = etag = f'{etag[:-1]}-{encoding}"'
            not_modified = not_modified or (
                if_none_match is not None
                and etag in [tag.strip() for tag in if_none_match.split(",")]
            )
        if not_modified:
            self._send(304, headers, None)
            return
        if encoding == "br":
            body = file.with_name(file.name + ".br").read_bytes()
        elif encoding == "gzip":
            body = self._gzipped(file, stat)
        else:
            body = file.read_bytes()
        headers["Content-Type"] = content_type
        if encoding:
            headers["Content-Encoding"] = encoding
        headers["Content-Length"] = str(len(body))
        self._send(200, headers, body)

    def _encoding(self, file: Path, content_type: str) -> str | None:
        """The Content-Encoding a compressing host would use for this file and client, if any."""
        if not self.server_state.compress:
            return None
        accepted = {
            part.split(";")[0].strip().lower()
            for part in self.headers.get("Accept-Encoding", "").split(",")
        }
        if "br" in accepted and file.with_name(file.name + ".br").is_file():
            return "br"
        if "gzip" in accepted and content_type.split(";")[0].startswith(COMPRESSIBLE):
            return "gzip"
        return None

    def _gzipped(self, file: Path, stat: os.stat_result) -> bytes:
        key = (str(file), stat.st_size, stat.st_mtime_ns)
        state = self.server_state
        with state.lock:
            found = state.gzipped.get(key)
        if found is None:
            found = gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)
            with state.lock:
                state.gzipped[key] = found
        return found


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def unused_port() -> int:
    """A TCP port free on 127.0.0.1 now (to build a site for the address it will be served on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(
    mounts: Mapping[str, os.PathLike[str] | str], port: int = 0, compress: bool = False
) -> Iterator[Server]:
    """Serve ``{url_prefix: directory}`` on 127.0.0.1; longest prefix wins. Yields a ``Server``.
    ``compress``: behave like a host that compresses (see the module docstring)."""
    ordered = sorted(
        ((prefix, Path(d).resolve()) for prefix, d in mounts.items()),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    state = Server(base_url="", compress=compress)
    handler = type("Handler", (_Handler,), {"mounts": ordered, "server_state": state})
    server = _QuietServer(("127.0.0.1", port), handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="bench-http", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


if __name__ == "__main__":
    import time

    with serve({"/": sys.argv[1] if len(sys.argv) > 1 else "site"}, port=8765) as srv:
        print(f"serving on {srv.base_url} (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
