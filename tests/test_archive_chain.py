"""The archive manifest is append-only and self-checking (issue 13.7), and errata (issue 14.3).

Each test names one way the published-text guarantee could be broken or switched off, and checks
that `build` / `publish` refuse it with a message naming the file and what changed.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import build
from sitegen import archive, site

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "archive"
DAY = "2024-03-01"
EN_CLAUSE = "receive 40% of the charter cost"
ERRATUM = """errata:
- date: 2024-03-02
  target: '1'
  field: text
  before: receive 40% of the charter cost
  after: receive 40 per cent of the charter cost
  text: {zh: 英文译文统一百分比写法, en: The English spells out per cent}
"""


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A copy of the fixture policies, its own manifest, site and releases folder."""
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES, root)
    monkeypatch.setenv("ZHENGCE_POLICIES", str(root))
    monkeypatch.setenv("ZHENGCE_MANIFEST", str(tmp_path / "manifest.json"))
    monkeypatch.setenv("ZHENGCE_RELEASES", str(tmp_path / "releases"))
    real = site.build_site
    monkeypatch.setattr(site, "build_site", lambda corpus, out, build_date: real(
        corpus, out, build_date=build_date, index_search=False, calculators=False))
    return tmp_path


def run(*args) -> tuple[int, str]:
    """build.py in this process (fast); returns (exit code, stderr-like report)."""
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = build.main([*args])
    return code, err.getvalue()


def cli(world, *args):
    return run(*args, "--out", str(world / "site"), "--date", DAY)


