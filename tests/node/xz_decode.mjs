// Runs docs/javascripts/xz-decoder.mjs under Node, as the worker does (tests/test_xz_decoder.py).
//
//   node tests/node/xz_decode.mjs DECODER_WASM XZ_FILE CHUNK_SIZE
//
// Pushes XZ_FILE in CHUNK_SIZE pieces, the last one marked final, and prints one JSON line:
// {"ok": true, "sha256": ..., "length": ..., "chunks": ...} or {"ok": false, "error": "..."}.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [wasmPath, xzPath, chunkText] = process.argv.slice(2);
const decoderUrl = pathToFileURL(path.resolve(import.meta.dirname, "../../docs/javascripts/xz-decoder.mjs"));
const { xzDecoder } = await import(decoderUrl.href);
const { Decompress } = await xzDecoder(fs.readFileSync(wasmPath));
const data = new Uint8Array(fs.readFileSync(xzPath));
const size = Number(chunkText);
const hash = createHash("sha256");
let length = 0;
let chunks = 0;
try {
  const decoder = new Decompress((chunk) => {
    hash.update(chunk);
    length += chunk.length;
    chunks += 1;
  });
  if (data.length === 0) decoder.push(data, true);
  for (let offset = 0; offset < data.length; offset += size) {
    decoder.push(data.subarray(offset, offset + size), offset + size >= data.length);
  }
  console.log(JSON.stringify({ ok: true, sha256: hash.digest("hex"), length, chunks }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err.message || err) }));
}
