"""`build.py fmt`: canonical YAML that keeps comments and never changes a notice's content.

The archive's digests are the proof: every published version hashes to the digests recorded in
archive/manifest.json before formatting and after, and formatting twice changes nothing.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import archive, fmt
from sitegen.defaults import apply_defaults, strip_defaults
from sitegen.model import thaw
from sitegen.readers import load_policies
from sitegen.yamlload import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
VERSIONS = sorted(POLICIES.glob("*/v*.yaml"))


def _json(data) -> str:
    return json.dumps(thaw(data), ensure_ascii=False, sort_keys=True)


def _digests(corpus) -> dict:
    return {(n.id, v.version): (archive.content_digest(v), archive.source_digest(v), archive.errata_digest(v.errata))
            for n in corpus.notices for v in n.versions}


@pytest.fixture(scope="module")
def formatted(tmp_path_factory) -> Path:
    """A copy of policies/ after `fmt` (twice: the second run must find nothing to do)."""
    root = tmp_path_factory.mktemp("fmt") / "policies"
    shutil.copytree(POLICIES, root)
    fmt.run(fmt.yaml_files(root), check=False)
    changed, problems = fmt.run(fmt.yaml_files(root), check=False)
    assert (changed, problems) == ([], []), "fmt is not idempotent"
    return root


def test_every_reader_reads_the_formatted_files(formatted):
    """libyaml (our loader) and PyYAML's pure-Python parser (editors' and tools' usual one) alike."""
    import yaml
    for path in fmt.yaml_files(formatted):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader), path


def test_a_question_mark_in_a_one_line_pair_is_quoted(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("- label:\n    zh: 是否？\n    en: Did it?\n", encoding="utf-8")
    fmt.run([path], check=False)
    assert path.read_text(encoding="utf-8") == "- label: {zh: 是否？, en: 'Did it?'}\n"


def test_policies_are_formatted():
    """The CI check: every file under policies/ is already in canonical form (`build.py fmt --check`)."""
    changed, problems = fmt.run(fmt.yaml_files(POLICIES), check=True)
    assert problems == []
    assert [str(p.relative_to(ROOT)) for p in changed] == [], "run: python build.py fmt"


@pytest.mark.parametrize("path", VERSIONS, ids=lambda p: p.parent.name)
def test_defaults_round_trip(path):
    """The loader fills in exactly what fmt leaves out, and the published files spell out nothing else."""
    raw = load_yaml_file(path)[0].data
    full = apply_defaults(copy.deepcopy(raw))
    stripped = copy.deepcopy(full)
    strip_defaults(stripped)
    assert _json(apply_defaults(copy.deepcopy(stripped))) == _json(full)
    assert _json(apply_defaults(copy.deepcopy(full))) == _json(full)


def _spelled_out(root: Path) -> Path:
    """A copy of `root` with every default written out, as the machine-dumped files had them."""
    from ruamel.yaml import YAML
    out = root.parent / "spelled"
    shutil.copytree(root, out)
    for path in out.glob("*/v*.yaml"):
        yaml = YAML(typ="rt")
        data = yaml.load(path.read_text(encoding="utf-8"))
        apply_defaults(data)
        with path.open("w", encoding="utf-8") as stream:
            yaml.dump(data, stream)
    return out


def test_fmt_changes_no_recorded_digest(formatted):
    """Content, source and errata digests of every published version: identical for the files as
    they are, after fmt and with every default spelled out; the archive check (what `build` runs)
    finds exactly the same, and every source digest is the one archive/manifest.json records."""
    before = _digests(load_policies(POLICIES, run_cases=False))
    after = _digests(load_policies(formatted, run_cases=False))
    spelled = _digests(load_policies(_spelled_out(formatted), run_cases=False))
    assert after == before == spelled
    manifest = archive.load_manifest(ROOT / "archive" / "manifest.json")
    recorded = archive.authorised(manifest)
    assert recorded, "no published version to compare with"
    for key, entry in recorded.items():
        assert after[key][1] == entry["source_sha256"], key
    flagged = lambda root: [p.file.split("/")[-2] for p in archive.check_content(load_policies(root, run_cases=False), manifest)]
    assert flagged(formatted) == flagged(POLICIES)


def test_formatted_files_leave_defaults_out_and_keep_comments(formatted):
    text = (formatted / "shengsi-2024" / "v1.yaml").read_text(encoding="utf-8")
    original = (POLICIES / "shengsi-2024" / "v1.yaml").read_text(encoding="utf-8")
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in text for c in comments)
    for default in ("currency: CNY", "calculator: true", "published: null", "signed_date: null"):
        assert default not in text
    assert "places: 2" not in text and "&" not in text.replace("&amp;", "")


