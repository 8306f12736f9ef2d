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
              "--input", 'hire_groups=[{"hires": 6, "months_insured": 3}]']
    result = json.loads(run("calc", "shengzhou-2024", "7-hiring", *inputs[4:], "--json").stdout)
    assert [r["id"] for r in result["relations"]] == ["r1"]
    combined = json.loads(run("compare", "shengzhou-2024", "r1", *inputs, "--json").stdout)
    amounts = {r["measure"]: r["amount"] for r in combined["results"]}
    assert combined["chosen"] == max(amounts, key=lambda k: float(amounts[k]))
    assert combined["amount"] == amounts[combined["chosen"]]


DALIAN_1 = ("--input", "employer_dalian=yes", "--input", "paid_envelope=yes", "--input", "workers=10")


def test_calc_status_on_a_day():
    during = json.loads(run("calc", "dalian-2021", "1", *DALIAN_1, "--on", "2021-03-15", "--json", "--lang", "en").stdout)
    assert during["version_basis"] == "in_force" and during["amount"] == "5000.00"
    status = during["status"]
    assert (status["on"], status["notice_status"], status["claimable"]) == ("2021-03-15", "in_force", True)
    assert [(w["kind"], w["state"]) for w in status["windows"]] == [("qualifying", "closed"), ("application", "open")]
    # years later: the figure stays, framed; the notice states no end date, so it is not "expired"
    later = json.loads(run("calc", "dalian-2021", "1", *DALIAN_1, "--on", "2026-11-30", "--json", "--lang", "en").stdout)
    assert later["amount"] == "5000.00" and later["version_basis"] == "latest"
    assert later["status"]["notice_status"] == "not_stated" and later["status"]["claimable"] is False
    assert "applications closed on 2021-03-31" in later["status"]["frame"]
    text = run("calc", "dalian-2021", "1", *DALIAN_1, "--on", "2026-11-30").stdout
    assert "状态（2026-11-30，第1版）：通知未载明有效期" in text
    assert "申请期限：2021年3月1日至2021年3月31日（已结束）" in text
    assert "2026-11-30没有有效的版本：按最新版本（第1版）计算" in text


def test_calc_status_defaults_to_today_and_names_a_bad_day():
    import datetime as dt
    before = dt.date.today().isoformat()
    result = json.loads(run("calc", "dalian-2021", "1", *DALIAN_1, "--json").stdout)
    assert result["status"]["on"] in (before, dt.date.today().isoformat())
    bad = run("calc", "dalian-2021", "1", *DALIAN_1, "--on", "2021-02-30")
    assert bad.returncode == 2 and "--on takes a day as YYYY-MM-DD" in bad.stderr and bad.stdout == ""


def test_list_says_when_the_notice_states_no_end():
    data = {n["id"]: n for n in json.loads(run("list", "--json", "--date", "2026-11-30").stdout)["notices"]}
    dalian = data["dalian-2021"]
    assert dalian["status"] == "not_stated" and dalian["measures_end"] == "2021-03-31"
    assert dalian["status_text"]["en"] == ("The notice states no period of validity; "
                                           "its measures' stated periods ended on 31 March 2021.")
    assert data["lucheng-2023"]["status"] == "expired"
    early = {n["id"]: n for n in json.loads(run("list", "--json", "--date", "2021-03-31").stdout)["notices"]}
    assert early["dalian-2021"]["status"] == "in_force"


# -- list inputs: JSON on the command line, whole input sets from a file ---------------------

LUCHENG_19 = {"returned_in_window": "yes", "insured": "yes", "self_return": "yes"}
ORIGINS = [{"province": "anhui", "workers": 20}, {"province": "zhejiang", "workers": "8"},
           {"province": "henan", "workers": 5}]


def test_calc_takes_a_list_input_as_json_and_echoes_it():
    args = [f"--input={k}={v}" for k, v in LUCHENG_19.items()]
    proc = run("calc", "lucheng-2023", "19", *args, "--input", "origins=" + json.dumps(ORIGINS), "--json", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["amount"] == "4400.00"  # 20 × 150 + 8 × 50 + 5 × 200
    assert result["inputs"]["origins"] == [{"province": "anhui", "workers": "20"},
                                           {"province": "zhejiang", "workers": "8"},
                                           {"province": "henan", "workers": "5"}]
    per_row = [s for s in result["steps"] if s.get("name") == "origin_amount"]
    assert [(s["row"], s["text"]) for s in per_row] == [
        (0, "Anhui: 20 × 150 yuan = 3000 yuan"), (1, "Zhejiang Province outside Wenzhou: 8 × 50 yuan = 400 yuan"),
        (2, "Henan: 5 × 200 yuan = 1000 yuan")]


def test_calc_inputs_file_and_input_overrides(tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps({**LUCHENG_19, "origins": ORIGINS[:1]}), encoding="utf-8")
    proc = run("calc", "lucheng-2023", "19", "--inputs", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["amount"] == "3000.00"
    proc = run("calc", "lucheng-2023", "19", "--inputs", str(path), "--input",
               'origins=[{"province": "sichuan", "workers": 1}]', "--json")
    assert json.loads(proc.stdout)["amount"] == "200.00"
    text = run("calc", "lucheng-2023", "19", "--inputs", str(path), "--lang", "en").stdout
    assert "row 1 · Anhui: 20 × 150 yuan = 3000 yuan" in text


def test_bad_list_input_exits_2_naming_the_input_row_and_column(tmp_path):
    args = [f"--input={k}={v}" for k, v in LUCHENG_19.items()]
    bad = [{"province": "anhui", "workers": 20}, {"province": "anhui", "workers": "many"}]
    proc = run("calc", "lucheng-2023", "19", *args, "--input", "origins=" + json.dumps(bad), "--json", "--lang", "en")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "input 'origins' row 2 column 'workers':" in proc.stderr and '"Workers"' in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("calc", "lucheng-2023", "19", *args, "--input", "origins=[{", "--json")
    assert (proc.returncode, proc.stdout) == (2, "") and "'origins'" in proc.stderr and "JSON" in proc.stderr
    proc = run("calc", "lucheng-2023", "19", *args, "--input", "origins=[]", "--json", "--lang", "en")
    assert proc.returncode == 2 and "at least 1 row" in proc.stderr


def test_bad_inputs_file_exits_2_without_a_traceback(tmp_path):
    for content, says in (("{not json", "not valid JSON"), ("[1, 2]", "JSON object")):
        path = tmp_path / "inputs.json"
        path.write_text(content, encoding="utf-8")
        proc = run("calc", "lucheng-2023", "19", "--inputs", str(path), "--json")
        assert (proc.returncode, proc.stdout) == (2, "") and says in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run("calc", "lucheng-2023", "19", "--inputs", str(tmp_path / "missing.json"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_describe_lists_a_list_inputs_columns():
    data = json.loads(run("describe", "lucheng-2023", "19", "--json").stdout)
    origins = next(i for i in data["inputs"] if i["id"] == "origins")
    assert (origins["type"], origins["min_rows"], origins["max_rows"]) == ("list", 1, 500)
    assert [c["id"] for c in origins["columns"]] == ["province", "workers"]
    assert set(origins["label"]) == {"zh", "en"} and set(origins["columns"][1]["label"]) == {"zh", "en"}
    text = run("describe", "lucheng-2023", "19", "--lang", "en").stdout
    assert "origins" in text and "1..500 rows" in text and "      workers" in text
