"""List inputs: rows with typed columns, per-row rules (`each`), aggregates, errors naming the cell."""

import json

import pytest

from calculators import InputError, SpecError, calculate, check_measure, compile_expression, describe
from calculators.errors import ExpressionError
from calculators.expr import ListType


def T(zh, en=None):
    return {"zh": zh, "en": en or zh}


PROVINCE = {"id": "province", "type": "choice", "label": T("来源地", "Origin"),
            "choices": [{"value": "anhui", "label": T("安徽", "Anhui")},
                        {"value": "wenzhou", "label": T("温州", "Wenzhou")},
                        {"value": "sichuan", "label": T("四川", "Sichuan")}]}
WORKERS = {"id": "workers", "type": "count", "label": T("人数", "Workers")}


def origins(**extra):
    return {"id": "origins", "type": "list", "label": T("返岗员工", "Returning workers"),
            "row_label": T("来源地", "origin"), "columns": [PROVINCE, WORKERS], **extra}


PER_ROW = [
    {"require": "province != 'wenzhou'", "cite": "19", "text": T("{province}：外地员工", "{province}: non-local"),
     "fail": T("{province}：本地员工，不享受", "{province}: local, not eligible")},
    {"let": "rate", "cite": "19", "lookup": {"key": "province", "table": {"anhui": 150, "sichuan": 200},
                                             "default": 0},
     "text": T("{province}：{rate}元/人", "{province}: {rate} per person")},
    {"let": "row_amount", "expr": "rate * workers", "cite": "19",
     "text": T("{province}：{workers}人 × {rate}元 = {row_amount}元", "{province}: {workers} × {rate} = {row_amount}")},
]


def spec(rules=None, inputs=None, **extra):
    found = {"id": "19", "notice": "test-2024", "version": 1, "title": T("测试", "Test"),
             "currency": "CNY", "amount": "amount", "amount_kind": "exact",
             "inputs": inputs or [origins()],
             "rules": rules or [
                 {"each": "origins", "cite": "19", "rules": PER_ROW},
                 {"require": "count(origins) >= 1", "cite": "19", "text": T("有符合条件的员工", "Someone qualifies"),
                  "fail": T("没有符合条件的员工", "Nobody qualifies")},
                 {"let": "amount", "expr": "sum(origins, row_amount)", "cite": "19",
                  "text": T("合计 {amount} 元", "Total {amount} yuan")},
                 {"cap": "amount", "max": "5000", "cite": "19", "text": T("最高5000元", "At most 5,000")}]}
    found.update(extra)
    assert check_measure(found) == [], check_measure(found)
    return found


ROWS = [{"province": "anhui", "workers": 20}, {"province": "wenzhou", "workers": "3"},
        {"province": "sichuan", "workers": "5"}]


def test_per_row_steps_cite_their_clause_and_the_total_sums_the_qualifying_rows():
    result = calculate(spec(), {"origins": ROWS}, lang="en")
    assert result["eligible"] and result["amount"] == "4000.00"
    per_row = [s for s in result["steps"] if "row" in s]
    assert [(s["row"], s["text"]) for s in per_row if s["name"] == "row_amount"] == [
        (0, "Anhui: 20 × 150 = 3000"), (2, "Sichuan: 5 × 200 = 1000")]
    assert all(s["list"] == "origins" and s["cite"] == "19" for s in per_row)
    left_out = [s for s in per_row if s["kind"] == "require" and s["value"] == "false"]
    assert [(s["row"], s["text"]) for s in left_out] == [(1, "Wenzhou: local, not eligible")]
    assert result["reasons"] == []  # an eligible result: the left-out row is in its steps
    assert result["inputs"]["origins"] == [{"province": "anhui", "workers": "20"},
                                           {"province": "wenzhou", "workers": "3"},
                                           {"province": "sichuan", "workers": "5"}]


def test_chinese_per_row_text():
    result = calculate(spec(), {"origins": ROWS[:1]}, lang="zh")
    assert "安徽：20人 × 150元 = 3000元" in [s["text"] for s in result["steps"]]


def test_a_cap_reached_by_the_total():
    rows = [{"province": "sichuan", "workers": 20}, {"province": "anhui", "workers": 10}]  # 4000 + 1500
    result = calculate(spec(), {"origins": rows})
    assert result["amount"] == "5000.00"
    assert [s["reached"] for s in result["steps"] if s["kind"] == "cap"] == [True]


