"""Partial evaluation (calculators/partial.py) over every computable measure in policies/.

Revealing the inputs one at a time: a measure ruled out stays ruled out, a range only narrows
and always holds the full answer, a measure found eligible stays eligible, and with every input
given the answer is `calculate`'s to the cent.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from calculators import calculate
from calculators.errors import InputError, RuleError
from calculators.partial import Unknown, abstract_value, evaluate
from sitegen.specs import measure_spec
from tests.corpus import corpus
from tests.strategies import partial_inputs

SPECS = [measure_spec(v, m) for n in corpus().notices for v in n.versions for _, m in v.measures() if m.calculator]
IDS = [f"{s['notice']}/v{s['version']}/{s['id']}" for s in SPECS]
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _within(value, low, high) -> bool:
    return (low is None or Decimal(low) <= value) and (high is None or value <= Decimal(high))


def _narrower(inner, outer) -> bool:
    (ilo, ihi), (olo, ohi) = inner, outer
    low_ok = olo is None or (ilo is not None and Decimal(ilo) >= Decimal(olo))
    high_ok = ohi is None or (ihi is not None and Decimal(ihi) <= Decimal(ohi))
    return low_ok and high_ok


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY
@given(drawn=st.data())
def test_revealing_inputs_only_narrows_the_answer(spec, drawn):
    full, order = drawn.draw(partial_inputs(spec))
    try:
        expected = calculate(spec, full)
    except (InputError, RuleError):
        assume(False)
    previous = None
    for count in range(len(order) + 1):
        known = {k: full[k] for k in order[:count]}
        answer = evaluate(spec, known)
        if expected["eligible"]:
            assert answer["state"] != "ineligible", (known, answer)
            if expected["amount"] is not None:
                assert _within(Decimal(expected["amount"]), answer["amount_min"], answer["amount_max"]), \
                    (known, answer, expected["amount"])
        else:
            assert answer["state"] != "eligible", (known, answer)
        if previous is not None:
            if previous["state"] == "ineligible":
                assert answer["state"] == "ineligible", (known, previous, answer)
            if previous["state"] == "eligible":
                assert answer["state"] == "eligible", (known, previous, answer)
            if answer["state"] != "ineligible" and previous["amount_kind"] is not None:
                assert _narrower((answer["amount_min"], answer["amount_max"]),
                                 (previous["amount_min"], previous["amount_max"])), (known, previous, answer)
        previous = answer
    assert previous["state"] == ("eligible" if expected["eligible"] else "ineligible")
    assert previous["amount"] == expected["amount"]
    assert previous["amount_min"] == previous["amount_max"] == expected["amount"]
    assert previous["amount_kind"] == expected["amount_kind"]
    assert previous["needs"] == []


def test_a_known_cap_bounds_an_unknown_cost():
    spec = next(s for s in SPECS if s["notice"] == "shengsi-2024" and s["id"] == "7")
    answer = evaluate(spec, {"industrial": "true", "state_owned": "false", "chartered": "true",
                             "cross_province": "true", "charter_date": "2024-02-12", "workers": "30"},
                      lang="en")
    assert answer["state"] == "depends"
    assert (answer["amount_min"], answer["amount_max"]) == ("0.00", "100000.00")
    assert answer["needs"] == ["prior_subsidy", "cost"]


def test_a_failed_requirement_rules_out_with_reason_and_clause():
    spec = next(s for s in SPECS if s["notice"] == "shengsi-2024" and s["id"] == "7")
    answer = evaluate(spec, {"industrial": "false"}, lang="en")
    assert answer["state"] == "ineligible"
    assert answer["reasons"] == ["Not an industrial enterprise in the county"]
    assert answer["cites"] == ["Item 7"]
    assert answer["needs"] == []


def test_an_unknown_requirement_is_what_the_measure_depends_on():
    spec = next(s for s in SPECS if s["notice"] == "shengsi-2024" and s["id"] == "10")
    answer = evaluate(spec, {"workers": "8"})
    assert answer["state"] == "depends" and answer["needs"] == ["hr_agency"]
    assert answer["amount_min"] == answer["amount_max"] == "4000.00"
    assert evaluate(spec, {"workers": "3"})["state"] == "ineligible"  # fewer than 5: ruled out whatever else


def test_a_requirement_assumed_narrows_what_follows():
    spec = next(s for s in SPECS if s["notice"] == "shengsi-2024" and s["id"] == "10")
    answer = evaluate(spec, {"hr_agency": "true"})
    assert answer["state"] == "depends" and answer["needs"] == ["workers"]
    assert (answer["amount_min"], answer["amount_max"]) == ("2500.00", "100000.00")  # 5 or more × 500, capped


@pytest.mark.parametrize("condition, truth, before, after", [
    ("n >= 5", True, Unknown("number", Decimal(0), None), (Decimal(5), None)),
    ("n >= 5", False, Unknown("number", Decimal(0), None), (Decimal(0), Decimal(5))),
    ("2 <= n <= 9", True, Unknown("number", None, None), (Decimal(2), Decimal(9))),
    ("n > 5 and n < 3", True, Unknown("number", Decimal(0), Decimal(10)), (Decimal(5), Decimal(10))),  # n < 3 contradicts: kept
    ("n > 5 or n < 3", True, Unknown("number", Decimal(0), Decimal(10)), (Decimal(0), Decimal(10))),  # either: no narrowing
])
def test_assume_narrows_only_what_the_condition_says(condition, truth, before, after):
    from calculators.partial import assume
    values = {"n": before}
    assume(condition, values, truth)
    found = values["n"]
    assert ((found, found) if not isinstance(found, Unknown) else (found.lo, found.hi)) == after


@pytest.mark.parametrize("source, values, expected", [
    ("a + b", {"a": Unknown("number", Decimal(1), Decimal(2)), "b": Decimal(3)}, (Decimal(4), Decimal(5))),
    ("a * 2 - 1", {"a": Unknown("number", Decimal(0), None)}, (Decimal(-1), None)),
    ("min(a, 100)", {"a": Unknown("number", Decimal(0), None)}, (Decimal(0), Decimal(100))),
    ("max(a, 100)", {"a": Unknown("number", None, Decimal(50))}, (Decimal(100), Decimal(100))),
    ("a / 4", {"a": Unknown("number", Decimal(2), Decimal(8))}, (Decimal("0.5"), Decimal(2))),
    ("-a", {"a": Unknown("number", Decimal(2), Decimal(8))}, (Decimal(-8), Decimal(-2))),
])
def test_interval_arithmetic(source, values, expected):
    found = abstract_value(source, values)
    bounds = (found, found) if not isinstance(found, Unknown) else (found.lo, found.hi)
    assert bounds == expected


@pytest.mark.parametrize("source, values, expected", [
    ("a > 5", {"a": Unknown("number", Decimal(6), None)}, True),
    ("a > 5", {"a": Unknown("number", None, Decimal(5))}, False),
    ("a > 5", {"a": Unknown("number", Decimal(0), Decimal(10))}, None),
    ("a < 5", {"a": Unknown("number", Decimal(0), Decimal(10))}, None),
    ("a < 5", {"a": Unknown("number", Decimal(1), Decimal(4))}, True),
    ("a < 5", {"a": Unknown("number", Decimal(5), None)}, False),
    ("a <= 5", {"a": Unknown("number", None, Decimal(5))}, True),
    ("a == 5", {"a": Unknown("number", Decimal(6), None)}, False),
    ("k == 'x'", {"k": Unknown("str", options={"y", "z"})}, False),
    ("k == 'x' or b", {"k": Unknown("str", options={"x", "z"}), "b": True}, True),
    ("k == 'x' and b", {"k": Unknown("str", options={"x", "z"}), "b": False}, False),
    ("not b", {"b": Unknown("bool", options={True, False})}, None),
])
def test_three_valued_conditions(source, values, expected):
    found = abstract_value(source, values)
    assert (None if isinstance(found, Unknown) else found) == expected
