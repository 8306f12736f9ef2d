// Build-time steps that must run inside Pyodide itself (called by sitegen/pyodide_bundle.py):
//   node build_runtime.mjs compile  <job.json>   .py → .pyc in the stdlib zip and the engine wheel
//   node build_runtime.mjs snapshot <job.json>   memory snapshot taken after importing the engine
//   node build_runtime.mjs compress <job.json>   brotli + gzip copies of each file (maximum quality)
// job.json: see the function for each command. Every failure exits 1 with one line on stderr.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));

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

// job: {pyodideDir, stdlib, lockFile, packageBaseUrl, package, warmup: python source, out}
// The heap must still be at its initial size when the snapshot is taken, or restoring it in the
// browser throws "RangeError: offset is out of bounds"; we check that here instead.
async function snapshot(job) {
  const py = await boot(job.pyodideDir, {
    stdLibURL: job.stdlib,
    lockFileContents: await readFile(job.lockFile, "utf8"),
    packageBaseUrl: job.packageBaseUrl + path.sep,
    _makeSnapshot: true,
  });
  await py.loadPackage(job.package, { messageCallback: () => {} });
  py.runPython(job.warmup);
  const heap = py._module.HEAP8.length;
  if (heap !== job.expectHeap) {
    throw new Error(`heap grew to ${heap} bytes (expected ${job.expectHeap}); the snapshot would not restore`);
  }
  const bytes = py.makeMemorySnapshot();
  await writeFile(job.out, bytes);
  return { out: job.out, bytes: bytes.length, heap };
}

// job: {files: [path]} → path.br and path.gz beside each
async function compress(job) {
  const report = [];
  for (const f of job.files) {
    const data = await readFile(f);
    const br = zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    const gz = zlib.gzipSync(data, { level: 9 });
    await writeFile(f + ".br", br);
    await writeFile(f + ".gz", gz);
    report.push({ file: f, bytes: data.length, br: br.length, gz: gz.length });
  }
  return report;
}

const commands = { compile, snapshot, compress };
const [cmd, jobFile] = process.argv.slice(2);
try {
  if (!commands[cmd]) throw new Error(`unknown command ${cmd}; use ${Object.keys(commands).join("|")}`);
  const job = JSON.parse(await readFile(jobFile, "utf8"));
  process.stdout.write(JSON.stringify(await commands[cmd](job)) + "\n");
} catch (err) {
  process.stderr.write(`build_runtime.mjs ${cmd}: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
