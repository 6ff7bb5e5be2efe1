// Build time, under Node: the Python the browser's worker needs, and nothing more (issue 12).
//
//   node quiz/build/make_python_bundle.mjs PYODIDE_DIR ENGINE_ZIP RULES_JSON OUT_ZIP
//
// Pyodide ships its whole standard library (python_stdlib.zip: 614 files, 9.6 MB of source). The
// quiz imports a small part of it, and compiling source in the browser is most of Python's start-up.
// So this script runs the engine the way the browser's worker does, under the same Pyodide, and
// writes one zip (OUT_ZIP) holding what was imported, compiled:
//
//   1. Pyodide starts as the worker starts it (with the memory-snapshot option the worker uses on a
//      first visit), the engine zip is put on sys.path, `import quiz.api`, the engine is configured
//      with the rules, a memory snapshot is made; then a second Pyodide restores that snapshot, as
//      a repeat visit does.
//   2. In both, the engine answers every request the quiz and the calculator can send: next_step and
//      classify for every answer set of the flow (quiz.answer_space), every Enterprise example and a
//      few edge counts, rules_info, and requests the engine refuses (bad answers, unknown methods).
//   3. Every module then in sys.modules that came from the standard library zip or the engine zip
//      is compiled with this Pyodide's own compiler (its bytecode version is the browser's) into
//      OUT_ZIP as a .pyc (unchecked-hash header, no source: zipimport loads it as it is).
//
// Modules Python has frozen into the wasm are left out (it never reads them from the zip);
// docstrings and asserts are dropped (-OO), and line tables are emptied: tracebacks lose their line
// numbers, nothing else changes. All three cut the bytes the browser downloads. quiz/build/python_bundle.py runs this and caches the result;
// tests/test_python_bundle.py runs the whole differential suite on the zip it writes.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, enginePath, rulesPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: node make_python_bundle.mjs PYODIDE_DIR ENGINE_ZIP RULES_JSON OUT_ZIP");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const options = { indexURL: pyodideDir + path.sep, stdout: () => {}, stderr: (t) => console.error(t) };
const engine = new Uint8Array(fs.readFileSync(enginePath));
const rulesText = fs.readFileSync(rulesPath, "utf8");

// The engine zip on sys.path, as the bundle will be: imported from a zip, never unpacked.
const ENGINE_ON_PATH = `
import sys
sys.path.insert(0, "/engine.zip")
`;
// What the worker runs before its snapshot (docs/javascripts/engine-worker.mjs, IMPORT and BOOT):
// the engine imported, then configured with the rules (the worker also passes the in-force date,
// which imports nothing more).
const IMPORT = "import json\nimport quiz.api\n_ipma_engine = quiz.api.Engine.from_json(json.loads(rules_text))";
// Every request the browser can send, answered once.
const EXERCISE = `
import json
import quiz.api
from quiz.answer_space import answer_sets

engine = quiz.api.Engine.from_json(json.loads(rules_text))
rules = engine.rules
def ask(method, **params):
    json.dumps(engine.handle(json.loads(json.dumps({"id": 1, "method": method, "params": params}))))
for answers in answer_sets(rules):
    ask("next_step", answers=answers)
    ask("classify", answers=answers)
    for key in list(answers)[:1]:
        ask("next_step", answers={**answers, key: None})
ask("next_step", answers={})
ask("rules_info")
ask("calculator_form")
for example in rules.enterprise.examples:
    ask("enterprise", counts=example.counts, answers=example.answers)
    for question in {q for c in rules.categories for r in c.rates for q in r.condition.questions()}:
        ask("enterprise", counts=example.counts, answers={question: True})
ask("enterprise")
ask("next_step", answers={"no such question": 1})
ask("classify", answers=[1, 2])
ask("enterprise", counts={"nonsense": -1})
ask("no such method")
`;
const COLLECT = `
import sys
def _ipma_files():
    out = []
    for name, module in sorted(sys.modules.items()):
        if getattr(getattr(module, "__spec__", None), "origin", None) == "frozen":
            continue  # inside the wasm already: never read from the zip
        origin = getattr(module, "__file__", None) or ""
        for prefix in ("/lib/python314.zip/", "/engine.zip/"):
            if origin.startswith(prefix):
                out.append((prefix, origin[len(prefix):]))
    return out
_ipma_files()
`;

async function run(extra) {
  const pyodide = await loadPyodide({ ...options, ...extra });
  pyodide.FS.writeFile("/engine.zip", engine);
  pyodide.runPython(ENGINE_ON_PATH);
  let snapshot = null;
  pyodide.globals.set("rules_text", rulesText);
  if (extra._makeSnapshot) {
    pyodide.runPython(IMPORT);
    snapshot = pyodide.makeMemorySnapshot();
  }
  pyodide.runPython(EXERCISE);
  const files = pyodide.runPython(COLLECT).toJs();
  return { pyodide, snapshot, files };
}

const first = await run({ _makeSnapshot: true });
const second = await run({ _loadSnapshot: first.snapshot });
const wanted = new Map();
for (const [prefix, file] of [...first.files, ...second.files]) wanted.set(`${prefix}${file}`, [prefix, file]);

const py = first.pyodide;
py.globals.set("wanted", py.toPy([...wanted.values()]));
py.runPython(`
import importlib.util, io, marshal, types, zipfile

def _strip(code):
    consts = tuple(_strip(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_linetable=b"", co_consts=consts)

sources = {"/lib/python314.zip/": zipfile.ZipFile("/lib/python314.zip"),
           "/engine.zip/": zipfile.ZipFile("/engine.zip")}
header = importlib.util.MAGIC_NUMBER + (0b01).to_bytes(4, "little") + bytes(8)
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
    for prefix, name in sorted(wanted, key=lambda pair: pair[1]):
        if not name.endswith(".py"):
            raise SystemExit(f"not Python source: {prefix}{name}")
        code = compile(sources[prefix].read(name), name, "exec", optimize=2, dont_inherit=True)
        info = zipfile.ZipInfo(name[:-3] + ".pyc", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        out.writestr(info, header + marshal.dumps(_strip(code)))
with open("/bundle.zip", "wb") as f:
    f.write(buffer.getvalue())
`);
fs.writeFileSync(outPath, py.FS.readFile("/bundle.zip"));
console.log(JSON.stringify({ modules: wanted.size, bytes: fs.statSync(outPath).size }));