def test_no_row_qualifies_gives_each_rows_reason_then_the_measures():
    result = calculate(spec(), {"origins": [{"province": "wenzhou", "workers": 2}]}, lang="zh")
    assert not result["eligible"] and result["amount"] is None
    assert result["reasons"] == ["第1行：温州：本地员工，不享受", "没有符合条件的员工"]
    assert [(s["kind"], s["text"]) for s in result["steps"] if s["kind"] == "each"] == [
        ("each", "逐行计算「返岗员工」，共1行"), ("each", "没有符合条件的行")]


def test_list_given_as_json_text_reads_numbers_exactly():
    found = spec(rules=[{"let": "amount", "expr": "sum(origins, workers * 0.1)", "cite": "1",
                         "text": T("{amount}")}],
                 inputs=[origins(columns=[PROVINCE, {**WORKERS, "type": "number"}])])
    result = calculate(found, {"origins": '[{"province": "anhui", "workers": 0.1}, '
                                          '{"province": "anhui", "workers": "0.2"}]'})
    assert result["amount"] == "0.03"


@pytest.mark.parametrize("expr, expected", [
    ("count(origins)", "3"),
    ("count(origins, workers > 4)", "2"),
    ("sum(origins, workers)", "28"),
    ("min(origins, workers)", "3"),
    ("max(origins, workers)", "20"),
    ("max(origins, workers) + min(1, 2)", "21"),  # min of two numbers is still min
])
def test_aggregates(expr, expected):
    found = spec(rules=[{"let": "amount", "expr": expr, "cite": "1", "text": T("{amount}")}],
                 rounding={"places": 0, "mode": "half_up"})
    assert calculate(found, {"origins": ROWS})["amount"] == expected


def test_min_and_max_of_dates_over_rows():
    start = {"id": "start", "type": "date", "label": T("开始", "Start")}
    found = spec(inputs=[origins(columns=[start])],
                 rules=[{"let": "first", "expr": "min(origins, start)", "cite": "1", "text": T("{first}")},
                        {"let": "amount", "expr": "days(first, max(origins, start))", "cite": "1",
                         "text": T("{amount}")}])
    rows = [{"start": "2024-03-05"}, {"start": "2024-03-01"}, {"start": "2024-03-10"}]
    assert calculate(found, {"origins": rows})["amount"] == "10.00"


def test_a_list_with_zero_rows_allowed_sums_to_zero_and_min_over_it_blames_the_list():
    found = spec(inputs=[origins(min_rows=0)],
                 rules=[{"let": "amount", "expr": "sum(origins, workers)", "cite": "1", "text": T("{amount}")}])
    assert calculate(found, {"origins": []})["amount"] == "0.00"
    found = spec(inputs=[origins(min_rows=0)],
                 rules=[{"let": "amount", "expr": "min(origins, workers)", "cite": "1", "text": T("{amount}")}])
    with pytest.raises(InputError) as caught:
        calculate(found, {"origins": []})
    assert (caught.value.input_id, caught.value.code) == ("origins", "too_few_rows")


def test_outer_names_are_visible_in_rows_and_per_row_values_stay_in_them():
    rate = {"id": "rate_all", "type": "money", "label": T("标准", "Rate")}
    found = spec(inputs=[rate, origins()],
                 rules=[{"each": "origins", "cite": "1", "rules": [
                     {"let": "pay", "expr": "rate_all * workers", "cite": "1", "text": T("{pay}")}]},
                     {"let": "amount", "expr": "sum(origins, pay)", "cite": "1", "text": T("{amount}")}])
    assert calculate(found, {"rate_all": "100", "origins": ROWS})["amount"] == "2800.00"


def test_a_per_row_cap():
    found = spec(rules=[{"each": "origins", "cite": "1", "rules": [
        {"let": "pay", "expr": "workers * 100", "cite": "1", "text": T("{pay}")},
        {"cap": "pay", "max": "1000", "cite": "1", "text": T("每行最高1000元", "At most 1,000 per row")}]},
        {"let": "amount", "expr": "sum(origins, pay)", "cite": "1", "text": T("{amount}")}])
    result = calculate(found, {"origins": ROWS})
    assert result["amount"] == "1800.00"  # 1000 + 300 + 500
    assert [(s["row"], s["reached"]) for s in result["steps"] if s["kind"] == "cap"] == [
        (0, True), (1, False), (2, False)]


