"""Full-text search: Pagefind indexes the built pages (Chinese segmented, English stemmed).

Chosen over mkdocs-material's search because its index is loaded whole by every reader (14 MB
at 2,000 notices) while Pagefind's is split into small chunks fetched per query; see README for
the figures. Only notice pages carry `data-pagefind-body`, so listings and chrome stay out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


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
    # Pagefind lists the languages in a varying order: sort them so builds are byte-identical.
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
