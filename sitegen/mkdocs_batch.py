"""`python -m sitegen.mkdocs_batch DOCS OUT YYYY-MM-DD`: one batch of pages through mkdocs, in a
process of its own (sitegen.site.build_pages runs two at a time; a plain subprocess, so callers'
scripts need no multiprocessing main-module guard). Exit 1 with the reason on stderr."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sitegen.site import SiteBuildError, run_mkdocs


def main(argv: list[str]) -> int:
    docs, out, day = argv
    try:
        run_mkdocs(Path(docs), Path(out), build_date=dt.date.fromisoformat(day))
    except SiteBuildError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
