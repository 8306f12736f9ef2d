"""The engine on small inline specs: every step kind, inputs, rounding, checks, describe, combine."""

import copy
import json

import pytest

from calculators import (CalculatorError, InputError, SpecError, calculate, check_measure,
                         combine, describe)


def T(zh, en=None):
    return {"zh": zh, "en": en or zh}


def measure(inputs, rules, *, amount="amount", kind="exact", rounding=None, **extra):
    spec = {"id": "m", "notice": "test-2024", "version": 1, "title": T("测试", "Test"),
            "currency": "CNY", "inputs": inputs, "rules": rules, "amount": amount,
            "amount_kind": kind if amount else None,
            "rounding": rounding or {"places": 2, "mode": "half_up"}}
    spec.update(extra)
    assert check_measure(spec) == [], check_measure(spec)
    return spec


def number(id, type="number", **extra):
    return {"id": id, "type": type, "label": T(f"标签{id}", f"Label {id}"), **extra}


def let(name, expr, cite="1"):
    return {"let": name, "expr": expr, "cite": cite, "text": T(f"{name} = {{{name}}}")}


def amount_of(spec, **inputs):
    return calculate(spec, inputs)["amount"]


# -- tiers -------------------------------------------------------------------------------

def tiers_spec(inclusive=None):
    tiers = {"value": "workers",
             # deliberately not in descending order: the engine sorts by `from`
             "bands": [{"from": 30, "value": 10000}, {"from": "100", "value": "50000"},
                       {"from": 50, "value": "20000"}],
             "otherwise": 0}
    if inclusive is not None:
        tiers["inclusive"] = inclusive
    return measure([number("workers", "count")],
                   [{"let": "amount", "tiers": tiers, "cite": "2",
                     "text": T("{workers}人，奖励{amount}元", "{workers} workers: {amount}")}])


@pytest.mark.parametrize("workers, expected", [
    ("29", "0.00"), ("30", "10000.00"), ("31", "10000.00"), ("49", "10000.00"),
    ("50", "20000.00"), ("99", "20000.00"), ("100", "50000.00"), ("5000", "50000.00"),
])
def test_tiers_inclusive_by_default(workers, expected):
    assert amount_of(tiers_spec(), workers=workers) == expected


@pytest.mark.parametrize("workers, expected", [
    ("30", "0.00"), ("31", "10000.00"), ("50", "10000.00"), ("51", "20000.00"),
    ("100", "20000.00"), ("101", "50000.00"),
])
def test_tiers_exclusive(workers, expected):
    assert amount_of(tiers_spec(inclusive=False), workers=workers) == expected


def test_tiers_trace():
    result = calculate(tiers_spec(), {"workers": "50"})
    step = result["steps"][0]
    assert step == {"kind": "tiers", "name": "amount", "value": "20000.00",
                    "text": "50人，奖励20000.00元", "cite": "2", "reached": None}


# -- caps and floors ---------------------------------------------------------------------

def cap_spec():
    return measure(
        [number("cost", "money")],
        [let("amount", "cost * 0.5"),
         {"cap": "amount", "max": "100000", "cite": "7", "text": T("最高10万元", "At most 100,000")},
         {"floor": "amount", "min": "1000", "cite": "7", "text": T("最低1000元", "At least 1,000")}],
        kind="up_to")


@pytest.mark.parametrize("cost, expected, capped, floored", [
    ("250000", "100000.00", True, False), ("200000", "100000.00", True, False),
    ("199999.98", "99999.99", False, False), ("1000", "1000.00", False, True),
    ("0", "1000.00", False, True),
])
def test_cap_and_floor(cost, expected, capped, floored):
    result = calculate(cap_spec(), {"cost": cost})
    assert result["amount"] == expected
    assert result["amount_kind"] == "up_to"
    cap, floor = result["steps"][1], result["steps"][2]
    assert (cap["kind"], cap["reached"]) == ("cap", capped)
    assert (floor["kind"], floor["reached"]) == ("floor", floored)


# -- require / ineligible ----------------------------------------------------------------

