"""The public engine: calculate, describe, check_measure, combine (see ENGINE_API.md)."""

import datetime
import decimal
from decimal import Decimal

from .calendar import calendar_note, calendar_scope
from .decimals import (MAX_PLACES, ROUNDING_MODES, SAFE_MAX, format_plain, parse_plain,
                       round_to, spec_number)
from .errors import CalculatorError, SpecError, SpecProblem
from .expr import ListType
from .inputs import NON_NEGATIVE, format_value, is_bilingual, parse_inputs
from .lists import DEFAULT_MAX_ROWS, DEFAULT_MIN_ROWS, ListSpec, read_declaration, static_type
from .rule_errors import explain_rule_errors
from .rules import Checker, Run
from .status import result_status
from .trace import TraceStep

LANGS = ("zh", "en")
AMOUNT_KINDS = ("exact", "up_to", "at_least")
_ROUNDING_TEXT = {"half_up": ("四舍五入", "rounded half up"), "down": ("舍去", "rounded down"),
                  "half_even": ("四舍六入五成双", "rounded half to even")}
_UNITS = {"CNY": ("元", "yuan")}


def _pick(text, lang: str | None):
    """A {zh, en} mapping in one language (lang given) or both (lang None)."""
    if not isinstance(text, dict):
        return text
    if lang is None:
        return {"zh": text.get("zh"), "en": text.get("en")}
    return text.get(lang)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _check_lang(lang):
    if lang not in LANGS:
        raise CalculatorError(f"lang must be one of {LANGS}, not {lang!r}")


# -- check -------------------------------------------------------------------------------

def check_measure(spec: dict) -> list:
    """Every problem of a measure spec (static): [] when calculate can run it."""
    if not isinstance(spec, dict):
        return [SpecProblem((), "措施必须是映射", "a measure must be a mapping")]
    problems = []
    if spec.get("calculator") is False:
        if not isinstance(spec.get("reason"), dict):
            problems.append((("reason",), "不可计算的措施须说明 reason {zh, en}",
                             "a measure without calculator needs reason {zh, en}"))
        return [SpecProblem(*p) for p in problems]
    specs = _check_inputs(spec.get("inputs"), problems)
    types = {s.id: static_type(s) for s in specs}
    fields = specs + [c for s in specs if isinstance(s, ListSpec) for c in s.columns]
    choices = {s.id: tuple(c.value for c in s.choices) for s in fields if s.type == "choice"}
    checker = Checker(choices, problems, frozenset(s.id for s in fields))
    _check_input_conditions(spec.get("inputs"), specs, checker)
    after = checker.steps(spec.get("rules") or [], ("rules",), types)
    if not isinstance(spec.get("rules"), list) or not spec.get("rules"):
        problems.append((("rules",), "rules 必须是非空列表", "rules must be a non-empty list"))
    _check_amount(spec, after, problems)
    _check_kind_limits(spec, problems)
    _check_outcomes(spec.get("outcomes"), checker, after)
    _check_calendar(spec, checker)
    for i, reading in enumerate(spec.get("readings") or []):
        if not (isinstance(reading, dict) and isinstance(reading.get("quote"), str)):
            problems.append((("readings", i, "quote"), "reading 须引用原文 quote",
                             "a reading quotes the words it interprets"))
        else:
            checker.text(reading.get("text"), ("readings", i, "text"), {})
    return [SpecProblem(*p) for p in problems]


def _check_inputs(inputs, problems) -> list:
    if inputs is None:
        inputs = []
    if not isinstance(inputs, list):
        problems.append((("inputs",), "inputs 必须是列表", "inputs must be a list"))
        return []
    specs, seen = [], set()
    for i, data in enumerate(inputs):
        spec, found = read_declaration(data)
        problems += [(("inputs", i) + sub, zh, en) for sub, zh, en in found]
        if spec is None:
            continue
        if spec.id in seen:
            problems.append((("inputs", i, "id"), f"输入项 id 重复：{spec.id}",
                             f"duplicate input id {spec.id!r}"))
            continue
        seen.add(spec.id)
        specs.append(spec)
    # A list's columns are names inside its rows: one name space with the inputs.
    for i, spec in enumerate(specs):
        for j, column in enumerate(getattr(spec, "columns", ())):
            if column.id in seen:
                problems.append((("inputs", i, "columns", j, "id"),
                                 f"列 id 与其他输入项或列重名：{column.id}",
                                 f"column id {column.id!r} is already an input or column id"))
            seen.add(column.id)
    return specs


