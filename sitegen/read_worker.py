"""`python -m sitegen.read_worker`: read and check a share of the notice files in a process of its
own (sitegen.readers.read_files runs one per core). Reads a pickle of (jobs, seeds folder,
calendars) on stdin and writes a pickle of [(Loaded or None, problems)] on stdout.

Only sitegen.readers starts it, with data it made itself: pickle is safe here.
"""

from __future__ import annotations

import gc
import pickle
import sys

from sitegen.readers import read_file


def main() -> int:
    gc.disable()   # as in load_policies: millions of objects, no cycles
    jobs, seeds_dir, calendars = pickle.loads(sys.stdin.buffer.read())
    results = [read_file(job, seeds_dir, calendars) for job in jobs]
    sys.stdout.buffer.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
