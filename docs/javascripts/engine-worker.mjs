// The rules engine in the browser: a module Web Worker that runs the Python package quiz/ under
// Pyodide and answers requests by id. It only moves JSON; quiz.api.Engine does the work.
//
// Started by engine-client.js (once per page session). Protocol (ARCHITECTURE.md, "Worker protocol"):
//   page → worker  {type: "start", manifest, compressedScripts}   first: the manifest's URL (every
//                                               page names it) and whether the host compresses scripts
//                  {type: "rules", bytes}       rules.json as the page downloaded it (null: fetch it)
//                  {id, method, params}         requests, which may come before "ready"
//   worker → page  {type: "progress", loaded, total, done}   bytes received of those it downloads
//                  {type: "ready", timings}  |  {type: "failed", message}
//                  {type: "kept"}               after "ready": the local copy for the next visit is written
//                  {id, ok: true, result} | {id, ok: false, error: {type, message}}
//
// What it downloads (quiz/build/assets.py) is listed in the manifest, each file under a name that
// holds its hash, with its sha256: nothing is used before its bytes match. The large files come
// xz-compressed and are decompressed here (xz-decoder.mjs), as they arrive, so any host sends them
// small: the wasm streams straight into the browser's compiler.
//
// A first visit makes a memory snapshot of Python once the engine is imported and configured with
// the rules (before any answer) and keeps it in the browser's Cache Storage; a later visit starts
// Python from it, which skips Python's start-up, the engine's import and reading the rules. It is
// only ever a speed-up: if it is missing, damaged or refused, Python starts the normal way.

const t0 = performance.now();
const timings = {};
const mark = (name) => {
  timings[name] = Math.round(performance.now() - t0);
};

// Python side of the bridge. JSON strings cross the boundary (no proxies to leak or convert), and
// Engine.handle never raises by contract; the try/except is there so a bug is an error response.
const IMPORT = "import json\nimport quiz.api";
const BOOT = `
import json
import quiz.api

def _ipma_configure(rules_text, on):
    global _ipma_engine
    _ipma_engine = quiz.api.Engine.from_json(json.loads(rules_text), on=on or None)

def _ipma_handle(text):
    try:
        response = _ipma_engine.handle(json.loads(text))
    except Exception as exc:  # Engine.handle must not raise; report it rather than hang
        request_id = None
        try:
            request_id = json.loads(text).get("id")
        except Exception:
            pass
        response = {"id": request_id, "ok": False,
                    "error": {"type": "InternalError", "message": f"{type(exc).__name__}: {exc}"}}
    return json.dumps(response, ensure_ascii=False)
`;

// Where Pyodide believes its files are. Nothing is there: the fetch hook below serves these two URLs
// from the decompressed downloads.
const VIRTUAL = new URL("./ipma-engine-virtual/", import.meta.url);
const WASM_URL = new URL("pyodide.asm.wasm", VIRTUAL).href;
const PYTHON_URL = new URL("python.zip", VIRTUAL).href;
const STORE = "ipma-engine"; // the local copy's Cache Storage (LocalCopy)
const CHECKSUM = "X-Ipma-Sha256"; // the sha256 a local copy was written with
const WASM = "application/wasm";
const RULES = "../rules.json"; // the only file of the manifest without a hash in its name
const MANIFEST_FORMAT = 3; // quiz/build/assets.py: the manifest's keys this worker reads

class LoadError extends Error {}

// --- failures Pyodide does not report --------------------------------------------------------------

// Pyodide does not always reject when its own files fail: a wasm that cannot be compiled is only
// logged as a warning and loading never ends. So the worker watches WebAssembly compilation and
// unhandled rejections itself, and fails at once with the file's name.
let reportFailure;
const loadFailure = new Promise((_, reject) => {
  reportFailure = reject;
});
loadFailure.catch(quietly);

if (typeof WebAssembly.instantiateStreaming === "function") {
  const realInstantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = (...args) => {
    const result = realInstantiateStreaming(...args);
    result.catch((err) => {
      const damaged = err instanceof WebAssembly.CompileError;
      const what = damaged ? "is damaged" : "could not be used";
      reportFailure(err instanceof LoadError ? err : new LoadError(`pyodide.asm.wasm ${what} (${err.message || err})`));
    });
    return result;
  };
}