def manifest(world) -> dict:
    return json.loads((world / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(world, data) -> None:
    (world / "manifest.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def edit(world, old: str, new: str, file="demo-bus/v1.yaml") -> None:
    path = world / "policies" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def rechain(data: dict) -> dict:
    """What a careful forger does: recompute every digest so the chain itself is consistent."""
    entries, data["entries"] = data["entries"], []
    for e in entries:
        archive.append(data, {k: v for k, v in e.items() if k not in ("prev", "sha256")})
    return data


@pytest.fixture
def published(world):
    code, err = cli(world, "publish")
    assert code == 0, err
    assert len(manifest(world)["entries"]) == 3
    return world


# ---- an unreadable manifest: a clear message, never a traceback --------------------------------

@pytest.mark.parametrize("text, expected", [
    ('{"manifest_version": 2, "entries": [{"kind": "pub', "not valid JSON (truncated?)"),
    ("", "the archive manifest is empty"),
    ("   \n", "the archive manifest is empty"),
    ('{"versions": {}}', "not an archive manifest of version 2"),
    ('[1, 2]', "must be a JSON object"),
    ('{"manifest_version": 2, "entries": {}}', "entries must be a list"),
    ('{"manifest_version": 2, "entries": [7]}', "an entry must be an object"),
])
def test_an_unreadable_manifest_is_reported(world, text, expected):
    (world / "manifest.json").write_text(text, encoding="utf-8")
    code, err = cli(world, "build")
    assert code == 1
    assert str(world / "manifest.json") in err and expected in err and "Traceback" not in err


def test_an_entry_without_its_digest_is_reported(published):
    data = manifest(published)
    del data["entries"][1]["content_sha256"]
    data["entries"][2]["pages"]["en/n/demo-bus/v2/index.html"] = None
    write_manifest(published, data)
    code, err = cli(published, "build")
    assert code == 1
    assert "entries[1].content_sha256: entry 2 has no content_sha256" in err
    assert "entries[2].pages: entry 3: every page needs its sha256 digest" in err


def test_a_manifest_not_utf8_is_reported(world):
    (world / "manifest.json").write_bytes(b'{"manifest_version": 2, "entries": []}\xff')
    code, err = cli(world, "build")
    assert code == 1 and "not UTF-8" in err


def test_the_cli_never_shows_a_traceback_for_a_bad_manifest(world):
    (world / "manifest.json").write_text('{"manifest_version": 2, "entr', encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(world / "site"),
                           "--date", DAY], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "manifest.json:1:" in proc.stderr and "not valid JSON" in proc.stderr


# ---- the chain: an edited, removed or reordered entry ----------------------------------------

def test_an_edited_entry_breaks_the_chain(published):
    data = manifest(published)
    data["entries"][0]["content_sha256"] = "0" * 64
    write_manifest(published, data)
    code, err = cli(published, "build")
    assert code == 1
    assert "entry 1 (publish demo-bus v1 on 2024-03-01) was altered after it was recorded" in err


def test_a_removed_entry_breaks_the_chain(published):
    data = manifest(published)
    del data["entries"][1]
    write_manifest(published, data)
    code, err = cli(published, "build")
    assert code == 1
    assert "entry 2 (publish demo-successor v1 on 2024-03-01) does not follow the entry before it" in err


def test_an_emptied_manifest_is_refused_by_the_last_built_site(published):
    write_manifest(published, archive.empty_manifest())
    code, err = cli(published, "build")
    assert code == 1
    copy = str(published / "site" / archive.SITE_COPY)
    assert f"entry 1 (publish demo-bus v1 on 2024-03-01), recorded in {copy}, was removed" in err
    assert err.count("was removed") == 3


def test_a_removed_entry_rechained_is_refused_by_the_last_built_site(published):
    data = manifest(published)
    del data["entries"][2]
    write_manifest(published, rechain(data))
    code, err = cli(published, "build")
    assert code == 1
    assert "entry 3 (publish demo-successor v1 on 2024-03-01)" in err and "was removed" in err


def test_an_altered_entry_rechained_says_what_changed(published):
    data = manifest(published)
    old = data["entries"][0]["content_sha256"]
    data["entries"][0]["content_sha256"] = "a" * 64
    write_manifest(published, rechain(data))
    code, err = cli(published, "build")
    assert code == 1
    assert f"was altered: content_sha256 was {old[:12]}…, now aaaaaaaaaaaa…" in err


def test_the_latest_release_is_a_reference_too(published):
    code, err = run("release", "--out", str(published / "releases"), "--date", DAY)
    assert code == 0, err
    shutil.rmtree(published / "site")            # no built site left to compare with
    write_manifest(published, archive.empty_manifest())
    code, err = cli(published, "build")
    assert code == 1
    assert f"zhengce-{DAY}.tar.gz:{archive.SITE_COPY}, was removed" in err


def test_the_built_site_carries_its_manifest(published):
    assert json.loads((published / "site" / archive.SITE_COPY).read_text(encoding="utf-8")) == manifest(published)


def test_appending_keeps_the_chain(published):
    edit(published, "Demo charter-bus subsidy rules (draft for comment, synthetic)", "Demo rules", "demo-bus/v1.yaml")
    edit(published, "title: {zh: 示例包车补贴办法（征求意见稿，虚构）, en: \"Demo rules\"}",
         "title: {zh: 示例包车补贴办法（征求意见稿，虚构）, en: \"Demo rules\"}\n" + ERRATUM.replace(
             "field: text", "field: title").replace("target: '1'\n  ", "").rstrip() + "\n")
    code, err = cli(published, "publish")
    assert code == 0, err
    data = manifest(published)
    assert archive.check_chain(data, "m") == []
    assert [e["kind"] for e in data["entries"]] == ["publish", "publish", "publish", "erratum"]


# ---- errata: the English may be corrected, recorded; the Chinese never --------------------------

def test_english_changed_without_an_erratum_fails(published):
    edit(published, EN_CLAUSE, "receive 40 per cent of the charter cost")
    code, err = cli(published, "build")
    assert code == 1
    assert "demo-bus/v1.yaml:1: errata: demo-bus v1 was published on 2024-03-01 and its content has changed" in err
    assert "needs a new entry under errata:" in err
    code, err = cli(published, "publish")
    assert code == 1 and "needs a new entry under errata:" in err


def test_an_erratum_is_recorded_by_publish_and_shown(published):
    edit(published, EN_CLAUSE, "receive 40 per cent of the charter cost")
    (published / "policies" / "demo-bus" / "v1.yaml").write_text(
        (published / "policies" / "demo-bus" / "v1.yaml").read_text(encoding="utf-8") + ERRATUM, encoding="utf-8")
    code, err = cli(published, "build")
    assert code == 1 and "record the new errata with `python build.py publish`" in err
    code, err = cli(published, "publish", "--date", "2024-03-02")
    assert code == 0, err
    last = manifest(published)["entries"][-1]
    assert (last["kind"], last["notice"], last["version"], last["errata"]) == ("erratum", "demo-bus", 1, 1)
    assert last["source_sha256"] == manifest(published)["entries"][0]["source_sha256"]
    code, err = cli(published, "build")
    assert code == 0, err
    page = (published / "site" / "en" / "n" / "demo-bus" / "v1" / "index.html").read_text(encoding="utf-8")
    assert "receive 40 per cent of the charter cost" in page and "The English spells out per cent" in page
    zh = (published / "site" / "zh" / "n" / "demo-bus" / "v1" / "index.html").read_text(encoding="utf-8")
    assert "英文译文统一百分比写法" in zh


def test_an_erratum_cannot_change_the_chinese(published):
    edit(published, "给予包车费用40%补贴", "给予包车费用45%补贴")
    (published / "policies" / "demo-bus" / "v1.yaml").write_text(
        (published / "policies" / "demo-bus" / "v1.yaml").read_text(encoding="utf-8") + ERRATUM, encoding="utf-8")
    code, err = cli(published, "publish")
    assert code == 1
    assert "in the notice as issued" in err and "v3.yaml" in err


def test_an_earlier_erratum_never_changes(published):
    path = published / "policies" / "demo-bus" / "v1.yaml"
    edit(published, EN_CLAUSE, "receive 40 per cent of the charter cost")
    path.write_text(path.read_text(encoding="utf-8") + ERRATUM, encoding="utf-8")
    assert cli(published, "publish", "--date", "2024-03-02")[0] == 0
    edit(published, "The English spells out per cent", "Nothing to see")
    code, err = cli(published, "build")
    assert code == 1 and "earlier errata never change" in err


def test_a_rendering_change_needs_a_reason(published, monkeypatch):
    from sitegen import pages
    real = pages.Renderer.notice_page

    def louder(self, notice, version, lang, *, permanent=False):
        page = real(self, notice, version, lang, permanent=permanent)
        return page.__class__(**{**page.__dict__, "body": page.body.replace("<h1 id=\"title\">", "<h1 id=\"title\">§ ")})

    monkeypatch.setattr(pages.Renderer, "notice_page", louder)
    code, err = cli(published, "build")
    assert code == 1 and "would change" in err
    code, err = cli(published, "publish")
    assert code == 1 and "say why with `publish --reason TEXT`" in err
    code, err = cli(published, "publish", "--reason", "titles carry a section sign")
    assert code == 0, err
    kinds = [(e["kind"], e.get("reason")) for e in manifest(published)["entries"][3:]]
    assert kinds == [("presentation", "titles carry a section sign")] * 3
    assert cli(published, "build")[0] == 0


def test_a_middle_entry_removed_and_rechained_is_named_alone(published):
    data = manifest(published)
    del data["entries"][0]
    write_manifest(published, rechain(data))
    code, err = cli(published, "build")
    assert code == 1
    assert "entry 1 (publish demo-bus v1 on 2024-03-01)" in err and err.count("was removed") == 1
    assert "was altered" not in err


def test_reordered_entries_are_refused(published):
    data = manifest(published)
    data["entries"][0], data["entries"][1] = data["entries"][1], data["entries"][0]
    write_manifest(published, rechain(data))
    code, err = cli(published, "build")
    assert code == 1 and "were reordered or re-chained since" in err


def test_an_unreadable_release_is_reported(published):
    (published / "releases").mkdir()
    (published / "releases" / f"zhengce-{DAY}.tar.gz").write_bytes(b"not a tar file")
    code, err = cli(published, "build")
    assert code == 1 and f"zhengce-{DAY}.tar.gz" in err and "cannot read the archive manifest" in err


def test_a_measure_recoded_needs_an_erratum_too(published):
    """The encoding of a calculation is ours, not the issuer's: an erratum may correct it, never silently."""
    edit(published, 'expr: "cost * 0.4"', 'expr: "cost * 0.40"')
    code, err = cli(published, "build")
    assert code == 1 and "a correction needs a new entry under errata:" in err
    path = published / "policies" / "demo-bus" / "v1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + ERRATUM.replace("field: text", "field: measures[0].rules[0].expr"),
                    encoding="utf-8")
    code, err = cli(published, "publish", "--date", "2024-03-02")
    assert code == 0, err
    assert manifest(published)["entries"][-1]["kind"] == "erratum"
