"""Full-text search: Pagefind indexes the built pages (Chinese segmented, English stemmed).

Chosen over mkdocs-material's search because its index is loaded whole by every reader (14 MB
at 2,000 notices) while Pagefind's is split into small chunks fetched per query; see README for
the figures. Only notice pages carry `data-pagefind-body`, so listings and chrome stay out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from sitegen import cbor


INDEXED_GLOB = "*/n/*/index.html"


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path) -> None:
    """Write the Pagefind bundle to `site_dir/pagefind/` (one index per page language)."""
    # Only latest notice pages are indexed: reading the other thousands of files costs time.
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
           "--glob", INDEXED_GLOB, "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    entry = site_dir / "pagefind" / "pagefind-entry.json"
    if not entry.is_file():
        raise SearchIndexError(f"pagefind wrote no bundle in {site_dir / 'pagefind'}")
    # Pagefind lists the languages, the filters and each filter's values in a varying order
    # (Rust hash maps): sort them so builds are byte-identical.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    for info in data["languages"].values():
        info["hash"] = _sort_filters(site_dir / "pagefind", info["hash"])
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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