def window_spec():
    return measure(
        [number("day", "date"), number("cost", "money")],
        [{"require": "date('2024-02-09') <= day <= date('2024-02-24')", "cite": "7",
          "text": T("日期在窗口内", "Within the window"),
          "fail": T("{day}不在2月9日—24日期间", "{day} is not between 9 and 24 February")},
         let("amount", "cost")])


def test_ineligible_with_reason_and_no_later_steps():
    result = calculate(window_spec(), {"day": "2024-02-08", "cost": "100"}, lang="en")
    assert result["eligible"] is False
    assert result["amount"] is None and result["amount_kind"] is None
    assert result["reasons"] == ["2024-02-08 is not between 9 and 24 February"]
    assert [s["kind"] for s in result["steps"]] == ["require"]
    assert result["steps"][0]["value"] == "false"
    zh = calculate(window_spec(), {"day": "2024-02-25", "cost": "100"})
    assert zh["reasons"] == ["2024-02-25不在2月9日—24日期间"]


@pytest.mark.parametrize("day", ["2024-02-09", "2024-02-24", "2024/2/15"])
def test_window_edges_are_inclusive(day):
    result = calculate(window_spec(), {"day": day, "cost": "100"})
    assert result["eligible"] is True and result["amount"] == "100.00"


# -- branch ------------------------------------------------------------------------------

def branch_spec():
    return measure(
        [number("growth_rate", "percent"), number("workers", "count")],
        [{"branch": [
            {"when": "growth_rate >= 20", "cite": "3", "text": T("增长20%以上"),
             "rules": [let("amount", "workers * 1000")]},
            {"when": "growth_rate >= 10", "cite": "3", "text": T("增长10%以上"),
             "rules": [let("amount", "workers * 500")]},
            {"otherwise": True, "cite": "3", "text": T("若不满足上述条件，但有用工"),
             "rules": [{"require": "workers >= 10", "cite": "3", "text": T("10人以上"),
                        "fail": T("不足10人", "Fewer than 10 workers")},
                       let("amount", "200")]},
        ]}])


@pytest.mark.parametrize("rate, workers, eligible, expected", [
    ("20", "10", True, "10000.00"), ("19.99", "10", True, "5000.00"),
    ("10", "3", True, "1500.00"), ("9.99", "10", True, "200.00"), ("-5", "9", False, None),
])
def test_branch_first_match_and_fallback(rate, workers, eligible, expected):
    result = calculate(branch_spec(), {"growth_rate": rate, "workers": workers})
    assert (result["eligible"], result["amount"]) == (eligible, expected)
    assert result["steps"][0]["kind"] == "branch"


def test_branch_without_match_records_it():
    spec = measure([number("n")], [
        let("amount", "0"),
        {"branch": [{"when": "n > 5", "cite": "1", "text": T("多"), "rules": [let("amount", "n")]}]},
    ])
    result = calculate(spec, {"n": "1"}, lang="en")
    assert result["steps"][-1]["text"] == "None of the cases applies"
    assert result["steps"][-1]["value"] == "false"
    assert calculate(spec, {"n": "6"})["amount"] == "6.00"


# -- proration, lookup, outcomes ---------------------------------------------------------

def test_proration_by_days():
    spec = measure([number("start", "date")], [
        let("days_in", "days(max(start, date('2024-01-01')), date('2024-12-31'))"),
        let("amount", "12000 * days_in / 366")])
    assert amount_of(spec, start="2024-01-01") == "12000.00"
    assert amount_of(spec, start="2023-06-01") == "12000.00"
    assert amount_of(spec, start="2024-12-31") == "32.79"       # 12000 / 366
    assert amount_of(spec, start="2024-07-01") == "6032.79"     # 184 days


def lookup_spec(default=None):
    lookup = {"key": "origin", "table": {"in_province": 50, "out_province": "150",
                                           "west": "200"}}
    if default is not None:
        lookup["default"] = default
    return measure(
        [number("origin", "choice", choices=[
            {"value": "in_province", "label": T("省内", "Within the province")},
            {"value": "out_province", "label": T("省外", "Outside the province")},
            {"value": "west", "label": T("西部", "Western region")}]),
         number("people", "count")],
        [{"let": "rate", "lookup": lookup, "cite": "4",
          "text": T("来自{origin}，每人{rate}元", "From {origin}: {rate} yuan each")},
         let("amount", "rate * people")])