# -- input errors name the list, the row and the column -----------------------------------

@pytest.mark.parametrize("raw, code, row, column, zh, en", [
    ([{"province": "anhui", "workers": "x"}], "not_a_number", 0, "workers",
     "「返岗员工」第1行：「人数」必须是数字", '"Returning workers", row 1: "Workers" must be a number'),
    ([ROWS[0], {"province": "hubei", "workers": 1}], "bad_choice", 1, "province", "第2行", "row 2"),
    ([ROWS[0], {"province": "anhui"}], "missing", 1, "workers", "请填写「人数」", '"Workers"'),
    ([{"province": "anhui", "workers": -1}], "negative", 0, "workers", "不能为负数", "negative"),
    ([{"province": "anhui", "workers": 1, "extra": 2}], "unknown_column", 0, "extra", "extra", "extra"),
    ([1], "bad_row", 0, None, "第1行", "row 1"),
    ([], "too_few_rows", None, None, "至少需要1行", "at least 1 row"),
    ([ROWS[0]] * 4, "too_many_rows", None, None, "最多3行", "at most 3 rows"),
    ({"province": "anhui"}, "not_a_list", None, None, "JSON 列表", "JSON list"),
    ("[{", "not_a_list", None, None, "不是有效的 JSON", "not valid JSON"),
    ("[" * 100000, "not_a_list", None, None, "不是有效的 JSON", "not valid JSON"),
    ('[{"province": "anhui", "workers": 1e999}]', "too_large", 0, "workers", "第1行", "row 1"),
    (None, "missing", None, None, "请填写「返岗员工」", 'fill in "Returning workers"'),
    ("", "missing", None, None, "请填写「返岗员工」", 'fill in "Returning workers"'),
])
def test_input_errors(raw, code, row, column, zh, en):
    found = spec(inputs=[origins(max_rows=3)])
    with pytest.raises(InputError) as caught:
        calculate(found, {"origins": raw})
    error = caught.value
    assert (error.input_id, error.code, error.row, error.column) == ("origins", code, row, column)
    assert zh in error.message_zh and en in error.message_en
    shown = error.to_dict()
    assert json.loads(json.dumps(shown)) == shown
    assert ("row" in shown) == (row is not None or column is not None)


def test_a_division_by_zero_in_a_row_blames_the_cell():
    found = spec(rules=[{"each": "origins", "cite": "1", "rules": [
        {"let": "share", "expr": "100 / workers", "cite": "1", "text": T("{share}")}]},
        {"let": "amount", "expr": "sum(origins, share)", "cite": "1", "text": T("{amount}")}])
    with pytest.raises(InputError) as caught:
        calculate(found, {"origins": [ROWS[0], {"province": "anhui", "workers": 0}]})
    assert (caught.value.code, caught.value.row, caught.value.column) == ("division_by_zero", 1, "workers")


def test_a_division_by_zero_inside_an_aggregate_blames_the_cell():
    found = spec(rules=[{"let": "amount", "expr": "sum(origins, 100 / workers)", "cite": "1",
                         "text": T("{amount}")}])
    with pytest.raises(InputError) as caught:
        calculate(found, {"origins": [ROWS[0], ROWS[1], {"province": "anhui", "workers": "0"}]})
    assert (caught.value.input_id, caught.value.row, caught.value.column) == ("origins", 2, "workers")


def test_a_lookup_keyed_by_a_choice_column():
    found = spec(rules=[{"each": "origins", "cite": "1", "rules": [
        {"let": "rate", "cite": "1", "lookup": {"key": "province", "table": {"anhui": 1, "sichuan": 2, "wenzhou": 3}},
         "text": T("{rate}")}]},
        {"let": "amount", "expr": "sum(origins, rate)", "cite": "1", "text": T("{amount}")}])
    assert calculate(found, {"origins": ROWS})["amount"] == "6.00"


# -- describe --------------------------------------------------------------------------

