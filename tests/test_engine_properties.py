"""Property tests: for any raw inputs the engine answers with a result or an InputError, and
results keep their invariants (never negative, never above a cap, plain JSON)."""

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculators import InputError, calculate, check_measure
from strategies import check_result, inputs_for

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def T(zh, en=None):
    return {"zh": zh, "en": en or zh}


def field(id, type, **extra):
    return {"id": id, "type": type, "label": T(f"标签{id}", f"Label {id}"), **extra}


def step_text(*names):
    return T("；".join(f"{n}={{{n}}}" for n in names) or "说明", ", ".join(names) or "note")


REGIONS = [{"value": v, "label": T(v)} for v in ("local", "province", "west")]

# Every step kind, a division by an input (growth), a lookup, a branch with a fallback that has
# its own requirement, a floor then a cap, and outcomes.
ENTERPRISE = {
    "id": "e", "notice": "prop", "version": 1, "title": T("企业", "Enterprise"),
    "currency": "CNY", "amount": "amount", "amount_kind": "up_to",
    "rounding": {"places": 2, "mode": "half_up"},
    "inputs": [field("day", "date", min="2024-01-01", max="2024-12-31"),
               field("workers", "count", max=100000), field("cost", "money"),
               field("region", "choice", choices=REGIONS), field("local", "bool"),
               field("new", "energy"), field("old", "energy"), field("rate_pct", "percent")],
    "rules": [
        {"require": "date('2024-02-09') <= day <= date('2024-02-24')", "cite": "1",
         "text": step_text("day"), "fail": step_text("day")},
        {"note": T("按企业计", "Per enterprise"), "cite": "1"},
        {"let": "rate", "lookup": {"key": "region",
                                   "table": {"local": 50, "province": "150", "west": "200"}},
         "cite": "2", "text": step_text("region", "rate")},
        {"let": "bonus", "tiers": {"value": "workers", "inclusive": False,
                                   "bands": [{"from": 30, "value": 10000},
                                             {"from": 100, "value": "50000"},
                                             {"from": 50, "value": 20000}]},
         "cite": "3", "text": step_text("workers", "bonus")},
        {"branch": [
            {"when": "local", "cite": "4", "text": step_text("local"),
             "rules": [{"let": "base", "expr": "cost * 0.5", "cite": "4",
                        "text": step_text("cost", "base")}]},
            {"when": "growth(new, old) >= 10", "cite": "4", "text": step_text("new", "old"),
             "rules": [{"let": "base", "expr": "workers * rate * (1 + rate_pct / 100)",
                        "cite": "4", "text": step_text("base")}]},
            {"otherwise": True, "cite": "4", "text": step_text(),
             "rules": [{"require": "workers >= 10", "cite": "4", "text": step_text("workers"),
                        "fail": step_text("workers")},
                       {"let": "base", "expr": "rate * 10 - cost", "cite": "4",
                        "text": step_text("base")}]}]},
        {"let": "amount", "expr": "base + bonus", "cite": "5", "text": step_text("amount")},
        {"floor": "amount", "min": "round(cost / 1000, 2)", "cite": "5",
         "text": step_text("amount")},
        {"cap": "amount", "max": "100000", "cite": "5", "text": step_text("amount")},
    ],
    "outcomes": [{"id": "power", "when": "new >= old * 0.8", "cite": "6",
                  "text": T("优先供电{new}", "Priority power {new}")},
                 {"id": "listed", "cite": "6", "text": T("列入名单", "Listed")}],
}

# Proration by days that can go negative (clamped to 0) and rounding down to whole yuan.
PRORATION = {
    "id": "p", "notice": "prop", "version": 1, "title": T("按天", "By day"),
    "currency": "CNY", "amount": "amount", "amount_kind": "exact",
    "rounding": {"places": 0, "mode": "down"},
    "inputs": [field("start", "date"), field("monthly", "money", max=1000000),
               field("people", "count"), field("factor", "number", min=-5, max=5)],
    "rules": [
        {"let": "covered", "expr": "days(max(start, date('2024-01-01')), date('2024-12-31'))",
         "cite": "1", "text": step_text("start", "covered")},
        {"let": "amount", "expr": "monthly * 12 * covered / 366 * factor - people * 100",
         "cite": "1", "text": step_text("amount")},
    ],
}

# Non-money: outcomes only.
OUTCOMES_ONLY = {
    "id": "o", "notice": "prop", "version": 1, "title": T("结果", "Outcomes"),
    "amount": None, "amount_kind": None,
    "inputs": [field("feb", "energy"), field("nov", "energy"), field("above_size", "bool")],
    "rules": [{"require": "above_size", "cite": "1", "text": step_text("above_size"),
               "fail": T("非规上企业", "Not above designated size")},
              {"let": "change", "expr": "growth(feb, nov)", "cite": "1",
               "text": step_text("change")}],
    "outcomes": [{"id": "quota", "when": "change >= -20", "cite": "1",
                  "text": T("保留排放额度{change}", "Quota kept {change}")}],
}