def _check_input_conditions(raw, specs, checker):
    """An input's `when` is a condition on the inputs declared before it."""
    for spec in specs:
        if spec.when is None:
            continue
        earlier = specs[:specs.index(spec)]
        index = next(i for i, d in enumerate(raw) if isinstance(d, dict) and d.get("id") == spec.id)
        checker.expr(spec.when, ("inputs", index, "when"), {s.id: static_type(s) for s in earlier},
                     ("bool",))


def _check_amount(spec, types, problems):
    amount, kind = spec.get("amount"), spec.get("amount_kind")
    if amount is None:
        if kind is not None:
            problems.append((("amount_kind",), "没有 amount 时 amount_kind 应为 null",
                             "amount_kind must be null when amount is null"))
        return
    if not isinstance(amount, str) or types.get(amount) != "number":
        problems.append((("amount",), f"amount 须是规则中计算的数值：{amount}",
                         f"amount must name a number computed by the rules: {amount!r}"))
    if not isinstance(kind, str) or kind not in AMOUNT_KINDS:
        problems.append((("amount_kind",), f"amount_kind 须为 {'/'.join(AMOUNT_KINDS)}",
                         f"amount_kind must be one of {', '.join(AMOUNT_KINDS)}"))
    at_cap = spec.get("amount_kind_at_cap")
    if at_cap is not None and at_cap not in AMOUNT_KINDS:
        problems.append((("amount_kind_at_cap",), f"amount_kind_at_cap 须为 {'/'.join(AMOUNT_KINDS)}",
                         f"amount_kind_at_cap must be one of {', '.join(AMOUNT_KINDS)}"))
    rounding = spec.get("rounding", {"places": 2, "mode": "half_up"})
    places = rounding.get("places") if isinstance(rounding, dict) else None
    mode = rounding.get("mode") if isinstance(rounding, dict) else None
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        problems.append((("rounding", "places"), f"places 须为 0–{MAX_PLACES} 的整数",
                         f"places must be a whole number 0–{MAX_PLACES}"))
    if not isinstance(mode, str) or mode not in ROUNDING_MODES:
        problems.append((("rounding", "mode"), f"未知的舍入方式：{mode}",
                         f"unknown rounding mode {mode!r}; one of {', '.join(ROUNDING_MODES)}"))


def _limits_on(rules, name, path=("rules",)) -> list:
    """(kind, path) of every cap and floor step on `name`, branches included."""
    found = []
    for i, step in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(step, dict):
            continue
        for kind in ("cap", "floor"):
            if step.get(kind) == name:
                found.append((kind, path + (i,)))
        for j, case in enumerate(step.get("branch") or [] if isinstance(step.get("branch"), list) else []):
            if isinstance(case, dict):
                found += _limits_on(case.get("rules"), name, path + (i, "branch", j, "rules"))
    return found


def _check_kind_limits(spec, problems):
    """A cap or floor on the amount that contradicts its declared kind (13.2)."""
    name, kind, at_cap = spec.get("amount"), spec.get("amount_kind"), spec.get("amount_kind_at_cap")
    if not isinstance(name, str) or kind not in AMOUNT_KINDS:
        return
    limits = _limits_on(spec.get("rules"), name)
    caps = [path for k, path in limits if k == "cap"]
    if at_cap is not None and not caps:
        problems.append((("amount_kind_at_cap",), f"没有对 {name} 的 cap 步骤，amount_kind_at_cap 不会生效",
                         f"no cap step on {name}: amount_kind_at_cap never applies"))
    if at_cap == "at_least":
        problems.append((("amount_kind_at_cap",), "达到上限时金额不可能“不低于”上限",
                         "at the cap the amount cannot be “at least” the cap"))
    if kind == "at_least" and caps and at_cap is None:
        problems.append((caps[0], "amount_kind 为 at_least 却有上限：请写明 amount_kind_at_cap（通常 exact）",
                         "amount_kind is at_least but the amount is capped: state "
                         "amount_kind_at_cap (usually exact)"))
    fixed = {k: [_constant_limit(spec, path, k) for kk, path in limits if kk == k]
             for k in ("cap", "floor")}
    highest_floor = max((v for v in fixed["floor"] if v is not None), default=None)
    lowest_cap = min((v for v in fixed["cap"] if v is not None), default=None)
    if highest_floor is not None and lowest_cap is not None and highest_floor > lowest_cap:
        problems.append((("amount",), f"{name} 的下限 {highest_floor} 高于上限 {lowest_cap}",
                         f"the floor on {name} ({highest_floor}) is above its cap ({lowest_cap})"))


