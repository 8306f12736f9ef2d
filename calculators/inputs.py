"""Typed inputs: read an input declaration, turn a raw value (text from a form or the CLI, or a
Python value) into a checked value, and say what is wrong in both languages."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from .decimals import SAFE_MAX, format_plain, spec_number
from .errors import ExpressionError, InputError
from .expr import CONSTANT_NAMES, compile_expression

NUMBER_TYPES = {"count": 0, "money": 2, "percent": 10, "number": 10, "energy": 10}  # max places
NON_NEGATIVE = frozenset({"count", "money", "energy"})
INPUT_TYPES = frozenset(NUMBER_TYPES) | {"date", "bool", "choice"}
VALUE_TYPES = {**{t: "number" for t in NUMBER_TYPES}, "date": "date", "bool": "bool",
               "choice": "str"}  # static type of the input in expressions

_TRUE = frozenset({"true", "yes", "y", "1", "on", "是"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "否"})
_NUMBER = re.compile(r"([+-]?)(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d*))?\Z", re.ASCII)
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})\Z", re.ASCII)
_MAX_INTEGER_DIGITS = 16  # beyond SAFE_MAX anyway; refused before building a huge Decimal

_MESSAGES = {  # code -> (zh, en); {label} is the input's label, other fields per code
    "missing": ("请填写「{label}」", 'Please fill in "{label}"'),
    "not_a_number": ("「{label}」必须是数字", '"{label}" must be a number'),
    "negative": ("「{label}」不能为负数", '"{label}" cannot be negative'),
    "too_large": ("「{label}」不能大于{limit}", '"{label}" must be at most {limit}'),
    "too_small": ("「{label}」不能小于{limit}", '"{label}" must be at least {limit}'),
    "too_late": ("「{label}」不能晚于{limit}", '"{label}" must not be after {limit}'),
    "too_early": ("「{label}」不能早于{limit}", '"{label}" must not be before {limit}'),
    "not_integer": ("「{label}」必须是整数", '"{label}" must be a whole number'),
    "too_precise": ("「{label}」最多保留{places}位小数",
                    '"{label}" may have at most {places} decimal places'),
    "bad_date": ("「{label}」必须是有效日期，例如 2024-02-10",
                 '"{label}" must be a valid date such as 2024-02-10'),
    "bad_choice": ("「{label}」必须是以下之一：{options}", '"{label}" must be one of: {options}'),
    "bad_bool": ("「{label}」请填“是”或“否”", '"{label}" must be yes or no'),
    "division_by_zero": ("「{label}」不能为0（计算中用作除数）",
                         '"{label}" cannot be 0 (the calculation divides by it)'),
    "overflow": ("「{label}」数值过大，无法计算", '"{label}" is too large to calculate with'),
    "duplicate": ("「{label}」与第{first}行重复", '"{label}" repeats row {first}'),
    "no_calendar": ("「{label}」所在年份的节假日安排未收录，无法计算",
                    '"{label}" falls in a year whose public-holiday schedule is not included'),
    "unknown_input": ("没有名为“{label}”的输入项", 'There is no input called "{label}"'),
    "bad_character": ("「{label}」含有不能当作数字的字符“{char}”（{code}），数字请只用 0–9",
                      '"{label}" contains "{char}" ({code}), which is not read as a digit; '
                      'use the digits 0–9'),
    "scaled_in_unit": ("「{label}」已以{unit}为单位，请只填数字，不加“万”“亿”",
                       '"{label}" is already in {unit_en}: enter the number only, '
                       'without 万 or 亿'),
}
# Message keys that report under another public code.
_CODES = {"too_late": "too_large", "too_early": "too_small", "overflow": "too_large"}


def is_bilingual(text) -> bool:
    """A {zh, en} mapping with both texts present."""
    return isinstance(text, dict) and all(
        isinstance(text.get(lang), str) and text.get(lang).strip() for lang in ("zh", "en"))


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class InputSpec:
    id: str
    type: str
    label_zh: str
    label_en: str
    min: object = None          # Decimal or date, already including the type's own bounds
    max: object = None
    choices: tuple = ()
    default: object = None      # raw, parsed like user input when the user gives nothing
    unit_zh: str | None = None  # a money field's unit when it is not 元 (e.g. 万元)
    unit_en: str | None = None
    when: str | None = None     # asked only when this condition on earlier inputs holds

    def error(self, key: str, **fields) -> InputError:
        zh, en = _MESSAGES[key]
        if self.unit_zh:  # "产值（万元）": a figure in 万元 is only right with its unit in view
            self = replace(self, label_zh=f"{self.label_zh}（{self.unit_zh}）",
                           label_en=f"{self.label_en} ({self.unit_en})", unit_zh=None)
        if key == "bad_choice" and "options_zh" not in fields:
            fields = {"options_zh": "、".join(c.label_zh for c in self.choices),
                      "options_en": ", ".join(c.label_en for c in self.choices)}
        return InputError(
            self.id, _CODES.get(key, key),
            zh.format(label=self.label_zh, options=fields.get("options_zh", ""), **fields),
            en.format(label=self.label_en, options=fields.get("options_en", ""), **fields))

    def choice(self, value: str):
        return next((c for c in self.choices if c.value == value), None)

    def parse(self, raw):
        return parse_value(self, raw)


def unknown_input_error(input_id: str) -> InputError:
    zh, en = _MESSAGES["unknown_input"]
    return InputError(str(input_id), "unknown_input", zh.format(label=input_id),
                      en.format(label=input_id))


def read_input_spec(data) -> tuple:
    """(InputSpec or None, problems): problems are (subpath, zh, en) of the declaration."""
    problems = []
    if not isinstance(data, dict):
        return None, [((), "输入项必须是映射", "an input must be a mapping")]
    input_id, kind = data.get("id"), data.get("type")
    if not isinstance(input_id, str) or not re.match(r"[a-z][a-z0-9_]*\Z", input_id) \
            or input_id in CONSTANT_NAMES:
        problems.append((("id",), "输入项 id 须为小写字母、数字和下划线，且以字母开头",
                         "an input id is lower-case letters, digits and _, starting with a letter"))
    if not isinstance(kind, str) or kind not in INPUT_TYPES:
        problems.append((("type",), f"未知的输入类型：{kind}",
                         f"unknown input type {kind!r}; one of {', '.join(sorted(INPUT_TYPES))}"))
        return None, problems
    label = data.get("label")
    if not is_bilingual(label):
        problems.append((("label",), "缺少中英文标签 label: {zh, en}",
                         "label {zh, en} is required"))
        label = {}
    choices = ()
    if kind == "choice":
        choices, choice_problems = _read_choices(data.get("choices"))
        problems += choice_problems
    elif data.get("choices") is not None:
        problems.append((("choices",), "只有 choice 类型可以有 choices",
                         "only choice inputs take choices"))
    low, high, bound_problems = _read_bounds(kind, data)
    problems += bound_problems
    spec = InputSpec(str(input_id), kind, label.get("zh") or str(input_id),
                     label.get("en") or str(input_id), low, high, choices, data.get("default"))
    spec = _with_unit(spec, data.get("unit"))
    if data.get("when") is not None:
        if isinstance(data["when"], str):
            spec = replace(spec, when=data["when"])
        else:
            problems.append((("when",), "when 须为条件表达式", "when must be a condition (an expression)"))
    if spec.default is not None:
        try:
            parse_value(spec, spec.default)
        except InputError as error:
            problems.append((("default",), f"默认值无效：{error.message_zh}",
                             f"invalid default: {error.message_en}"))
    return spec, problems


def _with_unit(spec: InputSpec, unit) -> InputSpec:
    """A money field in another unit than 元 (e.g. 万元) carries it, for its messages and 万/亿."""
    if spec.type != "money" or not is_bilingual(unit) or unit["zh"].strip() == "元":
        return spec
    return replace(spec, unit_zh=unit["zh"].strip(), unit_en=unit["en"].strip())


def _read_choices(raw) -> tuple:
    if not isinstance(raw, list) or not raw:
        return (), [(("choices",), "choice 类型必须列出 choices",
                     "a choice input needs a non-empty choices list")]
    choices, problems, seen = [], [], set()
    for i, item in enumerate(raw):
        label = item.get("label") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not is_bilingual(label):
            problems.append((("choices", i), "每个选项需要 value 和 label: {zh, en}",
                             "each choice needs a value and label {zh, en}"))
            continue
        if str(value) in seen:
            problems.append((("choices", i, "value"), f"选项重复：{value}",
                             f"duplicate choice value {value!r}"))
        seen.add(str(value))
        choices.append(Choice(str(value), label["zh"], label["en"]))
    return tuple(choices), problems


def _read_bounds(kind: str, data: dict) -> tuple:
    bounds, problems = {}, []
    for key in ("min", "max"):
        raw = data.get(key)
        if raw is None:
            bounds[key] = None
            continue
        value = _spec_date(raw) if kind == "date" else spec_number(raw)
        if value is None or kind in ("bool", "choice"):
            problems.append(((key,), f"{key} 无效：{raw!r}", f"invalid {key}: {raw!r}"))
        bounds[key] = value
    low, high = bounds["min"], bounds["max"]
    if kind in NUMBER_TYPES:
        floor = Decimal(0) if kind in NON_NEGATIVE else -SAFE_MAX
        low = floor if low is None or low < floor else low
        high = SAFE_MAX if high is None or high > SAFE_MAX else high
    if low is not None and high is not None and type(low) is type(high) and low > high:
        problems.append((("min",), "min 大于 max", "min is greater than max"))
    return low, high, problems


def _spec_date(raw):
    if type(raw) is datetime.date:
        return raw
    match = _DATE.match(raw) if isinstance(raw, str) else None
    try:
        return datetime.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        return None


# Full-width ASCII (１２，０００．５, ％, ｙｅｓ) and the ideographic space, folded to ASCII. Nothing
# else is folded: NFKC would also turn superscripts and circled numbers into digits (10² → 102).
_FULL_WIDTH = {**{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}
_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _stray_digit(text: str) -> str | None:
    """The first character that reads as a digit but is not 0–9 (ASCII or full width)."""
    for char in text:
        if char in _DIGITS or char.isascii():
            continue
        if unicodedata.category(char) in ("Nd", "Nl", "No") or \
                any(c.isdigit() for c in unicodedata.normalize("NFKC", char)):
            return char
    return None


def _clean_text(spec: InputSpec, raw: str) -> str:
    stray = _stray_digit(raw)
    if stray is not None:
        raise spec.error("bad_character", char=stray, code=f"U+{ord(stray):04X}")
    return raw.translate(_FULL_WIDTH).strip()


def parse_value(spec: InputSpec, raw):
    """The checked value (Decimal, date, bool or choice value str) or InputError."""
    if isinstance(raw, str):
        raw = _clean_text(spec, raw)
    if raw is None or raw == "":
        if spec.default is None:
            raise spec.error("missing")
        raw = spec.default
        if isinstance(raw, str):
            raw = _clean_text(spec, raw)
    if spec.type in NUMBER_TYPES:
        return _parse_number(spec, raw)
    if spec.type == "date":
        return _parse_date(spec, raw)
    if spec.type == "bool":
        return _parse_bool(spec, raw)
    return _parse_choice(spec, raw)


_SCALE_WORDS = {"万": 4, "亿": 8}


def _money_scale(spec: InputSpec, text: str) -> tuple:
    """(number text, power of ten) of money as people write it: "3万", "1.2亿元", "86,000元".

    A field in 万元 takes its own unit written out ("3000万元") but not 万/亿 on top of it."""
    unit = spec.unit_zh or "元"
    if text.endswith(unit):
        text = text[:-len(unit)].rstrip()
        if spec.unit_zh:
            return text, 0
    if text[-1:] in _SCALE_WORDS:
        if spec.unit_zh:
            raise spec.error("scaled_in_unit", unit=spec.unit_zh, unit_en=spec.unit_en)
        return text[:-1].rstrip(), _SCALE_WORDS[text[-1]]
    return text, 0


def _parse_number(spec: InputSpec, raw) -> Decimal:
    if isinstance(raw, bool):
        raise spec.error("not_a_number")
    if isinstance(raw, (int, Decimal)):
        if isinstance(raw, Decimal) and not raw.is_finite():
            raise spec.error("not_a_number")
        if raw != 0 and Decimal(raw).adjusted() >= _MAX_INTEGER_DIGITS:
            raw = ("-" if raw < 0 else "") + "9" * (_MAX_INTEGER_DIGITS + 1)  # out of range
        raw = format(Decimal(raw), "f")
    elif isinstance(raw, float):
        raw = repr(raw)  # the shortest text that reads back as this float; never arithmetic
    if not isinstance(raw, str):
        raise spec.error("not_a_number")
    if spec.type == "percent" and raw.endswith("%"):
        raw = raw[:-1].rstrip()
    scale = 0
    if spec.type == "money":
        raw, scale = _money_scale(spec, raw)
    match = _NUMBER.match(raw)
    if match is None or not (match.group(2) or match.group(3)):
        raise spec.error("not_a_number")
    sign, whole, fraction = match.group(1), (match.group(2) or "0").replace(",", ""), \
        (match.group(3) or "")
    if len(whole.lstrip("0")) + scale > _MAX_INTEGER_DIGITS:
        raise spec.error("negative" if sign == "-" and spec.type in NON_NEGATIVE else
                         "too_small" if sign == "-" else "too_large",
                         limit=format_plain(spec.min if sign == "-" else spec.max))
    places = NUMBER_TYPES[spec.type]
    fraction = fraction.rstrip("0") if len(fraction) - scale > places else fraction
    if len(fraction) - scale > places:
        raise spec.error("not_integer" if places == 0 else "too_precise", places=places)
    value = Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    if scale:  # 1.2亿 is 120000000, written out in full (never 1.2E+8)
        value = value.scaleb(scale)
        value = value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value
    if value < 0 and spec.type in NON_NEGATIVE:
        raise spec.error("negative")
    if value < spec.min:
        raise spec.error("too_small", limit=format_plain(spec.min))
    if value > spec.max:
        raise spec.error("too_large", limit=format_plain(spec.max))
    return value.copy_abs() if value == 0 else value  # no negative zero


def _parse_date(spec: InputSpec, raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raw = raw.date()
    value = raw if type(raw) is datetime.date else _spec_date(raw)
    if value is None:
        raise spec.error("bad_date")
    if spec.min is not None and value < spec.min:
        raise spec.error("too_early", limit=spec.min.isoformat())
    if spec.max is not None and value > spec.max:
        raise spec.error("too_late", limit=spec.max.isoformat())
    return value


def _parse_bool(spec: InputSpec, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).casefold() if isinstance(raw, (str, int, Decimal)) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise spec.error("bad_bool")


def _parse_choice(spec: InputSpec, raw) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise spec.error("bad_choice")
    if spec.choice(str(raw)) is None:
        raise spec.error("bad_choice")
    return str(raw)


def format_value(value) -> str:
    """The normalised string form used in results ("true"/"false", ISO dates, plain numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def parse_inputs(specs: list, raw: dict) -> dict:
    """Checked values for every declared input; the first problem (in declaration order) raises."""
    if not isinstance(raw, dict):
        raise unknown_input_error(type(raw).__name__)
    known = {spec.id for spec in specs}
    for key in raw:
        if key not in known:
            raise unknown_input_error(key)
    values = {}
    for spec in specs:
        if is_asked(spec, values):
            values[spec.id] = spec.parse(raw.get(spec.id))
    return values


def is_asked(spec, values: dict) -> bool:
    """Whether an input applies given the earlier ones: `when` ("growth_entry == 'rate'") holds.

    An input that does not apply is neither required nor read (the form may still send it)."""
    if spec.when is None:
        return True
    try:
        return compile_expression(spec.when).evaluate(values) is True
    except ExpressionError:  # it depends on an input that itself does not apply
        return False