def test_fmt_keeps_comments_orders_keys_and_strips_defaults(tmp_path):
    path = tmp_path / "v1.yaml"
    path.write_text(
        "# head comment\n"
        "title: {en: T, zh: 标题}   # the title\n"
        "id: demo\n"
        "body:\n"
        "  - id: s1\n"
        "    clauses:\n"
        "      - id: c1\n"
        "        text: {zh: 条, en: Clause}\n"
        "        measures:\n"
        "          - id: m1\n"
        "            calculator: true\n"
        "            currency: CNY\n"
        "            amount: amount\n"
        "            rules:\n"
        "              - {let: amount, expr: '100', cite: c1, text: {zh: 一百, en: hundred}}\n"
        "              - {let: other, expr: '1', cite: c2, text: {zh: 一, en: one}}\n"
        "            rounding: {places: 2, mode: half_up}\n",
        encoding="utf-8")
    changed, problems = fmt.run([path], check=True)
    assert changed == [path] and problems == []
    assert fmt.run([path], check=False)[0] == [path]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# head comment\nid: demo\ntitle:\n  zh: 标题\n  en: T  # the title\n") or \
        text.startswith("# head comment\nid: demo\ntitle:  # the title\n") or "# the title" in text
    assert text.index("id: demo") < text.index("title:")
    assert "currency" not in text and "calculator" not in text and "rounding" not in text
    assert "cite: c1" not in text and "cite: c2" in text  # only the enclosing clause is a default
    data = load_yaml_file(path)[0].data
    assert apply_defaults(data)["body"][0]["clauses"][0]["measures"][0]["rules"][0]["cite"] == "c1"


def test_apostrophes_and_nulls_are_written_plainly(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("- a: \"'local'\"\n  b: \n  c: '2024-01-05'\n", encoding="utf-8")
    fmt.run([path], check=False)
    assert path.read_text(encoding="utf-8") == "- a: \"'local'\"\n  b: null\n  c: '2024-01-05'\n"


def test_cli_check_exits_1_listing_files(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "ok.yaml").write_text("a: 1\n", encoding="utf-8")
    (folder / "bad.yaml").write_text("a:    1\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "fmt", "--check",
                          str(folder / "ok.yaml"), str(folder / "bad.yaml")], capture_output=True, text=True)
    assert run.returncode == 1
    assert "bad.yaml" in run.stderr and "ok.yaml" not in run.stderr and "规范格式" in run.stderr
    assert (folder / "bad.yaml").read_text(encoding="utf-8") == "a:    1\n"
    broken = folder / "broken.yaml"
    broken.write_text("a: [1\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "fmt", str(broken)], capture_output=True, text=True)
    assert run.returncode == 1 and "broken.yaml" in run.stderr and "Traceback" not in run.stderr


def test_notice_rounding_is_the_default_of_its_measures(tmp_path):
    data = {"rounding": {"places": 0, "mode": "down"},
            "body": [{"id": "s", "clauses": [{"id": "c", "measures": [
                {"id": "a", "amount": "x", "rules": [{"let": "x", "expr": "1"}]},
                {"id": "b", "amount": "x", "rounding": {"places": 2, "mode": "half_up"},
                 "rules": [{"let": "x", "expr": "1", "cite": "c"}]}]}]}]}
    full = apply_defaults(copy.deepcopy(data))
    a, b = full["body"][0]["clauses"][0]["measures"]
    assert a["rounding"] == {"places": 0, "mode": "down"} and a["currency"] == "CNY" and a["calculator"] is True
    assert b["rounding"] == {"places": 2, "mode": "half_up"}  # its own, not the notice's
    assert a["rules"][0]["cite"] == "c"
    stripped = copy.deepcopy(full)
    strip_defaults(stripped)
    sa, sb = stripped["body"][0]["clauses"][0]["measures"]
    assert "rounding" not in sa and sb["rounding"] == {"places": 2, "mode": "half_up"}
    assert "cite" not in sb["rules"][0] and "calculator" not in sa
    assert _json(apply_defaults(stripped)) == _json(full)


def test_a_short_pair_takes_one_line_a_long_one_two(tmp_path):
    path = tmp_path / "glossary.yaml"
    long_en = "word " * 40
    path.write_text(f"- short:\n    zh: 短\n    en: short\n- long: {{zh: 长, en: {long_en.strip()}}}\n", encoding="utf-8")
    fmt.run([path], check=False)
    assert path.read_text(encoding="utf-8") == (
        f"- short: {{zh: 短, en: short}}\n- long:\n    zh: 长\n    en: {long_en.strip()}\n")


def test_text_our_loader_reads_otherwise_stays_quoted_and_content_is_never_changed(tmp_path, monkeypatch):
    path = tmp_path / "cases.yaml"
    path.write_text("a: ['yes', 'on', '1:20', \"0.50\", plain]\nb: [yes, 0.50]\n", encoding="utf-8")
    assert fmt.run([path], check=False) == ([path], [])
    assert path.read_text(encoding="utf-8") == "a: ['yes', 'on', '1:20', '0.50', plain]\nb: [true, 0.50]\n"
    odd = tmp_path / "odd.yaml"
    odd.write_text("a:   1\n", encoding="utf-8")
    monkeypatch.setattr(fmt, "format_text", lambda text, **_: "a: '1'\n")  # a formatter bug
    changed, problems = fmt.run([odd], check=False)
    assert changed == [] and "would read differently" in str(problems[0])
    assert odd.read_text(encoding="utf-8") == "a:   1\n"
    anchored = tmp_path / "v1.yaml"
    anchored.write_text("a: &x 1\nb: *x\n", encoding="utf-8")
    changed, problems = fmt.run([anchored], check=False)
    assert changed == [] and "anchors" in str(problems[0])
