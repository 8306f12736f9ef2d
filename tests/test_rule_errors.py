"""Rules that fail (issue 13.2): validate finds what it can statically; at run time the error names
the measure and the step in both languages — engine, bridge (the browser's reply), calc — and
compare reads its inputs exactly as calc does (13.5)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import calculators
from calculators.web.bridge import calculate_json

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "policies"


def T(text):
    return {"zh": text, "en": text}


def let(name, expr):
    return {"let": name, "expr": expr, "cite": "9", "text": T(f"{name} = {{{name}}}")}


def spec(rules, **extra):
    return {"id": "9", "inputs": [{"id": "cost", "type": "money", "label": {"zh": "费用", "en": "Cost"}}],
            "rules": rules, "amount": "amount", "amount_kind": "exact", **extra}


# A divisor set in two branches (0 in one of them) is not a constant: only the run finds it.
SHARE_IN_BRANCHES = [
    {"branch": [{"when": "cost > 100", "cite": "9", "text": T("big"), "rules": [let("share", "0")]},
                {"otherwise": True, "cite": "9", "text": T("small"), "rules": [let("share", "2")]}]},
    let("amount", "cost / share"),
]


def problems(measure):
    return [(".".join(map(str, p.path)), p.message_en) for p in calculators.check_measure(measure)]


# -- static: validate ------------------------------------------------------------------------

@pytest.mark.parametrize("rules,where,words", [
    ([let("share", "2 - 2"), let("amount", "cost / share")], "rules.1.expr", "the divisor share is always 0"),
    ([let("amount", "cost / (3 - 3)")], "rules.0.expr", "division by zero"),
    ([let("base", "1 - 1"), let("amount", "growth(cost, base)")], "rules.1.expr", "always 0"),
    ([let("big", "10000000000 * 10000000000 * 100"), let("amount", "cost")], "rules.0.expr", "out of range"),
    ([let("amount", "cost"), {"cap": "amount", "max": "0 - 5", "cite": "9", "text": T("cap")}],
     "rules.1.max", "the cap is negative"),
])
def test_validate_finds_constant_faults(rules, where, words):
    found = problems(spec(rules))
    assert any(path == where and words in message for path, message in found), found


def test_validate_finds_caps_and_floors_that_contradict_the_kind():
    capped = [let("amount", "cost"), {"cap": "amount", "max": "100000", "cite": "9", "text": T("cap")}]
    assert any("amount_kind_at_cap" in m for _, m in problems(spec(capped, amount_kind="at_least")))
    assert problems(spec(capped, amount_kind="at_least", amount_kind_at_cap="exact")) == []
    assert any("cannot be “at least” the cap" in m
               for _, m in problems(spec(capped, amount_kind="exact", amount_kind_at_cap="at_least")))
    uncapped = [let("amount", "cost")]
    assert any("never applies" in m for _, m in problems(spec(uncapped, amount_kind_at_cap="exact")))
    floored = capped + [{"floor": "amount", "min": "200000", "cite": "9", "text": T("floor")}]
    assert any("is above its cap" in m for _, m in problems(spec(floored)))


def test_a_divisor_that_varies_is_left_to_the_run():
    assert problems(spec(SHARE_IN_BRANCHES)) == []
    assert calculators.calculate(spec(SHARE_IN_BRANCHES), {"cost": "50"})["amount"] == "25.00"


# -- run time: engine, bridge --------------------------------------------------------------------

def test_run_time_fault_names_measure_and_step_in_both_languages():
    with pytest.raises(calculators.RuleError) as caught:
        calculators.calculate(spec(SHARE_IN_BRANCHES), {"cost": "500"})
    error = caught.value
    assert "Measure 9" in error.message_en and "step 2 (amount, clause 9)" in error.message_en
    assert "division by zero" in error.message_en and "not in your input" in error.message_en
    assert "第9项措施" in error.message_zh and "第2步（amount，第9条）" in error.message_zh
    assert "除数为0" in error.message_zh
    assert error.to_dict()["step"] == "rules.1.expr"


def test_run_time_fault_inside_a_branch_names_the_case():
    rules = [{"branch": [{"when": "cost > 100", "cite": "9", "text": T("big"),
                          "rules": [let("share", "0"), let("amount", "cost / share")]},
                         {"otherwise": True, "cite": "9", "text": T("small"),
                          "rules": [let("share", "1"), let("amount", "cost / share")]}]}]
    with pytest.raises(calculators.RuleError) as caught:
        calculators.calculate(spec(rules), {"cost": "500"}, lang="en")
    assert "step 1 › case 1 › step 2 (amount, clause 9)" in caught.value.message_en


def test_browser_reply_carries_the_message_not_the_exception_name():
    reply = json.loads(calculate_json(json.dumps(spec(SHARE_IN_BRANCHES)), json.dumps({"cost": "500"}), "en"))
    error = reply["error"]
    assert error["code"] == "rule" and error["input_id"] is None and error["measure"] == "9"
    assert "SpecError" not in error["message_en"] and "Measure 9 cannot be calculated" in error["message_en"]
    assert "第9项措施无法计算" in error["message_zh"]


# -- the command line ----------------------------------------------------------------------------

def run(*args, policies: Path | None = None):
    env = {"PATH": "/usr/bin:/bin"}
    if policies:
        env["ZHENGCE_POLICIES"] = str(policies)
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, env=env)


def test_calc_reports_a_run_time_fault_with_exit_1_and_no_traceback(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(FIXTURE, root)
    notice = root / "demo-notice" / "v1.yaml"
    text = notice.read_text(encoding="utf-8")
    broken = '''              - branch:
                  - when: "workers > 10"
                    cite: "1"
                    text: {zh: 多, en: many}
                    rules:
                      - {let: share, expr: "0", cite: "1", text: {zh: 零, en: zero}}
                  - otherwise: true
                    cite: "1"
                    text: {zh: 少, en: few}
                    rules:
                      - {let: share, expr: "1", cite: "1", text: {zh: 一, en: one}}
              - let: amount
                expr: "workers * 500 / share"'''
    text = text.replace('''              - let: amount
                expr: "workers * 500"''', broken)
    notice.write_text(text, encoding="utf-8")
    (root / "demo-notice" / "cases.yaml").write_text(
        '- measure: "1"\n  name: typical\n  inputs: {workers: 3}\n  expect: {eligible: true, amount: "1500.00", amount_kind: up_to}\n'
        '- measure: "1"\n  name: nobody\n  inputs: {workers: 0}\n  expect: {eligible: false, amount: null}\n',
        encoding="utf-8")
    assert run("validate", policies=root).returncode == 0  # nothing static to find
    proc = run("calc", "demo-notice", "1", "--input", "workers=20", "--lang", "en", policies=root)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "SpecError" not in proc.stderr
    assert "Measure 1 cannot be calculated" in proc.stderr and "step 3 (amount, clause 1)" in proc.stderr
    zh = run("calc", "demo-notice", "1", "--input", "workers=20", policies=root)
    assert zh.returncode == 1 and "第1项措施无法计算" in zh.stderr and "Traceback" not in zh.stderr
    # a golden case that reaches the fault: validate reports it (file, case), no traceback
    with (root / "demo-notice" / "cases.yaml").open("a", encoding="utf-8") as cases:
        cases.write('- measure: "1"\n  name: many\n  inputs: {workers: 20}\n  expect: {eligible: true, amount: "10000.00", amount_kind: up_to}\n')
    proc = run("validate", policies=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "cases.yaml" in proc.stderr and "golden case 'many'" in proc.stderr and "Measure 1 cannot be calculated" in proc.stderr


@pytest.mark.parametrize("command", ["calc", "compare"])
def test_calc_and_compare_refuse_the_same_inputs(command):
    target = ["shengzhou-2024", "7-hiring"] if command == "calc" else ["shengzhou-2024", "r1"]
    good = ["--input", 'hire_groups=[{"hires": 6, "months_insured": 3}]']
    unknown = run(command, *target, *good, "--input", "no_such_input=1", "--lang", "en")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "'no_such_input'" in unknown.stderr and 'There is no input called "no_such_input"' in unknown.stderr
    bare = run(command, *target, *good, "--input", "workers_brought", "--lang", "en")
    assert bare.returncode == 2 and "--input takes ID=VALUE, got 'workers_brought'" in bare.stderr


def test_run_time_overflow_no_input_is_to_blame_for_names_the_step():
    big = "100000000000000000000"
    rules = [{"branch": [{"when": "cost > 100", "cite": "9", "text": T("big"), "rules": [let("scale", big)]},
                         {"otherwise": True, "cite": "9", "text": T("small"), "rules": [let("scale", "1")]}]},
             let("amount", "scale * scale")]
    assert problems(spec(rules)) == []
    assert calculators.calculate(spec(rules), {"cost": "5"})["amount"] == "1.00"
    with pytest.raises(calculators.RuleError) as caught:
        calculators.calculate(spec(rules), {"cost": "500"}, lang="en")
    assert "step 2 (amount, clause 9) failed: amount is out of range" in caught.value.message_en
    assert "第2步（amount，第9条）出错：amount 超出可计算范围" in caught.value.message_zh
