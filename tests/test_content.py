"""`validate`'s content checks (sitegen/content.py): each finding names file, line and field."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from sitegen import content
from sitegen.model import freeze
from sitegen.readers import load_policies
from tests.corpus import POLICIES, ROOT, SEEDS


def _copy(tmp_path, *notices):
    policies, sources = tmp_path / "policies", tmp_path / "sources"
    for notice in notices or ("shengsi-2024",):
        shutil.copytree(POLICIES / notice, policies / notice)
    shutil.copy(POLICIES / "glossary.yaml", policies / "glossary.yaml")
    sources.mkdir()
    for notice in load_policies(policies, seeds_dir=None, run_cases=False).notices:
        shutil.copy(SEEDS / notice.latest.provenance.source, sources / notice.latest.provenance.source)
    return policies, sources


def _check(policies, sources, **kw):
    return content.check(load_policies(policies, seeds_dir=sources, run_cases=False), policies, sources, **kw)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, fragment):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_a_copied_notice_is_clean(tmp_path):
    report = _check(*_copy(tmp_path))
    assert (report.errors, report.todos) == ([], [])


def test_an_edited_chinese_text_is_caught_at_its_line(tmp_path):
    policies, sources = _copy(tmp_path)
    v1 = policies / "shengsi-2024" / "v1.yaml"
    _edit(v1, "给予包车费用50%补贴", "给予包车费用60%补贴")
    (problem,) = _check(policies, sources).errors
    assert problem.file == "policies/shengsi-2024/v1.yaml"
    assert problem.field == "body[2].clauses[0].text.zh"
    assert problem.line == _line_of(v1, "给予包车费用60%补贴")
    assert "50%" in problem.message_en and "60%" in problem.message_en and "来源文件" in problem.message_zh


def test_a_repair_that_does_not_match_the_source_is_named(tmp_path):
    policies, sources = _copy(tmp_path)
    v1 = policies / "shengsi-2024" / "v1.yaml"
    _edit(v1, "    重点工业企业生\n\n    产的监测\n", "    重点工业企业生\n\n    产的检测\n")
    (problem,) = _check(policies, sources).errors
    assert problem.field.startswith("annotations[0]") and "r1" in problem.message_en


def test_a_linked_notice_repair_that_does_not_match_is_reported_on_the_notice_printing_it(tmp_path):
    policies, sources = _copy(tmp_path, "jilin-2021", "mohrss-2021-8")
    _edit(policies / "mohrss-2021-8" / "v1.yaml", "seed: http:// job.mohrss.gov.cn", "seed: http:// jobs.mohrss.gov.cn")
    (problem,) = _check(policies, sources).errors
    assert problem.file == "policies/jilin-2021/v1.yaml" and problem.field == "attachments"
    assert "r-url-1" in problem.message_en


def test_a_glossary_term_translated_otherwise_is_caught(tmp_path):
    policies, sources = _copy(tmp_path)
    v1 = policies / "shengsi-2024" / "v1.yaml"
    _edit(v1, "a special subsidy, the “Stay-in-Zhoushan red envelope”", "a special subsidy, the “Zhoushan bonus”")
    (problem,) = _check(policies, sources).errors
    assert problem.field == "body[0].clauses[2].text.en" and "留舟红包" in problem.message_en
    assert problem.line == _line_of(v1, "Zhoushan bonus")


def test_a_calculator_without_golden_cases_is_an_error(tmp_path):
    policies, sources = _copy(tmp_path)
    (policies / "shengsi-2024" / "cases.yaml").write_text("[]\n", encoding="utf-8")
    errors = _check(policies, sources).errors
    assert {p.message_en for p in errors} == {"measure '3' has a calculator but no golden case in cases.yaml",
                                             "measure '7' has a calculator but no golden case in cases.yaml",
                                             "measure '10' has a calculator but no golden case in cases.yaml"}
    assert all(p.field.endswith(".calculator") and p.line for p in errors)


# -- edge coverage ----------------------------------------------------------------------------

SPEC = {
    "id": "x", "title": {"zh": "补贴", "en": "Subsidy"}, "beneficiary": "enterprise", "calculator": True,
    "amount_kind": "up_to", "amount": "amount",
    "inputs": [{"id": "workers", "type": "count", "label": {"zh": "人数", "en": "Workers"}},
               {"id": "day", "type": "date", "label": {"zh": "日期", "en": "Day"}}],
    "rules": [
        {"require": "date('2024-02-09') <= day <= date('2024-02-24')", "cite": "1",
         "text": {"zh": "期间内", "en": "in the period"}, "fail": {"zh": "不在期间", "en": "outside"}},
        {"require": "workers >= 10", "cite": "1", "text": {"zh": "10人以上", "en": "10 or more"},
         "fail": {"zh": "不足10人", "en": "fewer than 10"}},
        {"let": "amount", "expr": "workers * 1000", "cite": "1", "text": {"zh": "x", "en": "x"}},
        {"cap": "amount", "max": "20000", "cite": "1", "text": {"zh": "最高2万元", "en": "at most 20,000"}},
    ],
}


def _cases(*rows):
    return [freeze({"measure": "x", "name": f"c{i}", "inputs": {"workers": str(w), "day": d},
                    "expect": {"eligible": True}}) for i, (w, d) in enumerate(rows)]


def _seen(cases):
    return {e.shown: e.seen for e in content.measure_coverage(SPEC, cases)}


def test_coverage_finds_each_threshold_and_the_cap():
    seen = _seen(_cases((12, "2024-02-09"), (10, "2024-02-24")))
    assert set(seen) == {"date('2024-02-09') <= day", "day <= date('2024-02-24')", "workers >= 10", "amount ≤ 20000"}
    assert seen["date('2024-02-09') <= day"] == {"at"}
    assert seen["day <= date('2024-02-24')"] == {"at"}
    assert seen["workers >= 10"] == {"at"}       # 12 is not "just above" 10 (one unit)
    assert seen["amount ≤ 20000"] == set()       # 12,000 and 10,000 are far below the cap


def test_coverage_complete():
    seen = _seen(_cases((9, "2024-02-08"), (10, "2024-02-09"), (11, "2024-02-10"), (20, "2024-02-23"),
                        (19, "2024-02-24"), (21, "2024-02-20"), (15, "2024-02-25")))
    assert seen["amount ≤ 20000"] == {"below", "at", "above"}  # 19,000, 20,000, 21,000 before the cap
    assert all(sides == {"below", "at", "above"} for sides in seen.values()), seen


def test_validate_coverage_report_and_strict_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--coverage"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "no golden case just" in line]
    assert lines and all(line.startswith("policies/") and ".yaml:" in line for line in lines)
    assert "缺少" in lines[0]
    assert f"warning: {len(lines)} of " in proc.stderr
    strict = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--coverage", "--strict"],
                            capture_output=True, text=True, env=dict(os.environ))
    assert strict.returncode == 1
