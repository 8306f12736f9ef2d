"""The adversarial run: throw a battery of hostile inputs at every surface and count what holds.

    .venv/bin/python benchmarks/adversarial.py            # the table (README "Reliability")
    .venv/bin/python benchmarks/adversarial.py --verbose  # and every attempt with its outcome
    .venv/bin/python benchmarks/adversarial.py --area server --json

Areas: the command line (build.py as a user runs it), the loader (hostile YAML and files, each
validated in a child process limited to 1 GB of memory, so a bomb or a C-stack overflow is a
failed attempt and not a dead machine), the engine (calculators.calculate in-process), the
server (sitegen.serve, nginx and Caddy from deploy/, raw bytes on loopback) and the archive
(tampered manifests under `build`). Everything happens in temporary folders on copies of the
test fixtures; nothing in the checkout is written but the Pyodide build cache. Under a minute on
two cores once that cache is warm (the first archive build compiles the runtime: minutes).

An attempt passes when the outcome is the one a user should get: a message and the documented
exit code (never a traceback, signal or hang), a value refused with InputError (never a wrong
number), a status line with the right code (never an empty reply, a leaked file or a logged
exception), a tampered archive refused. Each attempt's expectation is written next to it.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import calculators  # noqa: E402
from sitegen.specs import measure_spec  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "policies"
ARCHIVE_FIXTURE = ROOT / "tests" / "fixtures" / "archive"
MEMORY_LIMIT = 1 << 30
TIMEOUT = 60


@dataclass
class Outcome:
    area: str
    name: str
    ok: bool
    detail: str


# ---- running things -----------------------------------------------------------------------------

def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cli(*args: str, env: dict | None = None, policies: Path | None = None,
        limit_memory: bool = False, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """build.py in a child process; `limit_memory` caps it at MEMORY_LIMIT (not for builds:
    Pyodide's compile step reserves more address space than that)."""
    full = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    if policies is not None:
        full["ZHENGCE_POLICIES"] = str(policies)
    # A session of its own, so that a timeout ends the whole group (a build's Node helpers too).
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace", env=full, start_new_session=True,
                            preexec_fn=_limit_memory if limit_memory else None)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return subprocess.CompletedProcess(args, -999, "", f"timed out after {timeout} s")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def judged(proc: subprocess.CompletedProcess, code: int | set, needle: str = "") -> tuple[bool, str]:
    """A message and exit `code` (or one of them): no traceback, no signal, no hang; `needle` in stderr."""
    err = proc.stderr or ""
    last = err.strip().splitlines()[-1][:160] if err.strip() else "(no message)"
    if proc.returncode == -999:
        return False, "hang: " + err
    if proc.returncode < 0:
        return False, f"killed by signal {-proc.returncode}"
    if "Traceback" in err:
        return False, "traceback: " + last
    if proc.returncode not in (code if isinstance(code, set) else {code}):
        return False, f"exit {proc.returncode}, expected {code}: {last}"
    if needle and needle not in err:
        return False, f"message lacks {needle!r}: {last}"
    return True, last


def copy_fixture(tmp: Path, name: str, source: Path = FIXTURE) -> Path:
    root = tmp / name / "policies"
    shutil.copytree(source, root)
    return root


# ---- the command line -----------------------------------------------------------------------