def test_lookup_by_choice():
    result = calculate(lookup_spec(), {"origin": "west", "people": "3"}, lang="en")
    assert result["amount"] == "600.00"
    assert result["steps"][0]["text"] == "From Western region: 200 yuan each"
    assert amount_of(lookup_spec(), origin="in_province", people="3") == "150.00"


def test_lookup_numeric_key_and_default():
    spec = measure([number("level", "count")], [
        {"let": "amount", "lookup": {"key": "level", "table": {"1": 100, "2": 300},
                                     "default": 0}, "cite": "1", "text": T("{amount}")}])
    assert amount_of(spec, level="2") == "300.00"
    assert amount_of(spec, level="7") == "0.00"
    del spec["rules"][0]["lookup"]["default"]
    with pytest.raises(InputError) as caught:
        calculate(spec, {"level": "7"})
    assert (caught.value.input_id, caught.value.code) == ("level", "bad_choice")


def test_outcomes_granted_only_when_condition_holds():
    spec = measure(
        [number("feb_kwh", "energy"), number("nov_kwh", "energy")],
        [{"note": T("用电量按千瓦时", "Power use in kWh"), "cite": "1-1"}],
        amount=None,
        outcomes=[{"id": "priority_power", "when": "feb_kwh >= nov_kwh * 0.8", "cite": "1-1",
                   "text": T("优先保障电力供应（{feb_kwh}千瓦时）", "Priority power supply")},
                  {"id": "always", "cite": "1-2", "text": T("纳入名单", "Listed")}])
    granted = calculate(spec, {"feb_kwh": "80", "nov_kwh": "100"})
    assert [o["id"] for o in granted["outcomes"]] == ["priority_power", "always"]
    assert granted["outcomes"][0] == {"id": "priority_power", "cite": "1-1", "value": None,
                                      "unit": None, "kind": None,
                                      "text": "优先保障电力供应（80千瓦时）"}
    assert granted["amount"] is None and granted["currency"] is None
    denied = calculate(spec, {"feb_kwh": "79.99", "nov_kwh": "100"})
    assert [o["id"] for o in denied["outcomes"]] == ["always"]


# -- rounding and negative amounts -------------------------------------------------------

@pytest.mark.parametrize("mode, value, expected", [
    ("half_up", "2.345", "2.35"), ("half_up", "2.344", "2.34"), ("down", "2.349", "2.34"),
    ("half_even", "2.345", "2.34"), ("half_even", "2.355", "2.36"), ("half_even", "2.3451", "2.35"),
])
def test_rounding_modes(mode, value, expected):
    spec = measure([number("x")], [let("amount", "x")],
                   rounding={"places": 2, "mode": mode})
    result = calculate(spec, {"x": value})
    assert result["amount"] == expected
    assert result["steps"][-1]["kind"] == "note"  # the rounding is shown, not hidden


def test_rounding_to_whole_yuan():
    spec = measure([number("x")], [let("amount", "x / 3")], rounding={"places": 0, "mode": "down"})
    assert amount_of(spec, x="100") == "33"


def test_negative_amount_counts_as_zero_with_a_step():
    spec = measure([number("new"), number("old")], [let("amount", "(new - old) * 10")])
    result = calculate(spec, {"new": "5", "old": "8"}, lang="en")
    assert result["amount"] == "0.00"
    assert result["steps"][-1]["kind"] == "floor"
    assert "negative" in result["steps"][-1]["text"]


# -- inputs ------------------------------------------------------------------------------

def inputs_spec():
    return measure(
        [number("cost", "money", max=1000000), number("n", "count", min=1),
         number("rate", "percent"), number("day", "date", min="2024-01-01", max="2024-12-31"),
         number("ok", "bool"),
         number("kind", "choice", choices=[{"value": "a", "label": T("甲", "Type A")}]),
         number("extra", "number", default="0")],
        [let("amount", "cost + n + rate + extra")])


