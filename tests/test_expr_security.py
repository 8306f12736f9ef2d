"""Escape attempts against the expression language and the step text substitution.

Every attempt must be refused with an ExpressionError (never run, never another exception)."""

import time
from decimal import Decimal

import pytest

from calculators import calculate, check_measure
from calculators.errors import ExpressionError
from calculators.expr import MAX_DEPTH, MAX_LENGTH, compile_expression

ESCAPES = [
    "__import__('os')",
    "__import__('os').system('true')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.real",
    "'abc'.upper()",
    "[1, 2][0]",
    "x[0]",
    "{'a': 1}",
    "{1, 2}",
    "(1, 2)",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[i for i in range(3)]",
    "{i for i in x}",
    "(i for i in x)",
    "{i: i for i in x}",
    "eval('1')",
    "exec('1')",
    "open('/etc/passwd')",
    "getattr(x, 'y')",
    "type(x)",
    "globals()",
    "min(*x)",
    "min(x, **y)",
    "round(x, ndigits=2)",
    "f'{x}'",
    "f'{x.__class__}'",
    "b'bytes'",
    "9**9**9",
    "2 ** 10",
    "7 // 2",
    "7 % 2",
    "1 << 100",
    "1 | 2",
    "~1",
    "x in y",
    "x is None",
    "(y := 1)",
    "x if True else __import__('os')",
    "...",
    "1j",
    "min(1, 2)(3)",
    "x.y()",
    "print",
    "await x",
    "yield x",
    "'%s' % x",
    "'{}'.format(x)",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escape_is_refused_with_a_position(source):
    with pytest.raises(ExpressionError) as caught:
        expression = compile_expression(source)
        expression.evaluate({"x": Decimal(1), "y": Decimal(2)})  # names alone must not run code
    assert caught.value.col >= 1
    assert caught.value.code in {"syntax", "not_allowed", "unknown_function", "bad_number",
                                 "bad_arguments", "unknown_name"}


def test_unknown_name_is_refused_at_evaluation():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("__builtins__").evaluate({})
    assert caught.value.code == "unknown_name"
    # names resolve only in the mapping given, never in Python's builtins
    with pytest.raises(ExpressionError):
        compile_expression("len").evaluate({})


def test_no_power_operator_so_no_huge_numbers():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("9**9**9")
    assert caught.value.code == "not_allowed"
    assert caught.value.col == 1


def test_exponent_literals_refused():
    for source in ("1e999", "1E5", "1e-999999999"):
        with pytest.raises(ExpressionError) as caught:
            compile_expression(source)
        assert caught.value.code == "bad_number"


def test_long_expression_refused_quickly():
    source = "1+" * (MAX_LENGTH // 2) + "1"
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert caught.value.code == "too_long"
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("source", [
    "(1+" * 80 + "1" + ")" * 80,
    "-" * 200 + "1",
    "not " * 100 + "true",
    "+".join(["x"] * (MAX_DEPTH + 5)),
    "min(" * 60 + "1" + ", 1)" * 60,
])
def test_deep_expressions_refused(source):
    assert len(source) <= MAX_LENGTH
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert caught.value.code in {"too_deep", "syntax"}


def test_moderate_depth_is_fine():
    source = "+".join(["x"] * 20)
    assert compile_expression(source).evaluate({"x": Decimal(1)}) == 20


def test_null_bytes_and_odd_text_refused():
    for source in ("1\x00", "\ufeff1 +", "x +* 2", ""):
        with pytest.raises(ExpressionError):
            compile_expression(source)


def test_non_ascii_identifiers_refused():
    # Python NFKC-folds identifiers: ｘ would silently become x
    with pytest.raises(ExpressionError) as caught:
        compile_expression("ｘ + 1")
    assert caught.value.code == "bad_name"


def _spec(text_zh, text_en):
    return {
        "id": "1", "notice": "t", "version": 1, "title": {"zh": "题", "en": "T"},
        "inputs": [{"id": "x", "type": "number", "label": {"zh": "数", "en": "X"}}],
        "rules": [{"let": "amount", "expr": "x", "cite": "1",
                   "text": {"zh": text_zh, "en": text_en}}],
        "amount": "amount", "amount_kind": "exact",
        "rounding": {"places": 2, "mode": "half_up"},
    }


def test_format_fields_in_step_text_are_not_evaluated():
    tricky = "{x.__class__} {x!r} {0} {x[0]} {x:>100} {{x}} {__import__} {x}"
    spec = _spec(tricky, tricky)
    problems = check_measure(spec)
    assert [p.path for p in problems] == [("rules", 0, "text", "zh"), ("rules", 0, "text", "en")]
    assert "__import__" in problems[0].message_en
    spec = _spec("{x.__class__} {x!r} {0} {x[0]} {x:>100} {{x}} {x}",
                 "{x.__class__} {x!r} {0} {x[0]} {x:>100} {{x}} {x}")
    assert check_measure(spec) == []
    text = calculate(spec, {"x": "5"})["steps"][0]["text"]
    # only the exact `{x}` is replaced (also inside the doubled braces); nothing else is touched
    assert text == "{x.__class__} {x!r} {0} {x[0]} {x:>100} {5} 5"


def test_input_values_are_data_not_code():
    spec = _spec("{x}", "{x}")
    spec["inputs"][0]["type"] = "choice"
    spec["inputs"][0]["choices"] = [{"value": "__import__('os')",
                                     "label": {"zh": "{x}", "en": "{x}"}}]
    spec["rules"] = [{"require": "x == x", "cite": "1", "text": {"zh": "选{x}", "en": "{x}"},
                      "fail": {"zh": "否", "en": "no"}}]
    spec["amount"] = None
    spec["amount_kind"] = None
    assert check_measure(spec) == []
    result = calculate(spec, {"x": "__import__('os')"})
    assert result["steps"][0]["text"] == "选{x}"   # the label is inserted once, not re-expanded
    assert result["inputs"] == {"x": "__import__('os')"}
