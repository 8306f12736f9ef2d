"""Versions, lifecycle, point in time, diffs, the published-content check and releases (no browser)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from sitegen import archive, diff, lifecycle
from sitegen.readers import load_policies
from sitegen.release import write_release

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "archive"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def corpus():
    return load_policies(FIXTURES)


def test_status_is_derived_from_dates_stage_and_relations(corpus):
    bus = corpus.notice("demo-bus")
    v1, v2 = bus.versions
    successor = corpus.notice("demo-successor").latest
    assert lifecycle.status(v1, corpus, D("2024-02-15")) == "draft"
    assert lifecycle.status(v2, corpus, D("2024-01-30")) == "not_yet"
    assert lifecycle.status(v2, corpus, D("2024-02-01")) == "in_force"
    assert lifecycle.status(v2, corpus, D("2024-02-29")) == "in_force"
    assert lifecycle.status(v2, corpus, D("2024-03-01")) == "superseded"
    assert lifecycle.status(successor, corpus, D("2024-02-29")) == "not_yet"
    assert lifecycle.status(successor, corpus, D("2024-03-01")) == "in_force"


def test_expired_without_a_successor(corpus, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "demo-bus", root / "demo-bus")
    alone = load_policies(root)
    assert lifecycle.status(alone.notice("demo-bus").latest, alone, D("2024-03-01")) == "expired"


def test_version_in_force_on_a_date(corpus):
    bus = corpus.notice("demo-bus")
    assert lifecycle.version_on(bus, corpus, D("2024-01-20")) is None      # only the draft exists
    assert lifecycle.version_on(bus, corpus, D("2024-02-15")).version == 2
    assert lifecycle.version_on(bus, corpus, D("2024-03-05")) is None      # superseded
    assert [n.id for n, _ in lifecycle.in_force_on(corpus, D("2024-03-05"))] == ["demo-successor"]


def test_calc_uses_the_version_in_force_on_the_day():
    env = {**os.environ, "ZHENGCE_POLICIES": str(FIXTURES)}
    run = lambda *a: subprocess.run([sys.executable, str(ROOT / "build.py"), *a], capture_output=True, text=True, env=env)  # noqa: E731
    ok = run("calc", "demo-bus", "1", "--input", "cost=300000", "--on", "2024-02-15", "--json")
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert (result["version"], result["amount"]) == (2, "100000.00")
    draft = run("calc", "demo-bus", "1", "--input", "cost=300000", "--version", "1", "--json")
    assert json.loads(draft.stdout)["amount"] == "50000.00"
    # No version in force on the day: not an error; the latest computes and the status says why.
    none = run("calc", "demo-bus", "1", "--input", "cost=300000", "--on", "2024-03-05", "--json", "--lang", "en")
    assert none.returncode == 0, none.stderr
    result = json.loads(none.stdout)
    assert (result["version"], result["version_basis"], result["amount"]) == (2, "latest", "100000.00")
    assert result["status"]["notice_status"] == "superseded" and not result["status"]["claimable"]
    assert result["status"]["frame"].startswith("Superseded from 2024-03-01")
    text = run("calc", "demo-bus", "1", "--input", "cost=300000", "--on", "2024-03-05", "--lang", "en")
    assert "No version was in force on 2024-03-05: computed with the latest (version 2)" in text.stdout


def test_clause_diff_between_versions(corpus):
    v1, v2 = corpus.notice("demo-bus").versions
    zh = {c.clause_id: c for c in diff.version_diff(v1, v2, "zh")}
    assert zh["1"].kind == "changed" and "<del>4</del><ins>5</ins>" in zh["1"].html
    assert zh["3"].kind == "added" and zh["2"].kind == "same"
    en = {c.clause_id: c for c in diff.version_diff(v1, v2, "en")}
    assert "<del>40</del><ins>50</ins>" in en["1"].html and "<del>50,000</del>" not in en["1"].html
    assert [c.clause_id for c in diff.version_diff(v1, v2, "en")] == ["1", "3", "2"]
    assert ("stage", "draft", "final") in diff.metadata_changes(v1, v2)


def test_removed_clause_and_escaping():
    from markupsafe import Markup
    html = diff.inline_diff("a c", "a <script>alert(1)</script> c", "en")
    assert isinstance(html, Markup) and "<script>" not in html and "&lt;script&gt;" in html
    html = diff.inline_diff("<b>甲</b>", "<b>乙</b>", "zh")
    assert "<b>" not in html and "<del>甲</del><ins>乙</ins>" in html


def test_published_content_may_not_change(corpus, tmp_path):
    manifest = {"manifest_version": 1, "versions": []}
    added = archive.publish(corpus, manifest, tmp_path / "no-site", on=D("2024-01-26"))
    assert ("demo-bus", 1) in added and ("demo-bus", 2) in added
    assert archive.check_content(corpus, manifest) == []

    root = tmp_path / "policies"
    shutil.copytree(FIXTURES, root)
    path = root / "demo-bus" / "v2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("50%补贴", "60%补贴"), encoding="utf-8")
    edited = load_policies(root)
    [problem] = archive.check_content(edited, manifest)
    assert "demo-bus/v2.yaml" in problem.file and "demo-bus v2" in problem.message_en
    assert "v3.yaml" in problem.message_en  # tells the publisher what to do instead

    # A comment or formatting change is not a content change.
    shutil.copytree(FIXTURES, tmp_path / "p2")
    path2 = tmp_path / "p2" / "demo-bus" / "v2.yaml"
    path2.write_text("# reformatted\n" + path2.read_text(encoding="utf-8"), encoding="utf-8")
    assert archive.check_content(load_policies(tmp_path / "p2"), manifest) == []


def test_build_refuses_an_edited_published_version(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(FIXTURES, root)
    manifest_path = tmp_path / "manifest.json"
    corpus = load_policies(root)
    manifest = {"manifest_version": 1, "versions": []}
    archive.publish(corpus, manifest, tmp_path / "none", on=D("2024-01-26"))
    archive.save_manifest(manifest_path, manifest)
    path = root / "demo-bus" / "v1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("40%补贴", "45%补贴"), encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site", encoding="utf-8")
    env = {**os.environ, "ZHENGCE_POLICIES": str(root), "ZHENGCE_MANIFEST": str(manifest_path)}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(site), "--date", "2024-03-01"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "demo-bus v1 was published on 2024-01-26 and its content has changed" in proc.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"  # the previous site is intact


def test_page_digest_covers_only_the_notice_content():
    a = "<nav>x</nav><!-- notice-content --><p>text</p><!-- /notice-content --><footer>1</footer>"
    b = "<nav>y</nav><!-- notice-content --><p>text</p><!-- /notice-content --><footer>2</footer>"
    c = "<nav>x</nav><!-- notice-content --><p>text!</p><!-- /notice-content --><footer>1</footer>"
    assert archive.page_digest(a) == archive.page_digest(b) != archive.page_digest(c)


def test_release_archive_is_reproducible(tmp_path):
    site = tmp_path / "site"
    (site / "zh").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "zh" / "index.html").write_text("<h1>中文</h1>", encoding="utf-8")
    one = write_release(site, tmp_path / "a" / "r.tar.gz", day=D("2024-03-01"), manifest=b"{}")
    os.utime(site / "index.html", (0, 0))  # file times must not leak into the archive
    two = write_release(site, tmp_path / "b" / "r.tar.gz", day=D("2024-03-01"), manifest=b"{}")
    assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(two.read_bytes()).digest()
    with tarfile.open(one) as tar:
        names = tar.getnames()
    assert names == ["zhengce-2024-03-01/README.txt", "zhengce-2024-03-01/MANIFEST.json",
                     "zhengce-2024-03-01/index.html", "zhengce-2024-03-01/zh/index.html"]
