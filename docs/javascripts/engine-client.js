// Page side of the engine: one module worker per page session (a module-level singleton, so
// Material's instant navigation, which keeps this JavaScript realm alive, never starts a second
// one), requests by id with promises, and a hard time limit so nobody waits on an endless spinner.

const LOAD_TIMEOUT_MS = 20000;
const REQUEST_TIMEOUT_MS = 10000;

/**
 * The loading time limit in milliseconds: 20 s, or the page URL's `ipma-engine-timeout` query
 * parameter in seconds (clamped to 1–120), read when the engine starts. Tests set it (e.g.
 * quiz/?ipma-engine-timeout=2) so that a download held back past the limit fails in seconds rather
 * than 20; anyone can use it to see the failure message sooner, and it only affects their own tab.
 * It bounds everything loading needs: rules.json, the manifest, the engine zip and Pyodide.
 */
export function loadTimeoutMs() {
  let seconds = NaN;
  try {
    seconds = Number(new URL(window.location.href).searchParams.get("ipma-engine-timeout") || NaN);
  } catch {
    // no usable location: keep the default
  }
  return Number.isFinite(seconds) ? Math.min(120, Math.max(1, seconds)) * 1000 : LOAD_TIMEOUT_MS;
}

// Where the worker and the site's assets live, from this module's own URL (site/javascripts/).
export const ASSETS_URL = new URL("../assets/", import.meta.url);

export class EngineError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

class Engine {
  constructor() {
    this.state = "loading"; // "loading" → "ready" | "failed"
    this.failure = "";
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
    this._start();
  }

  _start() {
    const limit = loadTimeoutMs();
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      this._fail("this browser cannot run WebAssembly in a Web Worker");
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
    // The page downloads rules.json anyway (the first question is drawn from it): hand the worker
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
    this._timer = setTimeout(() => {
      this._fail(`the engine did not finish loading within ${limit / 1000} seconds`);
    }, limit);
  }

  _onMessage(message) {
    if (!message || typeof message !== "object") return;
    if (message.type === "ready") {
      if (this.state !== "loading") return;
      clearTimeout(this._timer);
      this.state = "ready";
      this.readyAt = performance.now();
      performance.mark("ipma:engine-ready"); // for the benchmarks (bench/), like the quiz's marks
      this.timings = message.timings || null;
      this._resolveReady();
      this._emit();
    } else if (message.type === "failed") {
      this._fail(String(message.message || "the engine could not load"));
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

  _fail(reason) {
    if (this.state === "failed") return;
    clearTimeout(this._timer);
    this.state = "failed";
    this.failure = reason;
    if (this.worker) this.worker.terminate();
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
    for (const listener of [...this._listeners]) {
      try {
        listener(this);
      } catch (err) {
        console.error(err);
      }
    }
  }

  /** Calls listener(engine) on every state change; returns a function that unsubscribes. */
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

// rules.json within the loading time limit: the quiz cannot show its first question without it, so
// a download that never ends must end in the failure message, not in an empty box.
function loadRulesBytes() {
  if (rulesBytesPromise === null) {
    const limit = loadTimeoutMs();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limit);
    rulesBytesPromise = fetch(new URL("rules.json", ASSETS_URL), { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new EngineError("RulesUnavailable", `rules.json: HTTP ${response.status}`);
        return response.arrayBuffer();
      })
      .catch((err) => {
        if (!controller.signal.aborted) throw err;
        throw new EngineError("RulesUnavailable", `rules.json did not arrive within ${limit / 1000} seconds`);
      })
      .finally(() => clearTimeout(timer));
    rulesBytesPromise.catch(() => {
      rulesBytesPromise = null; // let a later page view try again
    });
  }
  return rulesBytesPromise;
}

/** The rules export (assets/rules.json), fetched once; the quiz renders its first question from it. */
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