GOOD = {"cost": "1000", "n": "2", "rate": "-3.5", "day": "2024-02-10", "ok": "是", "kind": "a"}


@pytest.mark.parametrize("field, raw, code", [
    ("cost", "", "missing"), ("cost", None, "missing"), ("cost", "abc", "not_a_number"),
    ("cost", "-1", "negative"), ("cost", "1000000.01", "too_large"), ("cost", "1.005", "too_precise"),
    ("cost", "1e999", "not_a_number"), ("cost", "NaN", "not_a_number"), ("cost", "Infinity",
                                                                          "not_a_number"),
    ("cost", "1_000", "not_a_number"), ("cost", "９" * 30, "too_large"), ("cost", True, "not_a_number"),
    ("cost", [1], "not_a_number"), ("n", "1.5", "not_integer"), ("n", "0", "too_small"),
    ("day", "2024-02-30", "bad_date"), ("day", "2023-12-31", "too_small"),
    ("day", "2025-01-01", "too_large"), ("day", "tomorrow", "bad_date"), ("ok", "maybe", "bad_bool"),
    ("kind", "b", "bad_choice"), ("rate", "5%%", "not_a_number"),
])
def test_input_errors_name_the_input(field, raw, code):
    with pytest.raises(InputError) as caught:
        calculate(inputs_spec(), {**GOOD, field: raw})
    error = caught.value
    assert (error.input_id, error.code) == (field, code)
    assert f"标签{field}" in error.message_zh and f"Label {field}" in error.message_en
    assert error.to_dict() == {"code": code, "input_id": field, "message_zh": error.message_zh,
                               "message_en": error.message_en}


def test_input_messages_read_well():
    spec = measure([{"id": "cost", "type": "money", "label": T("包车费用", "Charter cost")}],
                   [let("amount", "cost")])
    with pytest.raises(InputError) as caught:
        calculate(spec, {"cost": "很多"})
    assert caught.value.message_zh == "「包车费用」必须是数字"
    assert caught.value.message_en == '"Charter cost" must be a number'


def test_unknown_input_rejected():
    with pytest.raises(InputError) as caught:
        calculate(inputs_spec(), {**GOOD, "cots": "1"})
    assert (caught.value.input_id, caught.value.code) == ("cots", "unknown_input")


def test_inputs_normalised():
    raw = {**GOOD, "cost": "１，０００.5", "rate": "-3.5%", "ok": "yes", "n": "2.0"}
    result = calculate(inputs_spec(), raw)
    assert result["inputs"] == {"cost": "1000.5", "n": "2", "rate": "-3.5", "day": "2024-02-10",
                                "ok": "true", "kind": "a", "extra": "0"}
    assert result["amount"] == "999.00"


def test_python_values_accepted():
    import datetime
    from decimal import Decimal
    raw = {**GOOD, "cost": Decimal("10.5"), "n": 3, "day": datetime.date(2024, 3, 1), "ok": False,
           "extra": 2}
    assert calculate(inputs_spec(), raw)["amount"] == "12.00"


def test_division_by_zero_names_the_input_in_the_divisor():
    spec = measure([number("new"), number("old")],
                   [let("base", "old * 2"), let("amount", "growth(new, old) + new / base")])
    with pytest.raises(InputError) as caught:
        calculate(spec, {"new": "5", "old": "0"})
    assert (caught.value.input_id, caught.value.code) == ("old", "division_by_zero")
    spec["rules"][1]["expr"] = "new / base"
    with pytest.raises(InputError) as caught:
        calculate(spec, {"new": "5", "old": "0"})
    assert caught.value.input_id == "old"   # through the let `base`


def test_huge_results_are_input_errors():
    spec = measure([number("a"), number("b")], [let("amount", "a * b * a * b")])
    with pytest.raises(InputError) as caught:
        calculate(spec, {"a": "999999999999999", "b": "2"})
    assert (caught.value.input_id, caught.value.code) == ("a", "too_large")