# A list input with a column of every type: per-row requirement, lookup, cap and money value,
# then every aggregate, and a cap on the total.
ROWS = {
    "id": "l", "notice": "prop", "version": 1, "title": T("名单", "Rows"),
    "currency": "CNY", "amount": "amount", "amount_kind": "exact",
    "rounding": {"places": 2, "mode": "half_up"},
    "inputs": [field("base_rate", "money", max=10000),
               {**field("staff", "list"), "max_rows": 8, "columns": [
                   field("region", "choice", choices=REGIONS), field("people", "count", min=1, max=1000),
                   field("pay", "money", max=1000000), field("hired", "date", min="2024-01-01", max="2024-12-31"),
                   field("insured", "bool"), field("share", "percent", min=0, max=100), field("weight", "number", min=-3, max=3)]}],
    "rules": [
        {"each": "staff", "cite": "1", "rules": [
            {"require": "insured and hired <= date('2024-06-30')", "cite": "1", "text": step_text("hired"),
             "fail": step_text("hired")},
            {"let": "rate", "lookup": {"key": "region", "table": {"local": 0, "province": "1", "west": "2"}},
             "cite": "1", "text": step_text("region", "rate")},
            {"let": "row_pay", "expr": "people * (base_rate * rate + pay * share / 100) / 3 + weight", "money": True,
             "cite": "1", "text": step_text("people", "row_pay")},
            {"floor": "row_pay", "min": "0", "cite": "1", "text": step_text("row_pay")},
            {"cap": "row_pay", "max": "people * 5000", "cite": "1", "text": step_text("row_pay")}]},
        {"let": "first_hire", "expr": "min(staff, hired) if count(staff) > 0 else date('2024-01-01')", "cite": "2",
         "text": step_text("first_hire")},
        {"let": "amount", "expr": "sum(staff, row_pay) + count(staff, people > 10) + 0 * max(1, 2)", "cite": "2",
         "text": step_text("amount")},
        {"cap": "amount", "max": "200000", "cite": "2", "text": step_text("amount")},
    ],
}

SPECS = {"enterprise": ENTERPRISE, "proration": PRORATION, "outcomes": OUTCOMES_ONLY, "rows": ROWS}


@pytest.mark.parametrize("name", SPECS)
def test_specs_are_valid(name):
    assert check_measure(SPECS[name]) == []


def _run(spec, raw, lang="zh"):
    try:
        result = calculate(spec, raw, lang=lang)
    except InputError as error:
        ids = {i["id"] for i in spec["inputs"]}
        assert error.input_id in ids or error.code == "unknown_input"
        assert error.message_zh and error.message_en
        json.dumps(error.to_dict())
        return None
    check_result(spec, result)
    return result


@pytest.mark.parametrize("name", SPECS)
@PROPERTY
@given(data=st.data())
def test_any_input_gives_a_result_or_an_input_error(name, data):
    spec = SPECS[name]
    _run(spec, data.draw(inputs_for(spec)))


@pytest.mark.parametrize("name", SPECS)
@PROPERTY
@given(data=st.data())
def test_languages_agree_except_for_words(name, data):
    spec = SPECS[name]
    raw = data.draw(inputs_for(spec, junk=False))
    zh, en = _run(spec, raw, "zh"), _run(spec, raw, "en")
    if zh is None:
        assert en is None
        return
    strip = lambda r: {**r, "lang": None, "reasons": len(r["reasons"]),  # noqa: E731
                       "steps": [{**s, "text": None} for s in r["steps"]],
                       "outcomes": [o["id"] for o in r["outcomes"]]}
    assert strip(zh) == strip(en)


@PROPERTY
@given(raw=inputs_for(ENTERPRISE, junk=False))
def test_valid_enterprise_inputs_fail_only_on_a_zero_divisor(raw):
    try:
        result = calculate(ENTERPRISE, raw)
    except InputError as error:
        # growth(new, old) divides by old: the only input a valid form can still get wrong
        assert (error.input_id, error.code) == ("old", "division_by_zero")
        return
    in_window = "2024-02-09" <= result["inputs"]["day"] <= "2024-02-24"
    if not in_window:
        assert not result["eligible"] and [s["kind"] for s in result["steps"]] == ["require"]
    elif int(result["inputs"]["workers"]) >= 10:
        assert result["eligible"]  # the fallback's only requirement is met


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.sampled_from(["x", "amount", "workers + 1", "date('2024-02-30')", "{amount}"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["let", "expr", "cite", "text", "zh", "en", "when", "rules", "from",
                         "value", "id", "type"]), inner, max_size=3),
    max_leaves=8)


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, path + (key,))


@PROPERTY
@given(data=st.data())
def test_check_measure_reports_instead_of_crashing(data):
    """The loader runs check_measure on hand-written YAML: any damage is a problem, not a crash."""
    spec = json.loads(json.dumps(ENTERPRISE))
    path = data.draw(st.sampled_from(list(_paths(spec))[1:]))
    target = spec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(JSON)
    problems = check_measure(spec)
    assert all(p.message_zh and p.message_en and isinstance(p.path, tuple) for p in problems)
    if not problems:  # still a valid measure: it must also run
        raw = data.draw(inputs_for(spec))
        _run(spec, raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=inputs_for(ROWS, junk=False), cut=st.integers(0, 8))
def test_a_list_total_does_not_depend_on_how_rows_are_split(raw, cut):
    """Two calculations over the two halves of the rows add up to one over all of them
    (below the total's cap, and with the count() term left out): rows are independent."""
    rows = raw["staff"] if isinstance(raw["staff"], list) else json.loads(raw["staff"])
    spec = json.loads(json.dumps(ROWS))
    spec["rules"][2]["expr"] = "sum(staff, row_pay)"
    spec["rules"][3]["max"] = "1000000000"
    spec["inputs"][1]["min_rows"] = 0

    def total(part):
        result = calculate(spec, {**raw, "staff": part})
        return Decimal(result["amount"]) if result["eligible"] else Decimal(0)
    whole = total(rows)
    halves = total(rows[:cut]) + total(rows[cut:])
    assert abs(whole - halves) <= Decimal("0.01"), (whole, halves)  # each total is rounded once
