"""axe-core in Chromium, injected through DevTools so the page's strict CSP stays on."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_problems(page) -> list[str]:
    """WCAG 2.1 A/AA violations on the page as it is now, one line each."""
    if not AXE.exists():
        pytest.fail("axe-core missing: run npm ci (./dev test does)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})" for v in result["violations"]]
