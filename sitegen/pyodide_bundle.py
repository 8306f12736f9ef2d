"""Put the calculator's browser runtime into a built site: Pyodide, the engine wheel, the specs.

    site/assets/specs/<notice>/v<k>.json     every computable measure of that version (measure_spec)
    site/assets/pyodide/<digest>/            self-hosted runtime, immutable (name = digest of content)
        pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm   from the npm package `pyodide` (package-lock.json)
        python_stdlib.full.zip               .pyc only, cut to the modules the engine's run imports
        python_stdlib.zip                    the same with the modules already in the snapshot's
                                             memory blanked (blank_entries): what a restore needs
        zhengce_calculators-0+<h>-py3-none-any.whl     the engine, .pyc only, sha256 in the lock
        pyodide-lock.json                    that one package (also inlined in calculator.js)
        snapshot.bin                         memory after importing the engine (fast start), zero runs
                                             left out (sparse_snapshot; worker.js expands it)
        *.br, *.gz (+ *.zst for the wasm and the snapshot)    pre-compressed copies (precompress)
    site/assets/calculator/
        calculator.js                        fixed name (the pages include it), runtime manifest inlined
        calculator.css
        worker.<h>.js                        the Web Worker

The slow steps run inside Pyodide under Node (sitegen/node/build_runtime.mjs) and are cached in
build/pyodide-cache/ by a digest of their inputs, so a rebuild with an unchanged engine is quick.
No step fetches anything: the runtime comes from node_modules/ (`npm ci`).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sitegen import wheel
from sitegen.model import thaw
from sitegen.specs import measure_spec, version_specs

REPO = Path(__file__).resolve().parent.parent
PYODIDE_DIR = REPO / "node_modules" / "pyodide"
PYODIDE_VERSION = "314.0.7"      # = package.json; the snapshot format is private to this version
NODE_SCRIPT = Path(__file__).resolve().parent / "node" / "build_runtime.mjs"
WEB_DIR = REPO / "calculators" / "web"
CACHE = REPO / "build" / "pyodide-cache"
KEEP_CACHED = 3                  # runtimes (and stage results) kept in CACHE
COMPRESSED_KEPT = 600            # pre-compressed copies kept in CACHE/compressed (~200 per build)

DIST = "zhengce-calculators"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB, LOCK, SNAPSHOT = "python_stdlib.zip", "pyodide-lock.json", "snapshot.bin"
STDLIB_FULL = "python_stdlib.full.zip"  # for a normal boot (the browser's fallback)
INITIAL_HEAP = 30 * 1024 * 1024  # Pyodide's initial memory; a snapshot must not outgrow it
SPARSE_MAGIC = b"ZCS1"           # snapshot.bin: see sparse_snapshot()
SPARSE_MIN_RUN = 4096            # zero runs at least this long are left out of it
COMPRESSIBLE = (".mjs", ".wasm", ".zip", ".json", ".bin")
# Also zstd for these: it decodes several times faster than brotli (here 12.4 MB of snapshot in
# 17 ms against 120 ms, 9.6 MB of wasm in 12 against 73), and a browser decodes them again on
# every visit, cached or not, in one busy process. Brotli stays for text and older browsers.
ZSTD_SUFFIXES = (".wasm", ".bin")
ZSTD_LEVEL, ZSTD_WINDOW_LOG = 19, 23   # 2**23: browsers may refuse larger windows (RFC 9659)
# Always in the cut stdlib, imported or not: what a traceback needs when the engine fails.
STDLIB_KEEP = ("traceback", "linecache", "tokenize", "token", "codecs", "encodings/__init__",
               "encodings/aliases", "encodings/utf_8", "encodings/ascii", "encodings/latin_1")

# Every module of the engine is imported, used or not: after a restore the browser does not
# install the wheel again (calculators/web/worker.js), so an import the warm-up missed would fail.
WARMUP = """
import random, json, importlib, pkgutil
random.seed(0)                         # the snapshot freezes it: make it the same every build
import calculators
for module in pkgutil.walk_packages(calculators.__path__, "calculators."):
    importlib.import_module(module.name)
from calculators.web.bridge import calculate_json
for job in json.loads(WARMUP_JOBS):
    calculate_json(json.dumps(job["spec"]), json.dumps(job["inputs"]), job["lang"], job.get("on"))