# -- result shape ------------------------------------------------------------------------

def test_result_shape_and_json():
    spec = copy.deepcopy(cap_spec())
    spec["readings"] = [{"quote": "最高", "text": T("含本数", "Inclusive")}]
    spec["application"] = {"from": "2024-02-09", "to": None, "text": T("申请", "Apply")}
    result = calculate(spec, {"cost": "250000"}, lang="en")
    assert json.loads(json.dumps(result)) == result
    assert result["notice"] == "test-2024" and result["version"] == 1 and result["measure"] == "m"
    assert result["readings"] == [{"quote": "最高", "text": "Inclusive"}]
    assert result["application"] == {"from": "2024-02-09", "to": None, "text": "Apply"}
    assert result["lang"] == "en" and result["currency"] == "CNY"


def test_invalid_spec_and_lang_are_not_input_errors():
    spec = copy.deepcopy(cap_spec())
    spec["rules"][0]["expr"] = "cost * rate"
    with pytest.raises(SpecError) as caught:
        calculate(spec, {"cost": "1"})
    assert caught.value.path == ("rules", 0, "expr")
    with pytest.raises(CalculatorError):
        calculate(cap_spec(), {"cost": "1"}, lang="fr")


# -- check_measure -----------------------------------------------------------------------

def test_check_measure_reports_every_problem():
    spec = {
        "id": "x", "title": T("题"),
        "inputs": [number("a"), number("a"), number("c", "choice"), number("d", "colour")],
        "rules": [
            {"require": "a > 0 and ghost", "text": T("{a}"), "fail": T("{nobody}")},
            {"let": "v", "expr": "a + 1", "cite": "1", "text": T("{v} {w}"), "colour": 1},
            {"let": "t", "tiers": {"value": "a", "bands": [{"from": "b", "value": 1}]},
             "cite": "1", "text": T("t")},
            {"let": "l", "lookup": {"key": "a", "table": {}}, "cite": "1", "text": T("l")},
            {"cap": "v", "max": "limit", "cite": "1", "text": T("cap")},
            {"floor": "v", "min": "0", "cite": "1"},
            {"let": "k", "expr": "__import__('os')", "cite": "1", "text": T("k")},
        ],
        "amount": "nothing", "amount_kind": "maybe",
        "rounding": {"places": 2, "mode": "up"},
        "outcomes": [{"id": "o", "when": "a", "cite": "1", "text": T("o")}],
    }
    found = {p.path: p for p in check_measure(spec)}
    expected = [
        ("inputs", 1, "id"), ("inputs", 2, "choices"), ("inputs", 3, "type"),
        ("rules", 0, "require"), ("rules", 0, "cite"), ("rules", 0, "fail", "zh"),
        ("rules", 1, "colour"), ("rules", 1, "text", "zh"), ("rules", 2, "tiers", "bands", 0, "from"),
        ("rules", 3, "lookup", "table"), ("rules", 4, "max"), ("rules", 5, "text"),
        ("rules", 6, "expr"), ("amount",), ("amount_kind",), ("rounding", "mode"),
        ("outcomes", 0, "when"),
    ]
    for path in expected:
        assert path in found, (path, sorted(found))
    assert "ghost" in found[("rules", 0, "require")].message_en
    assert "column" in found[("rules", 6, "expr")].message_en
    assert all(p.message_zh and p.message_en for p in found.values())


def test_check_measure_names_defined_only_in_some_branches():
    spec = measure([number("n")], [
        {"branch": [{"when": "n > 1", "cite": "1", "text": T("a"), "rules": [let("amount", "n")]},
                    {"otherwise": True, "cite": "1", "text": T("b"), "rules": [let("amount", "1")]}]},
    ])
    spec["rules"][0]["branch"].pop()    # without the fallback, amount may be undefined
    assert [p.path for p in check_measure(spec)] == [("amount",)]