def test_describe_a_list_input():
    found = describe(spec(inputs=[origins(max_rows=50, help=T("每个来源地一行", "One row per origin"))]),
                     lang="en")
    (field,) = found["inputs"]
    assert {k: field[k] for k in ("id", "type", "label", "help", "min_rows", "max_rows", "row_label")} == {
        "id": "origins", "type": "list", "label": "Returning workers", "help": "One row per origin",
        "min_rows": 1, "max_rows": 50, "row_label": "origin"}
    assert [c["id"] for c in field["columns"]] == ["province", "workers"]
    assert field["columns"][1] == {"id": "workers", "type": "count", "label": "Workers", "unit": None,
                                   "help": None, "choices": None, "min": "0", "max": None, "default": None}
    both = describe(spec(), lang=None)["inputs"][0]
    assert both["label"] == {"zh": "返岗员工", "en": "Returning workers"}
    assert both["columns"][0]["choices"][0] == {"value": "anhui", "label": {"zh": "安徽", "en": "Anhui"}}


# -- static checks --------------------------------------------------------------------

def problems(found):
    return {(".".join(map(str, p.path)), p.message_en) for p in check_measure(found)}


def paths(found):
    return {path for path, _ in problems(found)}


def bad(rules=None, inputs=None):
    return {"id": "m", "title": T("t"), "amount": "amount", "amount_kind": "exact",
            "inputs": inputs or [origins()],
            "rules": rules or [{"let": "amount", "expr": "sum(origins, workers)", "cite": "1", "text": T("x")}]}


@pytest.mark.parametrize("declaration, path", [
    ({"columns": []}, "inputs.0.columns"),
    ({"columns": [{**WORKERS, "type": "list"}]}, "inputs.0.columns.0.type"),
    ({"columns": [{**WORKERS, "type": "energy"}]}, "inputs.0.columns.0.type"),
    ({"columns": [WORKERS, WORKERS]}, "inputs.0.columns.1.id"),
    ({"columns": [{**WORKERS, "label": None}]}, "inputs.0.columns.0.label"),
    ({"min_rows": 3, "max_rows": 2}, "inputs.0.min_rows"),
    ({"max_rows": 100000}, "inputs.0.max_rows"),
    ({"min_rows": "1"}, "inputs.0.min_rows"),
    ({"unit": T("元")}, "inputs.0.unit"),
    ({"label": None}, "inputs.0.label"),
    ({"row_label": "行"}, "inputs.0.row_label"),
])
def test_bad_declarations_are_reported_with_their_path(declaration, path):
    assert path in paths(bad(inputs=[{**origins(), **declaration}]))


def test_list_keys_on_an_ordinary_input_are_reported():
    found = bad(inputs=[origins(), {**WORKERS, "id": "other", "columns": [WORKERS], "max_rows": 3}])
    assert {"inputs.1.columns", "inputs.1.max_rows"} <= paths(found)


def test_a_column_may_not_share_an_id_with_an_input():
    found = bad(inputs=[{"id": "workers", "type": "count", "label": T("人数")}, origins()])
    assert "inputs.1.columns.1.id" in paths(found)


@pytest.mark.parametrize("rules, path", [
    ([{"let": "amount", "expr": "origins + 1", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "sum(workers, 1)", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "sum(origins, province)", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "count(origins, workers)", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "sum(origins)", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "workers", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"let": "amount", "expr": "sum(origins, pay)", "cite": "1", "text": T("x")}], "rules.0.expr"),
    ([{"each": "amount", "cite": "1", "rules": [{"note": T("x"), "cite": "1"}]}], "rules.0.each"),
    ([{"each": "origins", "rules": [{"note": T("x"), "cite": "1"}]}], "rules.0.cite"),
    ([{"each": "origins", "cite": "1", "rules": []}], "rules.0.rules"),
    ([{"each": "origins", "cite": "1", "rules": [{"let": "x", "expr": "wrkrs", "cite": "1", "text": T("x")}]}],
     "rules.0.rules.0.expr"),
    ([{"each": "origins", "cite": "1", "rules": [{"let": "workers", "expr": "1", "cite": "1", "text": T("x")}]}],
     "rules.0.rules.0.let"),
    ([{"let": "rate", "expr": "1", "cite": "1", "text": T("x")},
      {"each": "origins", "cite": "1", "rules": [{"let": "rate", "expr": "2", "cite": "1", "text": T("x")}]}],
     "rules.1.rules.0.let"),
    ([{"each": "origins", "cite": "1", "rules": [
        {"each": "origins", "cite": "1", "rules": [{"note": T("x"), "cite": "1"}]}]}], "rules.0.rules.0.each"),
    ([{"each": "origins", "cite": "1", "rules": [{"note": T("x"), "cite": "1"}], "when": "true"}], "rules.0.when"),
    ([{"each": "origins", "cite": "1", "rules": [
        {"let": "r", "cite": "1", "lookup": {"key": "province", "table": {"anhui": 1}}, "text": T("x")}]}],
     "rules.0.rules.0.lookup.table"),
])
def test_bad_rules_are_reported_with_their_path(rules, path):
    assert path in paths(bad(rules=rules + [{"let": "amount", "expr": "1", "cite": "1", "text": T("x")}]))


