// The rules engine in the browser: a module Web Worker that runs the Python package quiz/ under
// Pyodide and answers requests by id. It only moves JSON; quiz.api.handle does the work.
//
// Started by engine-client.js (once per page session). Protocol (ARCHITECTURE.md, "Worker protocol"):
//   worker → page  {type: "ready", timings}                once Python and the engine are loaded
//                  {type: "failed", message}               if anything in loading fails
//                  {id, ok: true, result} | {id, ok: false, error: {type, message}}
//   page → worker  {id, method, params}                    requests may be sent before "ready"
//                  {type: "rules", bytes}                  rules.json as the page downloaded it
//                                                          (bytes null: the worker fetches it)
//
// Every URL is derived from this file's own URL (site/javascripts/engine-worker.mjs), so the site
// works under any sub-path and from any static host.

const ASSETS = new URL("../assets/", import.meta.url);
const PYODIDE = new URL("pyodide/", ASSETS);
const t0 = performance.now();
const timings = {};
const mark = (name) => {
  timings[name] = Math.round(performance.now() - t0);
};

// Python side of the bridge. JSON strings cross the boundary (no proxies to leak or convert), and
// handle() never raises by contract; the try/except is there so a bug is an error response.
const BOOT = `
import json
import quiz.api

def _ipma_configure(rules_text, on):
    quiz.api.configure(json.loads(rules_text), on=on or None)

def _ipma_handle(text):
    try:
        response = quiz.api.handle(json.loads(text))
    except Exception as exc:  # quiz.api.handle must not raise; report it rather than hang
        request_id = None
        try:
            request_id = json.loads(text).get("id")
        except Exception:
            pass
        response = {"id": request_id, "ok": False,
                    "error": {"type": "InternalError", "message": f"{type(exc).__name__}: {exc}"}}
    return json.dumps(response, ensure_ascii=False)
`;

class LoadError extends Error {}

// Pyodide does not always reject when its own files fail: a wasm download that fails only logs a
// warning and loading never ends. So the worker watches Pyodide's downloads and the final
// WebAssembly compilation itself, and fails at once with the file's name.
let reportFailure;
const loadFailure = new Promise((_, reject) => {
  reportFailure = reject;
});
loadFailure.catch(quietly);

const realFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, self.location.href);
  const watched = url.href.startsWith(PYODIDE.href);
  let response;
  try {
    response = await realFetch(input, init);
  } catch (err) {
    if (watched) reportFailure(new LoadError(`could not download ${url.pathname}`));
    throw err;
  }
  if (watched && !response.ok) {
    reportFailure(new LoadError(`could not download ${url.pathname} (HTTP ${response.status})`));
  }
  if (watched && response.ok && url.pathname.endsWith("/python_stdlib.zip")) checkAsItArrives(url, response.clone());
  return response;
};

// Pyodide fetches its standard library itself, and restored from the snapshot Python may not read
// it until much later: a damaged copy is caught here, against manifest.json, as it arrives.
async function checkAsItArrives(url, response) {
  const name = url.href.slice(ASSETS.href.length); // "pyodide/python_stdlib.zip"
  try {
    const manifest = await manifestPromise;
    const expected = manifest && manifest.files && manifest.files[name];
    if (!expected) return;
    if ((await sha256Hex(await response.arrayBuffer())) !== expected.sha256) {
      const file = name.split("/").pop();
      reportFailure(new LoadError(`${file} is damaged (it does not match the checksum in manifest.json)`));
    }
  } catch {
    // the manifest's own failure is reported by boot()
  }
}

