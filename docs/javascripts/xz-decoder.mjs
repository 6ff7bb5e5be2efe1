// xz decompression for the engine's worker (engine-worker.mjs), as bytes arrive.
//
/*! The decoder: xz-embedded (Lasse Collin, Igor Pavlov; public domain), built to WebAssembly by the
 *  npm package xz-decompress (MIT, (c) Steve Sanderson's xzwasm; walloc (c) 2020 Igalia, S.L.).
 *  These lines drive it after that package's XzContext. */
//
// The build takes the package's 12.5 KB wasm out into assets/engine/ (quiz/build/assets.py); these
// lines give it the push interface the worker feeds downloads into. Each file gets an instance of
// its own, so two files decompress side by side and each frees its memory when done.
//
// The wasm's interface: create_context() returns a context whose first six 32-bit words are
//   [buffer size, input buffer, input position, input size, output buffer, output position]
// supply_input(context, n) hands it the n bytes written to its input buffer (0: the input is over);
// get_next_output(context) decodes into the output buffer and returns xz-embedded's status
// (0 XZ_OK, 1 XZ_STREAM_END, anything else an error: damaged or not xz). It reads concatenated xz
// streams as one (xz's own rule), so the end is known only once the input is over: bytes after
// a stream read as the start of another, and fail as one cut short. The worker also checks every
// download's sha256 against the manifest, so what it decodes is what the build wrote.

const XZ_OK = 0;
const XZ_STREAM_END = 1;

/** A decoder for the wasm bytes given: `new (await xzDecoder(wasm)).Decompress(ondata)`. */
export async function xzDecoder(wasm) {
  const module = await WebAssembly.compile(wasm);

  class Decompress {
    /** `ondata(chunk)` receives the decompressed bytes, in order, each chunk its own copy. */
    constructor(ondata) {
      this.ondata = ondata;
      this.xz = new WebAssembly.Instance(module, {}).exports;
      this.context = this.xz.create_context();
      const [size, input] = this.state();
      this.size = size;
      this.input = input;
      this.finished = false;
    }

    state() {
      // A new view each time: decoding may grow the memory, which detaches the old one.
      return new Uint32Array(this.xz.memory.buffer, this.context, 6);
    }

    /** Decompresses `chunk`; `final` says no more bytes follow, and the stream must end with it. */
    push(chunk, final = false) {
      let offset = 0;
      while (offset < chunk.length) {
        const length = Math.min(this.size, chunk.length - offset);
        new Uint8Array(this.xz.memory.buffer, this.input, length).set(chunk.subarray(offset, offset + length));
        this.xz.supply_input(this.context, length);
        offset += length;
        this.drain();
      }
      if (final && !this.finished) {
        this.xz.supply_input(this.context, 0); // the input is over: xz-embedded may end the stream
        this.drain();
        if (!this.finished) throw new Error("the xz data ends early");
      }
    }

    drain() {
      for (;;) {
        const status = this.xz.get_next_output(this.context);
        if (status !== XZ_OK && status !== XZ_STREAM_END) {
          throw new Error(`the xz data is damaged (xz-embedded status ${status})`);
        }
        const state = this.state();
        const produced = state[5];
        if (produced) this.ondata(new Uint8Array(this.xz.memory.buffer, state[4], produced).slice());
        state[5] = 0;
        if (status === XZ_STREAM_END) {
          this.finished = true;
          this.xz.destroy_context(this.context);
          return;
        }
        // Input used up and room left in the output: it needs the next bytes.
        if (state[2] === state[3] && produced < this.size) return;
      }
    }
  }

  return { Decompress };
}
