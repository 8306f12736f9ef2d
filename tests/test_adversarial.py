"""The adversarial run's loader and server batteries hold (benchmarks/adversarial.py).

The other areas (cli, engine, archive) include causes fixed on other branches (issue 13.2, 13.3,
13.5, 13.7); once those are in, add them here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.corpus import ROOT


def test_loader_and_server_batteries_all_pass():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "adversarial.py"), "--area", "loader",
                           "--area", "server", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcomes = json.loads(proc.stdout)
    assert len(outcomes) >= 60
    failed = [f"{o['area']}: {o['name']} — {o['detail']}" for o in outcomes if not o["ok"]]
    assert failed == []
