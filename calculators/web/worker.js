// The calculator's Web Worker: Pyodide and the rule engine, off the page's main thread.
//
// Protocol (every reply to a request carries the request's id):
//   page → worker  {type: "init", runtime, snapshotFromPage}    once, right after `new Worker`
//                  {type: "snapshot", bytes | error}            if snapshotFromPage: the snapshot
//                                                               file (an ArrayBuffer, transferred)
//                  {type: "prefetch", specs: [url]}             the page's specs: fetched now, and
//                                                               each measure warmed once ready
//                  {type: "calculate", id, spec: url, measure, inputs, lang, on}
//                                                               (on: YYYY-MM-DD, the result's status day)
//                  {type: "find", id, bundle_urls | bundle, facts, on, lang, include_all}
//                                                               the finder (calculators.finder.find) over
//                                                               the bundles' measures merged into one
//   worker → page  {type: "ready", ms, snapshot, phases}         the engine is imported
//                  (phases: ms since the worker started at the end of each boot step)
//                  {type: "failed", error: {code, message_zh, message_en}}   it never will
//                  {type: "result", id, result}                  calculators.calculate's (or find's) result
//                  {type: "error", id, error: {code, input_id, message_zh, message_en}}
//                    + errors: [every wrong input, each like error] (a form shows them all)
// `runtime` is the manifest pyodide_bundle.py writes into calculator.js, with absolute URLs.
// `boot` and `calculateReply` are exported so the Node parity test (tests/node/parity.mjs) runs
// exactly this code; the message handler is only installed inside a worker.

const started = performance.now();
const specCache = new Map(); // url → Promise<{measure id: spec}>
let engine = null; // Promise<{calculateJson}> once init arrives
let snapshotFromPage = null; // {promise, resolve, reject} while the page is reading the snapshot

const inWorker = typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope;
if (inWorker) self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "init") {
    if (!engine) {
      if (msg.snapshotFromPage) snapshotFromPage = deferred();
      engine = boot(msg.runtime, { snapshot: snapshotFromPage?.promise });
      engine.then(
        (info) => self.postMessage({ type: "ready", ms: Math.round(performance.now() - started), ...info.public }),
        (err) => self.postMessage({ type: "failed", error: describeFailure(err) }),
      );
    }
  } else if (msg.type === "snapshot" && snapshotFromPage) {
    if (msg.bytes) snapshotFromPage.resolve(new Uint8Array(msg.bytes));
    else snapshotFromPage.reject(new Error(msg.error || "the page could not read the snapshot"));
  } else if (msg.type === "prefetch" && engine) {
    const urls = msg.specs || [];
    for (const url of urls) loadSpecs(url).catch(() => {}); // failures resurface on use
    engine.then((info) => warm(info, urls), () => {});
  } else if (msg.type === "calculate" || msg.type === "find") {
    (msg.type === "find" ? find(msg) : calculate(msg)).then(
      (reply) => self.postMessage({ ...reply, id: msg.id }),
      (err) => self.postMessage({ type: "error", id: msg.id, error: describeFailure(err) }),
    );
  }
});