def _constant_limit(spec, path, kind):
    """A cap's max or a floor's min when it is a plain number, else None."""
    step = spec
    for key in path:
        step = step[key]
    source = step.get("max" if kind == "cap" else "min")
    return spec_number(source) if not isinstance(source, str) else parse_plain(source.strip())


def _amount_kind(spec, run, amount_name):
    """The measure's kind, or `amount_kind_at_cap` when the last cap on the amount was reached.

    "不低于70%…最高不超过10万元": below the cap the 70% is a floor (at least); once the floor
    reaches the cap the payment is the cap itself.
    """
    caps = [s for s in run.steps if s.kind == "cap" and s.name == amount_name]
    if caps and caps[-1].reached and spec.get("amount_kind_at_cap"):
        return spec["amount_kind_at_cap"]
    return spec.get("amount_kind")


def _check_outcomes(outcomes, checker, types):
    if outcomes is None:
        return
    if not isinstance(outcomes, list):
        checker.problem(("outcomes",), "outcomes 必须是列表", "outcomes must be a list")
        return
    seen = set()
    for i, outcome in enumerate(outcomes):
        path = ("outcomes", i)
        if not isinstance(outcome, dict):
            checker.problem(path, "outcome 必须是映射", "an outcome must be a mapping")
            continue
        for key in outcome:
            if key not in ("id", "when", "cite", "text", "value", "unit", "kind"):
                checker.problem(path + (key,), f"未知的键：{key}", f"unknown key {key!r}")
        _check_outcome_value(outcome, path, checker, types)
        if not isinstance(outcome.get("id"), str) or outcome["id"] in seen:
            checker.problem(path + ("id",), "outcome 须有唯一的 id", "an outcome needs a unique id")
        seen.add(outcome.get("id") if isinstance(outcome.get("id"), str) else None)
        if outcome.get("when") is not None:
            checker.expr(outcome["when"], path + ("when",), types, ("bool",))
        checker.cite(outcome, path)
        checker.text(outcome.get("text"), path + ("text",), types)


def _check_outcome_value(outcome, path, checker, types):
    """A quantity granted (200 tonnes carried over, 5 points): `value` (a name or an expression)
    with its `unit` {zh, en}, and `kind` when the quantity is a ceiling or a floor."""
    value, unit, kind = outcome.get("value"), outcome.get("unit"), outcome.get("kind")
    if value is None:
        for key in ("unit", "kind"):
            if outcome.get(key) is not None:
                checker.problem(path + (key,), f"没有 value 时不能有 {key}", f"{key} needs a value")
        return
    found = checker.expr(value, path + ("value",), types, ("number",))
    if found == "number" and not is_bilingual(unit):
        checker.problem(path + ("unit",), "有数量的结果须写明单位 unit {zh, en}（吨、分、元……）",
                        "an outcome with a quantity states its unit {zh, en} (tonnes, points, yuan…)")
    if kind is not None and kind not in AMOUNT_KINDS:
        checker.problem(path + ("kind",), f"kind 须为 {'/'.join(AMOUNT_KINDS)}",
                        f"kind must be one of {', '.join(AMOUNT_KINDS)}")


def _check_calendar(spec, checker):
    """Holiday functions read the schedule of the years the measure declares (`calendar_years`),
    which the spec carries as `calendar` (sitegen adds it from policies/calendars/)."""
    years, used = spec.get("calendar_years"), checker.calendar_used
    if years is None:
        if used is not None:
            checker.problem(used, "使用节假日函数（holiday_days 等）须声明 calendar_years（所需的年份）",
                            "a holiday function (holiday_days…) needs calendar_years: the years it reads")
        return
    if not isinstance(years, list) or not years or \
            any(isinstance(y, bool) or not isinstance(y, int) for y in years):
        checker.problem(("calendar_years",), "calendar_years 须为年份列表，如 [2022, 2023]",
                        "calendar_years is a list of years, e.g. [2022, 2023]")
        return
    if used is None:
        checker.problem(("calendar_years",), "声明了 calendar_years，但没有规则使用节假日函数",
                        "calendar_years is declared but no rule uses a holiday function")
    calendar = spec.get("calendar")
    carried = calendar.get("years") if isinstance(calendar, dict) else None
    for i, year in enumerate(years):
        if not isinstance(carried, list) or year not in carried:
            checker.problem(("calendar_years", i),
                            f"没有{year}年的节假日安排（policies/calendars/{year}.yaml）",
                            f"no public-holiday schedule for {year} (policies/calendars/{year}.yaml)")


