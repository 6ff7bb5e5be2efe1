// The engine throughput loop (bench/engine_loop.py) under Pyodide in Node, driven line by line.
//
//   node bench/node/engine_bench.mjs ENGINE_ZIP bench/engine_loop.py
//
// Loads Pyodide from node_modules/pyodide, unpacks the engine zip (as the browser worker does) and
// the loop module, prints {"ready": true, "python": "3.x", "load_ms": N}, then for each stdin line:
//   {"setup": {...}}                 → engine_loop.setup(payload) as JSON
//   {"round": "classify", "seconds": 1.5} → {"kind", "per_s"}
// Errors answer {"error": "..."}; Python's own output goes to stderr.
import { readFile } from "node:fs/promises";
import readline from "node:readline";
import { loadPyodide } from "pyodide";

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const started = performance.now();
let pyodide;
try {
  const [zipPath, loopPath] = process.argv.slice(2);
  if (!zipPath || !loopPath) throw new Error("usage: node engine_bench.mjs ENGINE_ZIP ENGINE_LOOP_PY");
  pyodide = await loadPyodide({
    stdout: (text) => process.stderr.write(text + "\n"),
    stderr: (text) => process.stderr.write(text + "\n"),
  });
  pyodide.unpackArchive(new Uint8Array(await readFile(zipPath)), "zip");
  pyodide.FS.writeFile("engine_loop.py", await readFile(loopPath, "utf8"));
  const version = pyodide.runPython("import sys, engine_loop, quiz.api\nsys.version.split()[0]");
  out({ ready: true, python: version, load_ms: performance.now() - started });
} catch (err) {
  out({ failed: String(err && err.stack ? err.stack : err) });
  process.exit(1);
}

const loop = pyodide.pyimport("engine_loop");
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  try {
    const msg = JSON.parse(line);
    if (msg.setup) {
      out(JSON.parse(loop.setup_json(JSON.stringify(msg.setup))));
    } else if (msg.round) {
      out(JSON.parse(loop.round_json(msg.round, msg.seconds)));
    } else {
      out({ error: `unknown message ${line.slice(0, 100)}` });
    }
  } catch (err) {
    out({ error: String(err && err.message ? err.message : err) });
  }
}
