"""Scale benchmark: build the site from N synthetic notices and print what it costs.

    .venv/bin/python benchmarks/scale.py 10 100 1000
    .venv/bin/python benchmarks/scale.py 100 --material-search   # the theme's search, for comparison

Synthetic notices (sitegen/synthetic.py, titled 【合成】/[Synthetic]) are written to a temporary
folder, never to policies/. Figures: build time (load + render + mkdocs + Pagefind; the Pyodide
runtime is left out, a constant cost), pages, total site bytes, bytes of one notice page, and the
search-index bytes a first query downloads, measured in headless Chromium against sitegen.serve
(no compression: a real static host sends less), the peak memory of the load and build (this
process and its workers together, sampled from /proc every 0.2 s; getrusage's largest single
process beside it) and the load average at the end (the machine is shared).

    .venv/bin/python benchmarks/scale.py 10000 --no-query     # the build alone (no Chromium)
    .venv/bin/python benchmarks/scale.py 10000 --no-query --calculators   # as `build.py build`

`--calculators` measures what `python build.py build` does besides: every golden case run while
loading, and the calculators' runtime (every golden case run again in Pyodide to find the
modules the engine imports, cached by their digest in build/pyodide-cache/: a build after any
change to a golden case or a spec pays it) and the specs of every version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chromium import CHROMIUM_ARGS  # noqa: E402
from sitegen import synthetic, urls  # noqa: E402
from sitegen.lifecycle import status  # noqa: E402
from sitegen.pages import Renderer  # noqa: E402
from sitegen.readers import load_policies  # noqa: E402
from sitegen.site import build_site, run_mkdocs, write_docs_dir  # noqa: E402

BUILD_DATE = dt.date(2024, 3, 1)


def site_bytes(site: Path, part: str | None = None) -> int:
    base = site / part if part else site
    return sum(p.stat().st_size for p in base.rglob("*") if p.is_file())


def first_query_bytes(site: Path, lang: str, query: str) -> tuple[int, int]:
    """(bytes of search files fetched, results) for one query typed into a fresh search page."""
    from playwright.sync_api import sync_playwright

    from sitegen.serve import serve_in_thread
    server, base = serve_in_thread(site, "127.0.0.1", 0)
    fetched = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", lambda r: fetched.append(r) if "/pagefind/" in r.url else None)
            page.goto(base + urls.search(lang) + "?q=" + query)
            page.wait_for_selector("#zc-results li, #zc-status:has-text('0')", timeout=30000)
            page.wait_for_load_state("networkidle")
            total = sum(len(r.body()) for r in fetched)
            results = page.locator("#zc-results li").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return total, results


def material_search_bytes(corpus, work: Path) -> tuple[float, int]:
    """Build with mkdocs-material's own search (jieba for Chinese): (seconds, index bytes)."""
    statuses = {id(v): status(v, corpus, on=BUILD_DATE) for n in corpus.notices for v in n.versions}
    pages = Renderer(corpus, build_date=BUILD_DATE, status_of=lambda v: statuses[id(v)]).all_pages()
    docs, site = work / "docs-material", work / "site-material"
    write_docs_dir(pages, docs)
    start = time.perf_counter()
    run_mkdocs(docs, site, build_date=BUILD_DATE, plugins=["search"])
    seconds = time.perf_counter() - start
    return seconds, (site / "search" / "search_index.json").stat().st_size


class PeakMemory:
    """Largest total resident memory of this process and all its descendants while running."""

    def __init__(self, every: float = 0.2):
        self.every, self.peak = every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while True:
            self.peak = max(self.peak, tree_rss(os.getpid()))
            if self._stop.wait(self.every):
                return


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children: on a shared machine the
    part of the cost that does not depend on the other users (a 2-core machine's wall time is at
    best half of it)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and its descendants (from /proc; 0 where /proc is missing)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
                parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(children)
        frontier += children
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total


def run(n: int, material: bool, query: bool = True, calculators: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix="zc-scale-") as tmp:
        tmp = Path(tmp)
        synthetic.write_corpus(tmp / "policies", n)
        start = time.perf_counter()
        cpu_start = cpu_seconds()
        with PeakMemory() as memory:
            corpus = load_policies(tmp / "policies", run_cases=calculators)
            loaded = time.perf_counter()
            build_site(corpus, tmp / "site", build_date=BUILD_DATE, calculators=calculators)
            built = time.perf_counter()
        cpu = cpu_seconds() - cpu_start
        largest = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        site = tmp / "site"
        pages = sum(1 for _ in site.rglob("index.html"))
        notice_page = (site / urls.notice("zh", "synthetic-0000") / "index.html").stat().st_size
        zh_bytes, zh_hits = first_query_bytes(site, "zh", "留岗红包") if query else (0, 0)
        en_bytes, en_hits = first_query_bytes(site, "en", "charter bus") if query else (0, 0)
        row = {"n": n, "load_s": loaded - start, "build_s": built - loaded, "pages": pages,
               "peak": memory.peak, "cpu_s": cpu, "largest": largest * 1024, "loadavg": os.getloadavg(),
               "site_bytes": site_bytes(site), "search_bytes": site_bytes(site, "pagefind"),
               "notice_page": notice_page, "query_zh": zh_bytes, "hits_zh": zh_hits,
               "query_en": en_bytes, "hits_en": en_hits}
        if material:
            row["material_s"], row["material_index"] = material_search_bytes(corpus, tmp)
        return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000])
    parser.add_argument("--material-search", action="store_true",
                        help="also build with mkdocs-material's search and report its index size")
    parser.add_argument("--no-query", action="store_true", help="skip the first-query measurements (Chromium)")
    parser.add_argument("--calculators", action="store_true",
                        help="run the golden cases and build the calculators' runtime too, as `build.py build` does")
    args = parser.parse_args(argv)
    print("| notices | load | build | CPU (all processes) | peak memory (all processes; largest one) | load average | pages | site "
          "| Pagefind bundle | notice page (zh) "
          "| 1st query zh (hits) | 1st query en (hits) |" + (" material search: build, index |" if args.material_search else ""))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.material_search else ""))
    for n in args.sizes:
        r = run(n, args.material_search, query=not args.no_query, calculators=args.calculators)
        load = " ".join(f"{x:.1f}" for x in r["loadavg"])
        line = (f"| {r['n']} | {r['load_s']:.1f} s | {r['build_s']:.1f} s | {r['cpu_s']:.0f} s | {gb(r['peak'])}; {gb(r['largest'])} "
                f"| {load} | {r['pages']} | {mb(r['site_bytes'])} "
                f"| {mb(r['search_bytes'])} | {kb(r['notice_page'])} | {kb(r['query_zh'])} ({r['hits_zh']}) "
                f"| {kb(r['query_en'])} ({r['hits_en']}) |")
        if args.material_search:
            line += f" {r['material_s']:.1f} s, {mb(r['material_index'])} |"
        print(line, flush=True)
    return 0


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB"


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


if __name__ == "__main__":
    raise SystemExit(main())