"""


class BundleError(RuntimeError):
    pass


@dataclass(frozen=True)
class Runtime:
    """A finished runtime folder (cached) and what the browser needs to know about it."""
    folder: Path
    digest: str
    wheel: str
    lock: dict
    snapshot_bytes: int | None   # size of the expanded snapshot (the browser allocates it at once)


# ---- entry point used by sitegen.site.build_site ------------------------------------------------

def bundle(corpus, site_dir: Path) -> Runtime:
    site_dir = Path(site_dir)
    jobs = golden_jobs(corpus)
    runtime = build_runtime(jobs)
    write_specs(corpus, site_dir / "assets" / "specs")
    target = site_dir / "assets" / "pyodide" / runtime.digest
    shutil.copytree(runtime.folder, target, dirs_exist_ok=True)
    install_web(runtime, site_dir / "assets" / "calculator")
    return runtime


# Calculation dates the golden jobs take in turn: each notice's status and windows on days before,
# inside and after its periods (both runtimes must agree on them as on the figures).
STATUS_DAYS = ("2021-02-20", "2021-03-31", "2021-04-01", "2023-01-22", "2024-02-24", "2026-11-30")


def golden_jobs(corpus, langs=("zh", "en")) -> list[dict]:
    """Every golden case as {spec, inputs, lang, on}, plus each measure once with no input."""
    jobs, seen, specs = [], set(), {}
    for notice in corpus.notices:
        for case in notice.cases:
            version = notice.version(case.version) if case.version else notice.latest
            _, measure = version.measure(case.measure)
            key = (notice.id, version.version, str(measure.id))
            if key not in specs:   # a measure has several cases: its spec is made once
                specs[key] = measure_spec(version, measure, corpus)
            spec = specs[key]
            for lang in langs:
                jobs.append({"name": f"{notice.id}/v{version.version}/{measure.id}/{case.name}",
                             "spec": spec, "inputs": thaw(case.inputs), "lang": lang,
                             "on": STATUS_DAYS[len(jobs) % len(STATUS_DAYS)]})
            if key not in seen:
                seen.add(key)
                jobs.append({"name": f"{notice.id}/v{version.version}/{measure.id}/(empty)",
                             "spec": spec, "inputs": {}, "lang": "zh"})
    return jobs


def write_specs(corpus, out: Path, only: set[str] | None = None) -> list[Path]:
    """`<id>/v<k>.json`: the calculators' specs of each version (`only`: of these notices)."""
    written = []
    for notice in corpus.notices:
        for version in notice.versions if only is None or notice.id in only else ():
            specs = version_specs(version, corpus)
            if not specs:
                continue
            path = out / notice.id / f"v{version.version}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_json(specs), encoding="utf-8")
            written.append(path)
    return written


# ---- the runtime folder ---------------------------------------------------------------------

def build_runtime(jobs: list[dict]) -> Runtime:
    """Compile, cut, snapshot and compress; each stage cached by the digest of its inputs."""
    _check_pyodide()
    files = wheel.package_files(REPO / "calculators")
    version = wheel.source_version(files)
    tools = _digest(NODE_SCRIPT.read_bytes(), (NODE_SCRIPT.parent / "pycompile.py").read_bytes(),
                    *(_file_digest(PYODIDE_DIR / f) for f in (*RUNTIME_FILES, STDLIB)))

    # 1. .py → .pyc for the stdlib and the engine (Pyodide's own interpreter compiles them).
    stdlib = _cached("stdlib", tools, _compile_stdlib) / STDLIB
    compiled = _cached("engine", _digest(tools, version), lambda d: _compile_engine(d, files, version))
    whl = wheel.wheel_name(DIST, version)
    lock = _lock(whl, version, compiled / whl)
    # 2. Which stdlib modules the engine's run imports (all golden cases, both languages).
    warm = _json(jobs)
    traced = _cached("traced", _digest(tools, version, WARMUP, warm),
                     lambda d: _trace(d, stdlib, compiled, lock, warm))
    needed = json.loads((traced / "modules.json").read_text())
    # 3. The runtime folder: cut stdlib, wheel, lock, snapshot; named by the digest of its inputs.
    key = _digest(tools, version, WARMUP, _json(SNAPSHOT_JOBS), _json(needed), STDLIB_KEEP, INITIAL_HEAP,
                  SPARSE_MAGIC, SPARSE_MIN_RUN, ZSTD_SUFFIXES, ZSTD_LEVEL, ZSTD_WINDOW_LOG, STDLIB_FULL)
    folder = _cached("runtime", key, lambda d: _assemble(d, stdlib, compiled / whl, lock, needed))
    return Runtime(folder=folder, digest=key[:16], wheel=whl, lock=lock,
                   snapshot_bytes=sparse_size(folder / SNAPSHOT) if (folder / SNAPSHOT).is_file() else None)


