"""Relations within and across notices (docs/format.md, "Relations between measures"): the
loader checks them with file:line, and the finder's total applies them (就高, joint caps)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest

from calculators.finder import find, total
from sitegen import finder_data
from sitegen.readers import ValidationFailed, load_policies
from tests.corpus import ROOT, corpus

SHENGSI = {"region": "330922", "sector": "manufacturing", "size_class": "below", "state_owned": False,
           "charter": True, "charter_date": "2024-02-12", "charter_cross_province": True,
           "charter_workers": 30, "charter_cost": 80000, "charter_subsidy_received": 0, "hr_agency": True}
ACROSS = """relations:
  - id: r-across
    kind: {kind}
{extra}    measures: ["7", {{notice: {notice}, measure: "{measure}"}}]
    cite: "7"
    text: {{zh: 不重复享受, en: No double claiming}}
annotations:
"""


def _policies_with(tmp_path, kind="exclusive", extra="    resolve: highest\n", notice="lucheng-2023", measure="18"):
    root = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", root)
    path = root / "shengsi-2024" / "v1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nannotations:\n", "\n" + ACROSS.format(kind=kind, extra=extra, notice=notice,
                                                                            measure=measure), 1), encoding="utf-8")
    return root


def test_a_relation_across_notices_loads_and_reaches_the_finder_data(tmp_path):
    loaded = load_policies(_policies_with(tmp_path), run_cases=False)
    relations = finder_data.bundle_for(loaded)["relations"]
    assert {"id": "shengsi-2024/r-across", "kind": "exclusive", "resolve": "highest", "cite": "7",
            "measures": [["shengsi-2024", "7"], ["lucheng-2023", "18"]],
            "text": {"zh": "不重复享受", "en": "No double claiming"}} in relations


@pytest.mark.parametrize("args, field, message", [
    ({"notice": "nowhere-2020"}, "relations[0].measures[1].notice", "unknown notice 'nowhere-2020'"),
    ({"measure": "99"}, "relations[0].measures[1].measure", "notice lucheng-2023 has no measure '99'"),
    ({"kind": "joint_cap"}, "relations[0].resolve", "joint_cap takes none"),
    ({"kind": "joint_cap", "extra": "    max: -5\n"}, "relations[0].max", "a positive number"),
    ({"extra": ""}, "relations[0].resolve", "exclusive takes resolve: highest"),
])
def test_a_wrong_relation_is_reported_with_file_line_and_field(tmp_path, args, field, message):
    with pytest.raises(ValidationFailed) as failed:
        load_policies(_policies_with(tmp_path, **args), run_cases=False)
    problems = [p for p in failed.value.problems if p.field == field]
    assert problems and message in problems[0].message_en and problems[0].message_zh
    text = (tmp_path / "policies" / "shengsi-2024" / "v1.yaml").read_text(encoding="utf-8").splitlines()
    inserted = next(i for i, line in enumerate(text, 1) if "r-across" in line)  # the relation written above
    assert problems[0].file.endswith("shengsi-2024/v1.yaml") and problems[0].line >= inserted


def _bundle(relations):
    bundle = json.loads(finder_data.dumps(finder_data.bundle_for(corpus())))
    bundle["relations"] = relations
    return bundle


def test_exclusive_highest_takes_the_higher_and_says_so():
    plain = find(_bundle([]), SHENGSI, on="2024-02-20", lang="en")
    states = {m["measure"]: (m["state"], m["amount_min"], m["amount_max"]) for m in plain["measures"]}
    assert states["7"] == ("eligible", "40000.00", "40000.00")
    assert states["10"] == ("depends", "2500.00", "100000.00")  # 5 or more workers, 500 each, capped
    assert plain["total"] == {"amount_min": "40000.00", "amount_max": "140000.00", "applied_relations": []}
    relation = {"id": "x/r1", "kind": "exclusive", "resolve": "highest", "cite": "7",
                "measures": [["shengsi-2024", "7"], ["shengsi-2024", "10"]],
                "text": {"zh": "不重复享受，就高", "en": "No double claiming; the higher applies"}}
    found = find(_bundle([relation]), SHENGSI, on="2024-02-20", lang="en")["total"]
    assert (found["amount_min"], found["amount_max"]) == ("40000.00", "100000.00")
    assert found["applied_relations"] == ["No double claiming; the higher applies (“Subsidy for cross-province "
                                          "“point-to-point” chartered coaches bringing employees back”, “Reward for "
                                          "human resources service agencies that bring in employees from outside "
                                          "the city”)"]


def test_a_joint_cap_limits_the_members_together():
    relation = {"id": "x/r2", "kind": "joint_cap", "max": "120000", "cite": "7",
                "measures": [["shengsi-2024", "7"], ["shengsi-2024", "10"]],
                "text": {"zh": "合计最高不超过12万元", "en": "At most 120,000 yuan together"}}
    found = find(_bundle([relation]), SHENGSI, on="2024-02-20", lang="zh")["total"]
    assert (found["amount_min"], found["amount_max"]) == ("40000.00", "120000.00")
    assert found["applied_relations"][0].startswith("合计最高不超过12万元（")


def test_a_relation_with_a_member_elsewhere_does_not_apply():
    relation = {"id": "x/r3", "kind": "exclusive", "resolve": "highest", "cite": "7",
                "measures": [["shengsi-2024", "7"], ["lucheng-2023", "18"]], "text": {"zh": "甲", "en": "A"}}
    found = find(_bundle([relation]), SHENGSI, on="2024-02-20", lang="en")["total"]
    assert found["applied_relations"] == [] and found["amount_max"] == "140000.00"


def test_total_bounds_hold_every_combination():
    measures = [{"notice": "a", "measure": str(i), "title": str(i), "state": state, "currency": "CNY",
                 "amount_min": low, "amount_max": high}
                for i, (state, low, high) in enumerate([("eligible", "10.00", "10.00"), ("depends", "0.00", "50.00"),
                                                        ("depends", "5.00", None), ("ineligible", None, None)])]
    found = total(measures, [{"kind": "exclusive", "measures": [["a", "0"], ["a", "1"]], "text": {"zh": "", "en": ""}}],
                  "en")
    assert found["amount_min"] == "10.00" and found["amount_max"] is None
    capped = total(measures[:2], [{"kind": "joint_cap", "max": "30", "measures": [["a", "0"], ["a", "1"]],
                                   "text": {"zh": "", "en": ""}}], "en")
    assert (Decimal(capped["amount_min"]), Decimal(capped["amount_max"])) == (Decimal(10), Decimal(30))


def _measure(measure, beneficiary, state="eligible", low="100.00", high="100.00"):
    return {"notice": "n", "measure": measure, "title": measure, "beneficiary": beneficiary, "state": state,
            "amount_min": low, "amount_max": high, "currency": "CNY"}


def test_sums_paid_to_employees_or_individuals_are_not_the_companys_total():
    """The finder answers "what can my company claim": a subsidy paid to the employees themselves
    (or to individuals) is listed, but not added to the company's total."""
    measures = [_measure("firm", "enterprise"), _measure("agency", "agency", low="50.00", high="50.00"),
                _measure("travel", "worker", low="500.00", high="500.00"),
                _measure("open", "individual", state="depends", low=None, high=None)]
    assert total(measures, [], "en") == {"amount_min": "150.00", "amount_max": "150.00", "applied_relations": []}
    assert total(measures[:2], [], "en")["amount_max"] == "150.00"


def test_the_text_answer_marks_what_is_paid_to_others():
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "find", "--profile",
                           str(ROOT / "examples/profiles/shengzhou-manufacturer-2024-q1.yaml"), "--lang", "en"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    block = proc.stdout.split("shengzhou-2024 2-travel", 1)[1].split("\n  shengzhou-2024", 1)[0]
    assert "paid to employees or individuals: not in the total" in block
    assert "Your company's total: 77,000.00 yuan" in proc.stdout
    free_data = proc.stdout.split("shengzhou-2024 4-2", 1)[1].split("\n  shengzhou-2024", 1)[0]
    assert "not in the total" not in free_data      # no money: nothing to leave out
