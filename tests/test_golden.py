"""Every golden case of every notice, run through the engine in CPython."""

from __future__ import annotations

from decimal import Decimal

import pytest

import calculators
from sitegen.model import thaw
from sitegen.specs import measure_spec
from tests.corpus import corpus, golden_cases

CASES = golden_cases()


def test_every_notice_with_a_calculator_has_golden_cases():
    for notice in corpus().notices:
        computable = {str(m.id) for _, m in notice.latest.measures() if m.calculator}
        covered = {str(c.measure) for c in notice.cases}
        assert computable <= covered, f"{notice.id}: measures without golden cases: {computable - covered}"


@pytest.mark.parametrize("notice,version,measure,case", CASES,
                         ids=[f"{n.id}/{m.id}/{c.name}" for n, v, m, c in CASES])
def test_golden_case(notice, version, measure, case):
    result = calculators.calculate(measure_spec(version, measure), thaw(case.inputs), lang="en")
    expect = case.expect
    assert result["eligible"] is expect.eligible, result["reasons"]
    if "amount" in expect:
        if expect.amount is None:
            assert result["amount"] is None
        else:
            assert Decimal(result["amount"]) == Decimal(str(expect.amount))
    if result["amount"] is not None:  # the kind of amount (exact, up to, at least) is asserted
        assert "amount_kind" in expect, "a golden case with an amount states its amount_kind"
    if "amount_kind" in expect:
        assert result["amount_kind"] == expect.amount_kind
    if "outcomes" in expect:
        assert sorted(o["id"] for o in result["outcomes"]) == sorted(expect.outcomes)
    # Every step cites a clause that exists in this version.
    for step in result["steps"]:
        assert version.clause(step["cite"]) is not None or any(
            str(s.id) == str(step["cite"]) for s in version.sections()), step


def test_golden_cases_cover_both_outcomes():
    """Each computable measure has at least one eligible and one ineligible case."""
    for notice in corpus().notices:
        by_measure = {}
        for case in notice.cases:
            by_measure.setdefault(str(case.measure), set()).add(case.expect.eligible)
        for measure, seen in by_measure.items():
            assert seen == {True, False}, f"{notice.id}/{measure}: only eligible={seen}"
