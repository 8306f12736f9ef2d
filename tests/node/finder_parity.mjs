// The finder and the partial evaluation in Pyodide under Node, booted by the browser worker's code:
//   node finder_parity.mjs <job.json>
// job: {runtime: {...}, finds: [{bundle, facts, on, lang, include_all}], partials: [{spec, known, lang, on}]}
// Prints one JSON object: {finds: [reply JSON text], partials: [reply JSON text]}.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { boot } = await import(path.join(here, "..", "..", "calculators", "web", "worker.js"));

const job = JSON.parse(await readFile(process.argv[2], "utf8"));
const fetchFile = async (file) => new Uint8Array(await readFile(file));
try {
  const engine = await boot(job.runtime, { fetch: fetchFile });
  const bridge = engine.pyodide.pyimport("calculators.web.bridge");
  const finds = job.finds.map((j) => bridge.find_json(JSON.stringify(j.bundle), JSON.stringify(j.facts),
    j.on, j.lang, j.include_all));
  const partials = job.partials.map((j) => bridge.evaluate_json(JSON.stringify(j.spec), JSON.stringify(j.known),
    j.lang, j.on || undefined));
  // the worker's way: each file parsed once, then answers by URL
  const first = job.finds[0];
  bridge.load_bundle_json("bundle.json", JSON.stringify(first.bundle));
  const loaded = bridge.find_loaded_json(JSON.stringify(["bundle.json"]), JSON.stringify(first.facts), first.on,
    first.lang, first.include_all);
  process.stdout.write(JSON.stringify({ finds, partials, loaded }) + "\n");
} catch (err) {
  process.stderr.write(`finder_parity.mjs: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
