"""Full-text search: Pagefind indexes the built pages (Chinese cut into words, English stemmed).

Chosen over mkdocs-material's search because its index is loaded whole by every reader (14 MB
at 2,000 notices) while Pagefind's is split into small chunks fetched per query; see README for
the figures. Only notice pages carry `data-pagefind-body`, so listings and chrome stay out.

Pagefind reads an *index view* of each latest notice page, written to a scratch folder, never
the published page: Chinese text with a space between words (sitegen/segment.py; the language
is declared as `und-Hans` so that Pagefind splits at the spaces and nowhere else, and the browser
cuts queries the same way), and every measure as a heading `#m-<measure>` with its title, so a
result can point at the measure as well as at the clause. Pagefind runs over at most
PAGES_PER_RUN views at a time (it holds a run's pages in memory), and the runs of a language are
joined into one index (sitegen/pagefind_index.py).
"""

from __future__ import annotations

import html
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

from sitegen.segment import HAN, Segmenter, user_words


INDEXED_GLOB = "*/n/*/index.html"
# The index language of Chinese pages (Han script, language left undetermined): not "zh" (nor
# "cmn", which browsers canonicalise to "zh"), for which Pagefind would cut the
# words again its own way, at indexing (charabia) and in the browser (Intl.Segmenter).
ZH_INDEX_LANG = "und-Hans"
SYNONYMS = Path(__file__).with_name("search_synonyms.yaml")
# Browser dictionary: the vocabulary in shards by first character, each about this size.
SHARD_BYTES = 4096


REPO = Path(__file__).resolve().parent.parent


class SearchIndexError(RuntimeError):
    pass


# Pagefind holds every page of a run in memory (about 240 KB a page: 2.4 GB for 10,000 English
# pages), so a language with more pages is indexed in runs of at most this many, joined by
# sitegen.pagefind_index into the one index a single run would have written.
PAGES_PER_RUN = 2000


def index_site(site_dir: Path, corpus=None, *, scratch_dir: str | None = None,
               pages_per_run: int = PAGES_PER_RUN) -> None:
    """Write the Pagefind bundle to `site_dir/pagefind/` (one index per page language), with the
    word list and synonyms the search page segments and widens queries with. The index views
    are written under `scratch_dir` (default: the system's temporary folder)."""
    indexer = Indexer(site_dir, corpus, scratch_dir=scratch_dir, pages_per_run=pages_per_run)
    try:
        indexer.start()
        indexer.finish()
    finally:
        indexer.close()


class Indexer:
    """The search index in two steps, so that the build can write its other files meanwhile:
    `start()` writes the index views, and a thread runs Pagefind over each batch of views as soon
    as it is written (a process per run) and then joins each language's runs (a process per
    language, while Pagefind runs over the next); `finish()` waits for them and puts the joined
    bundles in the site. `close()` stops and cleans up (after finish() it only cleans up)."""

    def __init__(self, site_dir: Path, corpus=None, *, scratch_dir: str | None = None,
                 pages_per_run: int = PAGES_PER_RUN):
        self.site_dir, self.corpus, self.pages_per_run = Path(site_dir), corpus, max(1, pages_per_run)
        self._scratch = tempfile.TemporaryDirectory(prefix="zc-index-view-", dir=scratch_dir)
        self.scratch = Path(self._scratch.name)
        # Pagefind writes beside the site (the same file system): its files are moved, not copied.
        self.parts = self.site_dir.with_name(f".{self.site_dir.name}-pagefind-{os.getpid()}-{id(self):x}")
        self.segmenter = None
        self.languages: dict[str, dict] = {}    # language folder → its bundle entry, once joined
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="pagefind", daemon=True)

    def start(self) -> None:
        self.segmenter = Segmenter(user_words(self.corpus) if self.corpus is not None else ())
        self._thread.start()
        try:
            runs: list[Path] = []
            folder, count = None, 0
            # Only latest notice pages are indexed: reading the other thousands of files costs time.
            for page in sorted(self.site_dir.glob(INDEXED_GLOB)):   # sorted: one language after the other
                rel = page.relative_to(self.site_dir)
                if rel.parts[0] != folder or count == self.pages_per_run:
                    if runs:
                        self._queue.put(("run", folder, runs[-1]))
                    if rel.parts[0] != folder and runs:
                        self._queue.put(("join", folder, runs))
                        runs = []
                    folder, count = rel.parts[0], 0
                    runs.append(self.scratch / "views" / f"{folder}-{len(runs)}")
                count += 1
                view = runs[-1] / rel
                view.parent.mkdir(parents=True, exist_ok=True)
                view.write_text(index_view(page.read_text(encoding="utf-8"), self.segmenter), encoding="utf-8")
            if runs:
                self._queue.put(("run", folder, runs[-1]))
                self._queue.put(("join", folder, runs))
        finally:
            self._queue.put(None)

    def _work(self) -> None:
        joins: dict[str, subprocess.Popen] = {}
        try:
            while (item := self._queue.get()) is not None:
                if self._stop.is_set() or self._error is not None:
                    continue   # drain the queue
                kind, folder, views = item
                if kind == "run":
                    run_pagefind(views, self.parts / views.name, f"{folder}/n/*/index.html")
                    shutil.rmtree(views)  # tmpfs is memory
                else:
                    cmd = [sys.executable, "-m", "sitegen.pagefind_index", str(self.parts / folder),
                           *(str(self.parts / v.name) for v in views)]
                    joins[folder] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                                     cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
            for folder, proc in joins.items():
                out, err = proc.communicate()
                if proc.returncode:
                    raise SearchIndexError(f"joining the Pagefind runs of {folder}/ failed: {err.strip() or proc.returncode}")
                self.languages[folder] = json.loads(out)
        except BaseException as err:  # noqa: BLE001 - handed to finish(), in the build's thread
            self._error = err
        finally:
            for proc in joins.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

    def finish(self) -> None:
        if self.segmenter is None:
            raise SearchIndexError("the index was not started")
        self._thread.join()
        if self._error is not None:
            raise self._error
        bundle = self.site_dir / "pagefind"
        bundle.mkdir(parents=True, exist_ok=True)
        entry = {"languages": {}}
        for folder, language in sorted(self.languages.items()):
            _move_files(self.parts / folder, bundle)
            entry = {**language, "languages": {**entry["languages"], **language["languages"]}}
        # Pagefind lists the languages in a varying order (a Rust hash map): sorted, so that
        # builds are byte-identical.
        entry["languages"] = dict(sorted(entry["languages"].items()))
        (bundle / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                                    encoding="utf-8")
        write_query_data(bundle, self.segmenter.vocabulary)

    def close(self) -> None:
        self._stop.set()
        self._queue.put(None)   # in case start() never ran
        if self._thread.is_alive():
            self._thread.join()
        self._scratch.cleanup()
        shutil.rmtree(self.parts, ignore_errors=True)


