"""Hypothesis strategies and invariants for any measure spec (reused by the policy-wide tests).

    inputs_for(spec)            raw input dicts: mostly valid values near the spec's own numbers
                                and dates (thresholds, caps, window edges), some junk; a list
                                input gets rows of such values (as a list or as its JSON text),
                                and its junk is a spoiled cell, a spoiled row or too many rows
    check_result(spec, result)  invariants every successful result must satisfy
"""

import datetime
import json
import re
from decimal import Decimal

from hypothesis import strategies as st

from calculators.decimals import SAFE_MAX
from calculators.inputs import NUMBER_TYPES
from calculators.lists import ListSpec, read_declaration

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_STEP_KINDS = {"require", "let", "tiers", "lookup", "cap", "floor", "branch", "note", "each", "outcome"}
_MAX_DRAWN_ROWS = 6  # enough rows to sum, few enough to keep examples quick

JUNK_TEXT = ["", " ", "1e999", "1E5", "NaN", "-nan", "Infinity", "-1", "-0", "0", "9" * 40,
             "1,2,3", "１２３", "12.345", "0x10", "1_000", "٣", "½", "2024-02-30", "2024-13-01",
             "是", "否", "maybe", "{x.__class__}", "__import__('os')", "None", "true", "10%",
             "10²", "①", "Ⅻ", "3万", "1.2亿元", "万", "9" * 14 + "亿", "3万万"]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("title", "label", "help", "text", "fail", "note", "unit"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)


def interesting_numbers(spec) -> list:
    """Every number the spec writes, with its neighbours: where thresholds and caps bite."""
    found = set()
    for text in _strings(spec.get("rules")) if isinstance(spec, dict) else ():
        for literal in _NUMBER.findall(_DATE.sub("", text)):
            value = Decimal(literal)
            found |= {value + delta for delta in (Decimal("-1"), Decimal("-0.01"), 0,
                                                  Decimal("0.01"), Decimal("1"))}
            found |= {value * 2, value / 2}
    return sorted(found)


def interesting_dates(spec) -> list:
    found = set()
    for text in _strings(spec.get("rules")):
        for literal in _DATE.findall(text):
            try:
                day = datetime.date.fromisoformat(literal)
            except ValueError:
                continue
            found |= {day + datetime.timedelta(days=d) for d in (-1, 0, 1)}
    return sorted(found)


def _valid_number(spec, numbers):
    places = min(NUMBER_TYPES[spec.type], 4)
    low, high = spec.min, min(spec.max, Decimal(10) ** 9)
    near = [n for n in numbers if spec.min <= n <= spec.max
            and n == n.quantize(Decimal(1).scaleb(-places))]
    choices = [st.decimals(min_value=low, max_value=high, places=places,
                           allow_nan=False, allow_infinity=False),
               st.sampled_from([spec.min, spec.max])]
    if near:
        choices.append(st.sampled_from(near))
    values = st.one_of(*choices)
    if spec.type == "count":
        return values.flatmap(lambda d: st.sampled_from([int(d), str(int(d))]))
    return values.map(lambda d: format(d, "f"))


def _valid_date(spec, dates):
    low = spec.min or datetime.date(2020, 1, 1)
    high = spec.max or datetime.date(2027, 12, 31)
    near = [d for d in dates if low <= d <= high]
    days = st.dates(low, high) | (st.sampled_from(near) if near else st.dates(low, high))
    return days.flatmap(lambda d: st.sampled_from([d.isoformat(), d]))