def test_check_measure_lookup_coverage():
    spec = copy.deepcopy(lookup_spec())
    del spec["rules"][0]["lookup"]["table"]["west"]
    spec["rules"][0]["lookup"]["table"]["east"] = 1
    paths = [p.path for p in check_measure(spec)]
    assert ("rules", 0, "lookup", "table") in paths            # west missing, no default
    assert ("rules", 0, "lookup", "table", "east") in paths    # not a choice


def test_check_measure_non_computable():
    assert check_measure({"id": "x", "calculator": False, "reason": T("无公式")}) == []
    assert check_measure({"id": "x", "calculator": False})[0].path == ("reason",)


# -- describe and combine ----------------------------------------------------------------

def test_describe():
    spec = lookup_spec()
    both = describe(spec)
    assert both["title"] == {"zh": "测试", "en": "Test"}
    origin = both["inputs"][0]
    assert origin["choices"][2] == {"value": "west", "label": {"zh": "西部", "en": "Western region"}}
    en = describe(spec, lang="en")
    assert en["inputs"][1] == {"id": "people", "type": "count", "label": "Label people",
                               "unit": None, "help": None, "choices": None, "min": "0",
                               "max": None, "default": None}


def test_combine_exclusive_highest():
    a = calculate(cap_spec(), {"cost": "50000"})                 # 25000.00
    b = dict(calculate(tiers_spec(), {"workers": "60"}), measure="n")  # 20000.00
    c = dict(calculate(window_spec(), {"day": "2024-01-01", "cost": "1"}), measure="w")
    relation = {"id": "r1", "kind": "exclusive", "resolve": "highest", "measures": "*",
                "cite": "appendix-2", "text": T("不重复享受、就高原则", "The higher amount applies")}
    combined = combine([b, a, c], relation)
    assert (combined["chosen"], combined["amount"]) == ("m", "25000.00")
    assert combined["text"] == ("不重复享受、就高原则：第n项 20000.00元、第m项 25000.00元，"
                                "取较高的第m项（25000.00元）。")
    assert combined["cite"] == "appendix-2" and len(combined["results"]) == 3
    only_b = combine([b, a], {**relation, "measures": ["n"]}, lang="en")
    assert only_b["chosen"] == "n" and "measure n" in only_b["text"]
    none = combine([c], relation, lang="en")
    assert none["chosen"] is None and none["amount"] is None
    with pytest.raises(CalculatorError):
        combine([a], {**relation, "resolve": "sum"})


# -- amount kind once the cap is reached ---------------------------------------------------

def test_amount_kind_changes_once_the_cap_is_reached():
    """"不低于70%，最高不超过10万元": a floor below the cap, the cap itself once reached."""
    spec = measure([number("cost", "money")],
                   [let("amount", "cost * 0.7"),
                    {"cap": "amount", "max": "100000", "cite": "1", "text": T("封顶", "cap")}],
                   kind="at_least", amount_kind_at_cap="exact")
    below = calculate(spec, {"cost": "100000"})
    assert (below["amount"], below["amount_kind"]) == ("70000.00", "at_least")
    at = calculate(spec, {"cost": "200000"})
    assert (at["amount"], at["amount_kind"]) == ("100000.00", "exact")
    bad = dict(spec, amount_kind_at_cap="maybe")
    assert any(p.path == ("amount_kind_at_cap",) for p in check_measure(bad))


def test_outcome_carries_a_computed_value():
    spec = measure([number("quota", "energy")],
                   [let("carry", "quota * 0.2")], amount=None, kind=None,
                   outcomes=[{"id": "carry", "when": "carry > 0", "cite": "1", "value": "carry",
                              "unit": T("吨", "tonnes"),
                              "text": T("结转 {carry}", "carry over {carry}")}])
    result = calculate(spec, {"quota": "150"}, lang="en")
    assert result["outcomes"] == [{"id": "carry", "text": "carry over 30", "cite": "1", "value": "30",
                                   "unit": "tonnes", "kind": "exact"}]
    assert calculate(spec, {"quota": "150"})["outcomes"][0]["unit"] == "吨"
    assert any(p.path == ("outcomes", 0, "value") for p in check_measure(dict(spec, outcomes=[dict(spec["outcomes"][0], value="nope")])))