let loaded = false;
self.addEventListener("unhandledrejection", (event) => {
  if (loaded) return;
  event.preventDefault();
  reportFailure(new LoadError(describe(event.reason)));
});

// --- progress ----------------------------------------------------------------------------------------

const progress = { loaded: 0, total: 0, done: false, posted: 0 };

function expect(bytes) {
  progress.total += bytes;
}

function received(bytes) {
  progress.loaded += bytes;
  const now = performance.now();
  if (now - progress.posted >= 200 || progress.loaded >= progress.total) postProgress(now);
}

function postProgress(now = performance.now()) {
  progress.posted = now;
  const { loaded, total, done } = progress;
  self.postMessage({ type: "progress", loaded, total, done });
}

// --- downloads ---------------------------------------------------------------------------------------

async function fetchOk(url, label, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new LoadError(`could not download ${label} (${err.message || err})`);
  }
  if (!response.ok) throw new LoadError(`could not download ${label} (HTTP ${response.status})`);
  return response;
}

async function sha256Hex(bytes) {
  if (!self.crypto || !self.crypto.subtle) {
    throw new LoadError("this page is not in a secure context (https), so downloads cannot be checked");
  }
  const digest = await self.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function concat(chunks, length) {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * A file of the manifest, downloaded with its bytes counted as they arrive (onChunk sees each one),
 * and checked against its sha256. A file whose name holds its hash cannot be stale, so a mismatch
 * is damage; rules.json, under its plain name, may be a stale copy in the HTTP cache after a
 * deploy: it is fetched once more, bypassing the cache, and only then reported as damaged.
 */
async function download(base, entry, label, onChunk = quietly) {
  const url = new URL(entry.url, base);
  const attempts = onChunk === quietly && entry.url === RULES ? ["default", "reload"] : ["default"];
  for (const cache of attempts) {
    const response = await fetchOk(url, label, { cache });
    const reader = response.body.getReader();
    const chunks = [];
    let length = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        length += value.length;
        if (cache === "default") received(value.length);
        onChunk(value);
      }
    } catch (err) {
      reader.cancel().catch(quietly); // a file that cannot be used is not downloaded any further
      throw err;
    }
    const bytes = concat(chunks, length);
    if ((await sha256Hex(bytes)) === entry.sha256) return bytes;
  }
  throw new LoadError(`${label} is damaged (it does not match the checksum in the manifest)`);
}

/**
 * One of the large files, decompressed: {ready, body(), stream()}. Downloaded (xz), it is
 * decompressed as its bytes arrive, and the first stream() gets them at once (the wasm goes
 * straight to the compiler); every decompressed chunk is also kept, for the local copy and for a
 * second reader. `ready` settles when the file is whole and checked.
 */
function downloaded(base, entry, label, decoderModule) {
  let controller;
  const first = new ReadableStream({ start: (c) => (controller = c) });
  const chunks = [];
  const early = []; // bytes that arrived before the decoder: the download does not wait for it
  let inflater = null;
  const decoding = decoderModule().then((decoder) => {
    inflater = new decoder.Decompress((chunk) => {
      chunks.push(chunk);
      controller.enqueue(chunk);
    });
    for (const chunk of early.splice(0)) inflater.push(chunk);
  });
  const arriving = download(base, entry, label, (chunk) => (inflater ? inflater.push(chunk) : early.push(chunk)));
  const compressed = Promise.all([decoding, arriving]).then(() => {
    inflater.push(new Uint8Array(0), true); // the end: a stream cut short fails here
  }).catch((err) => {
    throw err instanceof LoadError ? err : new LoadError(`${label} is damaged (${err.message || err})`);
  });
  const ready = compressed.then(
    () => {
      inflater = null;
      controller.close();
    },
    (err) => {
      inflater = null;
      // The download's own reason first: erroring the stream also aborts the wasm compiler, whose
      // message ("Failed to read from a ReadableStream") would otherwise win the race.
      reportFailure(err);
      controller.error(err);
      throw err;
    },
  );
  ready.catch(quietly);
  const blob = ready.then(() => new Blob(chunks));
  let used = false;
  return {
    ready,
    body: () => blob,
    stream() {
      if (used) return bytesStream(blob.then(async (b) => new Uint8Array(await b.arrayBuffer())));
      used = true;
      return first;
    },
  };
}

