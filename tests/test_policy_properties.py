"""Property tests over every computable measure in policies/ (not just the engine's samples).

No input makes the engine raise anything but its own InputError; an amount never exceeds the
measure's cap; amounts are never negative (checked by `check_result`).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import calculate
from sitegen.specs import measure_spec
from tests.corpus import corpus
from tests.strategies import inputs_for
from tests.test_engine_properties import _run

SPECS = [measure_spec(v, m) for n in corpus().notices for v in n.versions for _, m in v.measures() if m.calculator]
IDS = [f"{s['notice']}/v{s['version']}/{s['id']}" for s in SPECS]
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_there_are_measures_to_check():
    assert len(SPECS) >= 20


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY
@given(data=st.data())
def test_any_input_gives_a_result_or_an_input_error(spec, data):
    _run(spec, data.draw(inputs_for(spec)), lang=data.draw(st.sampled_from(["zh", "en"])))


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY
@given(data=st.data())
def test_valid_inputs_respect_caps_and_signs(spec, data):
    _run(spec, data.draw(inputs_for(spec, junk=False)))


LISTS = [(s, i["id"]) for s in SPECS for i in s.get("inputs") or [] if i.get("type") == "list"]


def test_the_whole_enterprise_measures_take_lists():
    assert {f"{s['notice']}/{s['id']}" for s, _ in LISTS} >= {
        "shengsi-2024/3", "dalian-2021/2", "lucheng-2023/19", "shengzhou-2024/7-hiring", "jilin-2021/1-11"}


@pytest.mark.parametrize("spec, list_id", LISTS, ids=[f"{s['notice']}/{s['id']}" for s, _ in LISTS])
@PROPERTY
@given(data=st.data())
def test_a_whole_enterprise_total_is_the_sum_of_its_rows(spec, list_id, data):
    """None of these measures caps the total: splitting the rows in two never changes the sum
    (but for the cent the total is rounded to once)."""
    raw = data.draw(inputs_for(spec, junk=False))
    rows = raw[list_id] if isinstance(raw[list_id], list) else json.loads(raw[list_id])
    cut = data.draw(st.integers(1, max(1, len(rows) - 1)))

    def total(part):
        if not part:
            return Decimal(0)
        result = calculate(spec, {**raw, list_id: part})
        return Decimal(result["amount"]) if result["eligible"] else Decimal(0)
    assert abs(total(rows) - total(rows[:cut]) - total(rows[cut:])) <= Decimal("0.01")
