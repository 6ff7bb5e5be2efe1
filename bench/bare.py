"""The bare Pyodide pages: the baselines the quiz page is compared with, written into a temp dir
the bench server mounts at ``/__bench/`` beside the site (same origin), with Pyodide's files as npm
ships them at ``/__bench/pyodide/``.

Each page records its times, in milliseconds since its navigation start, on ``<html>`` as
``data-bench-*`` attributes (read with a locator, so no eval is needed) and in ``window.__bench``:

- ``main.html``: ``loadPyodide()`` on the main thread, then ``runPython("1+1")``;
- ``worker.html``: the same in a module worker (``new Worker(url, {type: "module"})``);
- ``worker-premodule.html``: a module worker that is handed the ``WebAssembly.Module`` compiled on
  the main thread with ``WebAssembly.compileStreaming`` (the fix tried for the worker-reload gap);
- ``ship-zip.html`` / ``ship-wheel.html``: the two ways to ship the engine (module worker, time to
  ``import quiz.api``): (a) ``unpackArchive`` of the engine zip fetched in parallel with
  ``loadPyodide``; (b) a wheel added to a copy of ``pyodide-lock.json`` and ``loadPackage``.

The worker pages also return the worker's own resource timing entries (transfer sizes), which tell
whether ``pyodide.asm.wasm`` / ``python_stdlib.zip`` came from the HTTP cache, were revalidated or
downloaded again.
"""

from __future__ import annotations

from pathlib import Path

PYODIDE_URL = "/__bench/pyodide/"  # node_modules/pyodide as npm ships it (bench/run.py mounts it)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><p id="status">loading</p>
<script type="module">
{script}
</script></body></html>
"""

# Shared by every page: record a mark on <html> and in window.__bench.
_RECORD = """
const bench = (window.__bench = {marks: {}, resources: null, error: null});
function mark(name, t = performance.now()) {
  bench.marks[name] = t;
  document.documentElement.setAttribute("data-bench-" + name, String(t));
}
function fail(err) {
  bench.error = String(err && err.stack ? err.stack : err);
  document.documentElement.setAttribute("data-bench-error", bench.error);
}
function done(resources) {
  bench.resources = resources || performance.getEntriesByType("resource").map(resourceEntry);
  document.getElementById("status").textContent = "ready";
  document.documentElement.setAttribute("data-bench-resources", JSON.stringify(bench.resources));
  mark("done");
}
function resourceEntry(e) {
  return {name: e.name.replace(location.origin, ""), transfer: e.transferSize,
          encoded: e.encodedBodySize, start: e.startTime, end: e.responseEnd};
}
"""

MAIN_JS = (
    _RECORD
    + """
try {
  const {loadPyodide} = await import("%(pyodide)spyodide.mjs");
  mark("imported");
  const pyodide = await loadPyodide({indexURL: "%(pyodide)s"});
  mark("loaded");
  const two = pyodide.runPython("1+1");
  if (two !== 2) throw new Error("1+1 = " + two);
  mark("ready");
  done();
} catch (err) { fail(err); }
"""
)

# The worker script: loads Pyodide, optionally the engine, and posts its marks back (as absolute
# times, performance.timeOrigin + now, so the page can put them on its own clock).
WORKER_JS = """
const abs = () => performance.timeOrigin + performance.now();
const marks = {start: abs()};
let premodule = null;
self.addEventListener("message", async (event) => {
  const msg = event.data || {};
  if (msg.type !== "go") return;
  marks.go = abs();
  try {
    if (msg.module) {
      // Instantiate the module the page compiled instead of fetching and compiling the wasm again.
      premodule = msg.module;
      // Pyodide fetches the wasm itself: answer that fetch locally (its body is never read).
      const originalFetch = self.fetch;
      self.fetch = (input, init) => String(input).endsWith("pyodide.asm.wasm")
        ? Promise.resolve(new Response(new Uint8Array(0),
                                       {headers: {"Content-Type": "application/wasm"}}))
        : originalFetch(input, init);
      const original = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = async (source, imports) => {
        WebAssembly.instantiateStreaming = original;
        self.fetch = originalFetch;
        const instance = await WebAssembly.instantiate(premodule, imports);
        return {instance, module: premodule};
      };
    }
    const {loadPyodide} = await import("%(pyodide)spyodide.mjs");
    marks.imported = abs();
    const options = {indexURL: "%(pyodide)s"};
    if (msg.lockFileURL) options.lockFileURL = new URL(msg.lockFileURL, location).href;
    let zip = null;
    if (msg.zipURL) zip = fetch(msg.zipURL).then((r) => {
      if (!r.ok) throw new Error(msg.zipURL + ": " + r.status);
      return r.arrayBuffer();
    });
    const pyodide = await loadPyodide(options);
    marks.loaded = abs();
    if (msg.zipURL) {
      pyodide.unpackArchive(await zip, "zip");
      marks.installed = abs();
    }
    if (msg.packageName) {
      const errors = [];
      const loaded = await pyodide.loadPackage(msg.packageName, {
        messageCallback: () => {},
        errorCallback: (text) => errors.push(text),
      });
      if (errors.length || !loaded || loaded.length === 0) {
        const why = errors.join("; ") || "nothing loaded";
        throw new Error("loadPackage(" + msg.packageName + "): " + why);
      }
      marks.installed = abs();
    }
    const result = pyodide.runPython(msg.code || "1+1");
    marks.ready = abs();
    const resources = performance.getEntriesByType("resource").map((e) => ({
      name: e.name.replace(location.origin, ""), transfer: e.transferSize,
      encoded: e.encodedBodySize, start: e.startTime, end: e.responseEnd}));
    self.postMessage({type: "ready", result: String(result), marks, resources});
  } catch (err) {
    self.postMessage({type: "failed", message: String(err && err.stack ? err.stack : err)});
  }
});
self.postMessage({type: "started"});
"""

WORKER_PAGE_JS = (
    _RECORD
    + """
