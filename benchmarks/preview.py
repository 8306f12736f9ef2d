"""Live-preview latency: seconds from saving a notice to the open page showing the edit.

    .venv/bin/python benchmarks/preview.py              # the seed corpus (a copy of policies/)
    .venv/bin/python benchmarks/preview.py --notices 1000 --edits 3   # the scale benchmark's notices

Starts `build.py serve --watch` on a temporary copy (never policies/ itself), opens the notice's
English page in headless Chromium, saves a new English title, and times until the page (reloaded
by the preview's script) shows it in its heading. The initial full build is not timed. Prints each
edit's latency, the median, and the load average (the machine is shared). With --notices the
calculators' runtime is left out of the first build, as in benchmarks/scale.py (a constant cost).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chromium import CHROMIUM_ARGS  # noqa: E402
from sitegen import synthetic, urls  # noqa: E402

READY = re.compile(r"Previewing .* on (http://\S+/)")


def corpus(tmp: Path, notices: int) -> str:
    """Write the corpus under tmp/policies; return the id of the notice to edit."""
    if notices:
        ids = synthetic.write_corpus(tmp / "policies", notices)
        (tmp / "sources").mkdir()
        for nid in ids:  # what each synthetic notice's provenance cites (sha256 of its id)
            (tmp / "sources" / f"{nid}.txt").write_text(nid, encoding="utf-8")
        return f"synthetic-{notices // 2:04d}"
    shutil.copytree(ROOT / "policies", tmp / "policies")
    return "shengsi-2024"


def set_title(path: Path, title: str) -> None:
    """Save the version file with a new English title (line-wise when the title is on one line)."""
    text = path.read_text(encoding="utf-8")
    current = yaml.safe_load(text)["title"]["en"]
    line = f"  en: {current}\n"
    if text.count(line) >= 1 and "\ntitle:\n" in text:
        start = text.index("\ntitle:\n")
        at = text.index(line, start)
        text = text[:at] + f"  en: {title}\n" + text[at + len(line):]
    else:
        data = yaml.safe_load(text)
        data["title"]["en"] = title
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def run(notices: int, edits: int, timeout: float) -> list[float]:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="zc-preview-bench-") as tmp:
        tmp = Path(tmp)
        notice = corpus(tmp, notices)
        version_file = max((tmp / "policies" / notice).glob("v*.yaml"))
        env = {**os.environ, "ZHENGCE_POLICIES": str(tmp / "policies"), "PYTHONUNBUFFERED": "1"}
        if notices:
            env["ZHENGCE_SOURCES"] = str(tmp / "sources")
        log = (tmp / "serve.log").open("w+", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--watch", "--port", "0",
                                 "--site", str(tmp / "site"), "--date", "2024-03-01"]
                                + (["--no-calculators"] if notices else []),  # as scale.py: no runtime
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = wait_ready(tmp / "serve.log", proc, timeout=900)
            print(f"preview ready ({notices or 'seed'} notices): {base}", file=sys.stderr)
            seconds = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(base + urls.notice("en", notice))
                for i in range(edits):
                    title = f"Preview benchmark edit {i + 1} {time.time_ns()}"
                    start = time.perf_counter()
                    set_title(version_file, title)
                    page.wait_for_selector(f"h1:has-text('{title}')", timeout=timeout * 1000)
                    seconds.append(time.perf_counter() - start)
                    print(f"edit {i + 1}: {seconds[-1]:.2f} s", flush=True)
                    time.sleep(1)
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        return seconds


def wait_ready(log: Path, proc, timeout: float) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        match = READY.search(log.read_text(encoding="utf-8"))
        if match:
            return match.group(1)
        if proc.poll() is not None:
            raise SystemExit(f"serve --watch exited {proc.returncode}:\n{log.read_text(encoding='utf-8')[-3000:]}")
        time.sleep(0.5)
    raise SystemExit("serve --watch was not ready in time")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=0, help="synthetic notices (0: a copy of the seed corpus)")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for one edit")
    args = parser.parse_args(argv)
    seconds = run(args.notices, args.edits, args.timeout)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"| {args.notices or 'seeds'} | {' / '.join(f'{s:.2f}' for s in seconds)} s "
          f"| median {statistics.median(seconds):.2f} s | load average {load} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
