"""Hostile YAML and odd files: every one a clear problem with file and line, never a crash.

Each test here failed before the loader refused aliases, bounded nesting, decoded bytes itself
and checked file and folder names (issue 13.1).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.readers import ValidationFailed, load_policies
from sitegen.yamlload import MAX_DEPTH, load_yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "policies"


def _policies(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(FIXTURE, root)
    return root


def _problems(root: Path):
    with pytest.raises(ValidationFailed) as info:
        load_policies(root)
    return info.value.problems


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"ZHENGCE_POLICIES": str(root), "PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_alias_bomb_is_refused_quickly():
    # "Billion laughs", scaled down so that before the fix it expanded to a million nodes
    # (the full-size one took 3 GB and ended in MemoryError).
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    start = time.perf_counter()
    loaded, problems = load_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - start < 2
    assert loaded is None
    assert problems[0].line == 1 and "anchors (&a0)" in problems[0].message_en and "锚点" in problems[0].message_zh
    assert any(p.line == 2 and "aliases (*a0)" in p.message_en and "别名" in p.message_zh for p in problems)


def test_recursive_alias_is_refused():
    loaded, problems = load_yaml("top: &loop\n  again: *loop\n", "loop.yaml")
    assert loaded is None
    assert [p.line for p in problems] == [1, 2]
    assert "aliases (*loop)" in problems[1].message_en


def test_an_alias_in_a_notice_names_file_and_line(tmp_path):
    root = _policies(tmp_path)
    path = root / "demo-notice" / "v1.yaml"
    text = path.read_text(encoding="utf-8")
    new = text.replace("issuers:\n  - {zh: 示例局, en: Demo Bureau}", "issuers: &who_ref\n  - {zh: 示例局, en: Demo Bureau}")
    new = new.replace("addressees:\n  - {zh: 各有关单位, en: All relevant units}", "addressees: *who_ref")
    assert new.count("who_ref") == 2
    path.write_text(new, encoding="utf-8")
    problems = _problems(root)
    assert {p.file for p in problems} == {"policies/demo-notice/v1.yaml"}
    assert {p.line for p in problems} == {7, 9}


@pytest.mark.parametrize("depth", [500, MAX_DEPTH + 1])
def test_deep_nesting_is_refused_with_its_line(depth):
    text = "key:\n  " + "[" * depth + "]" * depth + "\n"
    loaded, problems = load_yaml(text, "deep.yaml")
    assert loaded is None
    [p] = problems
    assert p.line == 2 and f"more than {MAX_DEPTH} levels" in p.message_en and "嵌套" in p.message_zh


def test_nesting_at_the_limit_still_loads():
    loaded, problems = load_yaml("[" * (MAX_DEPTH) + "]" * (MAX_DEPTH), "ok.yaml")
    assert problems == [] and loaded is not None


def test_hundred_thousand_deep_nesting_does_not_crash_the_process(tmp_path):
    # Before the fix libyaml's composer overflowed the C stack: exit 139, no message at all.
    root = _policies(tmp_path)
    (root / "demo-notice" / "v1.yaml").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    start = time.perf_counter()
    proc = _cli(root, "validate")
    assert time.perf_counter() - start < 60
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "policies/demo-notice/v1.yaml:1:" in proc.stderr and "nested more than" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_oversized_file_is_refused():
    loaded, problems = load_yaml("a: " + "x" * (4 * 1024 * 1024 + 1), "big.yaml")
    assert loaded is None and "larger than 4 MB" in problems[0].message_en


@pytest.mark.parametrize("encode, hint", [
    (lambda text: text.encode("gb18030"), "GB18030"),
    (lambda text: text.encode("utf-8").replace(b"stage: final", b"stage: final \xff"), None),
])
def test_a_file_that_is_not_utf8_is_named(tmp_path, encode, hint):
    root = _policies(tmp_path)
    path = root / "demo-notice" / "v1.yaml"
    path.write_bytes(encode(path.read_text(encoding="utf-8")))
    [p] = _problems(root)
    assert p.file == "policies/demo-notice/v1.yaml"
    assert "not valid UTF-8" in p.message_en and "UTF-8" in p.message_zh
    if hint:
        assert hint in p.message_en
    else:
        assert p.line == 4 and "0xFF" in p.message_en


def test_glossary_with_a_term_that_is_not_text(tmp_path):
    root = _policies(tmp_path)
    (root / "glossary.yaml").write_text("- {zh: [x], en: y}\n- {zh: a, en: b}\n", encoding="utf-8")
    [p] = _problems(root)
    assert p.file == "policies/glossary.yaml" and p.field == "[0].zh" and p.line == 1


def test_a_folder_named_like_a_version_file(tmp_path):
    root = _policies(tmp_path)
    (root / "demo-notice" / "v2.yaml").mkdir()
    [p] = _problems(root)
    assert p.file == "policies/demo-notice/v2.yaml" and "folder" in p.message_en and "文件夹" in p.message_zh


def test_two_files_for_the_same_version(tmp_path):
    root = _policies(tmp_path)
    shutil.copy(root / "demo-notice" / "v1.yaml", root / "demo-notice" / "v01.yaml")
    [p] = _problems(root)
    assert p.file == "policies/demo-notice/v01.yaml" and "unexpected file name" in p.message_en


def test_build_reports_instead_of_crashing(tmp_path):
    root = _policies(tmp_path)
    (root / "demo-notice" / "v2.yaml").mkdir()
    (root / "glossary.yaml").write_bytes(b"- {zh: \xff, en: y}\n")
    proc = _cli(root, "build", "--out", str(tmp_path / "site"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "policies/demo-notice/v2.yaml" in proc.stderr and "policies/glossary.yaml:1" in proc.stderr
    assert not (tmp_path / "site").exists()
