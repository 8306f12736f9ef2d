// Golden cases in Pyodide under Node, through the browser worker's own code (calculators/web/worker.js):
//   node parity.mjs <job.json>
// job: {runtime: {...manifest as in calculator.js, runtime: "<dir>/"}, jobs: [{name, spec, inputs, lang, on?}]}
// Prints one JSON object: {snapshot: bool, replies: [{type: "result", result} | {type: "error", error}]}.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { boot, calculateReply } = await import(path.join(here, "..", "..", "calculators", "web", "worker.js"));

const job = JSON.parse(await readFile(process.argv[2], "utf8"));
const fetchFile = async (file) => new Uint8Array(await readFile(file));
try {
  const engine = await boot(job.runtime, { fetch: fetchFile });
  const replies = job.jobs.map((j) => calculateReply(engine.calculateJson, j.spec, j.inputs, j.lang, j.on || null));
  process.stdout.write(JSON.stringify({ snapshot: engine.public.snapshot, replies }) + "\n");
} catch (err) {
  process.stderr.write(`parity.mjs: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
