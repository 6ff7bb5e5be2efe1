// Build time, under Node: a Pyodide memory snapshot taken once the engine is imported.
//
//   node quiz/build/make_snapshot.mjs PYODIDE_DIR ENGINE_ZIP OUT
//
// The browser's worker restores it instead of starting Python and importing quiz.api itself
// (issue 5: "Python ready" ≈ 2.5 s → ≈ 1 s cold). quiz/build/snapshot.py runs this and caches the
// result; the engine files are unpacked again in the browser, the rules configured there.
// Pyodide's snapshot options are private (underscore): the pinned version is the one tested.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, enginePath, outPath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  _makeSnapshot: true,
  stdout: () => {},
  stderr: () => {},
});
pyodide.unpackArchive(new Uint8Array(fs.readFileSync(enginePath)), "zip");
// What the worker's boot code imports, so that restoring leaves nothing to import.
pyodide.runPython("import json\nimport quiz.api");
fs.writeFileSync(outPath, pyodide.makeMemorySnapshot());