def _require_valid(spec):
    if isinstance(spec, dict) and spec.get("calculator") is False:
        raise SpecError(("calculator",), "此措施没有计算器", "this measure has no calculator")
    problems = check_measure(spec)
    if problems:
        raise SpecError(problems[0].path, problems[0].message_zh, problems[0].message_en)


# -- calculate ---------------------------------------------------------------------------

@explain_rule_errors
def calculate(spec: dict, inputs: dict, *, lang: str = "zh", on=None) -> dict:
    """Run a measure on raw inputs; InputError names the input to fix (see ENGINE_API.md).

    `on` (a date or ISO day) adds `status`: the notice and its windows on that day (status.py)."""
    _check_lang(lang)
    _require_valid(spec)
    specs = [read_declaration(data)[0] for data in spec.get("inputs") or []]
    values = parse_inputs(specs, inputs)
    amount_name = spec.get("amount")
    money = {s.id for s in specs if s.type == "money"} | ({amount_name} if amount_name else set())
    run = Run({s.id: s for s in specs}, {**values, **calendar_scope(spec)}, money)
    eligible = run.run(spec["rules"], ("rules",))
    if eligible and isinstance(spec.get("calendar"), dict):
        run.steps.append(calendar_note(spec["calendar"], run.last_cite))
    amount, outcomes = None, []
    if eligible:
        run.row_reasons = []  # rows left out of an eligible result are in its steps
        if amount_name is not None:
            amount = _final_amount(run, spec, amount_name)
        outcomes = _granted_outcomes(run, spec.get("outcomes") or [], lang)
    application = spec.get("application")
    result = {
        "notice": spec.get("notice"), "version": spec.get("version"), "measure": spec.get("id"),
        "eligible": eligible,
        "amount": amount,
        "amount_kind": _amount_kind(spec, run, amount_name) if amount is not None else None,
        "currency": spec.get("currency", "CNY") if amount is not None else None,
        "outcomes": outcomes,
        "steps": [step.to_dict(lang) for step in run.steps],
        "reasons": [zh if lang == "zh" else en for zh, en in run.row_reasons + run.reasons],
        "readings": [{"quote": r.get("quote"), "text": _pick(r.get("text"), lang)}
                     for r in spec.get("readings") or []],
        "application": None if not isinstance(application, dict) else {
            "from": _iso(application.get("from")), "to": _iso(application.get("to")),
            "text": _pick(application.get("text"), lang)},
        "inputs": {s.id: s.format(values[s.id]) if isinstance(s, ListSpec) else format_value(values[s.id])
                   for s in specs if s.id in values},  # an input not asked (its `when`) is not echoed
        "lang": lang,
    }
    if on is not None:
        result["status"] = result_status(spec, on, lang)
    return result


def _final_amount(run: Run, spec: dict, name: str) -> str:
    value = run.values[name]
    if value < 0:  # a benefit is never negative: say so instead of hiding it
        value = Decimal(0)
        run.values[name] = value
        run.steps.append(TraceStep("floor", name, "0", "计算结果为负数，按0计",
                                   "The result is negative; it counts as 0", run.last_cite, True))
    rounding = spec.get("rounding") or {}
    places, mode = rounding.get("places", 2), rounding.get("mode", "half_up")
    try:
        rounded = round_to(value, places, mode)
    except decimal.DecimalException:
        rounded = None
    if rounded is None or rounded.copy_abs() > SAFE_MAX:
        error = run.blame("overflow", (name,))
        raise error or SpecError(("amount",), "金额超出范围", "amount out of range")
    if rounded != value:
        zh, en = _ROUNDING_TEXT[mode]
        text = format(rounded, "f")
        run.steps.append(TraceStep("note", name, text, f"按{zh}保留{places}位小数：{text}",
                                   f"{en} to {places} decimal places: {text}", run.last_cite))
    run.values[name] = rounded
    return format(rounded, "f")


def _granted_outcomes(run: Run, outcomes: list, lang: str) -> list:
    granted = []
    for i, outcome in enumerate(outcomes):
        when = outcome.get("when")
        if when is not None and not run.evaluate_as(when, ("outcomes", i, "when"), ("bool",)):
            continue
        source = outcome.get("value")
        name = source if isinstance(source, str) and source in run.values else None
        value = None if source is None else run.evaluate_as(source, ("outcomes", i, "value"), ("number",))
        run.record("outcome", name, value if source is not None else True, outcome.get("text"),
                   outcome.get("cite"))
        step = run.steps[-1]
        granted.append({"id": outcome["id"], "text": step.text_en if lang == "en" else step.text_zh,
                        "cite": step.cite, **_outcome_quantity(run, outcome, name, value, lang)})
    return granted


