"""Parity: every golden case of every notice, run in Pyodide under Node through the browser
worker's own boot and bridge code, gives the same JSON as CPython's `calculators.calculate`,
field for field — from the memory snapshot and from a normal boot (the browser's fallback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from calculators.web.bridge import calculate_json
from sitegen import pyodide_bundle
from tests.corpus import corpus

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "tests" / "node" / "parity.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None or not pyodide_bundle.PYODIDE_DIR.is_dir(),
                                reason="needs node and `npm ci` (node_modules/pyodide)")


def list_jobs(golden: list[dict]) -> list[dict]:
    """For each golden case with a list input: the rows as JSON text, and rows with a bad cell
    (an error naming list, row and column must cross the bridge the same way)."""
    extra = []
    for job in golden:
        for key, rows in job["inputs"].items():
            if not (isinstance(rows, list) and rows and isinstance(rows[0], dict)):
                continue
            as_text = {**job["inputs"], key: json.dumps(rows, ensure_ascii=False)}
            bad = [*rows, {**rows[-1], next(iter(rows[-1])): "?"}]
            extra += [{**job, "name": job["name"] + " (rows as JSON text)", "inputs": as_text},
                      {**job, "name": job["name"] + " (a bad cell)", "inputs": {**job["inputs"], key: bad}}]
    return extra


@pytest.fixture(scope="module")
def jobs():
    golden = pyodide_bundle.golden_jobs(corpus())
    return golden + list_jobs(golden)


@pytest.fixture(scope="module")
def runtime(jobs):
    return pyodide_bundle.build_runtime(jobs)


def run_in_pyodide(runtime, jobs, *, snapshot: bool) -> dict:
    manifest = {"runtime": str(runtime.folder) + "/", "stdlib": pyodide_bundle.STDLIB,
                "stdlibFull": pyodide_bundle.STDLIB_FULL,
                "snapshot": pyodide_bundle.SNAPSHOT if snapshot else None,
                "package": pyodide_bundle.DIST, "lock": runtime.lock}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"runtime": manifest, "jobs": jobs}, f)
        f.flush()
        proc = subprocess.run(["node", str(HARNESS), f.name], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cpython_reply(job) -> dict:
    reply = json.loads(calculate_json(json.dumps(job["spec"]), json.dumps(job["inputs"]), job["lang"], job.get("on")))
    return {"type": "error", "error": reply["error"]} if "error" in reply else {"type": "result", "result": reply["result"]}


def field_differences(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(a.keys() | b.keys())
                for d in (field_differences(a.get(k, "<absent>"), b.get(k, "<absent>"), f"{path}.{k}"))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in field_differences(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [f"{path}: CPython {a!r} ≠ Pyodide {b!r}"]


def test_golden_cases_cover_every_computable_measure(jobs):
    names = {j["name"].rsplit("/", 1)[0] for j in jobs}
    for notice in corpus().notices:
        for version in notice.versions:
            for _, measure in version.measures():
                if measure.calculator and notice.cases:
                    assert f"{notice.id}/v{version.version}/{measure.id}" in names


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "normal-boot"])
def test_pyodide_equals_cpython_field_for_field(runtime, jobs, snapshot):
    out = run_in_pyodide(runtime, jobs, snapshot=snapshot)
    assert out["snapshot"] is snapshot, "the snapshot did not restore (fell back to a normal boot)"
    assert len(out["replies"]) == len(jobs)
    problems = []
    kinds = set()
    for job, got in zip(jobs, out["replies"]):
        want = cpython_reply(job)
        kinds.add(want["type"] if want["type"] == "error" else ("ok" if want["result"]["eligible"] else "ineligible"))
        problems += [f"{job['name']} [{job['lang']}] {d}" for d in field_differences(want, got)]
    assert not problems, "\n".join(problems[:30])
    assert kinds == {"ok", "ineligible", "error"}  # all three kinds of reply were compared
    cells = [want for job in jobs if job["name"].endswith("(a bad cell)")
             for want in [cpython_reply(job)]]
    assert cells and all(w["type"] == "error" and w["error"]["row"] is not None for w in cells)


# -- the finder (calculators/finder.py, partial.py): every example profile, and golden cases with
#    half their inputs hidden, give the same JSON in Pyodide as in CPython.

FINDER_HARNESS = ROOT / "tests" / "node" / "finder_parity.mjs"


def test_finder_and_partial_evaluation_equal_cpython(runtime, jobs):
    from calculators.web.bridge import evaluate_json, find_json
    from sitegen import finder_data
    from sitegen.profiles import load_profile
    bundle = json.loads(finder_data.dumps(finder_data.bundle_for(corpus())))
    profiles = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
    finds = [{"bundle": bundle, "facts": p["facts"], "on": p["on"], "lang": lang, "include_all": p["all"]}
             for p in map(load_profile, profiles) for lang in ("zh", "en")]
    finds.append({**finds[0], "facts": {"regoin": "330922"}})  # a bad fact: the same error
    partials = [{"spec": j["spec"], "known": dict(list(j["inputs"].items())[::2]), "lang": j["lang"],
                 "on": j.get("on")} for j in jobs]
    manifest = {"runtime": str(runtime.folder) + "/", "stdlib": pyodide_bundle.STDLIB,
                "stdlibFull": pyodide_bundle.STDLIB_FULL, "snapshot": pyodide_bundle.SNAPSHOT,
                "package": pyodide_bundle.DIST, "lock": runtime.lock}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"runtime": manifest, "finds": finds, "partials": partials}, f)
        f.flush()
        proc = subprocess.run(["node", str(FINDER_HARNESS), f.name], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(out["finds"]) == len(finds) >= 21 and len(out["partials"]) == len(partials)
    for job, got in zip(finds, out["finds"]):
        want = find_json(json.dumps(job["bundle"]), json.dumps(job["facts"]), job["on"], job["lang"], job["include_all"])
        assert json.loads(got) == json.loads(want)
    assert "error" in json.loads(out["finds"][-1])
    assert json.loads(out["loaded"]) == json.loads(out["finds"][0])  # files loaded once answer the same
    states = set()
    for job, got in zip(partials, out["partials"]):
        want = evaluate_json(json.dumps(job["spec"]), json.dumps(job["known"]), job["lang"], job["on"])
        assert json.loads(got) == json.loads(want), job
        states.add(json.loads(want).get("result", {}).get("state"))
    assert {"depends", "eligible", "ineligible"} <= states
