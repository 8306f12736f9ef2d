"""The real corpus (policies/), loaded once for the tests that need it."""

from __future__ import annotations

import functools
from pathlib import Path

from sitegen.readers import load_policies

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
SEEDS = ROOT / "sources"


@functools.lru_cache(maxsize=None)
def corpus():
    return load_policies(POLICIES, seeds_dir=SEEDS, run_cases=False)


def golden_cases():
    """(notice, version, measure, case) for every golden case in policies/."""
    out = []
    for notice in corpus().notices:
        for case in notice.cases:
            version = notice.version(case.version) if case.version else notice.latest
            _, measure = version.measure(case.measure)
            out.append((notice, version, measure, case))
    return out
