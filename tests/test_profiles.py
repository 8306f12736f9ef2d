"""The finder's example profiles (examples/profiles/*.yaml) against their golden `expect:`,
through `calculators.finder.find` (CPython) and `build.py find --json` (the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calculators.finder import find
from sitegen import finder_data
from sitegen.profiles import load_profile
from tests.corpus import ROOT, corpus

PROFILES = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))


def bundle() -> dict:
    return json.loads(finder_data.dumps(finder_data.bundle_for(corpus())))


def summary(answer: dict) -> dict:
    """The answer in the shape of a profile's `expect:` block."""
    measures = {}
    for m in answer["measures"]:
        found = {"state": m["state"]}
        if m["state"] != "ineligible" and m["currency"]:
            found.update(amount_min=m["amount_min"], amount_max=m["amount_max"])
        if m["needs"]:
            found["needs"] = m["needs"]
        measures[f"{m['notice']}/{m['measure']}"] = found
    return {"counts": answer["counts"], "measures": measures,
            "total": {k: answer["total"][k] for k in ("amount_min", "amount_max")}}


def run_profile(path: Path, lang: str = "en") -> dict:
    profile = load_profile(path)
    return find(bundle(), profile["facts"], on=profile["on"], lang=lang, include_all=profile["all"])


def test_there_are_at_least_ten_profiles():
    assert len(PROFILES) >= 10
    assert all(load_profile(p)["expect"] for p in PROFILES)


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_profile_gives_its_golden_answer(path):
    assert summary(run_profile(path)) == load_profile(path)["expect"]


@pytest.mark.parametrize("path", PROFILES[:4], ids=[p.stem for p in PROFILES[:4]])
def test_cli_gives_the_same_answer(path):
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "find", "--profile", str(path), "--json",
                           "--lang", "en"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == run_profile(path)


def test_cli_text_answer_in_both_languages():
    path = ROOT / "examples" / "profiles" / "shengsi-industrial-2024-02.yaml"
    outputs = {}
    for lang in ("zh", "en"):
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "find", "--profile", str(path),
                               "--lang", lang], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outputs[lang] = proc.stdout
    assert "40,000.00元" in outputs["zh"] and "符合 1 项" in outputs["zh"]
    assert "40,000.00 yuan" in outputs["en"] and "1 eligible" in outputs["en"]
    assert "Not an industrial" not in outputs["en"]  # only the HR-agency reward is ruled out
    assert "not one of the human resources service agencies (Item 10)" in outputs["en"]


@pytest.mark.parametrize("text, named", [
    ("facts: {regoin: '330922'}", "regoin"),
    ("facts: {region: 3309}", "region"),
    ("facts: {sector: mining}", "sector"),
    ("facts: {electricity: {'2024-13': 5}}", "electricity@2024-13"),
    ("facts: {electricity: 5}", "electricity"),
    ("facts: {charter_workers: -3}", "charter_workers"),
])
def test_a_bad_profile_exits_2_naming_the_fact(tmp_path, text, named):
    path = tmp_path / "bad.yaml"
    path.write_text(text + "\non: 2024-02-20\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "find", "--profile", str(path), "--lang", "en"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"fact '{named}'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("text", ["- a list", "facts: {}\nfoo: 1", "on: 2024-02-30\nfacts: {}", "facts: [1]"])
def test_a_malformed_profile_exits_2(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "find", "--profile", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.startswith("error:")


def test_more_facts_never_revive_a_measure_ruled_out():
    path = ROOT / "examples" / "profiles" / "shengsi-state-owned-2024-02.yaml"
    profile = load_profile(path)
    before = find(bundle(), profile["facts"], on=profile["on"])
    more = {**profile["facts"], "charter": True, "charter_date": "2024-02-12", "charter_cross_province": True,
            "charter_workers": 40, "charter_cost": 90000, "charter_subsidy_received": 0}
    after = find(bundle(), more, on=profile["on"])
    state = lambda answer, m: next(x["state"] for x in answer["measures"] if x["measure"] == m)  # noqa: E731
    assert state(before, "7") == state(after, "7") == "ineligible"


def test_next_fact_is_the_one_that_decides_most():
    answer = run_profile(ROOT / "examples" / "profiles" / "unknown-region-2024-02.yaml")
    assert answer["next_facts"][0] == "region"


def test_the_bridge_remembers_finder_files_once_loaded():
    from calculators.web.bridge import find_json, find_loaded_json, load_bundle_json
    files = finder_data.bundles(corpus())
    for name in ("facts.json", "r33-2024.json"):
        load_bundle_json(f"data/finder/{name}", finder_data.dumps(files[name]))
    facts = json.dumps({"region": "330922", "hr_agency": True})
    loaded = find_loaded_json(json.dumps(["data/finder/facts.json", "data/finder/r33-2024.json"]), facts,
                              "2024-02-20", "en", False)
    direct = find_json(json.dumps([json.loads(finder_data.dumps(files[n])) for n in ("facts.json", "r33-2024.json")]),
                       facts, "2024-02-20", "en", False)
    assert json.loads(loaded) == json.loads(direct) and "result" in json.loads(loaded)
    missing = json.loads(find_loaded_json(json.dumps(["data/finder/r99-1999.json"]), facts, "2024-02-20", "en"))
    assert "not loaded" in missing["error"]["message_en"]