// `snapshot`: the snapshot file's bytes (a promise) when the caller reads it; otherwise the
// worker fetches it.
export async function boot(rt, { fetch: get = fetchBytes, snapshot: snapshotBytes = null } = {}) {
  const phases = {};
  const lap = (name) => (phases[name] = Math.round(performance.now() - started));
  // Pyodide's two scripts are requested first: the interpreter cannot be built without them, and
  // on a return visit the browser decodes every cached file again in one process, in the order
  // asked. Then the snapshot, the largest download, unless the page reads it (calculator.js says
  // why). With its size known from the manifest, Pyodide gets the buffer at once and builds the
  // interpreter (wasm compile and instantiate, stdlib) while it downloads; the fsInit hook then
  // holds the start until the buffer is filled. Without the size (a manifest without
  // snapshotBytes, as tests/node/parity.mjs passes), Pyodide waits for the download, then does
  // all that.
  const pyodideModule = import(rt.runtime + "pyodide.mjs");
  const asmModule = import(rt.runtime + "pyodide.asm.mjs");
  asmModule.catch(() => {}); // reported through loadPyodide
  const buffer = rt.snapshot && rt.snapshotBytes ? new Uint8Array(rt.snapshotBytes) : null;
  const snapshot = rt.snapshot
    ? (snapshotBytes || get(rt.runtime + rt.snapshot)).then((bytes) => (lap("snapshot"), expandSnapshot(bytes, buffer)))
    : null;
  snapshot?.catch(() => {}); // an unfetched snapshot only means a slower, normal boot
  const { loadPyodide } = await pyodideModule;
  lap("import");
  const options = {
    indexURL: rt.runtime,
    stdLibURL: rt.runtime + rt.stdlib,
    lockFileContents: rt.lock, // inline: saves fetching pyodide-lock.json
    packageBaseUrl: rt.runtime,
    env: { PYTHONHASHSEED: "0" }, // as when the snapshot was made
    stdout: () => {},
    stderr: (line) => console.warn("[pyodide]", line),
  };
  // loadPyodide would import pyodide.asm.mjs only after asking for the wasm and the stdlib; hand
  // it the import already under way instead (a private option of the pinned version, like _loadSnapshot).
  options.createPyodideModule = async (settings) => (await asmModule).default(settings);
  let pyodide = null;
  let fromSnapshot = false;
  if (snapshot) {
    try {
      pyodide = await loadPyodide(buffer
        ? { ...options, _loadSnapshot: buffer, fsInit: () => snapshot.catch(() => {}) } // unfilled: restore throws
        : { ...options, _loadSnapshot: snapshot });
      fromSnapshot = true;
    } catch (err) {
      // e.g. "Snapshot build id mismatch" or a truncated download: boot normally instead.
      console.warn("calculator: snapshot restore failed, booting normally:", err);
    }
  }
  // A restored snapshot holds every module of the engine, imported (the build checks it:
  // sitegen/pyodide_bundle.py), so the wheel is not installed again: unzipping it in Python took
  // 35 ms of the worker's thread on every visit, to write files that nothing reads any more.
  const loadErrors = [];
  if (!pyodide) {
    // The stdlib served with the snapshot lacks what is already in its memory: boot from the full
    // one, and install the engine's wheel (fetched while Pyodide starts; loadPackage then checks).
    pyodide = await loadPyodide({
      ...options,
      stdLibURL: rt.runtime + (rt.stdlibFull || rt.stdlib),
      packages: [rt.package],
    });
    await pyodide.loadPackage(rt.package, {
      messageCallback: () => {},
      errorCallback: (m) => loadErrors.push(m),
    });
  }
  lap("loadPyodide");
  // loadPackage only logs a failure: the import is the real check.
  let calculateJson;
  try {
    calculateJson = pyodide.pyimport("calculators.web.bridge").calculate_json; // nothing to compile
  } catch (err) {
    throw Object.assign(new Error(`engine did not import: ${loadErrors.join("; ") || err.message}`), {
      code: "engine_import",
    });
  }
  lap("import_engine");
  return { pyodide, calculateJson, public: { snapshot: fromSnapshot, phases } };
}

// snapshot.bin as written by sitegen/pyodide_bundle.py (sparse_snapshot): the memory without its
// long zero runs. Written into `into` (zeroed, of the expanded size) or a new buffer.
const SPARSE_MAGIC = 0x3153435a; // "ZCS1"
export function expandSnapshot(bytes, into = null) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== SPARSE_MAGIC) {
    throw new Error("snapshot: not a sparse snapshot");
  }
  const size = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const out = into || new Uint8Array(size);
  if (out.length !== size) throw new Error(`snapshot: ${size} bytes, ${out.length} expected`);
  // Check the whole table first: a half-written buffer must never reach the restore.
  let end = 12 + count * 8;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(12 + i * 8, true);
    const length = view.getUint32(16 + i * 8, true);
    if (offset + length > size) throw new Error("snapshot: segment out of range");
    end += length;
  }
  if (end !== bytes.byteLength) throw new Error(`snapshot: ${bytes.byteLength} bytes, ${end} expected`);
  for (let i = 0, pos = 12 + count * 8; i < count; i++) {
    const offset = view.getUint32(12 + i * 8, true);
    const length = view.getUint32(16 + i * 8, true);
    out.set(bytes.subarray(pos, pos + length), offset);
    pos += length;
  }
  return out;
}

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
  return d;
}

