"""The facts vocabulary (policies/facts.yaml) and the inputs' mappings onto it: every input of
every computable measure is mapped or specific, and a wrong mapping is reported by `validate`
with file, line and field in both languages."""

from __future__ import annotations

import shutil

import pytest

from calculators.finder import Vocabulary, covers
from sitegen.readers import ValidationFailed, load_policies
from tests.corpus import ROOT, corpus


def test_every_input_of_every_measure_is_mapped_or_specific():
    facts = Vocabulary(corpus().facts)
    mapped = specific = 0
    for notice in corpus().notices:
        for _, measure in notice.latest.measures():
            for data in measure.inputs or () if measure.calculator else ():
                assert (data.get("fact") is None) == bool(data.get("specific")), (notice.id, measure.id, data.id)
                mapped += data.get("fact") is not None
                specific += bool(data.get("specific"))
                if isinstance(data.get("fact"), str):
                    assert data.fact in facts.facts
    assert mapped >= 30 and specific >= 30


def _broken(tmp_path, old, new):
    root = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", root)
    path = root / "shengsi-2024" / "v1.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


@pytest.mark.parametrize("old, new, message", [
    ("fact: state_owned\n", "fact: state_owend\n", "unknown fact 'state_owend'"),
    ("fact: state_owned\n", "fact: charter_workers\n", "type bool of the input differs from type count"),
    ("        fact: state_owned\n", "", "no fact for this input"),
    ("fact: state_owned\n", "fact: state_owned\n        specific: true\n", "either mapped to a fact or specific"),
    ("fact: charter_workers\n", "fact: nonlocal_staying\n", "is given by year"),
    ("fact: charter_workers\n", "fact: {id: nonlocal_staying, period: \"2024-02\"}\n", "is written like 2024"),
    ("fact: charter_cost\n", "fact: {id: output, period: \"2024-Q1\"}\n", "unit 元 of the input differs from unit 万元"),
    ("fact: {expr: sector == 'manufacturing' or sector == 'other_industry'}\n",
     "fact: {expr: sector}\n", "expr gives str, the input is bool"),
    ("fact: {expr: sector == 'manufacturing' or sector == 'other_industry'}\n",
     "fact: {expr: \"sektor == 'x'\"}\n", "expr:"),
    ("        specific: true\n        row_label: {zh: 员工组",
     "        fact: charter_workers\n        row_label: {zh: 员工组", "unknown key 'fact'"),
])
def test_a_wrong_mapping_names_file_line_and_field(tmp_path, old, new, message):
    with pytest.raises(ValidationFailed) as failed:
        load_policies(_broken(tmp_path, old, new), run_cases=False)
    found = [p for p in failed.value.problems if message in p.message_en]
    assert found, [str(p) for p in failed.value.problems]
    problem = found[0]
    assert problem.file.endswith("shengsi-2024/v1.yaml") and problem.line
    assert problem.field.startswith("body[") and ".inputs[" in problem.field and problem.message_zh


def test_a_choice_derivation_gives_only_choices_of_the_input(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", root)
    path = root / "shengzhou-2024" / "v1.yaml"
    text = path.read_text(encoding="utf-8")
    good = "'above_size' if size_class == 'above' else ('sample_below' if size_class == 'below_sample' else 'other')"
    path.write_text(text.replace(good, "'above_size' if size_class == 'above' else 'small'"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_policies(root, run_cases=False)
    assert any("expr may give small" in p.message_en for p in failed.value.problems)


def test_a_broken_vocabulary_is_reported_with_its_line(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", root)
    path = root / "facts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- id: hire_date\n  type: date\n",
                                                             "- id: hire_date\n  type: datum\n"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_policies(root, run_cases=False)
    assert any(p.file.endswith("facts.yaml") and p.line and p.field.endswith(".type") for p in failed.value.problems)


@pytest.mark.parametrize("notice, company, applies", [
    ("330922", "330922", True), ("330900", "330922", True), ("330000", "330683", True),
    ("100000", "110101", True), ("330922", "330921", False), ("210200", "220102", False),
    ("330302", "330303", False), ("220000", "220102", True),
])
def test_region_applicability_is_a_gbt2260_prefix(notice, company, applies):
    assert covers(notice, company) is applies