def _outcome_quantity(run: Run, outcome: dict, name, value, lang: str) -> dict:
    """value (exact text), unit (in `lang`) and kind of a granted outcome; all null without one."""
    if value is None:
        return {"value": None, "unit": None, "kind": None}
    return {"value": run.stored(name, value), "unit": _pick(outcome.get("unit"), lang),
            "kind": outcome.get("kind", "exact")}


# -- describe ----------------------------------------------------------------------------

def describe(spec: dict, *, lang: str | None = None) -> dict:
    """What a form needs: the measure's title and its inputs (labels in one or both languages)."""
    if lang is not None:
        _check_lang(lang)
    fields = [_list_field(data, lang) if data.get("type") == "list" else _field(data, lang)
              for data in spec.get("inputs") or []]
    return {"notice": spec.get("notice"), "version": spec.get("version"),
            "measure": spec.get("id"), "title": _pick(spec.get("title"), lang), "inputs": fields}


def _field(data: dict, lang) -> dict:
    kind = data.get("type")
    low = data.get("min")
    if low is None and kind in NON_NEGATIVE:
        low = 0
    return {
        "id": data.get("id"), "type": kind, "label": _pick(data.get("label"), lang),
        "unit": _pick(data.get("unit"), lang), "help": _pick(data.get("help"), lang),
        "choices": None if kind != "choice" else [
            {"value": str(c.get("value")), "label": _pick(c.get("label"), lang)}
            for c in data.get("choices") or []],
        "min": _bound_text(low), "max": _bound_text(data.get("max")),
        "default": _bound_text(data.get("default")),
    }


def _list_field(data: dict, lang) -> dict:
    """A list input: its row bounds and one field (as above) per column."""
    return {"id": data.get("id"), "type": "list", "label": _pick(data.get("label"), lang),
            "help": _pick(data.get("help"), lang), "row_label": _pick(data.get("row_label"), lang),
            "min_rows": data.get("min_rows", DEFAULT_MIN_ROWS),
            "max_rows": data.get("max_rows", DEFAULT_MAX_ROWS),
            "columns": [_field(column, lang) for column in data.get("columns") or []]}


def _bound_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return format_plain(Decimal(value))
    return _iso(value)


# -- combine -----------------------------------------------------------------------------

def combine(results: list, relation: dict, *, lang: str = "zh") -> dict:
    """Apply a relation between measures to their results (exclusive + resolve highest)."""
    _check_lang(lang)
    if relation.get("kind") != "exclusive" or relation.get("resolve") != "highest":
        raise CalculatorError(f"unsupported relation {relation.get('kind')!r}/"
                              f"{relation.get('resolve')!r}; supported: exclusive/highest")
    members = relation.get("measures")
    considered = [r for r in results if members == "*" or r.get("measure") in (members or [])]
    candidates = [r for r in considered if r.get("eligible") and r.get("amount") is not None]
    chosen = None
    for result in candidates:  # the first of equal amounts wins: a stable, stated choice
        if chosen is None or Decimal(result["amount"]) > Decimal(chosen["amount"]):
            chosen = result
    return {"chosen": chosen["measure"] if chosen else None,
            "amount": chosen["amount"] if chosen else None,
            "text": _combine_text(relation, candidates, chosen, lang),
            "cite": relation.get("cite"), "results": list(results)}


def _combine_text(relation, candidates, chosen, lang) -> str:
    intro = _pick(relation.get("text"), lang) or ""
    if chosen is None:
        return intro + ("：没有符合条件的措施。" if lang == "zh" else ": no measure applies.")
    unit = _UNITS.get(chosen.get("currency"), (chosen.get("currency") or "",) * 2)
    unit = unit[0] if lang == "zh" else unit[1]
    if lang == "zh":
        listed = "、".join(f"{_named(r, lang)} {r['amount']}{unit}" for r in candidates)
        return f"{intro}：{listed}，取较高的{_named(chosen, lang)}（{chosen['amount']}{unit}）。"
    listed = ", ".join(f"{_named(r, lang)} {r['amount']} {unit}" for r in candidates)
    return (f"{intro}: {listed}; the higher, {_named(chosen, lang)} "
            f"({chosen['amount']} {unit}), applies.")


def _named(result, lang) -> str:
    """A measure as a reader knows it: its title when the caller gave one, never just its id."""
    title = result.get("title")
    if title:
        return f"“{title}”"
    return f"第{result['measure']}项" if lang == "zh" else f"measure {result['measure']}"