def cli_attacks(tmp: Path) -> list[tuple[str, Callable[[], tuple[bool, str]]]]:
    good = ["--input", "industrial=true", "--input", "state_owned=false", "--input", "chartered=true",
            "--input", "cross_province=true", "--input", "charter_date=2024-02-15", "--input", "workers=30",
            "--input", "cost=20000", "--input", "prior_subsidy=0"]
    calc = ["calc", "shengsi-2024", "7"]

    def replace(flag_value: str, new: str) -> list[str]:
        return [new if a == flag_value else a for a in good]

    # A measure that divides by a computed zero no golden case reaches (issue 13.2).
    divide = copy_fixture(tmp, "divide")
    path = divide / "demo-notice" / "v1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '              - let: amount\n                expr: "workers * 500"',
        '              - let: gap\n                expr: "workers - 7"\n                cite: "1"\n'
        '                text: {zh: "差 {gap}", en: "gap {gap}"}\n'
        '              - let: amount\n                expr: "workers * 500 + 0 * (500 / gap)"'), encoding="utf-8")

    profiles = {}  # finder profiles that must be refused naming the fact (or the file)
    for name, text in (("typo", "facts: {regoin: '330922'}"), ("code", "facts: {sector: \"__import__('os')\"}"),
                       ("huge", "facts: {charter_cost: '" + "9" * 100_000 + "'}"), ("list", "- 1"),
                       ("series", "facts: {electricity: {'2024-13': 5}}")):
        profiles[name] = tmp / f"profile-{name}.yaml"
        profiles[name].write_text(text + "\n", encoding="utf-8")

    attacks = [
        ("find profile missing", lambda: judged(cli("find", "--profile", str(tmp / "none.yaml")), 2, "no such file")),
        ("find unknown fact", lambda: judged(cli("find", "--profile", str(profiles["typo"])), 2, "regoin")),
        ("find fact that is code", lambda: judged(cli("find", "--profile", str(profiles["code"])), 2, "sector")),
        ("find fact of 100,000 digits", lambda: judged(cli("find", "--profile", str(profiles["huge"])), 2,
                                                       "charter_cost")),
        ("find profile that is a list", lambda: judged(cli("find", "--profile", str(profiles["list"])), 2)),
        ("find month 13", lambda: judged(cli("find", "--profile", str(profiles["series"])), 2, "2024-13")),
        ("find --on 2024-02-30", lambda: judged(cli("find", "--profile", str(profiles["typo"]), "--on", "2024-02-30"),
                                                2, "calendar")),
        ("calc --on 2024-02-30", lambda: judged(cli(*calc, *good, "--on", "2024-02-30"), 2, "calendar")),
        ("calc --on yesterday", lambda: judged(cli(*calc, *good, "--on", "yesterday"), 2, "YYYY-MM-DD")),
        ("calc --on 10000-01-01", lambda: judged(cli(*calc, *good, "--on", "10000-01-01"), 2, "YYYY-MM-DD")),
        ("list --date 2024-02-30", lambda: judged(cli("list", "--date", "2024-02-30"), 2, "calendar")),
        ("build --date 2026-02-30", lambda: judged(cli("build", "--date", "2026-02-30", "--out", str(tmp / "s1")), 2)),
        ("SOURCE_DATE_EPOCH=garbage", lambda: judged(
            cli("build", "--out", str(tmp / "s2"), env={"SOURCE_DATE_EPOCH": "garbage"}), 2, "SOURCE_DATE_EPOCH")),
        ("SOURCE_DATE_EPOCH=99999999999", lambda: judged(
            cli("build", "--out", str(tmp / "s3"), env={"SOURCE_DATE_EPOCH": "99999999999"}), 2, "SOURCE_DATE_EPOCH")),
        ("calc --version 0", lambda: judged(cli(*calc, *good, "--version", "0"), 2, "version")),
        ("describe --version -1", lambda: judged(cli("describe", "shengsi-2024", "7", "--version", "-1"), 2)),
        ("calc --version 99", lambda: judged(cli(*calc, *good, "--version", "99"), 2, "no version")),
        ("unknown notice", lambda: judged(cli("calc", "no-such", "1"), 2, "unknown notice")),
        ("unknown measure", lambda: judged(cli("calc", "shengsi-2024", "999"), 2, "no measure")),
        ("text unknown notice", lambda: judged(cli("text", "../../etc/passwd"), 2)),
        ("calc --input without =", lambda: judged(cli(*calc, *good, "--input", "workers"), 2, "ID=VALUE")),
        ("calc unknown input", lambda: judged(cli(*calc, *good, "--input", "bogus=1"), 2, "bogus")),
        ("compare --input without =", lambda: judged(
            cli("compare", "shengzhou-2024", "r1", "--input", "workers"), 2, "ID=VALUE")),
        ("compare unknown input", lambda: judged(
            cli("compare", "shengzhou-2024", "r1", "--input", "bogus=1"), 2, "bogus")),
        ("calc input with NUL", lambda: judged(cli(*calc, *replace("workers=30", "workers=3\x010")), 2, "workers")),
        ("calc input of 100,000 digits", lambda: judged(cli(*calc, *replace("cost=20000", "cost=" + "9" * 100_000)), 2, "cost")),
        ("calc input 1e999999", lambda: judged(cli(*calc, *replace("cost=20000", "cost=1e999999")), 2, "cost")),
        ("calc input NaN", lambda: judged(cli(*calc, *replace("cost=20000", "cost=NaN")), 2, "cost")),
        ("calc input 10² (superscript)", lambda: judged(cli(*calc, *replace("workers=30", "workers=10²")), 2, "workers")),
        ("calc divides by a computed zero", lambda: judged(
            cli("calc", "demo-notice", "1", "--input", "workers=7", policies=divide), {1, 2})),
        ("--lang xx", lambda: judged(cli("list", "--lang", "xx"), 2)),
        ("serve --port 99999", lambda: judged(cli("serve", "--no-build", "--port", "99999"), 2, "port")),
        ("serve a site never built", lambda: judged(cli("serve", "--no-build", "--site", str(tmp / "none")), 1)),
        ("policies folder missing", lambda: judged(cli("validate", policies=tmp / "none"), 1)),
        ("build --out over a file", lambda: judged(cli("build", "--out", "/etc/passwd/site"), 1)),
        ("stdout closed early (| head)", lambda: _closed_pipe()),
    ]
    return attacks


