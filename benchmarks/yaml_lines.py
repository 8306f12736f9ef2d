"""Median lines of YAML per computable measure (issue 15.3): how much a publisher reads and writes.

    python benchmarks/yaml_lines.py [POLICIES_DIR]          # default: policies/
    python benchmarks/yaml_lines.py --git REV               # the files as committed at REV

A measure's lines run from its `- id:` to the line before whatever follows it, blank and comment
lines excluded. Computable = has a calculator once the defaults are applied.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen.defaults import computable  # noqa: E402
from sitegen.yamlload import load_yaml  # noqa: E402


def measure_lines(text: str, name: str) -> list[int]:
    loaded, _ = load_yaml(text, name)
    lines = text.splitlines()
    starts = sorted(set(loaded.lines.values()))
    out = []
    for path, line in loaded.lines.items():
        if len(path) < 2 or path[-2] != "measures" or not isinstance(path[-1], int):
            continue
        measure = loaded.data
        for part in path:
            measure = measure[part]
        if not isinstance(measure, dict) or not computable(measure):
            continue
        inner = [l for p, l in loaded.lines.items() if p[:len(path)] == path]
        after = [s for s in starts if s > max(inner)]
        end = after[0] - 1 if after else len(lines)
        body = lines[line - 1:end]
        out.append(sum(1 for l in body if l.strip() and not l.strip().startswith("#")))
    return out


def files(args: list[str]) -> list[tuple[str, str]]:
    if args[:1] == ["--git"]:
        rev = args[1]
        names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "policies"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        return [(n, subprocess.run(["git", "show", f"{rev}:{n}"], cwd=ROOT, capture_output=True, text=True,
                                   check=True).stdout) for n in names if Path(n).name.startswith("v") and n.endswith(".yaml")]
    root = Path(args[0]) if args else ROOT / "policies"
    return [(str(p), p.read_text(encoding="utf-8")) for p in sorted(root.glob("*/v*.yaml"))]


def main(argv: list[str]) -> int:
    counts = [n for name, text in files(argv) for n in measure_lines(text, name)]
    print(f"{len(counts)} computable measures: median {statistics.median(counts)} lines "
          f"(min {min(counts)}, max {max(counts)}, total {sum(counts)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
