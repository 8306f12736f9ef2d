"""Write a JSON file the way every file the site publishes is written (UTF-8, stable layout).

A module of its own so that exports and pointintime can both use it without importing each other
(tests/test_imports.py keeps sitegen free of import cycles).
"""

from __future__ import annotations

import json
from pathlib import Path


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