/** One of the large files from the local copy a previous visit kept (see LocalCopy): its bytes,
 * read once from disk and used as they are. */
function kept(bytes) {
  const ready = Promise.resolve(bytes);
  return { ready, body: () => ready, stream: () => bytesStream(ready) };
}

function bytesStream(bytes) {
  return new ReadableStream({
    async start(c) {
      c.enqueue(await bytes);
      c.close();
    },
  });
}

// Pyodide fetches its wasm and its standard library itself: it gets the decompressed downloads.
const served = new Map();
const realFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
  const serve = served.get(url);
  return serve ? serve() : realFetch(input, init);
};

// --- Pyodide's parts ---------------------------------------------------------------------------------

async function importOk(url, label) {
  try {
    return await import(url.href);
  } catch (err) {
    throw new LoadError(`could not load ${label} (${err.message || err})`);
  }
}

/**
 * Emscripten's glue: imported as a script when the host compresses scripts; else `file` (a promise
 * of the xz copy downloaded, or of the local copy's bytes) is imported through a blob.
 */
async function loadGlue(base, files, file) {
  const plain = () => importOk(new URL(files.glue.url, base), "pyodide.asm.mjs").then((m) => m.default);
  if (!file) return plain();
  const text = await (await file).body();
  const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  try {
    return (await import(url)).default;
  } catch {
    return plain(); // a Content-Security-Policy without blob: — the host's copy, however it is sent
  } finally {
    URL.revokeObjectURL(url);
  }
}

// --- the local copy -----------------------------------------------------------------------------

/**
 * What a first visit keeps for the next one, in this site's Cache Storage: the large files
 * decompressed (no download, no decompression next time; the glue too where the host compresses
 * nothing) and a memory snapshot of Python with the
 * engine imported and configured (no Python start-up, no import, no reading of the rules next
 * time). Keys are made from the files' hashed names and the rules' sha256, so a new deploy never
 * reads an old copy, and whatever the current files do not name is deleted when the copy is
 * written. Only ever a speed-up: without Cache Storage (not a
 * secure context, private browsing, storage full) the worker downloads and starts as on a first
 * visit, and after any loading failure the copy is deleted so the next attempt starts clean.
 */
class LocalCopy {
  constructor(cache) {
    this.cache = cache;
  }

  static async open() {
    try {
      return new LocalCopy(typeof caches === "object" ? await caches.open(STORE) : null);
    } catch {
      return new LocalCopy(null);
    }
  }

  get usable() {
    return this.cache !== null;
  }

  /** The bytes kept under `key`, if they are whole: their sha256 is the one written with them. The
   * bytes are read from disk once, here, and used as they are. */
  async read(key) {
    try {
      const response = this.cache && (await this.cache.match(key));
      if (!response) return null;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((await sha256Hex(bytes)) === response.headers.get(CHECKSUM)) return bytes;
      await this.forget(key); // damaged on disk: download it again
    } catch {
      // unreadable: as if there were none
    }
    return null;
  }

  /** Writes `entries` ([key, () => Blob or bytes]) with their sha256, then deletes every key that
   * neither they nor `others` (what the copy already holds for this deploy) name. */
  async keep(entries, others) {
    if (!this.cache) return;
    try {
      for (const [key, body] of entries) {
        const made = await body();
        const bytes = made instanceof Blob ? new Uint8Array(await made.arrayBuffer()) : made;
        const headers = { [CHECKSUM]: await sha256Hex(bytes) };
        await this.cache.put(key, new Response(bytes, { headers }));
      }
      const wanted = new Set([...entries.map(([key]) => key), ...others]);
      for (const request of await this.cache.keys()) if (!wanted.has(request.url)) await this.cache.delete(request);
      self.postMessage({ type: "kept" });
    } catch {
      // storage full or refused: the next visit downloads again
    }
  }

  async forget(key = null) {
    try {
      if (key) await this.cache?.delete(key);
      else if (typeof caches === "object") await caches.delete(STORE);
    } catch {
      // nothing to forget
    }
  }
}


// --- boot --------------------------------------------------------------------------------------------