def _closed_pipe() -> tuple[bool, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "schema"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.wait(timeout=TIMEOUT)
    return ("Traceback" not in err, "quiet" if "Traceback" not in err else "traceback: BrokenPipeError")


# ---- the loader -----------------------------------------------------------------------------

def _write(rel: str, data: bytes):
    return lambda root: (root / rel).write_bytes(data)


def _folder(rel: str):
    def prepare(root: Path):
        if (root / rel).is_file():
            (root / rel).unlink()
        (root / rel).mkdir()
    return prepare


def _edit(rel: str, old: str, new: str):
    def prepare(root: Path):
        text = (root / rel).read_text(encoding="utf-8")
        assert old in text, old
        (root / rel).write_text(text.replace(old, new), encoding="utf-8")
    return prepare


def _both(*prepares):
    def prepare(root: Path):
        for step in prepares:
            step(root)
    return prepare


def loader_attacks(tmp: Path):
    v1 = "demo-notice/v1.yaml"
    bomb = "\n".join([f"a0: &a0 [{', '.join(['lol'] * 9)}]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]) + "\n"
    block = "".join("  " * i + f"k{i}:\n" for i in range(1000)) + "  " * 1000 + "x\n"
    cases = [  # (name, how to spoil a copy of the fixture, what the message must say)
        ("alias bomb (billion laughs)", _write(v1, bomb.encode()), "aliases"),
        ("recursive alias", _write(v1, b"a: &x\n  b: *x\n"), "aliases"),
        ("one alias in a notice", _both(_edit(v1, "issuers:\n", "issuers: &who\n"), _edit(
            v1, "addressees:\n  - {zh: 各有关单位, en: All relevant units}", "addressees: *who")), "aliases"),
        ("500-deep flow nesting", _write(v1, b"[" * 500 + b"]" * 500), "nested"),
        ("100,000-deep flow nesting", _write(v1, b"[" * 100_000 + b"]" * 100_000), "nested"),
        ("1,000-deep block nesting", _write(v1, block.encode()), "nested"),
        ("5 MB file", _write(v1, b"a: '" + b"x" * 5_000_000 + b"'\n"), "larger than"),
        ("GB18030 file", _write(v1, "id: 示例\n".encode("gb18030")), "UTF-8"),
        ("stray 0xFF byte", _write(v1, b"id: demo\xff\n"), "UTF-8"),
        ("UTF-16 file", _write(v1, "id: demo\n".encode("utf-16")), "UTF-8"),
        ("empty file", _write(v1, b""), "v1.yaml"),
        ("file that is a scalar", _write(v1, b"just text\n"), "v1.yaml"),
        ("file that is a list", _write(v1, b"- 1\n- 2\n"), "v1.yaml"),
        ("python object tag", _write(v1, b"a: !!python/object/apply:os.system ['true']\n"), "v1.yaml"),
        ("binary tag", _write(v1, b"a: !!binary aGVsbG8=\n"), "v1.yaml"),
        ("complex key", _write(v1, b"? [a, b]\n: c\n"), "keys must be plain text"),
        ("merge key", _write(v1, b"a: {x: 1}\nb:\n  <<: {x: 1}\n"), "merge"),
        ("duplicate key", _write(v1, b"a: 1\na: 2\n"), "duplicate"),
        ("tab indentation", _write(v1, b"a:\n\tb: 1\n"), "syntax"),
        ("impossible date", _edit(v1, "written: 2024-01-29", "written: 2024-02-30"), "written"),
        ("glossary is a mapping", _write("glossary.yaml", b"a: b\n"), "glossary.yaml"),
        ("glossary term is a list", _write("glossary.yaml", b"- {zh: [x], en: y}\n"), "glossary.yaml"),
        ("glossary is a folder", _folder("glossary.yaml"), "glossary.yaml"),
        ("folder named v2.yaml", _folder("demo-notice/v2.yaml"), "v2.yaml"),
        ("v01.yaml beside v1.yaml", lambda root: shutil.copy(root / v1, root / "demo-notice" / "v01.yaml"), "v01.yaml"),
        ("cases.yaml is a folder", _folder("demo-notice/cases.yaml"), "cases.yaml"),
    ]
    attacks = []
    for index, (name, prepare, needle) in enumerate(cases):
        def attack(index=index, prepare=prepare, needle=needle):
            root = copy_fixture(tmp, f"loader{index}")
            prepare(root)
            start = time.perf_counter()
            ok, detail = judged(cli("validate", policies=root, limit_memory=True), 1, needle)
            return ok, f"{detail} ({time.perf_counter() - start:.1f} s)"
        attacks.append((name, attack))
    return attacks


# ---- the engine -----------------------------------------------------------------------------

def engine_attacks(tmp: Path):
    from sitegen.readers import load_policies
    corpus = load_policies(ROOT / "policies", run_cases=False)
    version = corpus.notice("shengsi-2024").latest
    _, measure = version.measure("7")
    spec = measure_spec(version, measure)
    base = {"industrial": "true", "state_owned": "false", "chartered": "true", "cross_province": "true",
            "charter_date": "2024-02-15", "workers": "30", "cost": "20000", "prior_subsidy": "0"}

    def amount_of(**change):
        return calculators.calculate(spec, {**base, **change}, lang="en")["amount"]

    def refused(field: str, value) -> Callable[[], tuple[bool, str]]:
        def attack():
            start = time.perf_counter()
            try:
                result = calculators.calculate(spec, {**base, field: value}, lang="en")
            except calculators.InputError as exc:
                took = time.perf_counter() - start
                return (exc.input_id == field and took < 5,
                        f"InputError on {exc.input_id} in {took:.2f} s: {exc.message_en[:80]}")
            except Exception as exc:  # noqa: BLE001 - any other exception is the failure measured
                return False, f"{type(exc).__name__}: {str(exc)[:100]}"
            return False, f"accepted, amount {result['amount']}"
        return attack

    def same_as(field: str, value, plain) -> Callable[[], tuple[bool, str]]:
        def attack():
            try:
                got, want = amount_of(**{field: value}), amount_of(**{field: plain})
            except Exception as exc:  # noqa: BLE001
                return False, f"{type(exc).__name__}: {str(exc)[:100]}"
            return got == want, f"{got} (as {plain!r}: {want})"
        return attack

    return [
        ("baseline golden case", lambda: (amount_of() == "10000.00", f"amount {amount_of()}")),
        ("full-width digits ３０", same_as("workers", "３０", "30")),
        ("superscript 10²", refused("workers", "10²")),
        ("superscript 5²⁰⁰⁰", refused("cost", "5²⁰⁰⁰")),
        ("Arabic-Indic digits ٣٠", refused("workers", "٣٠")),
        ("fraction ½", refused("cost", "½")),
        ("circled ⑩", refused("workers", "⑩")),
        ("1e999999", refused("cost", "1e999999")),
        ("NaN", refused("cost", "NaN")),
        ("Infinity", refused("cost", "Infinity")),
        ("-Infinity", refused("cost", "-Infinity")),
        ("100,000 digits", refused("cost", "9" * 100_000)),
        ("NUL byte", refused("cost", "20\x00000")),
        ("right-to-left override", refused("cost", "\u202e00002")),
        ("empty string", refused("cost", "")),
        ("None", refused("cost", None)),
        ("a list where a number goes", refused("cost", [1, 2])),
        ("a mapping where a number goes", refused("cost", {"a": 1})),
        ("negative count", refused("workers", "-5")),
        ("fractional count", refused("workers", "30.5")),
        ("date 2024-02-30", refused("charter_date", "2024-02-30")),
        ("date 10000-01-01", refused("charter_date", "10000-01-01")),
        ("bool 'maybe'", refused("chartered", "maybe")),
        ("hex literal 0x10", refused("workers", "0x10")),
    ]


# ---- the servers ----------------------------------------------------------------------------

SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"


def _server_site(tmp: Path) -> Path:
    tmp.mkdir(parents=True)
    (tmp / "secret.txt").write_text(SECRET)
    site = tmp / "site"
    (site / "assets" / "pyodide" / "0123456789abcdef").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>home</title>")
    (site / "404.html").write_text("<!doctype html><title>not found</title>")
    (site / ".env").write_text(SECRET)
    (site / "assets" / "pyodide" / "0123456789abcdef" / "pyodide.asm.wasm").write_bytes(b"\0asm" + bytes(4000))
    (site / "assets" / "pyodide" / "0123456789abcdef" / "pyodide.asm.wasm.gz").write_bytes(
        gzip.compress(b"\0asm" + bytes(4000), mtime=0))
    return site


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        out = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                out += chunk
    return out


SERVER_REQUESTS = [  # (name, raw request, acceptable status codes)
    ("request line over 64 KB", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {b"414", b"400"}),
    ("garbage request line", b"garbage\r\n\r\n", {b"400"}),
    ("HTTP/9.9", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", {b"505", b"400"}),
    ("NUL in the path", b"GET /index\x00.html HTTP/1.1\r\nHost: x\r\n\r\n", {b"400"}),
    ("%00 in the path", b"GET /index%00.html HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("../ traversal", b"GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("%2e%2e traversal", b"GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("..%2f traversal", b"GET /assets/..%2f..%2fsecret.txt HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("double slash", b"GET //secret.txt HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("absolute /etc/passwd", b"GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", {b"404"}),
    ("dot-file", b"GET /.env HTTP/1.1\r\nHost: x\r\n\r\n", {b"404", b"403"}),
    ("folder listing", b"GET /assets/ HTTP/1.1\r\nHost: x\r\n\r\n", {b"404", b"403"}),
    ("absolute-form URI", b"GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n", {b"200", b"400", b"404"}),
    ("invalid UTF-8 path", b"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    ("200 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", {b"200", b"400", b"431"}),
    ("header over 64 KB", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"b" * 70_000 + b"\r\n\r\n",
     {b"200", b"400", b"431"}),  # Go reads headers up to 1 MB
    ("POST", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", {b"405", b"501"}),
    ("TRACE", b"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", {b"405", b"501"}),
    ("bogus Range", b"GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=999999999-\r\n\r\n", {b"200", b"416"}),
    ("garbage If-Modified-Since", b"GET / HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: yesterday\r\n\r\n", {b"200"}),
    ("odd Accept-Encoding", b"GET /assets/pyodide/0123456789abcdef/pyodide.asm.wasm HTTP/1.1\r\nHost: x\r\n"
                            b"Accept-Encoding: gzip;q=abc, br;q=-1, *;q=0\r\n\r\n", {b"200", b"406"}),
    ("HEAD", b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", {b"200"}),
]


def server_attacks(tmp: Path, stack: contextlib.ExitStack):
    from sitegen import serve
    from tests import caddy, nginx
    site = _server_site(tmp / "srv")
    dev, _ = serve.serve_in_thread(site)
    logged: list = []
    dev.handle_error = lambda request, address: logged.append(address)
    stack.callback(dev.server_close)
    stack.callback(dev.shutdown)
    servers = [("sitegen.serve", dev.server_address[1])]
    for name, runner in (("nginx", nginx), ("caddy", caddy)):
        reason = runner.available()
        if reason is None:
            url = stack.enter_context(runner.running(site, tmp / name))
            servers.append((name, int(url.rsplit(":", 1)[1].strip("/"))))
        else:
            print(f"{name} left out: {reason}", file=sys.stderr)

    attacks = []
    for server, port in servers:
        for name, request, statuses in SERVER_REQUESTS:
            def attack(port=port, request=request, statuses=statuses, server=server):
                before = len(logged)
                answer = _raw(port, request)
                status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/1.") else None
                if server == "sitegen.serve":
                    time.sleep(0.05)  # let the handler thread finish and log
                if status is None:
                    return False, f"no status line: {answer[:60]!r}"
                if SECRET.encode() in answer:
                    return False, "served a file it must not (outside the site, or a dot-file)"
                if len(logged) > before:
                    return False, f"status {status.decode()}, and an exception logged by the server"
                return status in statuses, f"status {status.decode()}"
            attacks.append((f"{server}: {name}", attack))
    return attacks


# ---- the archive ----------------------------------------------------------------------------

def archive_attacks(tmp: Path):
    policies = tmp / "archive-policies"
    shutil.copytree(ARCHIVE_FIXTURE, policies)
    manifest = tmp / "manifest.json"
    proc = cli("publish", "--date", "2024-03-01", "--out", str(tmp / "published"), policies=policies,
               env={"ZHENGCE_MANIFEST": str(manifest)}, timeout=1200)  # may compile the runtime
    if proc.returncode != 0:
        raise RuntimeError(f"could not publish the archive fixture: {proc.stderr[-2000:]}")
    good = manifest.read_text(encoding="utf-8")
    data = json.loads(good)

    def tampered(name: str, write: Callable[[Path], None], edit_policies: Callable[[Path], None] | None = None):
        def attack():
            folder = tmp / f"tamper-{name.replace(' ', '-')}"
            folder.mkdir()
            target = folder / "manifest.json"
            write(target)
            pol = policies
            if edit_policies:
                pol = folder / "policies"
                shutil.copytree(policies, pol)
                edit_policies(pol)
            # The publisher's last built site is where the build looks for the manifest it carries
            # (as `build` into the usual site/ does): an entry removed from the end of a valid chain
            # can only be told from one never written by comparing with such a copy.
            shutil.copytree(tmp / "published", folder / "site")
            return judged(cli("build", "--out", str(folder / "site"), "--date", "2024-03-01", policies=pol,
                              env={"ZHENGCE_MANIFEST": str(target)}), 1)
        return attack

    key = "entries" if "entries" in data else "versions"  # the chained manifest, or the first format

    def without_entry(path: Path):
        entries = data[key]
        if isinstance(entries, list):
            kept = [e for e in entries if e.get("notice") != "demo-successor"]
        else:
            kept = {k: v for k, v in entries.items() if not k.startswith("demo-successor")}
        path.write_text(json.dumps({**data, key: kept}), encoding="utf-8")

    def first_entry_edit(edit):
        def write(path: Path):
            copy = json.loads(good)
            entries = copy[key]
            entry = entries[0] if isinstance(entries, list) else next(iter(entries.values()))
            edit(entry)
            path.write_text(json.dumps(copy), encoding="utf-8")
        return write

    def edit_text(pol: Path):
        path = pol / "demo-bus" / "v2.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("en: Charter-bus subsidy", "en: Charter bus subsidy", 1), encoding="utf-8")

    return [
        ("truncated manifest", tampered("truncated", lambda p: p.write_text(good[: len(good) // 2]))),
        ("empty manifest", tampered("empty", lambda p: p.write_text(""))),
        ("manifest of the wrong shape", tampered("shape", lambda p: p.write_text("[]"))),
        ("manifest not UTF-8", tampered("bytes", lambda p: p.write_bytes(b"\xff\xfe{"))),
        ("manifest is a folder", tampered("folder", lambda p: p.mkdir())),
        ('{"versions": {}}', tampered("emptied", lambda p: p.write_text('{"versions": {}}'))),
        ("one notice's entry deleted", tampered("deleted", without_entry)),
        ("entry without its digest", tampered("nodigest", first_entry_edit(lambda e: e.pop("content_sha256", None)))),
        ("digest altered", tampered("altered", first_entry_edit(lambda e: e.update(content_sha256="0" * 64)))),
        ("published text edited", tampered("edited", lambda p: p.write_text(good), edit_text)),
    ]


# ---- the run --------------------------------------------------------------------------------

AREAS = ("cli", "loader", "engine", "server", "archive")


def run(areas, verbose: bool) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="zhengce-adversarial-") as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        builders = {"cli": lambda: cli_attacks(tmp / "cli"), "loader": lambda: loader_attacks(tmp / "loader"),
                    "engine": lambda: engine_attacks(tmp / "engine"),
                    "server": lambda: server_attacks(tmp / "server", stack),
                    "archive": lambda: archive_attacks(tmp / "archive")}
        for area in areas:
            (tmp / area).mkdir()
            try:
                attacks = builders[area]()
            except Exception as exc:  # noqa: BLE001 - an area that cannot be set up is reported
                outcomes.append(Outcome(area, "setting up the area", False, f"{type(exc).__name__}: {exc}"[:300]))
                continue
            for name, attack in attacks:
                try:
                    ok, detail = attack()
                except Exception as exc:  # noqa: BLE001 - the harness reports, never stops
                    ok, detail = False, f"{type(exc).__name__}: {str(exc)[:120]}"
                outcomes.append(Outcome(area, name, ok, detail))
                if verbose:
                    print(f"{'pass' if ok else 'FAIL'}  {area:<8} {name}: {detail}", file=sys.stderr)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    rows = ["| area | attempts | passed | failed |", "| --- | ---: | ---: | ---: |"]
    for area in AREAS:
        mine = [o for o in outcomes if o.area == area]
        if mine:
            passed = sum(o.ok for o in mine)
            rows.append(f"| {area} | {len(mine)} | {passed} | {len(mine) - passed} |")
    passed = sum(o.ok for o in outcomes)
    rows.append(f"| **all** | **{len(outcomes)}** | **{passed}** | **{len(outcomes) - passed}** |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", action="append", choices=AREAS, help="only these areas (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="every attempt and its outcome, on stderr")
    parser.add_argument("--json", action="store_true", help="every outcome as JSON on stdout")
    args = parser.parse_args()
    start = time.perf_counter()
    outcomes = run(args.area or AREAS, args.verbose)
    if args.json:
        print(json.dumps([o.__dict__ for o in outcomes], ensure_ascii=False, indent=1))
        return 0
    print(table(outcomes))
    failed = [o for o in outcomes if not o.ok]
    if failed:
        print("\nfailed:")
        for o in failed:
            print(f"- {o.area}: {o.name} — {o.detail}")
    print(f"\n({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
