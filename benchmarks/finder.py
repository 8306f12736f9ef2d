"""How fast the finder page answers, and what it downloads, with 1,000 synthetic notices (issue 16.7).

    .venv/bin/python benchmarks/finder.py [--notices 1000] [--runs 5] [--site DIR] [--no-calculator]

The site: the notices of policies/ plus N synthetic ones (sitegen/synthetic.py: six regions, seven
years, each measure's inputs mapped onto policies/facts.yaml), built with the calculators' runtime
into a temporary folder (or --site, a site built before). In headless Chromium, per run a new
browser context (empty caches): open /en/finder/, focus the location picker (which starts the
engine), wait until the engine is ready, then choose Shengsi (330922) and a day, and answer up to
six questions (the first choice, a date, or the figure 10). Printed, medians over the runs:
  - first answer: from "Start" after the location question to the results on screen (downloading
    facts.json and the province's and nationwide bundles for the year, merging them in Python,
    `find` over every measure);
  - each later update: from an answer to the new results;
  - bytes of finder data transferred (headers + bodies as sent: the bundles are pre-compressed at
    build time) and the same files uncompressed on disk;
then the calculator start-up figures (benchmarks/calculator_start.py) on the same site.
Targets (issue): first answer ≤ 300 ms, each update ≤ 100 ms, ≤ 1 MB compressed of specs.

Server: sitegen.serve (`python build.py serve`), which sends the pre-compressed .br/.gz beside a
file when the browser accepts it, as a static host does; over loopback (no latency simulated).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.calculator_start import cpu_probe, start_server  # noqa: E402
from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DAY = "2024-02-20"
QUESTIONS = 6
DONE = "[data-zc-finder][data-state=ready], [data-zc-finder][data-state=error]"


def build(site: Path, notices: int) -> float:
    from sitegen import synthetic
    from sitegen.readers import load_policies
    from sitegen.site import build_site
    policies = site.parent / "policies"
    synthetic.write_corpus(policies, notices)
    for folder in (ROOT / "policies").iterdir():
        if folder.is_dir() and (folder / "v1.yaml").is_file():
            shutil.copytree(folder, policies / folder.name)
    start = time.perf_counter()
    corpus = load_policies(policies, run_cases=False)
    build_site(corpus, site, build_date=dt.date(2024, 3, 1), index_search=False)
    return time.perf_counter() - start


def steps(page) -> list[float]:
    """ms from each "zc-finder-ask" mark to the "zc-finder-result" mark that follows it."""
    marks = page.evaluate("""() => performance.getEntriesByType('mark')
        .filter(m => m.name.startsWith('zc-finder')).map(m => [m.name, m.startTime])""")
    out, asked = [], None
    for name, at in marks:
        if name == "zc-finder-ask":
            asked = at
        elif name == "zc-finder-result" and asked is not None:
            out.append(at - asked)
            asked = None
    return out


def one_run(browser, base: str) -> list[float]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "en/finder/")
    page.locator("#zc-finder-province").focus()            # wakes the engine, as a reader's first touch
    page.wait_for_selector("html[data-zc-engine=ready]", timeout=120_000)
    page.wait_for_timeout(200)                             # the facts and index requests settle
    page.select_option("#zc-finder-province", "330000")
    page.select_option("#zc-finder-city", "330900")
    page.select_option("#zc-finder-district", "330922")
    page.fill("#zc-finder-on", DAY)
    page.click("#zc-finder-where button[type=submit]")
    page.wait_for_selector(DONE, timeout=120_000)
    for _ in range(QUESTIONS):
        if page.locator("[data-zc-finder]").get_attribute("data-state") != "ready":
            raise SystemExit("the finder failed: " + page.inner_text("#zc-finder-counts"))
        if page.locator("#zc-finder-question").is_hidden():
            break
        before = len(steps(page))
        radios = page.locator("#zc-finder-question input[type=radio]")
        if radios.count():
            radios.first.check()
        else:
            field = page.locator("#zc-finder-q-value")
            field.fill("2024-02-10" if field.get_attribute("type") == "date" else "10")
        page.click("[data-zc-answer]")
        for _ in range(600):
            if len(steps(page)) > before:
                break
            page.wait_for_timeout(10)
        page.wait_for_selector(DONE)
    measured = steps(page)
    context.close()
    return measured


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notices", type=int, default=1000, help="synthetic notices beside policies/")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--site", type=Path, help="a site built before (with the calculators)")
    ap.add_argument("--no-calculator", action="store_true", help="skip the calculator start-up figures")
    args = ap.parse_args()
    load_before, probe_before = os.getloadavg(), cpu_probe()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="zc-finder-bench-") as tmp:
        site, built = args.site, None
        if site is None:
            site = Path(tmp) / "site"
            built = build(site, args.notices)
        finder_dir = site / "data" / "finder"
        server, base, counter = start_server(site, static_host=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                firsts, updates, sent, files = [], [], [], set()
                for _ in range(args.runs):
                    counter.reset()
                    measured = one_run(browser, base)
                    firsts.append(measured[0])
                    updates += measured[1:]
                    sent.append(counter.total("/data/finder/"))
                    files |= {path for path in counter.by_path if "/data/finder/" in path}
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
        on_disk = sum((site / f.lstrip("/")).stat().st_size for f in files if (site / f.lstrip("/")).is_file())
        bundles = sorted(p.name for p in finder_dir.glob("*.json"))
        all_bytes = sum((finder_dir / n).stat().st_size for n in bundles)
        count = len(json.loads((finder_dir / "index.json").read_text(encoding="utf-8"))["bundles"])

        print(f"Finder — headless Chromium {CHROMIUM}, Shengsi (330922) on {DAY}, medians of {args.runs} runs, "
              "loopback; server: sitegen.serve (pre-compressed .br/.gz, Cache-Control)")
        if built is not None:
            print(f"site: policies/ + {args.notices} synthetic notices, built in {built:.0f} s")
        print(f"machine: {os.cpu_count()} cores; 1-minute load average {load_before[0]:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after; CPU probe {probe_before:.0f} ms before, {cpu_probe():.0f} ms after")
        print(f"{'first answer after the location':40}{statistics.median(firsts):>8.0f} ms   (runs: "
              + ", ".join(f"{x:.0f}" for x in firsts) + ")   target ≤ 300 ms")
        if updates:
            print(f"{'each later update':40}{statistics.median(updates):>8.0f} ms   ({len(updates)} answers; "
                  f"max {max(updates):.0f} ms)   target ≤ 100 ms")
        print(f"{'finder data transferred':40}{statistics.median(sent) / 1e3:>8.1f} KB   ({len(files)} files: "
              + ", ".join(sorted(f.rsplit('/', 1)[1] for f in files)) + f"; {on_disk / 1e3:.1f} KB uncompressed)"
              "   target ≤ 1 MB")
        print(f"{'all finder data on the site':40}{all_bytes / 1e6:>8.2f} MB   ({count} bundles + facts + index, uncompressed)")
        if not args.no_calculator:
            print()
            sys.stdout.flush()
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "calculator_start.py"), "--site", str(site),
                            "--runs", "3"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