const params = %(params)s;
try {
  let module = null;
  if (params.premodule) {
    // Compile on the page: streaming compilation from the HTTP cache is what Chromium's wasm code
    // cache serves; WebAssembly.Module can then be posted to the worker.
    module = WebAssembly.compileStreaming(fetch("%(pyodide)spyodide.asm.wasm"));
  }
  const worker = new Worker("worker.mjs", {type: "module"});
  mark("worker_created");
  const toPage = (t) => t - performance.timeOrigin;
  worker.addEventListener("message", async (event) => {
    const msg = event.data;
    if (msg.type === "started") {
      mark("worker_started");
      const go = Object.assign({type: "go"}, params.go || {});
      if (module) { go.module = await module; mark("compiled"); }
      worker.postMessage(go);
    } else if (msg.type === "ready") {
      const now = performance.now();
      for (const [name, t] of Object.entries(msg.marks)) mark("w_" + name, toPage(t));
      mark("ready", now);
      const own = performance.getEntriesByType("resource").map(resourceEntry);
      done(own.concat(msg.resources.map((r) => Object.assign(r, {worker: true}))));
    } else if (msg.type === "failed") {
      fail(msg.message);
    }
  });
  worker.addEventListener("error", (e) => fail(e.message || "worker error"));
} catch (err) { fail(err); }
"""
)

ENGINE_IMPORT = "import quiz.api\n'ok'"


def write_bare_pages(dest: Path, *, ship_lock_url: str | None = None) -> dict[str, str]:
    """Write the bare pages into ``dest``; return ``{variant: page file name}``.

    ``ship_lock_url`` (the URL of a ``pyodide-lock.json`` copy holding the engine wheel) adds the
    ``ship-wheel`` page; ``ship-zip`` expects the engine zip at ``/assets/engine.zip``.
    """
    import json

    dest.mkdir(parents=True, exist_ok=True)
    subs = {"pyodide": PYODIDE_URL}
    (dest / "worker.mjs").write_text(WORKER_JS % subs, encoding="utf-8")
    pages: dict[str, tuple[str, str]] = {
        "main": ("Bare Pyodide, main thread", MAIN_JS % subs),
        "worker": (
            "Bare Pyodide, module worker",
            WORKER_PAGE_JS % {**subs, "params": json.dumps({})},
        ),
        "worker-premodule": (
            "Bare Pyodide, module worker, wasm compiled on the page",
            WORKER_PAGE_JS % {**subs, "params": json.dumps({"premodule": True})},
        ),
        "ship-zip": (
            "Engine shipped as a zip (unpackArchive)",
            WORKER_PAGE_JS
            % {
                **subs,
                "params": json.dumps(
                    {"go": {"zipURL": "/__bench/engine.zip", "code": ENGINE_IMPORT}}
                ),
            },
        ),
    }
    if ship_lock_url:
        pages["ship-wheel"] = (
            "Engine shipped as a wheel (lockfile add-wheels + loadPackage)",
            WORKER_PAGE_JS
            % {
                **subs,
                "params": json.dumps(
                    {
                        "go": {
                            "lockFileURL": ship_lock_url,
                            "packageName": "ipma-quiz",
                            "code": ENGINE_IMPORT,
                        }
                    }
                ),
            },
        )
    names = {}
    for variant, (title, script) in pages.items():
        name = f"{variant}.html"
        (dest / name).write_text(_PAGE.format(title=title, script=script), encoding="utf-8")
        names[variant] = name
    return names
