"""Non-money outcomes carry their quantity (issue 12.5): value and unit in the result JSON,
for every outcome of the corpus that grants a quantity."""

from __future__ import annotations

import pytest

import calculators
from sitegen.model import thaw
from sitegen.specs import measure_spec
from tests.corpus import corpus, golden_cases


def test_every_granted_quantity_has_value_and_unit():
    seen = 0
    for notice, version, measure, case in golden_cases():
        spec = measure_spec(version, measure)
        declared = {o["id"]: o for o in spec.get("outcomes") or []}
        for lang in ("zh", "en"):
            result = calculators.calculate(spec, thaw(case.inputs), lang=lang)
            for outcome in result["outcomes"]:
                if declared[outcome["id"]].get("value") is None:
                    assert (outcome["value"], outcome["unit"], outcome["kind"]) == (None, None, None)
                    continue
                seen += 1
                assert outcome["value"] and outcome["unit"] and outcome["kind"] in ("exact", "up_to", "at_least")
                assert outcome["unit"] == declared[outcome["id"]]["unit"][lang]
    assert seen >= 5


@pytest.mark.parametrize("notice,measure,inputs,outcome,value,unit_en,unit_zh,kind", [
    ("shengzhou-2024", "1-4", {"continuous": "yes", "feb_quota": "1000", "feb_used": "800"},
     "carry_all", "200", "tonnes", "吨", "exact"),
    ("shengzhou-2024", "1-4", {"continuous": "yes", "feb_quota": "1000", "feb_used": "650"},
     "carry_20pct", "200", "tonnes", "吨", "exact"),
    ("lucheng-2023", "5", {"residence_permit": "yes", "stays_in_wenzhou": "yes"},
     "points_5", "5", "points", "分", "exact"),
    ("shengzhou-2024", "9", {"borrower": "small_micro", "meets_conditions": "yes"},
     "loan_support", "30000000", "yuan", "元", "up_to"),
])
def test_quantity_in_both_languages(notice, measure, inputs, outcome, value, unit_en, unit_zh, kind):
    version = corpus().notice(notice).latest
    spec = measure_spec(version, version.measure(measure)[1])
    for lang, unit in (("en", unit_en), ("zh", unit_zh)):
        granted = {o["id"]: o for o in calculators.calculate(spec, inputs, lang=lang)["outcomes"]}
        assert (granted[outcome]["value"], granted[outcome]["unit"], granted[outcome]["kind"]) == (value, unit, kind)


def test_a_quantity_without_unit_is_refused_by_validate():
    spec = {"id": "q", "inputs": [], "rules": [{"note": {"zh": "n", "en": "n"}, "cite": "1"}],
            "amount": None, "amount_kind": None,
            "outcomes": [{"id": "o", "cite": "1", "text": {"zh": "5分", "en": "5 points"}, "value": "5"}]}
    assert [p.path for p in calculators.check_measure(spec)] == [("outcomes", 0, "unit")]
    spec["outcomes"][0]["unit"] = {"zh": "分", "en": "points"}
    assert calculators.check_measure(spec) == []


def test_calc_text_output_shows_the_quantity_with_its_unit():
    import subprocess
    import sys

    from tests.corpus import ROOT
    args = [sys.executable, str(ROOT / "build.py"), "calc", "shengzhou-2024", "1-4", "--input", "continuous=yes",
            "--input", "feb_quota=1000", "--input", "feb_used=800"]
    zh = subprocess.run(args, capture_output=True, text=True)
    en = subprocess.run(args + ["--lang", "en"], capture_output=True, text=True)
    assert zh.returncode == en.returncode == 0
    assert "：200吨" in zh.stdout and ": 200 tonnes" in en.stdout