def _move_files(source: Path, bundle: Path) -> None:
    """Move a language's joined bundle into the site's; the scripts and the wasm, which every
    language's bundle has, once."""
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        target = bundle / path.relative_to(source)
        if target.exists():
            if target.read_bytes() != path.read_bytes():
                raise SearchIndexError(f"Pagefind bundles differ in {target.relative_to(bundle)}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def run_pagefind(site: Path, out: Path, glob: str) -> None:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out), "--glob", glob, "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")


MEASURE = re.compile(r'<aside class="zc-measure" id="m-(?P<id>[^"]+)"[^>]*>(?P<body>.*?)</aside>', re.S)
MEASURE_TITLE = re.compile(r'class="zc-measure__title"[^>]*>(?:<span class="zc-kind">.*?</span>)?(.*?)</p>', re.S)
CLAUSE_ID = re.compile(r'<h\d class="zc-ref" id="(c-[^"]+)"')
BODY = re.compile(r"<div[^>]*data-pagefind-body[^>]*>")
TEXT = re.compile(f">([^<]*[{HAN}][^<]*)<")  # text between tags, with some Chinese
HTML_ZH = re.compile(r'<html lang="zh-CN"')


def index_view(page: str, segmenter: Segmenter) -> str:
    """What Pagefind reads of one notice page: measures as headings (with those that have a
    calculator as the meta field `zc_calc`: JSON [[clause anchor, measure, title]…]), Chinese
    cut into words."""
    body = BODY.search(page)
    if body is None:
        raise SearchIndexError("a notice page without data-pagefind-body")
    calcs = []
    parts, last = [], 0
    for m in MEASURE.finditer(page):
        title = MEASURE_TITLE.search(m.group("body"))
        if title is None:
            raise SearchIndexError(f"measure {m.group('id')}: no title")
        clause = CLAUSE_ID.findall(page, 0, m.start())
        if "<form" in m.group("body"):
            calcs.append([clause[-1] if clause else "", m.group("id"), html.unescape(title.group(1).strip())])
        parts += [page[last:m.start()], f'<h6 id="m-{m.group("id")}">{title.group(1).strip()}</h6>']
        last = m.end()
    page = "".join(parts) + page[last:]
    body = BODY.search(page)
    meta = (f'<span hidden data-pagefind-meta="zc_calc[data-zc-value]" '
            f'data-zc-value="{html.escape(json.dumps(calcs, ensure_ascii=False))}"></span>') if calcs else ""
    head, rest = page[:body.end()], page[body.end():]
    if HTML_ZH.search(head):
        head = HTML_ZH.sub(f'<html lang="{ZH_INDEX_LANG}"', head, count=1)
        rest = TEXT.sub(lambda t: ">" + segmenter.spaced(t.group(1)) + "<", rest)
    return head + meta + rest


def write_query_data(bundle: Path, vocabulary) -> None:
    """`zc-search.json` (shard count, synonyms) and `zc-words/<k>.txt`: the Chinese words of
    the index, one a line, in shards by the first character's code point modulo the count."""
    words = sorted(vocabulary)
    size = sum(len(w.encode("utf-8")) + 1 for w in words)
    shards = 1
    while shards < 256 and size / shards > SHARD_BYTES:
        shards *= 2
    chunks: list[list[str]] = [[] for _ in range(shards)]
    for w in words:
        chunks[ord(w[0]) % shards].append(w)
    folder = bundle / "zc-words"
    folder.mkdir(exist_ok=True)
    for k, chunk in enumerate(chunks):
        (folder / f"{k}.txt").write_text("\n".join(chunk), encoding="utf-8")
    synonyms = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))
    data = {"shards": shards, "max_word": max((len(w) for w in words), default=1), "synonyms": synonyms}
    (bundle / "zc-search.json").write_text(json.dumps(data, ensure_ascii=False, sort_keys=True,
                                                      separators=(",", ":")), encoding="utf-8")
