"""Bad days, version numbers, ports and paths on the command line: a clear message, never a traceback.

Every case here ended in a traceback (or, for --version 0, silently meant "latest") before
sitegen/cliargs.py checked them and build.py caught what the system refuses (issue 13.4 and the
adversarial run, benchmarks/adversarial.py).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from sitegen import cliargs
from tests.corpus import ROOT


def run(*args, env=None):
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          env=full, timeout=120)


@pytest.mark.parametrize("args, needle", [
    (("calc", "shengsi-2024", "3", "--on", "2024-02-30"), "not a day of the calendar"),
    (("calc", "shengsi-2024", "3", "--on", "yesterday"), "not a date written YYYY-MM-DD"),
    (("calc", "shengsi-2024", "3", "--on", "10000-01-01"), "not a date written YYYY-MM-DD"),
    (("calc", "shengsi-2024", "3", "--on", "0999-01-01"), "outside 1900"),
    (("list", "--date", "2024-02-30"), "not a day of the calendar"),
    (("build", "--date", "2026-02-30"), "not a day of the calendar"),
    (("calc", "shengsi-2024", "3", "--version", "0"), "not a version number"),
    (("describe", "shengsi-2024", "3", "--version", "-1"), "not a version number"),
    (("text", "shengsi-2024", "--version", "x"), "not a version number"),
])
def test_bad_day_or_version_exits_2_with_a_message(args, needle):
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert any("\u4e00" <= ch <= "\u9fff" for ch in proc.stderr.splitlines()[-1]), "the reason in Chinese too"


@pytest.mark.parametrize("epoch", ["garbage", "1e9", "-5", "99999999999"])
def test_bad_source_date_epoch_exits_2(epoch, tmp_path):
    proc = run("build", "--out", str(tmp_path / "site"), env={"SOURCE_DATE_EPOCH": epoch})
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "SOURCE_DATE_EPOCH" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()


def test_good_values_still_parse():
    assert cliargs.parse_day("2024-02-29") == dt.date(2024, 2, 29)
    assert cliargs.day(" 2199-12-31 ") == "2199-12-31"
    assert cliargs.version_number("2") == 2
    assert cliargs.epoch_day("1700000000") == dt.date(2023, 11, 14)
    with pytest.raises(ValueError):
        cliargs.parse_day("2200-01-01")


def test_a_valid_day_still_works():
    proc = run("list", "--date", "2024-02-29", "--json")
    assert proc.returncode == 0 and proc.stdout.startswith("{")


def test_a_reader_that_stops_reading_gets_no_traceback():
    # `python build.py schema | head -1`: before, a BrokenPipeError traceback on stderr. The
    # schema (70 KB) is larger than a pipe's buffer, so the writer is still writing when the
    # reader leaves.
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "schema"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and proc.returncode == 1


@pytest.mark.parametrize("args, env, code, needle", [
    (("serve", "--no-build", "--port", "99999"), {}, 2, "not a port"),
    (("serve", "--no-build", "--site", "/nonexistent"), {}, 1, "build the site first"),
    (("validate",), {"ZHENGCE_POLICIES": "/nonexistent"}, 1, "is not a folder of notices"),
    (("build", "--out", "/etc/passwd/site"), {}, 1, "File exists"),
])
def test_system_refusals_are_messages(args, env, code, needle):
    proc = run(*args, env=env)
    assert proc.returncode == code and needle in proc.stderr and "Traceback" not in proc.stderr


def test_a_build_stage_that_fails_is_a_message_and_the_site_stays(tmp_path, monkeypatch, capsys):
    """Pagefind (or mkdocs) failing ends `build` with exit 1 and a message, not a traceback."""
    sys.path.insert(0, str(ROOT))
    import build
    from sitegen import search

    def broken(site, out, glob):
        raise search.SearchIndexError("pagefind failed (1): simulated")

    monkeypatch.setattr(search, "run_pagefind", broken)
    out = tmp_path / "site"
    assert build.main(["build", "--out", str(out), "--date", "2024-03-01"]) == 1
    err = capsys.readouterr().err
    assert "the build failed, the previous site is unchanged: pagefind failed (1): simulated" in err
    assert "Traceback" not in err and not out.exists()