async function calculate(msg) {
  if (!engine) throw Object.assign(new Error("calculate before init"), { code: "protocol" });
  const [{ calculateJson }, specs] = await Promise.all([engine, loadSpecs(msg.spec)]);
  const spec = specs[msg.measure];
  if (!spec) throw Object.assign(new Error(`no measure ${msg.measure} in ${msg.spec}`), { code: "spec" });
  return calculateReply(calculateJson, spec, msg.inputs || {}, msg.lang || "zh", msg.on || null);
}

// The finder: each file (data/finder/…: facts.json and the region/year bundles) is fetched and
// handed to Python once (bridge.load_bundle_json parses and keeps it by URL); an answer then sends
// only the URLs and the facts (bridge.find_loaded_json merges the kept files and runs `find`).
const bundlesLoaded = new Set();
async function find(msg) {
  if (!engine) throw Object.assign(new Error("find before init"), { code: "protocol" });
  const { pyodide } = await engine;
  const bridge = pyodide.pyimport("calculators.web.bridge");
  let reply;
  if (msg.bundle) {
    reply = bridge.find_json(JSON.stringify(msg.bundle), JSON.stringify(msg.facts || {}), msg.on,
      msg.lang || "zh", !!msg.include_all);
  } else {
    const urls = msg.bundle_urls || [];
    const texts = await Promise.all(urls.map((url) => (bundlesLoaded.has(url) ? null
      : fetchBytes(url).then((bytes) => new TextDecoder().decode(bytes)))));
    urls.forEach((url, i) => {
      if (texts[i] === null) return;
      bridge.load_bundle_json(url, texts[i]);
      bundlesLoaded.add(url);
    });
    reply = bridge.find_loaded_json(JSON.stringify(urls), JSON.stringify(msg.facts || {}), msg.on,
      msg.lang || "zh", !!msg.include_all);
  }
  bridge.destroy();
  reply = JSON.parse(reply);
  return reply.error ? { type: "error", error: reply.error } : { type: "result", result: reply.result };
}

// While the reader fills in: run each measure of the page once with no inputs, which checks the
// spec and compiles its expressions (the engine caches them), so the click finds them ready
// (first calculation of a measure ~50 ms, later ones ~8 ms). One measure per task: a calculate
// request waiting in the queue goes first.
async function warm({ calculateJson }, urls) {
  for (const url of urls) {
    const specs = await loadSpecs(url).catch(() => ({}));
    for (const spec of Object.values(specs)) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      try {
        calculateJson(JSON.stringify(spec), "{}", "zh");
      } catch {
        /* a broken spec reports itself when the reader calculates */
      }
    }
  }
}

// One calculation through the Python bridge: {type: "result", result} or {type: "error", error}.
export function calculateReply(calculateJson, spec, inputs, lang, on = null) {
  const reply = JSON.parse(calculateJson(JSON.stringify(spec), JSON.stringify(inputs), lang, on));
  return reply.error ? { type: "error", error: reply.error, errors: reply.errors || [reply.error] }
    : { type: "result", result: reply.result };
}

function loadSpecs(url) {
  if (!specCache.has(url)) {
    const p = fetchBytes(url).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)));
    p.catch(() => specCache.delete(url)); // let a later request try again
    specCache.set(url, p);
  }
  return specCache.get(url);
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw Object.assign(new Error(`${url}: HTTP ${response.status}`), { code: "http" });
  }
  return new Uint8Array(await response.arrayBuffer());
}

function describeFailure(err) {
  const text = (err && (err.message || String(err))) || "unknown error";
  const code = (err && err.code) || (err instanceof TypeError ? "network" : "internal");
  return { code, input_id: null, message_zh: `计算器无法运行：${text}`, message_en: `The calculator cannot run: ${text}` };
}
