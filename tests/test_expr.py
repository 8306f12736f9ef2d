"""The expression language: exact Decimal arithmetic, comparisons, functions, static types."""

import datetime
from decimal import Decimal

import pytest

from calculators.errors import ExpressionError
from calculators.expr import compile_expression, names_used


def ev(source, **values):
    return compile_expression(source).evaluate(values)


def test_literals_are_exact_decimals():
    assert ev("0.1 + 0.2") == Decimal("0.3")
    assert ev("0.1 + 0.2") != Decimal(0.1 + 0.2)
    assert type(ev("7")) is Decimal
    assert str(ev("1.10 * 3")) == "3.30"


def test_arithmetic_and_precedence():
    assert ev("2 + 3 * 4") == 14
    assert ev("(2 + 3) * 4") == 20
    assert ev("-x + +y", x=Decimal(5), y=Decimal(2)) == -3
    assert ev("1 / 3 * 3") == Decimal("0.9999999999999999999999999999")  # 28 digits, no float
    assert ev("cost * 0.5", cost=Decimal("250000")) == Decimal("125000.0")


def test_comparison_chains_and_logic():
    d = datetime.date(2024, 2, 9)
    window = "date('2024-02-09') <= d <= date('2024-02-24')"
    assert ev(window, d=d) is True
    assert ev(window, d=d - datetime.timedelta(days=1)) is False
    assert ev("1 < 2 < 3 and not (3 < 2)") is True
    assert ev("1 < 3 < 2") is False
    assert ev("x == 'east' or false", x="east") is True
    assert ev("true and False") is False


def test_if_expression():
    assert ev("500 if n >= 10 else 0", n=Decimal(10)) == 500
    assert ev("500 if n >= 10 else 0", n=Decimal(9)) == 0


@pytest.mark.parametrize("source, expected", [
    ("min(3, 1, 2)", "1"), ("max(3, 1, 2)", "3"), ("floor(2.7)", "2"), ("ceil(2.1)", "3"),
    ("floor(-2.5)", "-3"), ("abs(-4.5)", "4.5"), ("round(2.345, 2)", "2.35"),
    ("round(2.5, 0)", "3"), ("round(-2.5, 0)", "-3"), ("growth(120, 100)", "20"),
    ("growth(80, 100)", "-20"), ("days(date('2024-02-09'), date('2024-02-24'))", "16"),
    ("days(date('2024-02-24'), date('2024-02-09'))", "0"),
    ("days(date('2024-02-28'), date('2024-03-01'))", "3"),  # leap year
])
def test_functions(source, expected):
    assert ev(source) == Decimal(expected)


def test_min_max_on_dates_and_proration():
    end = ev("min(d, date('2024-12-31'))", d=datetime.date(2025, 3, 1))
    assert end == datetime.date(2024, 12, 31)
    prorated = ev("12000 * days(start, date('2024-12-31')) / 366",
                  start=datetime.date(2024, 7, 1))
    assert prorated == Decimal(12000) * 184 / 366


def test_growth_steps_per_whole_point():
    # "每增长1个百分点" — whole points only
    assert ev("floor(growth(new, old)) * 1000", new=Decimal("125.9"), old=Decimal(100)) == 25000


def test_division_by_zero_names_the_divisor():
    with pytest.raises(ExpressionError) as caught:
        ev("a / (b - c)", a=Decimal(1), b=Decimal(2), c=Decimal(2))
    assert caught.value.code == "division_by_zero"
    assert caught.value.names == ("b", "c")
    with pytest.raises(ExpressionError) as caught:
        ev("growth(x, base)", x=Decimal(1), base=Decimal(0))
    assert caught.value.names == ("base",)


def test_names_used_in_order_without_constants_or_functions():
    assert names_used("min(cost * rate, cap) if eligible and true else floor(x)") == \
        ("cost", "rate", "cap", "eligible", "x")


def test_compiled_once():
    assert compile_expression("a + 1") is compile_expression("a + 1")


def test_static_types():
    types = {"n": "number", "d": "date", "ok": "bool", "region": "str"}
    assert compile_expression("n * 2 if ok else 0").infer(types) == "number"
    assert compile_expression("days(d, date('2024-12-31'))").infer(types) == "number"
    assert compile_expression("region == 'east' and ok").infer(types) == "bool"
    assert compile_expression("min(d, date('2024-01-01'))").infer(types) == "date"
    for bad in ("n + d", "ok + 1", "n if ok else d", "region < 'x'", "not n", "n and ok",
                "d == 1", "growth(d, n)", "missing + 1", "min(n, d)"):
        with pytest.raises(ExpressionError):
            compile_expression(bad).infer(types)


def test_constant_zero_divisor_is_a_static_error():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("n / (2 - 2)").infer({"n": "number"})
    assert caught.value.code == "division_by_zero"


def test_runtime_type_errors_are_expression_errors():
    with pytest.raises(ExpressionError) as caught:
        ev("x + 1", x=True)
    assert caught.value.code == "type"
    with pytest.raises(ExpressionError):
        ev("x < 1", x=datetime.date(2024, 1, 1))


@pytest.mark.parametrize("source, code, col", [
    ("cost * 1e5", "bad_number", 8), ("1_000 + x", "bad_number", 1), ("0x10", "bad_number", 1),
    ("date('2024-02-30')", "bad_date", 6), ("date(x)", "bad_arguments", 1),
    ("round(x, 2.5)", "bad_arguments", 1), ("round(x, y)", "bad_arguments", 1),
    ("min(x)", "bad_arguments", 1), ("floor(1, 2)", "bad_arguments", 1),
    ("pow(1, 2)", "unknown_function", 1), ("sum(1, 2)", "bad_arguments", 1), ("x +", "syntax", None), ("None", "not_allowed", 1),
    ("包车 + 1", "bad_name", 1), ("'费用' + x.y", "not_allowed", 8),
])
def test_rejections_carry_code_and_column(source, code, col):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert caught.value.code == code
    if col is not None:
        assert caught.value.col == col
    assert caught.value.expr == source
    assert f"column {caught.value.col}" in caught.value.message_en


def test_multiline_source_is_one_logical_line():
    assert ev("a +\n b", a=Decimal(1), b=Decimal(2)) == 3  # a YAML line break is a space
    assert ev("(a +\n b)", a=Decimal(1), b=Decimal(2)) == 3