// Emscripten tries instantiateStreaming first and falls back to instantiate() with the bytes (a
// server sending the wrong MIME type); only the fallback failing means the wasm itself is bad.
const realInstantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = (...args) => {
  const result = realInstantiate(...args);
  result.catch((err) => reportFailure(new LoadError(`pyodide.asm.wasm is damaged (${err.message || err})`)));
  return result;
};
// Pyodide itself (its instantiateWasm) compiles the wasm with instantiateStreaming only, and a
// failure there is logged as a warning while loading waits for ever: report it at once.
if (typeof WebAssembly.instantiateStreaming === "function") {
  const realInstantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = (...args) => {
    const result = realInstantiateStreaming(...args);
    result.catch((err) => {
      const damaged = err instanceof WebAssembly.CompileError;
      const what = damaged ? "is damaged" : "could not be used";
      reportFailure(new LoadError(`pyodide.asm.wasm ${what} (${err.message || err})`));
    });
    return result;
  };
}

async function fetchOk(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new LoadError(`could not download ${url.pathname} (${err.message || err})`);
  }
  if (!response.ok) throw new LoadError(`could not download ${url.pathname} (HTTP ${response.status})`);
  return response;
}

async function sha256Hex(bytes) {
  if (!self.crypto || !self.crypto.subtle) {
    throw new LoadError("this page is not in a secure context (https), so downloads cannot be checked");
  }
  const digest = await self.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A file listed in the manifest, checked against its sha256 before use. A mismatch is first taken
// for a stale copy in the HTTP cache (the site was redeployed): fetched once more, bypassing the
// cache, and only then reported as corrupt.
async function verifiedBytes(name, manifestPromise, given = Promise.resolve(null)) {
  const url = new URL(name, ASSETS);
  const first = given.then((bytes) => bytes || fetchOk(url).then((r) => r.arrayBuffer()));
  first.catch(quietly); // awaited below, after the manifest
  const manifest = await manifestPromise;
  const expected = manifest.files && manifest.files[name];
  if (!expected || typeof expected.sha256 !== "string") {
    throw new LoadError(`manifest.json does not list ${name}`);
  }
  let bytes = new Uint8Array(await first);
  if ((await sha256Hex(bytes)) === expected.sha256) return bytes;
  bytes = new Uint8Array(await (await fetchOk(url, { cache: "reload" })).arrayBuffer());
  if ((await sha256Hex(bytes)) === expected.sha256) return bytes;
  throw new LoadError(`${name} is damaged (it does not match the checksum in manifest.json)`);
}

async function loadManifest() {
  const response = await fetchOk(new URL("manifest.json", ASSETS), { cache: "no-cache" });
  try {
    const manifest = await response.json();
    mark("manifest");
    return manifest;
  } catch {
    throw new LoadError("manifest.json is not valid JSON");
  }
}

// The snapshot, checked against the manifest like the engine, then inflated (it is shipped gzip).
// Any problem with it is a SnapshotUnusable, never a LoadError: it only costs speed.
class SnapshotUnusable extends Error {}
async function loadSnapshot(manifestPromise) {
  try {
    const bytes = await verifiedBytes("engine-snapshot.gz", manifestPromise);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    const inflated = new Uint8Array(await new Response(stream).arrayBuffer());
    mark("snapshot");
    return inflated;
  } catch (err) {
    throw new SnapshotUnusable(describe(err));
  }
}

async function loadRuntime(manifestPromise) {
  if (typeof WebAssembly !== "object") throw new LoadError("this browser does not support WebAssembly");
  let module;
  try {
    module = await import(new URL("pyodide.mjs", PYODIDE).href);
  } catch (err) {
    throw new LoadError(`could not load Pyodide (${err.message || err})`);
  }
  // Python starts at once, from the build's memory snapshot (Python started, quiz.api imported:
  // quiz/build/snapshot.py) while it downloads; the manifest (a revalidation round trip) is checked
  // meanwhile, and a version mismatch still fails loading before the engine is used. A snapshot
  // that is missing, damaged or refused by Pyodide costs speed only: Python then starts normally.
  const quiet = () => {};
  const options = { indexURL: PYODIDE.href, stdout: quiet, stderr: quiet };
  const snapshot = loadSnapshot(manifestPromise);
  snapshot.catch(quietly);
  let starting = module.loadPyodide({ ...options, _loadSnapshot: snapshot }).catch((err) => {
    if (err instanceof LoadError) throw err;
    timings.snapshot = `not used (${describe(err)})`;
    return module.loadPyodide(options);
  });
  starting.catch(quietly);
  const manifest = await manifestPromise;
  const expected = manifest.pyodide && manifest.pyodide.version;
  if (expected && module.version !== expected) {
    throw new LoadError(`Pyodide ${module.version} was loaded, the site expects ${expected}`);
  }
  let pyodide;
  try {
    pyodide = await starting;
  } catch (err) {
    // e.g. a damaged python_stdlib.zip: Python exits while starting ("Program terminated...")
    throw err instanceof LoadError ? err : new LoadError(`Python could not start (${describe(err)})`);
  }
  mark("pyodide");
  return pyodide;
}

async function boot() {
  // Everything starts at once: the manifest, the engine, the rules and Pyodide download in parallel.
  const enginePromise = verifiedBytes("engine.zip", manifestPromise);
  const rulesPromise = verifiedBytes("rules.json", manifestPromise, rulesFromPage);
  const runtimePromise = loadRuntime(manifestPromise);
  // Avoid unhandled-rejection noise: Promise.all below reports the first failure.
  for (const p of [manifestPromise, enginePromise, rulesPromise, runtimePromise]) p.catch(quietly);

  const [manifest, engineZip, rulesBytes, pyodide] = await Promise.race([
    Promise.all([manifestPromise, enginePromise, rulesPromise, runtimePromise]),
    loadFailure,
  ]);
  mark("downloads");
  pyodide.unpackArchive(engineZip, "zip");
  pyodide.runPython(BOOT);
  const configure = pyodide.globals.get("_ipma_configure");
  const handle = pyodide.globals.get("_ipma_handle");
  try {
    // Strings only: JavaScript null would arrive as pyodide's jsnull, not None.
    configure(new TextDecoder().decode(rulesBytes), String(manifest.on || ""));
  } finally {
    configure.destroy();
  }
  mark("engine");
  return handle;
}

function quietly() {}

function describe(err) {
  if (err instanceof LoadError) return err.message;
  const text = String((err && err.message) || err);
  // A Python traceback: its last line says what went wrong.
  const lines = text.trim().split("\n");
  return lines[lines.length - 1].slice(0, 500);
}

// rules.json from the page (engine-client.js posts it as soon as it has it). Listening starts
// before boot() so the message cannot be missed.
let receiveRules;
const rulesFromPage = new Promise((resolve) => {
  receiveRules = resolve;
});
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "rules") receiveRules(event.data.bytes || null);
});

// Pyodide leaves some of its own promises without a handler (a failed download of the standard
// library rejects one): while loading, that is a load failure (reported once, as such) rather than
// an uncaught error in the console. Once the engine is ready, nothing is hidden.
let loaded = false;
self.addEventListener("unhandledrejection", (event) => {
  if (loaded) return;
  event.preventDefault();
  reportFailure(new LoadError(describe(event.reason)));
});

// The manifest, fetched once: boot() and the standard library's check both read it.
const manifestPromise = loadManifest();
const handlePromise = boot();
handlePromise.then(
  () => {
    loaded = true;
    self.postMessage({ type: "ready", timings });
  },
  (err) => self.postMessage({ type: "failed", message: describe(err) }),
);

self.addEventListener("message", async (event) => {
  const request = event.data;
  if (!request || typeof request !== "object" || request.type) return;
  let handle;
  try {
    handle = await handlePromise;
  } catch {
    return; // "failed" was posted; the page rejects pending requests itself
  }
  let reply;
  try {
    reply = JSON.parse(handle(JSON.stringify(request)));
  } catch (err) {
    reply = { id: request.id, ok: false, error: { type: "InternalError", message: describe(err) } };
  }
  self.postMessage(reply);
});
