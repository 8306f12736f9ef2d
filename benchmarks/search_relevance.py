"""Search relevance: precision at 1 and at 3 on the relevance set, in headless Chromium.

    .venv/bin/python benchmarks/search_relevance.py [--site DIR] [--verbose]

Builds the site from policies/ (without the Pyodide runtime, which search does not need) unless
--site names a built one, types every query of tests/fixtures/search_relevance.yaml into the
search page of its language, and reads the links the results show, in order: each result's
clause and measure links (or its title link when it shows none). P@1: the first link is one of
the expected answers; P@3: one of the first three is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from sitegen import urls  # noqa: E402

CASES = ROOT / "tests" / "fixtures" / "search_relevance.yaml"
BUILD_DATE = dt.date(2024, 3, 1)


def load_cases(path: Path = CASES) -> list[dict]:
    import yaml
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"lang": lang, "q": c["q"], "expect": list(c["expect"])} for lang in ("zh", "en")
            for c in data[lang]]


def shown_links(page, base_url: str, lang: str, query: str) -> list[str]:
    """The links the results show for `query`, in order, as "<notice>#<anchor>"."""
    page.goto(base_url + urls.search(lang) + "?q=" + quote(query))
    page.wait_for_function("() => { const s = document.getElementById('zc-status').textContent;"
                           " return s && !s.startsWith(document.querySelector('[data-zc-search]')"
                           ".dataset.zcLoading); }", timeout=30000)
    hrefs = page.eval_on_selector_all(
        "#zc-results > li", """items => items.flatMap(li => {
            const links = li.querySelectorAll('a.zc-results__clause');
            return links.length ? [...links].map(a => a.href) : [li.querySelector('a').href];
        })""")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        notice = parts.path.rstrip("/").split("/")[-1]
        out.append(f"{notice}#{parts.fragment}" if parts.fragment else notice)
    return out


def evaluate(page, base_url: str, cases: list[dict]) -> list[dict]:
    rows = []
    for case in cases:
        links = shown_links(page, base_url, case["lang"], case["q"])
        rows.append({**case, "links": links[:3],
                     "p1": bool(links) and links[0] in case["expect"],
                     "p3": any(link in case["expect"] for link in links[:3])})
    return rows


def summary(rows: list[dict]) -> dict:
    out = {}
    for name, part in (("zh", [r for r in rows if r["lang"] == "zh"]),
                       ("en", [r for r in rows if r["lang"] == "en"]), ("all", rows)):
        n = len(part) or 1
        out[name] = {"n": len(part), "p1": sum(r["p1"] for r in part) / n,
                     "p3": sum(r["p3"] for r in part) / n}
    return out


def run(site: Path, verbose: bool = False) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from sitegen.serve import serve_in_thread
    server, base = serve_in_thread(site, "127.0.0.1", 0)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            rows = evaluate(browser.new_page(), base, load_cases())
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a built site (default: build one from policies/)")
    parser.add_argument("--verbose", action="store_true", help="print every query's first links")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zc-relevance-") as tmp:
        site = Path(args.site) if args.site else Path(tmp) / "site"
        if not args.site:
            from sitegen.readers import load_policies
            from sitegen.site import build_site
            corpus = load_policies(ROOT / "policies", seeds_dir=ROOT / "sources", run_cases=False)
            build_site(corpus, site, build_date=BUILD_DATE, calculators=False)
        rows = run(site)
    for r in rows:
        if args.verbose or not r["p3"]:
            mark = "ok " if r["p1"] else ("p3 " if r["p3"] else "MISS")
            print(f"{mark} [{r['lang']}] {r['q']}: {', '.join(r['links']) or '(nothing)'}")
    print("| queries | n | P@1 | P@3 |\n| --- | ---: | ---: | ---: |")
    for name, s in summary(rows).items():
        print(f"| {name} | {s['n']} | {s['p1']:.2f} | {s['p3']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
