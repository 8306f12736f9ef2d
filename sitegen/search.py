"""Full-text search: Pagefind indexes the built pages (Chinese cut into words, English stemmed).

Chosen over mkdocs-material's search because its index is loaded whole by every reader (14 MB
at 2,000 notices) while Pagefind's is split into small chunks fetched per query; see README for
the figures. Only notice pages carry `data-pagefind-body`, so listings and chrome stay out.

Pagefind reads an *index view* of each latest notice page, written to a scratch folder, never
the published page: Chinese text with a space between words (sitegen/segment.py; the language
is declared as `und-Hans` so that Pagefind splits at the spaces and nowhere else, and the browser
cuts queries the same way), and every measure as a heading `#m-<measure>` with its title, so a
result can point at the measure as well as at the clause.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from sitegen import cbor
from sitegen.segment import HAN, Segmenter, user_words


INDEXED_GLOB = "*/n/*/index.html"
# The index language of Chinese pages (Han script, language left undetermined): not "zh" (nor
# "cmn", which browsers canonicalise to "zh"), for which Pagefind would cut the
# words again its own way, at indexing (charabia) and in the browser (Intl.Segmenter).
ZH_INDEX_LANG = "und-Hans"
SYNONYMS = Path(__file__).with_name("search_synonyms.yaml")
# Browser dictionary: the vocabulary in shards by first character, each about this size.
SHARD_BYTES = 4096


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path, corpus=None, *, scratch_dir: str | None = None) -> None:
    """Write the Pagefind bundle to `site_dir/pagefind/` (one index per page language), with the
    word list and synonyms the search page segments and widens queries with. The index views
    are written under `scratch_dir` (default: the system's temporary folder)."""
    segmenter = Segmenter(user_words(corpus) if corpus is not None else ())
    bundle = site_dir / "pagefind"
    with tempfile.TemporaryDirectory(prefix="zc-index-view-", dir=scratch_dir) as scratch:
        # Only latest notice pages are indexed: reading the other thousands of files costs time.
        folders = set()
        for page in sorted(site_dir.glob(INDEXED_GLOB)):
            view = Path(scratch) / "views" / page.relative_to(site_dir)
            view.parent.mkdir(parents=True, exist_ok=True)
            view.write_text(index_view(page.read_text(encoding="utf-8"), segmenter), encoding="utf-8")
            folders.add(page.relative_to(site_dir).parts[0])
        # One Pagefind run per language folder: it holds every page it indexes in memory (3 GB
        # for 20,000 pages), and each language's index is separate anyway.
        parts = []
        for folder in sorted(folders):
            parts.append(Path(scratch) / "bundles" / folder)
            cmd = [sys.executable, "-m", "pagefind", "--site", str(Path(scratch) / "views"),
                   "--output-path", str(parts[-1]), "--glob", f"{folder}/n/*/index.html", "--silent"]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")
        merge_bundles(parts, bundle)
    entry = bundle / "pagefind-entry.json"
    if not entry.is_file():
        raise SearchIndexError(f"pagefind wrote no bundle in {bundle}")
    write_query_data(bundle, segmenter.vocabulary)
    # Pagefind lists the languages, the filters and each filter's values in a varying order
    # (Rust hash maps): sort them so builds are byte-identical.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    for info in data["languages"].values():
        info["hash"] = _sort_filters(site_dir / "pagefind", info["hash"])
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def merge_bundles(parts: list[Path], bundle: Path) -> None:
    """One Pagefind bundle from bundles of disjoint languages: every language's files (named by
    their hashes), the shared scripts once, and the entry listing every language."""
    entry = {"languages": {}}
    for part in parts:
        data = json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
        if entry.get("version", data["version"]) != data["version"]:
            raise SearchIndexError("Pagefind bundles of different versions")
        entry = {**data, "languages": {**entry["languages"], **data["languages"]}}
        for path in sorted(part.rglob("*")):
            rel = path.relative_to(part)
            target = bundle / rel
            if path.is_dir() or rel.name == "pagefind-entry.json":
                continue
            if target.exists():
                if target.read_bytes() != path.read_bytes():
                    raise SearchIndexError(f"Pagefind bundles differ in {rel}")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")


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


# Pagefind's index files: gzip of this signature and a CBOR value. A language's metadata
# (pagefind.<hash>.pf_meta) is [version, pages, index chunks, filters, sorts, meta fields], its
# filters [[name, hash]…]; a filter (filter/<hash>.pf_filter) is [name, [[value, [page…]]…]].
# Files are found by the hashes in their names; any unique name will do.
SIGNATURE = b"pagefind_dcd"
META_FILTERS = 3


def _read_index(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{path}: not a Pagefind index file")
    return cbor.loads(raw[len(SIGNATURE):])


def _write_index(folder: Path, lang_hash: str, pattern: str, value) -> str:
    """Write `value` under a name from its content; the new hash (`<lang>_<hex>`)."""
    raw = SIGNATURE + cbor.dumps(value)
    lang = lang_hash.rsplit("_", 1)[0]
    new_hash = f"{lang}_{hashlib.sha256(raw).hexdigest()[:12]}"
    (folder / pattern.format(new_hash)).write_bytes(gzip.compress(raw, mtime=0))
    return new_hash


def _sort_filters(bundle: Path, meta_hash: str) -> str:
    """Sort one language's filters and their values; rename the files by content. The new hash
    of the language's metadata file."""
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = _read_index(meta_path)
    filters = []
    for name, filter_hash in meta[META_FILTERS]:
        path = bundle / "filter" / f"{filter_hash}.pf_filter"
        fname, values = _read_index(path)
        path.unlink()
        canonical = [fname, sorted([value, sorted(pages)] for value, pages in values)]
        filters.append([name, _write_index(bundle / "filter", filter_hash, "{}.pf_filter", canonical)])
    meta[META_FILTERS] = sorted(filters)
    meta_path.unlink()
    return _write_index(bundle, meta_hash, "pagefind.{}.pf_meta", meta)