def _cell_text(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def valid_rows(spec: ListSpec, numbers=(), dates=()):
    """Rows a careful user would enter for a list input: a list of dicts, or its JSON text."""
    row = st.fixed_dictionaries({c.id: valid_value(c, numbers, dates) for c in spec.columns})
    high = max(spec.min_rows, min(spec.max_rows, _MAX_DRAWN_ROWS))
    rows = st.lists(row, min_size=spec.min_rows, max_size=high)
    as_json = rows.map(lambda found: json.dumps([{k: _cell_text(v) for k, v in r.items()} for r in found]))
    return rows | as_json


def junk_rows(spec: ListSpec, numbers=(), dates=()):
    """A list input gone wrong in one place: a cell, a row, or the number of rows."""
    row = st.fixed_dictionaries({c.id: valid_value(c, numbers, dates) for c in spec.columns})
    rows = st.lists(row, min_size=max(1, spec.min_rows), max_size=max(1, min(spec.max_rows, 3)))
    column = st.sampled_from([c.id for c in spec.columns] + ["zz_not_a_column"])

    def spoil_cell(args):
        found, index, key, value, drop = args
        found = [dict(r) for r in found]
        target = found[index % len(found)]
        if drop:
            target.pop(key, None)
        else:
            target[key] = value
        return found
    return st.one_of(
        st.tuples(rows, st.integers(0, 5), column, junk_value(), st.booleans()).map(spoil_cell),
        st.tuples(rows, junk_value()).map(lambda args: args[0] + [args[1]]),
        row.map(lambda r: [r] * (spec.max_rows + 1)),
        st.sampled_from(["[", "{}", "[{", "null", "[[]]"]))


def valid_value(spec, numbers=(), dates=()):
    """Values a careful user would enter for one InputSpec (or rows for a ListSpec)."""
    if isinstance(spec, ListSpec):
        return valid_rows(spec, numbers, dates)
    if spec.type in NUMBER_TYPES:
        return _valid_number(spec, numbers)
    if spec.type == "date":
        return _valid_date(spec, dates)
    if spec.type == "bool":
        return st.sampled_from([True, False, "是", "否", "yes", "no", "true", "0", "1"])
    return st.sampled_from([c.value for c in spec.choices])


def junk_value():
    """Anything at all: the engine must answer with an InputError, never crash."""
    return st.one_of(
        st.sampled_from(JUNK_TEXT), st.text(max_size=20), st.none(), st.booleans(),
        st.integers(), st.floats(), st.decimals(), st.dates(),
        st.integers(-(10 ** 30), 10 ** 30).map(str),
        st.lists(st.integers(), max_size=2))


def inputs_for(spec, *, junk: bool = True):
    """Raw input dicts for `spec`. Without junk every value is valid; with junk, about half of
    the dicts are still all valid and the rest spoil one field, drop it, or add an unknown key
    (spoiling each field independently would leave almost no valid dict for a long form)."""
    numbers, dates = interesting_numbers(spec), interesting_dates(spec)
    fields, lists = {}, {}
    for data in spec.get("inputs") or []:
        input_spec, _ = read_declaration(data)
        fields[input_spec.id] = valid_value(input_spec, numbers, dates)
        if isinstance(input_spec, ListSpec):
            lists[input_spec.id] = junk_rows(input_spec, numbers, dates)
    valid = st.fixed_dictionaries(fields)
    if not junk:
        return valid
    keys = sorted(fields) + ["zz_not_an_input"]

    def spoil(args):
        raw, key, value, drop = args
        raw = dict(raw)
        if drop and key in raw:
            del raw[key]
        else:
            raw[key] = value
        return raw
    spoiled = st.tuples(valid, st.sampled_from(keys), junk_value(), st.booleans()).map(spoil)
    if lists:  # a spoiled list is usually wrong in one cell, not wrong as a whole
        spoiled |= st.tuples(valid, st.sampled_from(sorted(lists)).flatmap(
            lambda key: st.tuples(st.just(key), lists[key]))).map(lambda args: {**args[0], args[1][0]: args[1][1]})
    return st.one_of(valid, spoiled)


def constant_cap(spec):
    """The constant `max` of the last top-level cap on the amount, if nothing later changes it."""
    cap, amount = None, spec.get("amount")
    for step in spec.get("rules") or []:
        if step.get("cap") == amount:
            try:
                cap = Decimal(str(step.get("max")))
            except ArithmeticError:
                cap = None
        elif step.get("let") == amount or step.get("floor") == amount or "branch" in step:
            cap = None
    return cap if cap is not None and cap.is_finite() else None


def check_result(spec, result) -> None:
    """Invariants of any successful calculation."""
    assert json.loads(json.dumps(result)) == result, "result is not plain JSON"
    declared = spec.get("inputs") or []  # an input with `when` is echoed only when asked
    assert {i["id"] for i in declared if not i.get("when")} <= set(result["inputs"]) <= {i["id"] for i in declared}
    assert all(step["kind"] in _STEP_KINDS for step in result["steps"])
    assert all(isinstance(step["text"], str) for step in result["steps"])
    if not result["eligible"]:
        assert result["amount"] is None and result["amount_kind"] is None
        assert result["reasons"] and all(result["reasons"])
        assert result["outcomes"] == []
        return
    assert result["reasons"] == []
    if spec.get("amount") is None:
        assert result["amount"] is None
        return
    amount = Decimal(result["amount"])
    places = (spec.get("rounding") or {}).get("places", 2)
    assert amount >= 0, "amount is negative"
    assert amount <= SAFE_MAX
    assert amount.as_tuple().exponent == -places
    assert result["amount_kind"] in (spec["amount_kind"], spec.get("amount_kind_at_cap"))
    if result["amount_kind"] != spec["amount_kind"]:  # only once the cap on the amount was reached
        assert [s for s in result["steps"] if s["kind"] == "cap" and s["name"] == spec["amount"]][-1]["reached"]
    cap = constant_cap(spec)
    if cap is not None:
        assert amount <= cap.quantize(Decimal(1).scaleb(-places), rounding="ROUND_UP"), \
            f"amount {amount} exceeds the cap {cap}"


def partial_inputs(spec):
    """(all inputs, ids in the order they are revealed): a valid full answer and an order in
    which a user might give it, one input at a time (for the partial evaluation's properties)."""
    ids = [d["id"] for d in spec.get("inputs") or []]
    return st.tuples(inputs_for(spec, junk=False), st.permutations(ids))
