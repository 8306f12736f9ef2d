"""Full-text search: Pagefind indexes the built pages (Chinese segmented, English stemmed).

Chosen over mkdocs-material's search because its index is loaded whole by every reader (14 MB
at 2,000 notices) while Pagefind's is split into small chunks fetched per query; see README for
the figures. Only notice pages carry `data-pagefind-body`, so listings and chrome stay out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path) -> None:
    """Write the Pagefind bundle to `site_dir/pagefind/` (one index per page language)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind",
           "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    if not (site_dir / "pagefind" / "pagefind.js").is_file():
        raise SearchIndexError(f"pagefind wrote no bundle in {site_dir / 'pagefind'}")