def _compile_stdlib(out: Path) -> None:
    # Stored, not deflated: the server's brotli then compresses the whole archive at once
    # (1.0 MB against 4.4 MB for a deflated zip of .pyc), and imports skip inflating.
    _node("compile", {"pyodideDir": str(PYODIDE_DIR), "zips": [
        {"src": str(PYODIDE_DIR / STDLIB), "dst": str(out / STDLIB), "compression": zipfile.ZIP_STORED}]})


def _compile_engine(out: Path, files: dict[str, bytes], version: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = wheel.write_wheel(Path(tmp), DIST, version, files)
        raw = Path(tmp) / "compiled.whl"
        _node("compile", {"pyodideDir": str(PYODIDE_DIR), "zips": [
            {"src": str(src), "dst": str(raw), "compression": zipfile.ZIP_DEFLATED}]})
        # Re-wrap so RECORD names the .pyc files with their hashes.
        wheel.write_wheel(out, DIST, version, wheel.read_files(raw))


def _trace(out: Path, stdlib: Path, compiled: Path, lock: dict, warm: str) -> None:
    report = _node("trace", {"pyodideDir": str(PYODIDE_DIR), "stdlib": str(stdlib),
                             "lock": lock, "packageBaseUrl": str(compiled), "package": DIST,
                             "warmup": WARMUP, "jobs": warm})
    (out / "modules.json").write_text(_json(sorted(report["modules"])))


def _assemble(out: Path, stdlib: Path, whl: Path, lock: dict, needed: list[str]) -> None:
    for name in RUNTIME_FILES:
        shutil.copy(PYODIDE_DIR / name, out / name)
    shutil.copy(whl, out / whl.name)
    (out / LOCK).write_text(_json(lock))
    cut_stdlib(stdlib, out / STDLIB_FULL, needed)
    # The snapshot's warm-up must not depend on the policies (or every edit would redo it): it
    # imports the engine and runs one tiny measure through the bridge.
    report = _node("snapshot", {"pyodideDir": str(PYODIDE_DIR), "stdlib": str(out / STDLIB_FULL),
                                "lock": lock, "packageBaseUrl": str(out), "package": DIST,
                                "warmup": WARMUP, "jobs": _json(SNAPSHOT_JOBS), "expectHeap": INITIAL_HEAP,
                                "out": str(out / "snapshot.raw")})
    check_snapshot_modules(wheel.read_files(whl), report["modules"])
    sparse_snapshot(out / "snapshot.raw", out / SNAPSHOT)
    blank_entries(out / STDLIB_FULL, out / STDLIB, report["imported"])
    (out / "snapshot.raw").unlink()
    precompress([p for p in sorted(out.iterdir()) if p.suffix in COMPRESSIBLE])


def engine_modules(files) -> list[str]:
    """Dotted names of the Python modules among a wheel's file names (.py or .pyc)."""
    names = []
    for name in files:
        stem, ext = posixpath.splitext(name)
        if ext in (".py", ".pyc") and ".dist-info/" not in name:
            parts = stem.split("/")
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def check_snapshot_modules(wheel_files, snapshot_modules) -> None:
    """Every module of the wheel must be imported in the snapshot's memory (see WARMUP)."""
    missing = sorted(set(engine_modules(wheel_files)) - set(snapshot_modules))
    if missing:
        raise BundleError(f"the memory snapshot lacks the engine modules {', '.join(missing)}: after a "
                          "restore the browser does not install the wheel, so importing them would fail")


def sparse_snapshot(src: Path, dst: Path) -> None:
    """The snapshot without its long zero runs: 31.5 MB of memory, 12.4 MB of it not zero.

    The browser decodes the transfer encoding (brotli) before the worker sees a byte, so every
    zero sent costs decoding and copying on the critical path (~0.1 s for these 19 MB here);
    the worker writes the rest into a zeroed buffer instead. Layout (little-endian u32s):
    magic "ZCS1", expanded size, segment count n, n × (offset, length), then the n segments.
    """
    raw = src.read_bytes()
    segments, pos = [], 0
    for run in re.finditer(b"\0{%d,}" % SPARSE_MIN_RUN, raw):
        if run.start() > pos:
            segments.append((pos, run.start() - pos))
        pos = run.end()
    if pos < len(raw):
        segments.append((pos, len(raw) - pos))
    with dst.open("wb") as f:
        f.write(SPARSE_MAGIC + struct.pack("<II", len(raw), len(segments)))
        f.write(b"".join(struct.pack("<II", *seg) for seg in segments))
        for offset, length in segments:
            f.write(raw[offset:offset + length])


def sparse_size(path: Path) -> int:
    with path.open("rb") as f:
        head = f.read(8)
    if head[:4] != SPARSE_MAGIC:
        raise BundleError(f"{path}: not a sparse snapshot (magic {head[:4]!r})")
    return struct.unpack("<I", head[4:8])[0]


def precompress(paths: list[Path]) -> None:
    """path.br and path.gz beside each file, and path.zst for ZSTD_SUFFIXES; cached by content
    in CACHE/compressed (the wasm and the theme's files rarely change)."""
    store = CACHE / "compressed"
    store.mkdir(parents=True, exist_ok=True)
    todo = []
    for path in paths:
        digest = _file_digest(path)
        cached = {ext: store / f"{digest}{ext}" for ext in
                  (".br", ".gz", *((".zst",) if path.suffix in ZSTD_SUFFIXES else ()))}
        if ".zst" in cached and not cached[".zst"].is_file():
            _write_atomic(cached[".zst"], zstd_compress(path.read_bytes()))
        if not (cached[".br"].is_file() and cached[".gz"].is_file()):
            todo.append((path, digest))
        for ext, copy in cached.items():
            if copy.is_file():
                os.utime(copy)  # recently used: kept by _prune
                shutil.copy(copy, path.with_name(path.name + ext))
    if todo:
        _node("compress", {"files": [str(p) for p, _ in todo]})
        for path, digest in todo:
            for ext in (".br", ".gz"):
                _write_atomic(store / f"{digest}{ext}", path.with_name(path.name + ext).read_bytes())
    _prune(store, keep=COMPRESSED_KEPT)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def zstd_compress(data: bytes) -> bytes:
    import zstandard  # build time only (requirements.txt); the engine stays standard-library

    params = zstandard.ZstdCompressionParameters.from_level(
        ZSTD_LEVEL, source_size=len(data), window_log=min(ZSTD_WINDOW_LOG, max(10, len(data).bit_length())))
    return zstandard.ZstdCompressor(compression_params=params).compress(data)


SNAPSHOT_JOBS = [{"lang": lang, "inputs": inputs, "spec": {
    "notice": "warmup", "version": 1, "id": "1", "title": {"zh": "预热", "en": "Warm-up"},
    "beneficiary": "enterprise", "calculator": True, "currency": "CNY",
    "rounding": {"places": 2, "mode": "half_up"}, "amount_kind": "up_to", "amount": "amount",
    "inputs": [{"id": "n", "type": "count", "label": {"zh": "人数", "en": "People"}, "min": 0},
               {"id": "d", "type": "date", "label": {"zh": "日期", "en": "Date"}}],
    "rules": [{"require": "d >= date('2024-01-01')", "cite": "1",
               "text": {"zh": "日期", "en": "Date"}, "fail": {"zh": "日期不符", "en": "Wrong date"}},
              {"let": "amount", "expr": "n * 500", "cite": "1", "text": {"zh": "{n}×500", "en": "{n}×500"}},
              {"cap": "amount", "max": "10000", "cite": "1", "text": {"zh": "上限", "en": "Cap"}}],
}} for lang in ("zh", "en") for inputs in ({"n": "30", "d": "2024-02-01"}, {"n": "-1", "d": "x"}, {})]


def cut_stdlib(src: Path, dst: Path, needed: list[str]) -> None:
    """Keep the traced modules (plus STDLIB_KEEP and package __init__s), drop the rest.

    Entries keep the compiled zip's order, dates and compression: the result is reproducible.
    """
    keep = {m + ".pyc" for m in STDLIB_KEEP} | set(needed)
    for name in list(keep):
        parts = name.split("/")[:-1]
        keep |= {"/".join(parts[:i]) + "/__init__.pyc" for i in range(1, len(parts) + 1)}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in keep or info.filename.endswith("/"):
                zout.writestr(info, zin.read(info))


def blank_entries(src: Path, dst: Path, names: list[str]) -> None:
    """A copy of the (stored) zip `src` with the data of `names` overwritten by zeros.

    Python's zipimport keeps the zip's directory (names → offsets) in memory, so the snapshot
    holds it: the zip served with the snapshot must keep every offset, and the modules already
    imported into that memory are never read from it again. Blanking them keeps the layout and
    leaves 97% of the zip as zeros (3.4 MB brotli'd to almost nothing instead of 1 MB). Were a
    blanked module ever imported again, its zeroed header fails the .pyc magic check and the
    import fails cleanly; the normal boot uses the full zip.
    """
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        infos = {info.filename: info for info in z.infolist()}
    for name in sorted(set(names) & set(infos)):  # frozen modules report a path but are not in it
        info = infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            raise BundleError(f"{src.name}: {name} is compressed; blank_entries needs stored entries")
        # Local file header: 30 bytes, then the name and the extra field, then the data.
        head = data[info.header_offset:info.header_offset + 30]
        if head[:4] != b"PK\x03\x04":
            raise BundleError(f"{src.name}: no local header for {name}")
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        data[start:start + info.compress_size] = bytes(info.compress_size)
    dst.write_bytes(data)


def _lock(whl: str, version: str, path: Path) -> dict:
    """pyodide-lock.json with just the engine: the stock one lists 357 packages we do not ship."""
    stock = json.loads((PYODIDE_DIR / LOCK).read_text())
    entry = {"name": DIST, "version": version, "file_name": whl, "install_dir": "site",
             "sha256": _file_digest(path), "package_type": "package", "imports": ["calculators"],
             "depends": [], "unvendored_tests": False}
    return {"info": stock["info"], "packages": {DIST: entry}}


# ---- the browser side -------------------------------------------------------------------------

def install_page_assets_only(out: Path) -> None:
    """A pages-only build (tests of the pages alone): the form script and style, no runtime.

    calculator.js keeps its null manifest and tells the reader the engine is not part of this build.
    """
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(WEB_DIR / "calculator.css", out / "calculator.css")
    shutil.copy(WEB_DIR / "calculator.js", out / "calculator.js")


def install_web(runtime: Runtime, out: Path) -> None:
    """worker.<h>.js, calculator.css, and calculator.js with the runtime manifest inlined."""
    out.mkdir(parents=True, exist_ok=True)
    worker = (WEB_DIR / "worker.js").read_bytes()
    worker_name = f"worker.{_digest(worker)[:12]}.js"
    (out / worker_name).write_bytes(worker)
    shutil.copy(WEB_DIR / "calculator.css", out / "calculator.css")
    manifest = {
        "worker": worker_name,                                # relative to calculator.js
        "runtime": f"../pyodide/{runtime.digest}/",           # relative to calculator.js
        "specs": "../specs/",
        "stdlib": STDLIB,
        "stdlibFull": STDLIB_FULL,
        "snapshot": SNAPSHOT if runtime.snapshot_bytes else None,
        "snapshotBytes": runtime.snapshot_bytes,
        "package": DIST,
        "lock": runtime.lock,
        "pyodideVersion": PYODIDE_VERSION,
    }
    source = (WEB_DIR / "calculator.js").read_text(encoding="utf-8")
    marker = "/*@MANIFEST@*/null"
    if marker not in source:
        raise BundleError(f"{WEB_DIR / 'calculator.js'}: manifest marker {marker} not found")
    (out / "calculator.js").write_text(source.replace(marker, _json(manifest)), encoding="utf-8")


# ---- helpers --------------------------------------------------------------------------------------

def _check_pyodide() -> None:
    meta = PYODIDE_DIR / "package.json"
    if not meta.is_file():
        raise BundleError(f"{PYODIDE_DIR}: missing; run `npm ci` in {REPO} (package-lock.json pins pyodide)")
    found = json.loads(meta.read_text())["version"]
    if found != PYODIDE_VERSION:
        raise BundleError(f"{meta}: pyodide {found} installed, {PYODIDE_VERSION} expected; run `npm ci`")


def _cached(stage: str, key: str, make) -> Path:
    """CACHE/<stage>/<key>/, made by make(tmp_dir) and moved into place only once complete."""
    final = CACHE / stage / key[:24]
    if final.is_dir():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key[:8]}-", dir=final.parent))
    try:
        make(tmp)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if not final.is_dir():
            raise
    _prune(final.parent, keep=KEEP_CACHED)
    return final


def _prune(folder: Path, *, keep: int) -> None:
    """Drop all but the `keep` newest entries (every engine edit makes a ~45 MB runtime)."""
    entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def _node(command: str, job: dict) -> dict | list:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(job, f)
    try:
        proc = subprocess.run(["node", str(NODE_SCRIPT), command, f.name], capture_output=True, text=True)
    except FileNotFoundError as err:
        raise BundleError("node not found: Node 20 is needed to build the calculator runtime") from err
    finally:
        Path(f.name).unlink()
    if proc.returncode != 0:
        raise BundleError(f"{NODE_SCRIPT.name} {command} failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
