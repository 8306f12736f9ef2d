"""How typed values are read (issue 12.6, 13.3): money with 万/亿, the figures echoed as
understood, units in messages, and no digit-like character other than 0–9 ever read as a digit."""

from __future__ import annotations

from decimal import Decimal

import pytest

import calculators
from calculators.inputs import parse_value, read_input_spec

MONEY = {"id": "cost", "type": "money", "label": {"zh": "包车费用", "en": "Charter cost"}}
IN_WAN = {"id": "output", "type": "money", "label": {"zh": "产值", "en": "Output"},
          "unit": {"zh": "万元", "en": "10,000 yuan"}}


def spec(data):
    found, problems = read_input_spec(data)
    assert not problems
    return found


def measure(*inputs):
    return {"id": "m", "inputs": list(inputs), "rules": [
        {"let": "total", "expr": "cost", "cite": "1", "text": {"zh": "{total}", "en": "{total}"}}],
        "amount": "total", "amount_kind": "exact"}


@pytest.mark.parametrize("typed,understood", [
    ("3万", "30000"), ("1.2亿", "120000000"), ("86,000", "86000"), ("８６，０００", "86000"),
    ("３万", "30000"), ("1.5万元", "15000"), ("86,000元", "86000"), ("0.5万", "5000"),
    ("1.234567万", "12345.67"), ("2 亿", "200000000"),
])
def test_money_with_wan_and_yi_echoes_what_was_understood(typed, understood):
    result = calculators.calculate(measure(MONEY), {"cost": typed}, lang="en")
    assert result["inputs"] == {"cost": understood}
    assert Decimal(result["amount"]) == Decimal(understood)


@pytest.mark.parametrize("typed,code", [
    ("1.2345678万", "too_precise"),   # 12345.678 yuan: more than the cent
    ("万", "not_a_number"), ("3万万", "not_a_number"), ("3千", "not_a_number"),
    ("-3万", "negative"), ("9999999999999万", "too_large"),
])
def test_bad_money_names_the_field(typed, code):
    with pytest.raises(calculators.InputError) as caught:
        calculators.calculate(measure(MONEY), {"cost": typed})
    assert (caught.value.input_id, caught.value.code) == ("cost", code)
    assert "包车费用" in caught.value.message_zh and "Charter cost" in caught.value.message_en


def test_wan_and_yi_only_for_money():
    count = spec({"id": "n", "type": "count", "label": {"zh": "人数", "en": "People"}})
    with pytest.raises(calculators.InputError) as caught:
        parse_value(count, "3万")
    assert caught.value.code == "not_a_number"


def test_a_field_in_wan_yuan_says_so_and_takes_no_wan_on_top():
    field = spec(IN_WAN)
    assert parse_value(field, "3000") == 3000
    assert parse_value(field, "3000万元") == 3000   # its own unit written out
    with pytest.raises(calculators.InputError) as caught:
        parse_value(field, "3万")                   # 3万 × 万元 would be a guess
    assert caught.value.code == "scaled_in_unit"
    assert "产值（万元）" in caught.value.message_zh
    assert "Output (10,000 yuan)" in caught.value.message_en
    with pytest.raises(calculators.InputError) as caught:
        parse_value(field, "abc")
    assert "产值（万元）" in caught.value.message_zh


# 13.3: one test per cause; before the fix NFKC folded each of these into ASCII digits.
@pytest.mark.parametrize("typed", [
    "10²",        # superscript two: was read as 102
    "5²⁰⁰⁰",      # superscripts: was 52000
    "₃",          # subscript
    "①",          # circled number
    "⑴",          # parenthesized number
    "½",          # vulgar fraction: was "1⁄2"
    "٣",          # Arabic-Indic digit (a decimal digit to Python's int())
    "𝟑",          # mathematical bold digit
    "Ⅻ",          # Roman numeral
    "〇",          # ideographic zero
    "🄂",          # digit with comma
    "3万²",       # inside an otherwise good figure
])
def test_digit_like_characters_are_refused_naming_the_field(typed):
    with pytest.raises(calculators.InputError) as caught:
        calculators.calculate(measure(MONEY), {"cost": typed})
    error = caught.value
    assert (error.input_id, error.code) == ("cost", "bad_character")
    assert "包车费用" in error.message_zh and "Charter cost" in error.message_en
    assert "U+" in error.message_en