async function boot({ manifest: manifestUrl, compressedScripts }) {
  const base = new URL(manifestUrl);
  // Cache Storage takes a while to open in a browser just started: it opens while the manifest
  // arrives.
  const opening = LocalCopy.open();
  const manifest = await (await fetchOk(base, "the manifest")).json().catch(() => {
    throw new LoadError("the manifest is not valid JSON");
  });
  mark("manifest");
  if (manifest.format !== MANIFEST_FORMAT) {
    // A worker script the browser cached from another deploy than the page's manifest.
    throw new LoadError("this page and the quiz engine's files are from different versions of the site");
  }
  const files = manifest.files;
  let decoder = null;
  const decoderModule = () =>
    (decoder ??= Promise.all([
      importOk(new URL("./xz-decoder.mjs", import.meta.url), "the xz decoder"),
      download(base, files.decoder, "the xz decoder"),
    ]).then(([module, wasm]) =>
      module.xzDecoder(wasm).catch((err) => {
        throw new LoadError(`the xz decoder could not be used (${err.message || err})`);
      }),
    ));
  const keys = localKeys(base, files, manifest.on);
  // The scripts first: they load while the local copy is read and checked. Where the host
  // compresses nothing, the glue is decompressed from its xz copy, and the next visit takes it
  // from the local copy instead (it is still imported through a blob).
  const localGlue = compressedScripts ? Promise.resolve(null) : opening.then((local) => local.read(keys.glue));
  const glueFile = compressedScripts
    ? null
    : localGlue.then((bytes) => (bytes ? kept(bytes) : downloaded(base, files["glue.xz"], "pyodide.asm.mjs", decoderModule)));
  const glue = loadGlue(base, files, glueFile);
  const loader = importOk(new URL(files.loader.url, base), "Pyodide's loader");
  for (const p of [glue, loader]) p.catch(quietly);
  const local = await opening;
  const [localWasm, localPython, localSnapshot, gluePresent] = await Promise.all([
    local.read(keys.wasm),
    local.read(keys.python),
    local.read(keys.snapshot),
    localGlue.then(Boolean),
  ]);
  mark("local_read");
  const glueDownloaded = !compressedScripts && !gluePresent;
  if (!localWasm) expect(files["wasm.xz"].size);
  if (!localPython) expect(files["python.xz"].size);
  if (glueDownloaded) expect(files["glue.xz"].size);
  if (!localWasm || !localPython || glueDownloaded) expect(files.decoder.size);
  const rulesBytes = rulesFromPage.then((bytes) => {
    if (bytes) return verified(bytes, files["rules.json"], "rules.json", base);
    expect(files["rules.json"].size);
    return download(base, files["rules.json"], "rules.json");
  });
  rulesBytes.catch(quietly);
  postProgress();

  const wasm = localWasm ? kept(localWasm) : downloaded(base, files["wasm.xz"], "pyodide.asm.wasm", decoderModule);
  const python = localPython ? kept(localPython) : downloaded(base, files["python.xz"], "the Python bundle", decoderModule);
  // A damaged download fails loading at once, with its own reason; Pyodide is never handed it
  // (it would only log the error and wait for ever).
  for (const file of [wasm, python]) file.ready.catch(reportFailure);
  served.set(WASM_URL, async () => new Response(wasm.stream(), { headers: { "Content-Type": WASM } }));
  served.set(PYTHON_URL, async () => new Response(await python.body().catch(() => new Promise(quietly))));
  for (const p of [wasm.ready, python.ready]) p.catch(quietly);
  // Everything it waits for has arrived: from here on, only Python's start (engine-client.js gives
  // that its own time limit, not the one for a stalled download).
  Promise.all([wasm.ready, python.ready, glue, loader, rulesBytes]).then(() => {
    progress.done = true;
    postProgress();
    mark("downloads");
  }, quietly);

  const { loadPyodide } = await loader;
  mark("loader");
  const options = {
    indexURL: VIRTUAL.href,
    stdLibURL: PYTHON_URL,
    lockFileContents: JSON.stringify(manifest.pyodide.lock),
    createPyodideModule: await glue,
    stdout: quietly,
    stderr: quietly,
  };
  let pyodide = null;
  if (localSnapshot) {
    try {
      pyodide = await loadPyodide({ ...options, _loadSnapshot: localSnapshot });
      timings.snapshot = "restored"; // the engine is configured already: nothing more to run
      mark("pyodide");
    } catch (err) {
      timings.snapshot = `not used (${describe(err)})`;
      pyodide = null;
      local.forget(keys.snapshot);
    }
  }
  let made = null;
  if (!pyodide) {
    pyodide = await loadPyodide(local.usable ? { ...options, _makeSnapshot: true } : options);
    mark("pyodide");
    pyodide.runPython(IMPORT);
    pyodide.runPython(BOOT);
    const configure = pyodide.globals.get("_ipma_configure");
    try {
      // Strings only: JavaScript null would arrive as pyodide's jsnull, not None.
      configure(new TextDecoder().decode(await rulesBytes), String(manifest.on || ""));
    } finally {
      configure.destroy();
    }
    if (local.usable) {
      try {
        made = pyodide.makeMemorySnapshot();
        timings.snapshot = "made";
      } catch (err) {
        timings.snapshot = `not made (${describe(err)})`;
      }
    }
  }
  mark("engine");
  served.clear(); // Python has read them: nothing keeps the files in memory but the copy to write
  // What the local copy lacks is written after "ready"; what it has stays.
  const entries = [];
  if (!localWasm) entries.push([keys.wasm, wasm.body]);
  if (!localPython) entries.push([keys.python, python.body]);
  if (made) entries.push([keys.snapshot, () => made]);
  if (glueDownloaded) entries.push([keys.glue, async () => (await glueFile).body()]);
  const others = [
    localWasm && keys.wasm,
    localPython && keys.python,
    !made && localSnapshot && keys.snapshot,
    gluePresent && keys.glue,
  ];
  const keep = entries.length ? () => local.keep(entries, others.filter(Boolean)) : null;
  return { handle: pyodide.globals.get("_ipma_handle"), keep };
}

