"""Test helpers shared by the suite: site builds, a static HTTP server, the Node Pyodide harness.

Plain functions and classes (no pytest here); the fixtures in ``tests/conftest.py`` wrap them.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO_ROOT / "mkdocs.yml"
RUN_ENGINE_MJS = REPO_ROOT / "tests" / "node" / "run_engine.mjs"
PYODIDE_DIR = REPO_ROOT / "node_modules" / "pyodide"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, headless, as root, on a machine with no network beyond the package registries:
# without the background-networking flags it keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's launch options for that browser (chromium.launch / launch_persistent_context).
CHROMIUM_LAUNCH = {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}

# Name of the MkDocs plugin (entry point in pyproject.toml) and of its option naming the rules file,
# used by build_site(rules_path=...).
IPMA_PLUGIN = "ipma"
RULES_OPTION = "rules"
DEFAULT_RULES = "rules/membership.yaml"


def engine_manifest(site_dir: Path) -> tuple[str, dict[str, Any]]:
    """The engine manifest a built site's pages name (``<meta name="ipma:engine">``, written by
    overrides/main.html): its site URI and its JSON (quiz/build/assets.py)."""
    html = (Path(site_dir) / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<meta name="ipma:engine" content="([^"]+)"', html)
    if found is None:
        raise AssertionError("the home page names no engine manifest (<meta name=ipma:engine>)")
    uri = found.group(1)
    return uri, json.loads((Path(site_dir) / uri).read_text(encoding="utf-8"))


def in_ci() -> bool:
    """True under CI (``CI=true``): missing tools must fail the run there, never skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def venv_bin(name: str) -> Path:
    """Path of an executable installed in the project's virtualenv (``.venv/bin/NAME``).

    Prefers the environment running the tests (``sys.prefix``), then the repo's ``.venv/``, then
    PATH.
    """
    for candidate in (Path(sys.prefix) / "bin" / name, REPO_ROOT / ".venv" / "bin" / name):
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed: run `make install`")
    return Path(found)


def subprocess_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for subprocesses: this one, the repo on PYTHONPATH, no MkDocs 2 banner."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    if extra:
        env.update(extra)
    return env


# --- mkdocs.yml copies ---------------------------------------------------------------------------
#
# mkdocs.yml may hold tags the safe loader does not know (`!!python/name:…`, `!ENV`, `!relative`):
# keep them as opaque values and write them back unchanged.


