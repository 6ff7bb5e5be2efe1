// Runs the rules engine in Pyodide under Node, for the differential tests (tests/helpers.py: PyodideEngine).
//
//   node tests/node/run_engine.mjs --bundle path/to/python.zip   the browser's Python bundle
//   node tests/node/run_engine.mjs path/to/engine.zip            an engine's sources
//
// Loads Pyodide from node_modules/pyodide. With --bundle, Python's standard library is the bundle the
// build ships to the browser (quiz/build/python_bundle.py: the modules the engine uses and the engine,
// compiled), exactly as the browser's worker installs it; else the engine zip is unpacked into
// Pyodide's working directory (on sys.path) beside Pyodide's whole standard library. Then it imports
// quiz.api and answers newline-delimited JSON on stdin, one JSON line per request on stdout, in order:
//   first line out: {"ready": true, "python": "3.14.x"} once loaded, or {"failed": "..."} (then exit 1);
//   each request line → json.dumps(engine.handle(json.loads(line)), sort_keys=True), one
//   quiz.api.Engine for the whole run (the "configure" method gives it its rules);
//   if handle itself raises → {"harness_error": {"type", "message", "traceback"}} (handle should never raise).
// Python's own print() output goes to stderr so it cannot corrupt the protocol.
import { readFile } from "node:fs/promises";
import readline from "node:readline";
import { loadPyodide } from "pyodide";

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const BOOT = `
import json, sys, traceback
import quiz.api

_ipma_engine = quiz.api.Engine()

def _ipma_handle_line(line):
    try:
        return json.dumps(_ipma_engine.handle(json.loads(line)), sort_keys=True)
    except BaseException as exc:
        return json.dumps({"harness_error": {
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": traceback.format_exc(),
        }}, sort_keys=True)

sys.version.split()[0]
`;

let handleLine;
try {
  const args = process.argv.slice(2);
  const bundle = args[0] === "--bundle";
  const zipPath = bundle ? args[1] : args[0];
  if (!zipPath) throw new Error("usage: node run_engine.mjs [--bundle] ZIP");
  const pyodide = await loadPyodide({
    ...(bundle ? { stdLibURL: zipPath } : {}),
    stdout: (text) => process.stderr.write(text + "\n"),
    stderr: (text) => process.stderr.write(text + "\n"),
  });
  if (!bundle) pyodide.unpackArchive(new Uint8Array(await readFile(zipPath)), "zip");
  const version = pyodide.runPython(BOOT);
  handleLine = pyodide.globals.get("_ipma_handle_line");
  out({ ready: true, python: version });
} catch (err) {
  out({ failed: String(err && err.stack ? err.stack : err) });
  process.exit(1);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  process.stdout.write(handleLine(line) + "\n");
}
