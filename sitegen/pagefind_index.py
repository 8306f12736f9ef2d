"""Join the bundles of several Pagefind runs over one language's pages into one index.

Pagefind holds every page of a run in memory (about 240 KB a page: 2.4 GB for 10,000 English
pages), so sitegen.search indexes a language in runs of at most PAGES_PER_RUN pages and joins
them here. The joined index holds exactly what one run over every page would have written
(tests/test_search_index.py compares them), with every file named by its content.

`python -m sitegen.pagefind_index OUT PART…` joins the PART bundles into the folder OUT and
prints the language's entry as JSON (the build runs it in a process of its own while Pagefind
indexes the next language); exit 1 with the reason on stderr.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
import os
import shutil
import sys
from pathlib import Path

from sitegen import cbor


class PagefindIndexError(RuntimeError):
    pass


# Pagefind's layout (1.5; pagefind/src/index/): a language's metadata (pagefind.<hash>.pf_meta)
# [version, pages [[fragment, word count]…], word chunks [[from, to, hash]…], filters [[name,
# hash]…], sorts, meta field names]; a filter (filter/<hash>.pf_filter) [name, [[value, [page…]]…]];
# a word chunk (index/<hash>.pf_index) [[[word, [[page, locations, meta locations]…],
# [[variant form, pages]…]]…]] with each word's page numbers as differences from the one before;
# meta locations switch field with -(field number + 1). Pagefind starts a new chunk once the
# words in it have this many locations (its default --index-chunk-size).
META_PAGES, META_CHUNKS, META_FILTERS, META_SORTS, META_FIELDS = 1, 2, 3, 4, 5
CHUNK_SIZE = 20000


def merge_language(parts: list[Path], out: Path) -> dict:
    """Write into the bundle folder `out` one language's index from the bundles of Pagefind runs
    over disjoint sets of its pages; return the bundle entry of that language. The pages are
    numbered on from part to part, each word's pages joined (streamed in word order, a chunk of
    each part at a time) and cut into chunks as Pagefind cuts them, the filters joined and sorted.
    Searching it finds what one run over all the pages finds (tests/test_search_index.py); every
    file is named by its content, so builds are byte-identical."""
    entries = [json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8")) for part in parts]
    languages = {lang for e in entries for lang in e["languages"]}
    if len(languages) != 1 or len({e["version"] for e in entries}) != 1:
        raise PagefindIndexError(f"cannot join Pagefind bundles of languages {sorted(languages)} or of different versions")
    (lang,) = languages
    metas = [_read_index(part / f"pagefind.{e['languages'][lang]['hash']}.pf_meta") for part, e in zip(parts, entries)]
    if any(meta[META_SORTS] for meta in metas):
        raise PagefindIndexError("cannot join Pagefind bundles with sort orders")
    for folder in ("fragment", "index", "filter"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for path in parts[0].iterdir():   # the scripts and the wasm: the same in every part and language
        if path.is_file() and path.suffix != ".pf_meta" and path.name != "pagefind-entry.json":
            target = out / path.name
            if not target.exists():
                shutil.copyfile(path, target)
            elif target.read_bytes() != path.read_bytes():
                raise PagefindIndexError(f"Pagefind bundles differ in {path.name}")

    fields = sorted({f for meta in metas for f in meta[META_FIELDS]})
    pages, offsets, filters = [], [], {}
    for part, meta in zip(parts, metas):
        offsets.append(len(pages))
        for fragment, word_count in meta[META_PAGES]:
            pages.append([_move_fragment(part, out, fragment, lang), word_count])
        for _, filter_hash in meta[META_FILTERS]:
            name, values = _read_index(part / "filter" / f"{filter_hash}.pf_filter")
            joined = filters.setdefault(name, {})
            for value, numbers in values:
                joined.setdefault(value, []).extend(n + offsets[-1] for n in numbers)
    streams = [_words(part, meta, offset, [fields.index(f) for f in meta[META_FIELDS]])
               for part, meta, offset in zip(parts, metas, offsets)]
    chunks, chunk, size = [], [], 0
    for word, group in itertools.groupby(heapq.merge(*streams, key=lambda w: w[0]), key=lambda w: w[0]):
        joined_pages, variants = [], {}
        for _, word_pages, word_variants in group:   # parts in order: page numbers stay ascending
            joined_pages += word_pages
            for form, variant_pages in word_variants:
                variants.setdefault(form, []).extend(variant_pages)
        chunk.append([word, joined_pages, [[form, ps] for form, ps in variants.items()]])
        size += sum(len(page[1]) + len(page[2]) + 1 for page in joined_pages)
        if size >= CHUNK_SIZE:
            chunks.append(_write_chunk(out, lang, chunk))
            chunk, size = [], 0
    if chunk:
        chunks.append(_write_chunk(out, lang, chunk))
    for left, right in zip(chunks, chunks[1:]):   # as Pagefind's chunk_meta: the shortest telling prefixes
        common = len(os.path.commonprefix([left[1], right[0]]))
        if left[1][:common + 1] >= left[0]:
            left[1] = left[1][:common + 1]
        right[0] = right[0][:common + 1]
    meta = [metas[0][0], pages, chunks, [], [], fields]
    meta[META_FILTERS] = sorted(
        [name, _write_index(out / "filter", lang, "{}.pf_filter",
                            [name, sorted([value, sorted(numbers)] for value, numbers in values.items())])]
        for name, values in filters.items())
    info = {**entries[0]["languages"][lang], "hash": _write_index(out, lang, "pagefind.{}.pf_meta", meta),
            "page_count": len(pages)}
    return {**entries[0], "languages": {lang: info}}


def _move_fragment(part: Path, out: Path, name: str, lang: str) -> str:
    """Move a page's fragment file; a name another part gave a different page (Pagefind names
    fragments by 7 hex digits of their hash: 10,000 pages share one about once in five) becomes
    a longer one."""
    source = part / "fragment" / f"{name}.pf_fragment"
    target = out / "fragment" / f"{name}.pf_fragment"
    if target.exists():
        data = source.read_bytes()
        if target.read_bytes() == data:
            return name
        name = f"{lang}_{hashlib.sha256(data).hexdigest()[:16]}"
        target = out / "fragment" / f"{name}.pf_fragment"
    os.replace(source, target)
    return name


def _words(part: Path, meta, offset: int, field_map: list[int]):
    """A part's words in order, as [word, pages, variants] with page numbers absolute (plus
    `offset`) and meta field numbers those of the joined index (the lists are changed in place:
    millions of pages at 10,000 notices)."""
    remap = field_map != list(range(len(field_map)))

    def absolute(pages):
        number = offset
        for page in pages:
            number += page[0]
            page[0] = number
            if remap and page[2]:
                page[2] = [-field_map[-x - 1] - 1 if x < 0 else x for x in page[2]]
        return pages
    for _, _, chunk_hash in meta[META_CHUNKS]:
        (words,) = _read_index(part / "index" / f"{chunk_hash}.pf_index")
        for word in words:
            absolute(word[1])
            for variant in word[2]:
                absolute(variant[1])
            yield word


def _write_chunk(out: Path, lang: str, words: list) -> list:
    """Write one word chunk (page numbers as differences again); its [first word, last word, hash]."""
    def relative(pages):
        last = 0
        for page in pages:
            page[0], last = page[0] - last, page[0]
    for word in words:
        relative(word[1])
        for variant in word[2]:
            relative(variant[1])
    return [words[0][0], words[-1][0], _write_index(out / "index", lang, "{}.pf_index", [words], level=6)]


# Pagefind's index files: gzip of this signature and a CBOR value. Files are found by the
# hashes in their names; any unique name will do.
SIGNATURE = b"pagefind_dcd"


def _read_index(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise PagefindIndexError(f"{path}: not a Pagefind index file")
    return cbor.loads(raw[len(SIGNATURE):])


def _write_index(folder: Path, lang: str, pattern: str, value, level: int = 9) -> str:
    """Write `value` under a name from its content; its hash (`<lang>_<hex>`)."""
    raw = SIGNATURE + cbor.dumps(value)
    new_hash = f"{lang}_{hashlib.sha256(raw).hexdigest()[:12]}"
    (folder / pattern.format(new_hash)).write_bytes(gzip.compress(raw, compresslevel=level, mtime=0))
    return new_hash


def main(argv: list[str]) -> int:
    out, *parts = argv
    try:
        entry = merge_language([Path(p) for p in parts], Path(out))
    except (PagefindIndexError, OSError, ValueError) as err:
        print(err, file=sys.stderr)
        return 1
    print(json.dumps(entry, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
