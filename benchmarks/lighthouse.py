"""Lighthouse (mobile) scores of a notice page, the search page and the home page.

    .venv/bin/python benchmarks/lighthouse.py [--site DIR] [--runs N]

Builds the site from policies/ (with the calculators) unless --site names a built one, serves it
with sitegen.serve (pre-compressed files, as `python build.py serve`) and runs Lighthouse 12.2.3
(npm, fetched into npm's cache on first use; Node 20) in Debian's Chromium. Prints the median
score per category and page, and the audits that cost points.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chromium import CHROMIUM  # noqa: E402
from sitegen import urls  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"notice (zh)": urls.notice("zh", "shengsi-2024"), "notice (en)": urls.notice("en", "shengsi-2024"),
         "search (zh)": urls.search("zh") + "?q=%E5%8C%85%E8%BD%A6", "search (en)": urls.search("en"),
         "home (zh)": urls.home("zh"), "home (en)": urls.home("en")}


def lighthouse(url: str, out: Path) -> dict:
    cmd = ["npm", "exec", "--yes", f"--package={LIGHTHOUSE}", "--", "lighthouse", url,
           "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(cmd, check=True, env=env, cwd=out.parent, capture_output=True, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a built site (default: build one from policies/)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (the median is printed)")
    args = parser.parse_args()
    from sitegen.serve import serve_in_thread
    with tempfile.TemporaryDirectory(prefix="zc-lighthouse-") as tmp:
        site = Path(args.site) if args.site else Path(tmp) / "site"
        if not args.site:
            from sitegen.readers import load_policies
            from sitegen.site import build_site
            corpus = load_policies(ROOT / "policies", seeds_dir=ROOT / "sources", run_cases=False)
            build_site(corpus, site, build_date=dt.date(2024, 3, 1))
        server, base = serve_in_thread(site, "127.0.0.1", 0)
        rows, lost = [], {}
        try:
            for name, path in PAGES.items():
                scores = {c: [] for c in CATEGORIES}
                for run in range(args.runs):
                    report = lighthouse(base + path, Path(tmp) / f"report-{len(rows)}-{run}.json")
                    for c in CATEGORIES:
                        scores[c].append(round(report["categories"][c]["score"] * 100))
                    for c in CATEGORIES:
                        for ref in report["categories"][c]["auditRefs"]:
                            audit = report["audits"][ref["id"]]
                            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                                lost.setdefault(f"{name}: {c}", set()).add(
                                    f"{ref['id']} ({audit.get('displayValue') or audit['score']})")
                rows.append((name, {c: statistics.median(v) for c, v in scores.items()}))
        finally:
            server.shutdown()
            server.server_close()
    print("| page | " + " | ".join(CATEGORIES) + " |\n|---|" + "---:|" * len(CATEGORIES))
    for name, scores in rows:
        print(f"| {name} | " + " | ".join(f"{scores[c]:.0f}" for c in CATEGORIES) + " |")
    for key, audits in sorted(lost.items()):
        print(f"{key}: " + ", ".join(sorted(audits)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
