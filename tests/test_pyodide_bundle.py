"""Packaging the engine for Pyodide: a byte-reproducible wheel, the lock entry, the cut stdlib."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
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


def test_the_snapshot_must_hold_every_module_of_the_engine():
    """After a restore the browser does not install the wheel: the build refuses a snapshot in
    which some engine module was never imported."""
    files = wheel.package_files(ROOT / "calculators")
    modules = pyodide_bundle.engine_modules(files)
    assert {"calculators", "calculators.engine", "calculators.web", "calculators.web.bridge"} <= set(modules)
    assert len(modules) == len(files)
    compiled = {name[:-3] + ".pyc": b"" for name in files} | {"x-0.dist-info/RECORD": b""}
    assert pyodide_bundle.engine_modules(compiled) == modules
    pyodide_bundle.check_snapshot_modules(compiled, ["sys", *modules])
    with pytest.raises(pyodide_bundle.BundleError, match=r"lacks the engine modules calculators\.engine:"):
        pyodide_bundle.check_snapshot_modules(compiled, [m for m in modules if m != "calculators.engine"])


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


def test_blank_entries_keeps_the_layout_and_only_the_unimported_modules(tmp_path):
    """The zip served with the snapshot: same size and offsets (zipimport's directory is in the
    snapshot's memory), the imported modules' bytes zeroed, the others importable; importing a
    blanked module fails cleanly instead of running garbage."""
    import importlib.util
    import marshal
    import zipimport
    src, dst = tmp_path / "full.zip", tmp_path / "served.zip"
    with zipfile.ZipFile(src, "w") as zf:  # stored, like the compiled stdlib
        for name, source in (("gone", "X = 'in memory already'\n"), ("kept", "X = 'still here'\n")):
            code = compile(source, f"{name}.py", "exec")
            zf.writestr(f"{name}.pyc", importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code))
    pyodide_bundle.blank_entries(src, dst, ["gone.pyc", "frozen_only.py"])
    full, served = src.read_bytes(), dst.read_bytes()
    assert len(served) == len(full)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
        assert [(i.filename, i.header_offset, i.file_size) for i in a.infolist()] == \
               [(i.filename, i.header_offset, i.file_size) for i in b.infolist()]
        gone = a.getinfo("gone.pyc")
    assert full.count(b"in memory already") == 1 and served.count(b"in memory already") == 0
    assert served.count(b"still here") == 1
    assert sum(x != y for x, y in zip(full, served)) <= gone.file_size
    importer = zipimport.zipimporter(str(dst))
    assert importer.get_code("kept").co_consts[0] == "still here"
    with pytest.raises(ImportError, match="magic"):
        importer.get_code("gone")


def test_manifest_marker_is_in_calculator_js():
    assert "/*@MANIFEST@*/null" in (pyodide_bundle.WEB_DIR / "calculator.js").read_text()


needs_node = pytest.mark.skipif(shutil.which("node") is None or not pyodide_bundle.PYODIDE_DIR.is_dir(),
                                reason="needs node and `npm ci` (node_modules/pyodide)")


@needs_node
def test_runtime_is_byte_identical_across_two_cold_builds(tmp_path, monkeypatch):
    """Issue 6: two builds of the same input, each from an empty cache, give the same bytes —
    the memory snapshot included (clocks, entropy and time zone are fixed while it is made).

    The brotli/gzip copies are left out here (a minute and a half each at maximum quality, and
    pure functions of the bytes compared); test_precompressed_copies_are_reproducible covers them."""
    from tests.corpus import corpus
    jobs = pyodide_bundle.golden_jobs(corpus())
    monkeypatch.setattr(pyodide_bundle, "precompress", lambda paths: None)
    built = []
    for name in ("a", "b"):
        monkeypatch.setattr(pyodide_bundle, "CACHE", tmp_path / name)
        built.append(pyodide_bundle.build_runtime(jobs))
    a, b = built
    assert a.digest == b.digest and a.lock == b.lock and a.snapshot_bytes == b.snapshot_bytes > 0
    names = sorted(p.name for p in a.folder.iterdir())
    assert names == sorted(p.name for p in b.folder.iterdir())
    assert {pyodide_bundle.SNAPSHOT, pyodide_bundle.STDLIB, pyodide_bundle.LOCK, a.wheel} <= set(names)
    differing = [n for n in names if (a.folder / n).read_bytes() != (b.folder / n).read_bytes()]
    assert not differing, f"differ between two builds: {differing}"


@needs_node
def test_precompressed_copies_are_reproducible(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(pyodide_bundle.PYODIDE_DIR / "pyodide.mjs", src / "pyodide.mjs")
    (src / "data.json").write_text(json.dumps({"k": list(range(3000))}))
    (src / "memory.bin").write_bytes(bytes(range(256)) * 4000 + bytes(200_000))
    copies = {}
    for name in ("a", "b"):
        folder = tmp_path / name
        shutil.copytree(src, folder)
        monkeypatch.setattr(pyodide_bundle, "CACHE", tmp_path / f"cache-{name}")
        pyodide_bundle.precompress(sorted(folder.iterdir()))
        copies[name] = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".br", ".gz", ".zst")}
    assert sorted(copies["a"]) == ["data.json.br", "data.json.gz", "memory.bin.br", "memory.bin.gz",
                                   "memory.bin.zst", "pyodide.mjs.br", "pyodide.mjs.gz"]  # zstd: binaries only
    assert copies["a"] == copies["b"]
    mjs = (src / "pyodide.mjs").read_bytes()
    assert gzip.decompress(copies["a"]["pyodide.mjs.gz"]) == mjs
    assert len(copies["a"]["pyodide.mjs.br"]) < len(copies["a"]["pyodide.mjs.gz"]) < len(mjs)
    import zstandard
    zst = copies["a"]["memory.bin.zst"]
    assert zstandard.ZstdDecompressor().decompress(zst) == (src / "memory.bin").read_bytes()
    assert zstandard.get_frame_parameters(zst).window_size <= 8 << 20  # what browsers must accept


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_sparse_snapshot_round_trips_through_the_workers_decoder(tmp_path):
    """sparse_snapshot (Python, build time) and expandSnapshot (worker.js, in the browser) agree;
    long zero runs are left out; a truncated file is refused before anything is written."""
    run = pyodide_bundle.SPARSE_MIN_RUN
    raw = (b"\x00snp" + bytes(range(1, 200)) + b"\0" * (run - 1) + b"x" + b"\0" * (3 * run)
           + b"tail" * 500 + b"\0" * (2 * run) + b"end" + b"\0" * run)
    (tmp_path / "raw").write_bytes(raw)
    pyodide_bundle.sparse_snapshot(tmp_path / "raw", tmp_path / "sparse")
    sparse = (tmp_path / "sparse").read_bytes()
    assert pyodide_bundle.sparse_size(tmp_path / "sparse") == len(raw)
    assert len(sparse) < len(raw) - 5 * run       # the long runs are gone, the short one kept
    (tmp_path / "cut").write_bytes(sparse[:-1])
    script = f"""
      import {{ readFileSync, writeFileSync }} from "node:fs";
      const {{ expandSnapshot }} = await import({json.dumps(str(pyodide_bundle.WEB_DIR / "worker.js"))});
      const dir = {json.dumps(str(tmp_path))};
      const into = new Uint8Array({len(raw)});
      expandSnapshot(new Uint8Array(readFileSync(dir + "/sparse")), into);
      writeFileSync(dir + "/expanded", into);
      const clean = new Uint8Array({len(raw)});
      try {{ expandSnapshot(new Uint8Array(readFileSync(dir + "/cut")), clean); console.log("accepted"); }}
      catch (err) {{ console.log(clean.some((b) => b !== 0) ? "half-written" : "refused"); }}
    """
    proc = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "expanded").read_bytes() == raw
    assert proc.stdout.strip() == "refused"
