// Page side of the engine: one module worker per page session (a module-level singleton, so
// Material's instant navigation, which keeps this JavaScript realm alive, never starts a second
// one), requests by id with promises, and the worker's download progress for whoever waits.
//
// Loading has no fixed time limit: on a slow line the engine's few megabytes take a while, and that
// is no failure. It fails on an error, or when no byte has arrived for a while (a stalled line), or
// when Python has not started long after every byte arrived.

// Where the site and its assets are, from this module's own URL (site/javascripts/).
export const SITE_ROOT = new URL("../", import.meta.url);
export const ASSETS_URL = new URL("assets/", SITE_ROOT);

const STALL_MS = 30000; // no byte for this long while downloading: the line is gone
const START_LIMIT_MS = 90000; // every byte is in, and Python has still not answered
const REQUEST_TIMEOUT_MS = 10000;
const WORKER_GRACE_MS = 5000; // a worker that failed by itself, before it is ended (see _fail)

/**
 * How long loading may go without a byte arriving: 30 s, or the page URL's `ipma-engine-timeout`
 * query parameter in seconds (clamped to 1–120), read when the engine starts. Tests set it (e.g.
 * quiz/?ipma-engine-timeout=2) so that a download held back fails in seconds; anyone can use it,
 * and it only affects their own tab.
 */
export function stallLimitMs() {
  let seconds = NaN;
  try {
    seconds = Number(new URL(window.location.href).searchParams.get("ipma-engine-timeout") || NaN);
  } catch {
    // no usable location: keep the default
  }
  return Number.isFinite(seconds) ? Math.min(120, Math.max(1, seconds)) * 1000 : STALL_MS;
}

/** The engine manifest's URL, as every page names it (overrides/main.html), or null. */
function manifestUrl() {
  const meta = document.querySelector('meta[name="ipma:engine"]');
  return meta && meta.content ? new URL(meta.content, SITE_ROOT).href : null;
}

/**
 * Whether this host compresses JavaScript, judged from this very module as it arrived: then the
 * worker imports Pyodide's glue as a script; if not, it decompresses an xz copy itself. Unknown
 * (no timing entry) counts as yes: that choice works on every host, at worst with more bytes.
 */
function hostCompressesScripts() {
  const entry = performance.getEntriesByName(import.meta.url)[0];
  if (!entry || !entry.decodedBodySize) return true;
  return entry.encodedBodySize < entry.decodedBodySize;
}

export class EngineError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

