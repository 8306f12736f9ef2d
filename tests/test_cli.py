"""The command line's stable contract (later issues and scripts rely on it)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.corpus import ROOT, corpus


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True)


def test_validate_is_silent_when_clean():
    proc = run("validate")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_list_json_shape():
    data = json.loads(run("list", "--json").stdout)
    ids = [n["id"] for n in data["notices"]]
    assert {"shengsi-2024", "shengzhou-2024", "dalian-2021", "jilin-2021", "lucheng-2023"} <= set(ids)
    for notice in data["notices"]:
        assert set(notice["title"]) == {"zh", "en"} and notice["status"] in {"draft", "not_yet", "in_force", "expired", "superseded", "not_stated"}
        for m in notice["measures"]:
            assert set(m) >= {"id", "title", "has_calculator"} and set(m["title"]) == {"zh", "en"}
    shengsi = next(n for n in data["notices"] if n["id"] == "shengsi-2024")
    assert {m["id"] for m in shengsi["measures"] if m["has_calculator"]} >= {"3", "7", "10"}
    assert next(n for n in data["notices"] if n["id"] == "shengzhou-2024")["status"] == "draft"


def test_describe_json_lists_typed_inputs():
    data = json.loads(run("describe", "shengsi-2024", "7", "--json").stdout)
    types = {i["id"]: i["type"] for i in data["inputs"]}
    assert "date" in types.values() and "money" in types.values()
    for item in data["inputs"]:
        assert set(item["label"]) == {"zh", "en"}


def test_calc_json_contract():
    version = corpus().notice("shengsi-2024").latest
    case = next(c for c in corpus().notice("shengsi-2024").cases if c.measure == "7" and c.expect.eligible)
    args = [f"--input={k}={v}" for k, v in case.inputs.items()]
    proc = run("calc", "shengsi-2024", "7", *args, "--json", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) >= {"eligible", "amount", "amount_kind", "currency", "outcomes", "steps"}
    assert result["eligible"] is True and result["currency"] == "CNY" and result["amount_kind"] in ("exact", "up_to", "at_least")
    for step in result["steps"]:
        assert step["text"] and version.clause(step["cite"]) is not None


def test_bad_or_missing_input_exits_2_naming_it_with_nothing_on_stdout():
    case = next(c for c in corpus().notice("shengsi-2024").cases if c.measure == "7" and c.expect.eligible)
    good = {k: str(v) for k, v in case.inputs.items()}
    for value in ("abc", "-5", "1e999", ""):
        args = [f"--input={k}={value if k == 'cost' else v}" for k, v in good.items()]
        proc = run("calc", "shengsi-2024", "7", *args, "--json")
        assert proc.returncode == 2 and proc.stdout == "" and "'cost'" in proc.stderr, (value, proc.stderr)
    args = [f"--input={k}={v}" for k, v in good.items() if k != "cost"]
    missing = run("calc", "shengsi-2024", "7", *args, "--json", "--lang", "en")
    assert missing.returncode == 2 and missing.stdout == "" and "'cost'" in missing.stderr


def test_relation_shown_with_result_and_compare_picks_the_higher():
    inputs = ["--input", "serves_festival_producers=yes", "--input", "workers_brought=6",
              "--input", "first_time_hires=6", "--input", "months_insured=3"]
    result = json.loads(run("calc", "shengzhou-2024", "7-hiring", *inputs[4:], "--json").stdout)
    assert [r["id"] for r in result["relations"]] == ["r1"]
    combined = json.loads(run("compare", "shengzhou-2024", "r1", *inputs, "--json").stdout)
    amounts = {r["measure"]: r["amount"] for r in combined["results"]}
    assert combined["chosen"] == max(amounts, key=lambda k: float(amounts[k]))
    assert combined["amount"] == amounts[combined["chosen"]]