def test_per_row_names_are_not_visible_outside_the_rows():
    rules = [{"each": "origins", "cite": "1", "rules": [{"let": "pay", "expr": "workers", "cite": "1",
                                                          "text": T("{pay}")}]},
             {"let": "amount", "expr": "pay", "cite": "1", "text": T("x")}]
    assert "rules.1.expr" in paths(bad(rules=rules))


def test_a_list_cannot_be_an_outcome_value():
    found = bad()
    found["outcomes"] = [{"id": "o", "cite": "1", "text": T("x"), "value": "origins"}]
    assert "outcomes.0.value" in paths(found)


# -- the expression language ----------------------------------------------------------

def test_aggregates_are_the_only_way_to_read_a_list():
    types = {"origins": ListType({"workers": "number"}), "x": "number"}
    assert compile_expression("sum(origins, workers * x)").infer(types) == "number"
    for source in ("origins", "origins == origins", "min(origins, workers, 1)", "sum(x, 1)",
                   "count(1)", "sum(origins, workers, 1)", "origins.workers", "origins[0]",
                   "sum(origins, workers=1)"):
        with pytest.raises(ExpressionError):
            compile_expression(source).infer(types)


def test_a_row_expression_cannot_reach_outside_its_row_and_scope():
    types = {"origins": ListType({"workers": "number"})}
    with pytest.raises(ExpressionError):  # a column is not a name outside the aggregate
        compile_expression("sum(origins, workers) + workers").infer(types)


def test_the_each_step_runs_only_on_a_list():
    found = spec()
    found["rules"] = [{"each": "origins", "cite": "1", "rules": [{"note": T("x"), "cite": "1"}]}] + found["rules"]
    calculate(found, {"origins": ROWS})
    with pytest.raises(SpecError):  # check_measure refuses it before anything runs
        calculate({**found, "rules": [{"each": "nothing", "cite": "1", "rules": []}]}, {"origins": ROWS})


def test_money_true_shows_a_value_with_two_decimals_and_computes_with_the_exact_one():
    found = spec(rules=[{"each": "origins", "cite": "1", "rules": [
        {"let": "pay", "expr": "workers * 500 / 30", "money": True, "cite": "1", "text": T("{pay}元")}]},
        {"let": "amount", "expr": "sum(origins, pay)", "cite": "1", "text": T("{amount}")}])
    rows = [{"province": "anhui", "workers": 1}, {"province": "anhui", "workers": 2}]
    result = calculate(found, {"origins": rows})
    assert [s["text"] for s in result["steps"] if s["name"] == "pay"] == ["16.67元", "33.33元"]
    assert result["amount"] == "50.00"  # 500 / 30 × 3 exactly, rounded once
    found["rules"][0]["rules"][0]["money"] = "yes"
    assert "rules.0.rules.0.money" in paths(found)


def test_the_example_in_the_format_docs_runs():
    import re
    from pathlib import Path

    import yaml
    text = (Path(__file__).resolve().parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    section = text[text.index("### List inputs"):]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    found = {"id": "19", "title": T("例", "Example"), "amount": "amount", "amount_kind": "exact", **example}
    assert check_measure(found) == []
    rows = [{"province": "anhui", "workers": 20}, {"province": "wenzhou", "workers": 3}]
    result = calculate(found, {"origins": rows}, lang="en")
    assert result["amount"] == "3000.00"
    assert [s["text"] for s in result["steps"] if "row" in s][-1] == "Wenzhou, Zhejiang (local): local; left out"
