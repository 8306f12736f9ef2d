"""The cookbook (docs/{zh,en}/cookbook.md) never goes stale: every YAML block in it is a measure
that passes check_measure, golden cases that calculate to their `expect`, or relations that
combine measures of the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from calculators import calculate, check_measure, combine
from sitegen.calendars import with_calendar

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "docs" / lang / "cookbook.md" for lang in ("zh", "en")]
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)
PATTERNS = ("per-person", "kinds", "thresholds", "tiers", "growth", "per-point", "fallback", "prorated",
            "lookup", "list-rows", "outcome", "windows", "per-day", "holidays", "workdays", "each-day",
            "count-days")


def blocks(page: Path) -> list:
    return [yaml.safe_load(text) for text in BLOCK.findall(page.read_text(encoding="utf-8"))]


def _json(value):
    """YAML as the loader hands it over (dates as ISO text, as in a spec)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _spec(measure: dict) -> dict:
    return with_calendar({"notice": "cookbook", "version": 1, **_json(measure)}, None)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_every_block_checks_and_calculates(page):
    measures, ran, results = {}, set(), {}
    for block in blocks(page):
        if isinstance(block, dict) and "rules" in block:
            spec = _spec(block)
            assert check_measure(spec) == [], block["id"]
            measures[block["id"]] = spec
        elif isinstance(block, list):
            for case in block:
                spec = measures[case["measure"]]
                result = calculate(spec, _json(case["inputs"]), on="2024-02-20")
                expect = case["expect"]
                assert result["eligible"] is expect["eligible"], case["name"]
                assert result["amount"] == expect.get("amount"), case["name"]
                if result["amount"] is not None:
                    assert result["amount_kind"] == expect["amount_kind"], case["name"]
                if "outcomes" in expect:
                    assert [o["id"] for o in result["outcomes"]] == expect["outcomes"]
                if spec.get("qualifying"):
                    assert [w["state"] for w in result["status"]["windows"]] == ["open", "open"]
                ran.add(case["measure"])
                results.setdefault(case["measure"], result)
        else:
            for relation in block["relations"]:
                members = [results[m] for m in relation["measures"]]
                combined = combine(members, relation, lang="zh")
                assert combined["chosen"] in relation["measures"] and combined["amount"]
                ran.add("relations")
    assert set(PATTERNS) <= set(measures) and set(measures) <= ran, set(measures) - ran
    assert "relations" in ran


def test_both_languages_show_the_same_yaml():
    zh, en = (BLOCK.findall(p.read_text(encoding="utf-8")) for p in PAGES)
    assert zh == en and len(zh) >= 2 * len(PATTERNS)


def test_a_broken_example_would_fail():
    """The check is real: a wrong expectation or rule in a block is caught."""
    measure = next(b for b in blocks(PAGES[0]) if isinstance(b, dict) and b.get("id") == "holidays")
    spec = _spec(measure)
    assert calculate(spec, {"start": "2023-01-20", "end": "2023-01-31"})["amount"] == "570.00"
    broken = _spec({**measure, "calendar_years": None})
    assert check_measure(broken)