@pytest.mark.parametrize("data,typed", [
    ({"id": "d", "type": "date", "label": {"zh": "日期", "en": "Date"}}, "2024-02-1²"),
    ({"id": "b", "type": "bool", "label": {"zh": "是否", "en": "Whether"}}, "¹"),
    ({"id": "c", "type": "choice", "label": {"zh": "档", "en": "Band"},
      "choices": [{"value": "2", "label": {"zh": "二", "en": "two"}}]}, "²"),
    ({"id": "p", "type": "percent", "label": {"zh": "增长", "en": "Growth"}}, "18²%"),
])
def test_every_field_type_refuses_digit_like_characters(data, typed):
    with pytest.raises(calculators.InputError) as caught:
        parse_value(spec(data), typed)
    assert (caught.value.input_id, caught.value.code) == (data["id"], "bad_character")


@pytest.mark.parametrize("data,typed,value", [
    ({"id": "d", "type": "date", "label": {"zh": "日期", "en": "Date"}}, "２０２４－０２－１０", "2024-02-10"),
    ({"id": "b", "type": "bool", "label": {"zh": "是否", "en": "Whether"}}, "ｙｅｓ", "True"),
    ({"id": "p", "type": "percent", "label": {"zh": "增长", "en": "Growth"}}, "１８．００％", "18.00"),
])
def test_full_width_still_accepted(data, typed, value):
    assert str(parse_value(spec(data), typed)) == value


# 12.6: a growth rate given as published, or as the two figures (lucheng-2023 item 9).
def _lucheng_9():
    from sitegen.specs import measure_spec
    from tests.corpus import corpus
    version = corpus().notice("lucheng-2023").latest
    return measure_spec(version, version.measure("9")[1])


BASE = {"registered": "yes", "manufacturer": "yes", "q1_2023": "5900", "output_2022": "22000",
        "newly_above_size": "no"}


@pytest.mark.parametrize("rate,eligible", [("18.00%", False), ("17.99%", False), ("18.01%", True),
                                           ("１８．０１％", True)])
def test_published_rate_at_the_threshold(rate, eligible):
    result = calculators.calculate(_lucheng_9(), {**BASE, "growth_entry": "rate", "growth_rate": rate})
    assert result["eligible"] is eligible
    assert "q1_2022" not in result["inputs"]  # not asked, not echoed
    assert result["inputs"]["growth_rate"] == {"１８．０１％": "18.01"}.get(rate, rate.rstrip("%"))


def test_the_field_the_chosen_entry_needs_is_named_when_missing():
    with pytest.raises(calculators.InputError) as caught:
        calculators.calculate(_lucheng_9(), {**BASE, "growth_entry": "rate"})
    assert caught.value.input_id == "growth_rate" and caught.value.code == "missing"
    with pytest.raises(calculators.InputError) as caught:
        calculators.calculate(_lucheng_9(), {**BASE, "growth_rate": "30"})  # default: figures
    assert caught.value.input_id == "q1_2022" and "（万元）" in caught.value.message_zh


def test_a_value_for_an_input_not_asked_is_ignored():
    result = calculators.calculate(_lucheng_9(), {**BASE, "growth_entry": "rate", "growth_rate": "20",
                                                  "q1_2022": "not even a number"})
    assert result["eligible"] is True and "q1_2022" not in result["inputs"]


def test_when_is_a_condition_on_earlier_inputs():
    spec = measure({"id": "later", "type": "bool", "label": {"zh": "后", "en": "Later"}, "when": "cost > 1"},
                   MONEY)
    problems = calculators.check_measure(spec)
    assert [p.path for p in problems] == [("inputs", 0, "when")]
    spec = measure(MONEY, {"id": "x", "type": "bool", "label": {"zh": "后", "en": "Later"}, "when": "cost"})
    assert [p.path for p in calculators.check_measure(spec)] == [("inputs", 1, "when")]
