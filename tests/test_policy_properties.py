"""Property tests over every computable measure in policies/ (not just the engine's samples).

No input makes the engine raise anything but its own InputError; an amount never exceeds the
measure's cap; amounts are never negative (checked by `check_result`).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
