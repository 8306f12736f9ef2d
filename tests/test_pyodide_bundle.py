"""Packaging the engine for Pyodide: a byte-reproducible wheel, the lock entry, the cut stdlib."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from sitegen import pyodide_bundle, wheel

ROOT = pyodide_bundle.REPO


def test_wheel_is_byte_reproducible_and_complete(tmp_path):
    files = wheel.package_files(ROOT / "calculators")
    assert "calculators/__init__.py" in files and "calculators/web/bridge.py" in files
    assert not any(name.endswith((".js", ".css")) or "__pycache__" in name for name in files)
    version = wheel.source_version(files)
    a = wheel.write_wheel(tmp_path / "a", pyodide_bundle.DIST, version, files)
    b = wheel.write_wheel(tmp_path / "b", pyodide_bundle.DIST, version, files)
    assert a.name == b.name == wheel.wheel_name(pyodide_bundle.DIST, version)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        names = zf.namelist()
        record = zf.read(next(n for n in names if n.endswith("RECORD"))).decode()
        assert all(i.date_time == wheel.FIXED_DATE for i in zf.infolist())
    assert names == sorted(files) + [n for n in names if ".dist-info/" in n]
    for line in record.splitlines():
        name, digest, size = line.split(",")
        if digest:
            with zipfile.ZipFile(a) as zf:
                assert int(size) == len(zf.read(name))


def test_source_version_changes_with_any_source(tmp_path):
    files = {"calculators/__init__.py": b"x = 1\n"}
    assert wheel.source_version(files) != wheel.source_version({"calculators/__init__.py": b"x = 2\n"})
    assert wheel.source_version(files).startswith("0+")


def test_lock_names_the_engine_with_its_sha256(tmp_path):
    if not (pyodide_bundle.PYODIDE_DIR / "pyodide-lock.json").is_file():
        pytest.skip("needs `npm ci`")
    path = wheel.write_wheel(tmp_path, pyodide_bundle.DIST, "0+abc", {"calculators/__init__.py": b""})
    lock = pyodide_bundle._lock(path.name, "0+abc", path)
    entry = lock["packages"][pyodide_bundle.DIST]
    assert list(lock["packages"]) == [pyodide_bundle.DIST]
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["file_name"] == path.name and entry["imports"] == ["calculators"] and entry["depends"] == []
    stock = json.loads((pyodide_bundle.PYODIDE_DIR / "pyodide-lock.json").read_text())
    assert lock["info"] == stock["info"]


def test_cut_stdlib_keeps_traced_modules_their_packages_and_the_traceback_path(tmp_path):
    src = tmp_path / "full.zip"
    with zipfile.ZipFile(src, "w") as zf:
        for name in ("json/", "json/__init__.pyc", "json/decoder.pyc", "xml/__init__.pyc", "xml/dom.pyc",
                     "traceback.pyc", "ast.pyc", "tkinter.pyc", "a/b/__init__.pyc", "a/__init__.pyc", "a/b/c.pyc"):
            zf.writestr(name, b"")
    dst = tmp_path / "cut.zip"
    pyodide_bundle.cut_stdlib(src, dst, ["json/decoder.pyc", "ast.pyc", "a/b/c.pyc"])
    with zipfile.ZipFile(dst) as zf:
        kept = set(zf.namelist())
    assert kept == {"json/", "json/__init__.pyc", "json/decoder.pyc", "traceback.pyc", "ast.pyc",
                    "a/__init__.pyc", "a/b/__init__.pyc", "a/b/c.pyc"}


def test_manifest_marker_is_in_calculator_js():
    assert "/*@MANIFEST@*/null" in (pyodide_bundle.WEB_DIR / "calculator.js").read_text()
