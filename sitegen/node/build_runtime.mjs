// Build-time steps that must run inside Pyodide itself (called by sitegen/pyodide_bundle.py):
//   node build_runtime.mjs compile  <job.json>   .py → .pyc in the stdlib zip and the engine wheel
//   node build_runtime.mjs trace    <job.json>   which stdlib modules the engine's run imports
//   node build_runtime.mjs snapshot <job.json>   memory snapshot taken after importing the engine
//   node build_runtime.mjs compress <job.json>   brotli + gzip copies of each file (maximum quality)
// job.json: see the function for each command. Every failure exits 1 with one line on stderr.
import nodeCrypto from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));

// The snapshot is a copy of the interpreter's memory, so everything that reaches that memory from
// outside must be the same on every build (else two builds differ in ~2,700 bytes): the clocks
// (file times in Emscripten's in-memory file system, time.time()), the entropy (seeds of the
// allocator's and libc's random state) and the time zone. Nothing at build time needs them real;
// in the browser Pyodide reads the real ones again after the restore.
function deterministic() {
  process.env.TZ = "UTC";
  const epoch = Date.UTC(2024, 0, 1);
  Date.now = () => epoch;
  performance.now = () => 0;
  let seed = 0x2545f491;
  const next = () => { // xorshift32: fixed stream, not a secret
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return seed >>> 0;
  };
  const fill = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
    return view;
  };
  nodeCrypto.randomFillSync = fill;
  globalThis.crypto.getRandomValues = fill;
  Math.random = () => next() / 2 ** 32;
}

async function boot(pyodideDir, extra = {}) {
  const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));
  return loadPyodide({ indexURL: pyodideDir + path.sep, stdout: () => {}, ...extra });
}

// job: {pyodideDir, zips: [{src, dst, compression}]}; compression 0 = stored, 8 = deflated.
async function compile(job) {
  const py = await boot(job.pyodideDir);
  py.runPython(await readFile(path.join(here, "pycompile.py"), "utf8"));
  const compileZip = py.globals.get("compile_zip");
  const report = [];
  for (const z of job.zips) {
    py.FS.writeFile("/tmp/in.zip", await readFile(z.src));
    const counts = compileZip("/tmp/in.zip", "/tmp/out.zip", z.compression).toJs({ dict_converter: Object.fromEntries });
    await writeFile(z.dst, py.FS.readFile("/tmp/out.zip"));
    report.push({ dst: z.dst, ...counts });
  }
  return report;
}

// Boot from the given stdlib, load the engine by name from the lock, run the warm-up.
// job: {pyodideDir, stdlib, lock: {...}, packageBaseUrl, package, warmup: python, jobs: JSON text}
async function bootEngine(job, extra = {}) {
  const py = await boot(job.pyodideDir, {
    stdLibURL: job.stdlib,
    lockFileContents: job.lock,
    packageBaseUrl: job.packageBaseUrl + path.sep,
    env: { PYTHONHASHSEED: "0" },
    ...extra,
  });
  await py.loadPackage(job.package, { messageCallback: () => {}, errorCallback: (m) => (warnings += m + "\n") });
  py.globals.set("WARMUP_JOBS", job.jobs);
  py.runPython(job.warmup); // raises if `import calculators` failed (loadPackage only warns)
  return py;
}

// Which stdlib files the boot, the engine and an error's traceback import (→ the cut stdlib).
async function trace(job) {
  const py = await bootEngine(job);
  try {
    py.runPython("raise ValueError('traced error path')");
  } catch (err) {
    /* expected: formatting it imported traceback and friends */
  }
  const files = py.runPython(`
import sys
[f for f in (getattr(m, "__file__", None) for m in list(sys.modules.values())) if f]
`).toJs();
  const zip = files.filter((f) => f.includes(".zip/")).map((f) => f.slice(f.indexOf(".zip/") + 5));
  return { modules: zip };
}

// job: as bootEngine, plus {expectHeap, out}.
// The heap must still be at its initial size when the snapshot is taken, or restoring it in the
// browser throws "RangeError: offset is out of bounds"; we check that here instead.
async function snapshot(job) {
  const py = await bootEngine(job, { _makeSnapshot: true });
  // The snapshot may hold no state of the JS package loader (it checks that loadedPackages is
  // still {}): forget the engine there. The browser does not install it again after a restore
  // (the file system is not part of the snapshot, but every module of the engine is imported).
  delete py.loadedPackages[job.package];
  const heap = py._module.HEAP8.length;
  if (heap !== job.expectHeap) {
    throw new Error(`heap grew to ${heap} bytes (expected ${job.expectHeap}); the snapshot would not restore`);
  }
  const bytes = py.makeMemorySnapshot();
  await writeFile(job.out, bytes);
  // The stdlib entries whose modules are in that memory: the browser never reads them again; and
  // the names of all its modules. (Asked after the snapshot, which must not hold these objects.)
  const imported = py.runPython(`
import sys
sorted({f.split(".zip/", 1)[1] for f in (getattr(m, "__file__", None) for m in list(sys.modules.values()))
        if f and ".zip/" in f})
`).toJs();
  const modules = py.runPython("import sys\nsorted(sys.modules)").toJs();
  return { out: job.out, bytes: bytes.length, heap, imported, modules };
}

// job: {files: [path]} → path.br and path.gz beside each. The async zlib calls run on libuv's
// thread pool, so the files are compressed in parallel.
async function compress(job) {
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  return Promise.all(job.files.map(async (f) => {
    const data = await readFile(f);
    const [br, gz] = await Promise.all([
      brotli(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
      gzip(data, { level: 9 }),
    ]);
    await writeFile(f + ".br", br);
    await writeFile(f + ".gz", gz);
    return { file: f, bytes: data.length, br: br.length, gz: gz.length };
  }));
}

const commands = { compile, trace, snapshot, compress };
const [cmd, jobFile] = process.argv.slice(2);
deterministic();
try {
  if (!commands[cmd]) throw new Error(`unknown command ${cmd}; use ${Object.keys(commands).join("|")}`);
  const job = JSON.parse(await readFile(jobFile, "utf8"));
  process.stdout.write(JSON.stringify(await commands[cmd](job)) + "\n");
} catch (err) {
  process.stderr.write(`build_runtime.mjs ${cmd}: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