class _Tagged:
    def __init__(self, tag: str, node: yaml.Node, value: Any) -> None:
        self.tag, self.node_type, self.value = tag, type(node), value


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _construct_tagged(
    loader: yaml.SafeLoader, suffix: str, node: yaml.Node, prefix: str
) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return _Tagged(prefix + suffix, node, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if data.node_type is yaml.ScalarNode:
        return dumper.represent_scalar(data.tag, data.value)
    if data.node_type is yaml.SequenceNode:
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_mapping(data.tag, data.value)


for _prefix in ("!", "tag:yaml.org,2002:python/"):
    _ConfigLoader.add_multi_constructor(_prefix, partial(_construct_tagged, prefix=_prefix))
_ConfigDumper.add_representer(_Tagged, _represent_tagged)


def load_mkdocs_config(path: Path = MKDOCS_YML) -> dict[str, Any]:
    """mkdocs.yml as plain data, unknown tags kept as opaque values (see ``dump_mkdocs_config``)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}


def dump_mkdocs_config(config: Mapping[str, Any]) -> str:
    return yaml.dump(dict(config), Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True)


def _plugin_entries(plugins: Any) -> list[Any]:
    if plugins is None:
        return []
    if isinstance(plugins, dict):  # MkDocs also accepts a mapping of name → options
        return [{name: options} for name, options in plugins.items()]
    return list(plugins)


def _set_plugin(plugins: list[Any], name: str, options: Mapping[str, Any] | None) -> list[Any]:
    """Merge ``options`` into the plugin ``name`` (added at the end if absent); None removes it."""
    result: list[Any] = []
    found = False
    for entry in plugins:
        entry_name = entry if isinstance(entry, str) else next(iter(entry))
        if entry_name != name:
            result.append(entry)
            continue
        found = True
        if options is None:
            continue
        current = {} if isinstance(entry, str) else dict(entry[name] or {})
        result.append({name: _deep_merge(current, options)})
    if not found and options is not None:
        result.append({name: dict(options)})
    return result


def _deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _absolute(path: Any) -> Any:
    """A path from mkdocs.yml made absolute against the repo (non-strings are left alone)."""
    if isinstance(path, str) and not Path(path).is_absolute():
        return str(REPO_ROOT / path)
    return path


def site_config(
    site_dir: Path,
    config_overrides: Mapping[str, Any] | None = None,
    rules_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The repo's mkdocs.yml adapted to build into ``site_dir`` from a config file kept elsewhere.

    ``docs_dir`` and ``theme.custom_dir`` become absolute paths back to the repo.
    ``config_overrides`` is deep-merged into the config, except ``plugins``: give it as a mapping
    ``{name: options}`` to merge options into that plugin (added if missing; ``None`` removes it),
    or as a list to replace the list.
    ``rules_path`` sets the ipma plugin's ``rules`` option to that file (absolute); without it the
    plugin's ``rules`` (default ``rules/membership.yaml``) is made absolute against the repo.
    """
    config = load_mkdocs_config()
    overrides = dict(config_overrides or {})
    plugin_overrides = overrides.pop("plugins", None)
    config = _deep_merge(config, overrides)

    config["site_dir"] = str(Path(site_dir).resolve())
    config["docs_dir"] = _absolute(config.get("docs_dir", "docs"))
    theme = config.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        theme["custom_dir"] = _absolute(theme["custom_dir"])

    plugins = _plugin_entries(config.get("plugins", ["search"]))
    if isinstance(plugin_overrides, Mapping):
        for name, options in plugin_overrides.items():
            plugins = _set_plugin(plugins, name, options)
    elif plugin_overrides is not None:
        plugins = list(plugin_overrides)
    if rules_path is not None:
        plugins = _set_plugin(plugins, IPMA_PLUGIN, {RULES_OPTION: str(Path(rules_path).resolve())})
    config["plugins"] = [_ipma_paths_absolute(entry) for entry in plugins]
    return config


def _ipma_paths_absolute(entry: Any) -> Any:
    """The ipma plugin entry with its ``rules`` file (default ``rules/membership.yaml``) and any
    other option naming a repo path made absolute: the copied config lives outside the repo."""
    name = entry if isinstance(entry, str) else next(iter(entry))
    if name != IPMA_PLUGIN:
        return entry
    options = {} if isinstance(entry, str) else dict(entry[name] or {})
    options.setdefault(RULES_OPTION, DEFAULT_RULES)
    for key, value in options.items():
        if key == RULES_OPTION or (isinstance(value, str) and (REPO_ROOT / value).exists()):
            options[key] = _absolute(value)
    return {name: options}


def build_site(
    tmp_dir: str | os.PathLike[str],
    config_overrides: Mapping[str, Any] | None = None,
    rules_path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``mkdocs build --strict`` into ``tmp_dir`` and return the CompletedProcess.

    The config is a temporary copy of mkdocs.yml (see ``site_config``) written outside ``tmp_dir``;
    MkDocs runs from the repo root with the repo on PYTHONPATH. stdout/stderr are captured as text;
    the caller checks ``returncode`` (MkDocs prints warnings and errors on stderr).
    """
    site_dir = Path(tmp_dir)
    config = site_config(site_dir, config_overrides, rules_path)
    with tempfile.TemporaryDirectory(prefix="mkdocs-config-") as config_dir:
        config_file = Path(config_dir) / "mkdocs.yml"
        config_file.write_text(dump_mkdocs_config(config), encoding="utf-8")
        return subprocess.run(
            [str(venv_bin("mkdocs")), "build", "--strict", "-f", str(config_file)],
            cwd=REPO_ROOT,
            env=subprocess_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


# --- static HTTP server --------------------------------------------------------------------------

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".xz": "application/x-xz",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml",
}


HEADERS_FILE = "_headers"
CSP_REPORT_PATH = "/__csp-report__"
# (path pattern, [(header name, value)]) per rule of a _headers file, in file order.
HeaderRules = list[tuple[re.Pattern[str], list[tuple[str, str]]]]


def read_headers_file(path: str | os.PathLike[str]) -> HeaderRules:
    """A ``_headers`` file (Netlify / Cloudflare Pages format) as (path pattern, headers) rules.

    A rule is a line starting with ``/`` (``*`` matches anything, ``:name`` one path segment)
    followed by indented ``Name: value`` lines; ``#`` starts a comment line.
    """
    rules: HeaderRules = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = "".join(
                ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
                for part in re.split(r"(\*|:[A-Za-z_]\w*)", line.strip())
            )
            rules.append((re.compile(pattern + r"\Z"), []))
            continue
        name, sep, value = line.strip().partition(":")
        if not rules or not sep:
            raise ValueError(f"{path}:{number}: expected a path or an indented 'Name: value'")
        rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules: HeaderRules, url_path: str) -> list[tuple[str, str]]:
    """The headers a host sends for ``url_path``: every matching rule's, in file order; a header
    set by several rules is sent once with the values joined by ", " (what Cloudflare Pages does;
    for Content-Security-Policy that means several policies, all enforced: the strict case)."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for pattern, headers in rules:
        if pattern.match(url_path):
            for name, value in headers:
                merged.setdefault(name.lower(), (name, []))[1].append(value)
    return [(name, ", ".join(values)) for name, values in merged.values()]


# What a static host compresses on the fly (by Content-Type): text, scripts and JSON, not wasm.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files the way an ordinary static host does (like GitHub Pages): proper MIME types,
    ``Cache-Control: max-age=600``, Last-Modified / 304, ``404.html`` for missing files, and text,
    scripts and JSON gzip-compressed for a browser that accepts it (``compress=False``: a host
    that compresses nothing, such as ``mkdocs serve`` or a bare object store).

    With ``header_rules`` (from the site's ``_headers``) it behaves like Netlify or Cloudflare
    Pages instead: those headers on every response, and ``_headers`` itself not served. With
    ``csp_reports`` (a list) too, every Content-Security-Policy it sends asks the browser to report
    violations to ``CSP_REPORT_PATH``, and the reports' JSON bodies are appended to that list: the
    only way to hear about a violation inside a worker, which runs under its own policy.
    """

    protocol_version = "HTTP/1.1"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def __init__(
        self,
        *args: Any,
        header_rules: HeaderRules | None = None,
        csp_reports: list[Any] | None = None,
        compress: bool = True,
        **kwargs: Any,
    ) -> None:
        self.header_rules = header_rules
        self.csp_reports = csp_reports
        self.compress = compress
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        if self.header_rules is not None:
            url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            for name, value in headers_for(self.header_rules, url_path):
                if name.lower() == "content-security-policy" and self.csp_reports is not None:
                    value = ", ".join(
                        f"{policy.strip()}; report-uri {CSP_REPORT_PATH}"
                        for policy in value.split(",")
                    )
                self.send_header(name, value)
        super().end_headers()

    def send_head(self) -> Any:
        if self.header_rules is not None:
            url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if url_path.rstrip("/") == "/" + HEADERS_FILE:
                self.send_error(404)
                return None
        if self.compress:
            gzipped = self._send_gzipped()
            if gzipped is not None:
                return gzipped
        return super().send_head()

    def _send_gzipped(self) -> io.BytesIO | None:
        """The file gzip-compressed, as a compressing host sends it, if it is one it compresses."""
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        content_type = self.guess_type(str(path))
        if not path.is_file() or not content_type.startswith(COMPRESSED_TYPES):
            return None
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(path.stat().st_mtime))
        self.end_headers()
        return io.BytesIO(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.csp_reports is None or urllib.parse.urlsplit(self.path).path != CSP_REPORT_PATH:
            self.send_error(405)
            return
        try:
            self.csp_reports.append(json.loads(body))
        except ValueError:
            self.csp_reports.append({"unreadable": body.decode("utf-8", "replace")})
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file() and self.command in {"GET", "HEAD"}:
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser went away mid-response: normal
        super().handle_error(request, client_address)


@contextlib.contextmanager
def http_server(
    site_dir: str | os.PathLike[str],
    *,
    apply_headers: bool = False,
    csp_reports: list[Any] | None = None,
    compress: bool = True,
) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (ephemeral port) in a thread; yield its base URL.

    By default like GitHub Pages (no custom headers, text compressed). ``apply_headers=True``:
    like Netlify or Cloudflare Pages, sending the headers of the site's ``_headers`` file (read
    when the server starts); ``csp_reports``: see ``StaticHandler``; ``compress=False``: a host
    that compresses nothing.
    """
    site_dir = Path(site_dir).resolve()
    header_rules = read_headers_file(site_dir / HEADERS_FILE) if apply_headers else None
    handler = partial(
        StaticHandler,
        directory=str(site_dir),
        header_rules=header_rules,
        csp_reports=csp_reports,
        compress=compress,
    )
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="http_server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- the engine in Pyodide under Node ----------------------------------------------------------


def make_engine_zip(
    dest: str | os.PathLike[str], package_dir: str | os.PathLike[str] | None = None
) -> str:
    """Package the runtime ``quiz/`` (without ``quiz/build/``) into ``dest`` with the real packaging
    function (``quiz.build.assets.build_engine_zip``); returns its sha256. ``package_dir`` packages
    another directory named ``quiz`` instead (a stand-in engine)."""
    from quiz.build.assets import QUIZ_DIR, build_engine_zip

    return build_engine_zip(dest, Path(package_dir) if package_dir is not None else QUIZ_DIR)


class PyodideHarnessError(RuntimeError):
    """The Node harness failed to start, died, timed out, or ``quiz.api.handle`` raised."""


def make_python_bundle(dest: str | os.PathLike[str]) -> Path:
    """Write the browser's Python bundle (the stdlib modules the engine uses and the engine,
    compiled: quiz/build/python_bundle.py) to ``dest``, exactly as the site build makes it."""
    from quiz import export
    from quiz.build import assets, python_bundle
    from quiz.build.validate import load_rules

    rules = load_rules(REPO_ROOT / DEFAULT_RULES, answer_space=False)
    data = python_bundle.python_bundle(
        assets.engine_zip_bytes(),
        assets.rules_json_bytes(export.to_json(rules)),
        assets.pyodide_dir(REPO_ROOT),
        assets.pyodide_version(REPO_ROOT),
        REPO_ROOT,
    )
    Path(dest).write_bytes(data)
    return Path(dest)


class PyodideEngine:
    """``node tests/node/run_engine.mjs [--bundle] ZIP``: one Pyodide process answering many
    requests, on the browser's Python bundle (``bundle=True``) or on an engine zip's sources.

    ``request(dict) -> dict`` sends one request; ``request_many(list) -> list`` streams a batch
    through the pipe (responses in request order). Use as a context manager or call ``close()``.
    """

    def __init__(
        self,
        zip_path: str | os.PathLike[str],
        *,
        bundle: bool = False,
        start_timeout: float = 120,
        timeout: float = 60,
    ) -> None:
        node = shutil.which("node")
        if node is None:
            raise PyodideHarnessError("node is not installed")
        if not PYODIDE_DIR.is_dir():
            raise PyodideHarnessError(f"{PYODIDE_DIR} is missing: run `make node_modules`")
        self.timeout = timeout
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self._proc = subprocess.Popen(
            [
                node,
                str(RUN_ENGINE_MJS),
                *(["--bundle"] if bundle else []),
                str(Path(zip_path).resolve()),
            ],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="pyodide-stdout", daemon=True)
        self._reader.start()
        hello = self._next(start_timeout)
        if not hello.get("ready"):
            self.close()
            raise PyodideHarnessError(
                f"Pyodide engine failed to load: {hello.get('failed', hello)}"
            )
        self.python_version: str = hello.get("python", "")

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _stderr_tail(self, limit: int = 4000) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-limit:]

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise PyodideHarnessError(
                f"no answer from the Pyodide engine in {timeout}s; stderr:\n{self._stderr_tail()}"
            ) from None
        if line is None:
            self._lines.put(None)  # stay at EOF for later calls
            code = self._proc.wait(timeout=10)
            raise PyodideHarnessError(
                f"the Pyodide engine exited ({code}); stderr:\n{self._stderr_tail()}"
            )
        response = json.loads(line)
        if "harness_error" in response:
            err = response["harness_error"]
            raise PyodideHarnessError(
                f"quiz.api.handle raised {err['type']}: {err['message']}\n{err['traceback']}"
            )
        return response

    def request(self, request: Mapping[str, Any]) -> dict[str, Any]:
        return self.request_many([request])[0]

    def request_many(self, requests: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        stdin = self._proc.stdin
        assert stdin is not None
        payload = "".join(json.dumps(r, sort_keys=True) + "\n" for r in requests)
        errors: list[BaseException] = []

        def write() -> None:  # in a thread: Node blocks on a full stdout pipe while we write
            try:
                stdin.write(payload)
                stdin.flush()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        writer = threading.Thread(target=write, name="pyodide-stdin", daemon=True)
        writer.start()
        responses = [self._next(self.timeout) for _ in requests]
        writer.join(timeout=self.timeout)
        if errors:
            raise PyodideHarnessError(f"writing to the Pyodide engine failed: {errors[0]!r}")
        return responses

    def close(self) -> None:
        if self._proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self._proc.stdin is not None
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._reader.join(timeout=10)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> PyodideEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