/** Where the local copy keeps each file: made from their hashed names, so a deploy changes them. */
function localKeys(base, files, on) {
  const wasm = files["wasm.xz"];
  const python = files["python.xz"];
  const at = (name) => new URL(`local/${name}`, base).href;
  // The snapshot holds the engine configured with these rules for this "in force" date.
  const made = [wasm, python, files["rules.json"]].map((f) => f.sha256.slice(0, 12)).join(".");
  return {
    wasm: at(wasm.url.replace(/\.xz$/, "")),
    python: at(python.url.replace(/\.xz$/, "")),
    glue: at(files["glue.xz"].url.replace(/\.xz$/, "")), // kept only where the host compresses nothing
    snapshot: at(`snapshot.${made}.${encodeURIComponent(on || "")}`),
  };
}

async function verified(bytes, entry, label, base) {
  const data = new Uint8Array(bytes);
  if ((await sha256Hex(data)) === entry.sha256) return data;
  expect(entry.size);
  return download(base, entry, label); // the page's copy was stale or damaged: the worker's own
}

function quietly() {}

function describe(err) {
  if (err instanceof LoadError) return err.message;
  const text = String((err && err.message) || err);
  // A Python traceback: its last line says what went wrong.
  const lines = text.trim().split("\n");
  return lines[lines.length - 1].slice(0, 500);
}

// Messages from the page. Listening starts at once so that nothing sent before boot is missed.
let receiveRules;
const rulesFromPage = new Promise((resolve) => {
  receiveRules = resolve;
});
let receiveStart;
const started = new Promise((resolve) => {
  receiveStart = resolve;
});
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || typeof data !== "object") return;
  if (data.type === "start") receiveStart(data);
  else if (data.type === "rules") receiveRules(data.bytes || null);
});

const booted = started.then((start) => Promise.race([boot(start), loadFailure]));
// Requests need only `handle`: `keep` (and the snapshot it writes) is let go once it has run.
const handlePromise = booted.then(({ handle }) => handle);
handlePromise.catch(quietly);
booted.then(
  ({ keep }) => {
    loaded = true;
    self.postMessage({ type: "ready", timings });
    if (keep) keep(); // after "ready": the visitor never waits for it
  },
  async (err) => {
    await new LocalCopy(null).forget(); // a damaged local copy must not fail the next visit too
    self.postMessage({ type: "failed", message: describe(err) });
  },
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