class Engine {
  constructor() {
    this.state = "loading"; // "loading" → "ready" | "failed"
    this.failure = ""; // why it failed, in words for the visitor
    this.stalled = false; // it failed because no byte arrived for `stallMs`
    this.progress = { loaded: 0, total: 0, done: false }; // bytes the worker downloads
    this.startedAt = performance.now();
    this.readyAt = null;
    this.timings = null;
    this._listeners = new Set();
    this._pending = new Map();
    this._nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      this._resolveReady = resolve;
      this._rejectReady = reject;
    });
    this.ready.catch(() => {}); // failure is reported through state and listeners too
    document.documentElement.setAttribute("data-ipma-engine", this.state);
    this._start();
  }

  _start() {
    this.stallMs = stallLimitMs();
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      this._fail("this browser cannot run WebAssembly in a Web Worker");
      return;
    }
    const manifest = manifestUrl();
    if (!manifest) {
      this._fail("this page does not say where the engine's files are");
      return;
    }
    try {
      this.worker = new Worker(new URL("./engine-worker.mjs", import.meta.url), {
        type: "module",
        name: "ipma-engine",
      });
    } catch (err) {
      this._fail(`the engine could not start (${err.message || err})`);
      return;
    }
    this.worker.addEventListener("message", (event) => this._onMessage(event.data));
    this.worker.postMessage({ type: "start", manifest, compressedScripts: hostCompressesScripts() });
    // The page downloads rules.json anyway (the first screens are drawn from it): hand the worker
    // the same bytes instead of a second download. The worker checks their sha256 all the same.
    loadRulesBytes().then(
      (bytes) => this.worker.postMessage({ type: "rules", bytes }),
      () => this.worker.postMessage({ type: "rules", bytes: null }),
    );
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      this._fail(`the engine stopped (${event.message || "the worker script could not run"})`);
    });
    this.worker.addEventListener("messageerror", () => this._fail("the engine sent a message that could not be read"));
    this._lastByteAt = performance.now();
    this._watch = setInterval(() => this._checkPace(), 1000);
  }

  /** Fails a load that has stalled: no byte for stallMs, or no start long after the last byte. */
  _checkPace() {
    if (this.state !== "loading") return;
    const now = performance.now();
    if (!this.progress.done && now - this._lastByteAt > this.stallMs) {
      this.stalled = true;
      this._fail(`no data has arrived for ${Math.round(this.stallMs / 1000)} seconds`);
    } else if (this.progress.done && now - this._lastByteAt > START_LIMIT_MS) {
      this._fail(`it did not start within ${START_LIMIT_MS / 1000} seconds of downloading`);
    }
  }

  _onMessage(message) {
    if (!message || typeof message !== "object") return;
    if (message.type === "progress") {
      if (this.state !== "loading") return;
      if (message.loaded > this.progress.loaded || message.done !== this.progress.done) {
        this._lastByteAt = performance.now();
      }
      this.progress = { loaded: message.loaded, total: message.total, done: Boolean(message.done) };
      this._emit();
    } else if (message.type === "ready") {
      if (this.state !== "loading") return;
      clearInterval(this._watch);
      this.state = "ready";
      this.readyAt = performance.now();
      performance.mark("ipma:engine-ready"); // for the benchmarks (bench/), like the quiz's marks
      this.timings = message.timings || null;
      this.progress = { ...this.progress, done: true };
      this._resolveReady();
      this._emit();
    } else if (message.type === "kept") {
      // The next visit starts from the local copy (engine-worker.mjs): a state tests wait for.
      document.documentElement.setAttribute("data-ipma-engine-copy", "kept");
    } else if (message.type === "failed") {
      this._fail(String(message.message || "the engine could not load"), { workerDone: true });
    } else if (this._pending.has(message.id)) {
      const { resolve, reject, timer } = this._pending.get(message.id);
      this._pending.delete(message.id);
      clearTimeout(timer);
      if (message.ok) resolve(message.result);
      else {
        const error = message.error || {};
        reject(new EngineError(String(error.type || "Error"), String(error.message || "unknown error")));
      }
    }
  }

  _fail(reason, { workerDone = false } = {}) {
    if (this.state === "failed") return;
    clearInterval(this._watch);
    this.state = "failed";
    this.failure = reason;
    if (this.worker) {
      // A worker that reported its own failure has stopped working, but may still be sending what
      // the browser sends for it, such as the report of a compile the site's Content-Security-Policy
      // blocked: it is ended a little later. One that stalled is ended at once.
      const worker = this.worker;
      if (workerDone) setTimeout(() => worker.terminate(), WORKER_GRACE_MS);
      else worker.terminate();
    }
    const error = new EngineError("EngineUnavailable", reason);
    this._rejectReady(error);
    for (const { reject, timer } of this._pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this._pending.clear();
    this._emit();
  }

  _emit() {
    // The engine's state on the page, for anyone (the tests) who must know whether it started.
    document.documentElement.setAttribute("data-ipma-engine", this.state);
    for (const listener of [...this._listeners]) {
      try {
        listener(this);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** Calls listener(engine) on every change of state or progress; returns the unsubscribe. */
  subscribe(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** Sends {method, params} once the engine is ready; resolves with the result, rejects with EngineError. */
  async request(method, params) {
    await this.ready;
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this._pending.has(id)) return;
        this._fail(`the engine did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds`);
      }, REQUEST_TIMEOUT_MS);
      this._pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, method, params });
    });
  }
}

let instance = null;

/** The page session's engine, started on first call. */
export function getEngine() {
  if (instance === null) instance = new Engine();
  return instance;
}

let rulesBytesPromise = null;
let rulesPromise = null;

// rules.json, read as it arrives: a download that stops sending for the stall limit ends in the
// failure message, never in an empty box.
function loadRulesBytes() {
  if (rulesBytesPromise === null) {
    const limit = stallLimitMs();
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), limit);
    const pace = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), limit);
    };
    rulesBytesPromise = fetch(new URL("rules.json", ASSETS_URL), { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new EngineError("RulesUnavailable", `rules.json: HTTP ${response.status}`);
        const reader = response.body.getReader();
        const chunks = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          pace();
          chunks.push(value);
        }
        return new Blob(chunks).arrayBuffer();
      })
      .catch((err) => {
        if (!controller.signal.aborted) throw err;
        throw new EngineError("RulesUnavailable", `no data of rules.json arrived for ${limit / 1000} seconds`);
      })
      .finally(() => clearTimeout(timer));
    rulesBytesPromise.catch(() => {
      rulesBytesPromise = null; // let a later page view try again
    });
  }
  return rulesBytesPromise;
}

/** The rules export (assets/rules.json), fetched once; the quiz renders its screens from it. */
export function loadRules() {
  if (rulesPromise === null) {
    rulesPromise = loadRulesBytes().then((bytes) => {
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        throw new EngineError("RulesUnavailable", "rules.json is damaged: it is not valid JSON");
      }
    });
    rulesPromise.catch(() => {
      rulesPromise = null;
    });
  }
  return rulesPromise;
}
