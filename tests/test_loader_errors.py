"""One bad file per kind of mistake: every message names file, line and field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.readers import ValidationFailed, load_policies

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "policies"
NOTICE = FIXTURE / "demo-notice" / "v1.yaml"


def _policies(tmp_path: Path, edit=None, cases_edit=None) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURE, root)
    if edit:
        path = root / "demo-notice" / "v1.yaml"
        text = path.read_text(encoding="utf-8")
        new = edit(text)
        assert new != text, "the edit must change the fixture"
        path.write_text(new, encoding="utf-8")
    if cases_edit:
        path = root / "demo-notice" / "cases.yaml"
        text = path.read_text(encoding="utf-8")
        new = cases_edit(text)
        assert new != text
        path.write_text(new, encoding="utf-8")
    return root


def _problems(root: Path):
    with pytest.raises(ValidationFailed) as info:
        load_policies(root)
    return info.value.problems


def _line_of(root: Path, needle: str, file: str = "v1.yaml") -> int:
    for number, line in enumerate((root / "demo-notice" / file).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_fixture_is_valid():
    corpus = load_policies(FIXTURE)
    assert [n.id for n in corpus.notices] == ["demo-notice"]
    assert len(corpus.notices[0].cases) == 3


def test_unknown_key(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("stage: final", "stage: final\nstatus: in_force"))
    [p] = _problems(root)
    assert p.file.endswith("demo-notice/v1.yaml")
    assert p.field == "status" and "unknown key" in p.message_en
    assert p.line == _line_of(root, "status: in_force")


def test_wrong_type(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("version: 1", "version: first"))
    problems = _problems(root)
    p = next(p for p in problems if p.field == "version")
    assert "whole number" in p.message_en and p.line == _line_of(root, "version: first")


def test_missing_english(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("en: Subsidies}", "en: ''}"))
    [p] = _problems(root)
    assert p.field == "body[0].heading.en" and "English" in p.message_en and "英文" in p.message_zh
    assert p.line == _line_of(root, "heading: {zh: 补贴")


def test_duplicate_id(tmp_path):
    extra = """      - id: "1"
        text: {zh: 第二条, en: Second}
"""
    root = _policies(tmp_path, lambda t: t.replace("    clauses:\n", "    clauses:\n" + extra, 1))
    problems = _problems(root)
    p = next(p for p in problems if "duplicate" in p.message_en)
    assert "'1'" in p.message_en and p.field.startswith("body[0].clauses[1]")
    assert p.line == _line_of(root, 'number: "1."') - 1


def test_duplicate_yaml_key(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("stage: final", "stage: final\nstage: draft"))
    [p] = _problems(root)
    assert "duplicate key 'stage'" in p.message_en and p.line == _line_of(root, "stage: draft")


def test_impossible_date(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("written: 2024-01-29", "written: 2024-02-30"))
    [p] = _problems(root)
    assert p.field == "dates.written" and "impossible date" in p.message_en
    assert p.line == _line_of(root, "written: 2024-02-30")


def test_formula_names_undefined_input(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace('expr: "workers * 500"', 'expr: "staff * 500"'))
    problems = _problems(root)
    p = next(p for p in problems if "staff" in p.message_en)
    assert p.field.startswith("body[0].clauses[0].measures[0].rules[1]")
    assert p.line == _line_of(root, 'expr: "staff * 500"')


def test_golden_case_that_does_not_match(tmp_path):
    root = _policies(tmp_path, cases_edit=lambda t: t.replace('amount: "1500.00"', 'amount: "1600.00"'))
    [p] = _problems(root)
    assert p.file.endswith("demo-notice/cases.yaml") and p.field == "[0].expect.amount"
    assert "1600.00" in p.message_en and "1500.00" in p.message_en
    assert p.line == _line_of(root, '1600.00', "cases.yaml")


def test_yaml_syntax_error(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("stage: final", "stage: [final"))
    problems = _problems(root)
    assert problems[0].line is not None and "syntax" in problems[0].message_en


def test_every_problem_is_reported_at_once(tmp_path):
    def edit(t):
        return (t.replace("stage: final", "stage: final\ncolour: red")
                 .replace("written: 2024-01-29", "written: 2024-13-01")
                 .replace("en: Subsidies}", "en: ''}"))
    problems = _problems(_policies(tmp_path, edit))
    fields = {p.field for p in problems}
    assert {"colour", "dates.written", "body[0].heading.en"} <= fields


def test_validate_command_exit_code_and_message(tmp_path):
    root = _policies(tmp_path, lambda t: t.replace("written: 2024-01-29", "written: 2024-02-30"))
    env = {"ZHENGCE_POLICIES": str(root), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "demo-notice/v1.yaml:" in proc.stderr and "dates.written" in proc.stderr
    clean = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate"], capture_output=True, text=True,
                           env={"ZHENGCE_POLICIES": str(FIXTURE), "PATH": "/usr/bin:/bin"})
    assert clean.returncode == 0 and clean.stdout == "" and clean.stderr == ""


def test_window_that_ends_before_it_starts(tmp_path):
    window = ("            amount_kind: up_to\n            qualifying:\n              from: 2024-02-24\n"
              "              to: 2024-02-09\n              text: {zh: 期间, en: Period}\n")
    root = _policies(tmp_path, lambda t: t.replace("            amount_kind: up_to\n", window, 1))
    [p] = _problems(root)
    assert p.file.endswith("demo-notice/v1.yaml") and p.field.endswith("qualifying.to")
    assert p.line == _line_of(root, "to: 2024-02-09") and "before it starts" in p.message_en


def test_window_date_must_be_a_day(tmp_path):
    window = ("            amount_kind: up_to\n            qualifying: {to: 2024-02-30, text: {zh: 期间, en: Period}}\n")
    root = _policies(tmp_path, lambda t: t.replace("            amount_kind: up_to\n", window, 1))
    [p] = _problems(root)
    assert p.field.endswith("qualifying.to") and "impossible date" in p.message_en


def test_files_read_in_worker_processes_give_the_same_model_and_problems(tmp_path, monkeypatch):
    """A load of many files reads them in a process per core (readers.read_files): the model,
    and every problem with its file, line and field, are those of a load in one process."""
    import dataclasses

    from sitegen import readers
    good = ROOT / "policies"
    bad = _policies(tmp_path, lambda t: t.replace("stage: final", "stage: final\ncolour: red")
                                         .replace("written: 2024-01-29", "written: 2024-13-01"))
    (bad / "demo-notice" / "v2.yaml").write_text("id: demo-notice\nversion: [2\n", encoding="utf-8")
    (bad / "demo-notice" / "notes.yaml").write_text("{}\n", encoding="utf-8")

    def load(root, parallel):
        monkeypatch.setattr(readers, "PARALLEL_FROM", 1 if parallel else 10**9)
        monkeypatch.setattr(readers, "WORKERS", 2)
        calls = []
        original = readers._read_in_process
        monkeypatch.setattr(readers, "_read_in_process", lambda *a: calls.append(1) or original(*a))
        try:
            result = load_policies(root, seeds_dir=ROOT / "sources", run_cases=True)
        except ValidationFailed as failed:
            result = [dataclasses.astuple(p) for p in failed.problems]
        assert len(calls) == (2 if parallel else 0)
        return result

    assert load(good, True) == load(good, False)
    problems = load(bad, True)
    assert problems == load(bad, False)
    assert {p[2] for p in problems} >= {"colour", "dates.written"} and any("v2.yaml" in p[0] for p in problems)
