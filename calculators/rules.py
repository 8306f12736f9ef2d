"""Rule steps (format.md, "Rule steps"): running them over checked input values, and checking
them statically. Both walk the same step table, `step_kind`."""

import datetime
from decimal import Decimal

from .decimals import COMPUTE_MAX, format_fixed, format_plain
from .errors import ExpressionError, InputError, SpecError
from .expr import (CALENDAR_FUNCTIONS, NAME_PATTERN, ListType, compile_expression, divisors,
                   functions_called)
from .inputs import format_value, is_bilingual
from .lists import Row
from .trace import TraceStep, fill, placeholders

# kind -> keys a step of that kind may have (the first is the one that names the kind).
STEP_KEYS = {
    "require": ("require", "fail", "cite", "text"),
    "let": ("let", "expr", "tiers", "lookup", "money", "cite", "text"),
    "cap": ("cap", "max", "cite", "text"),
    "floor": ("floor", "min", "cite", "text"),
    "branch": ("branch", "cite", "text"),
    "note": ("note", "cite"),
    "each": ("each", "rules", "cite", "text"),
}
_LET_FORMS = ("expr", "tiers", "lookup")  # the trace kind of a let is "let", "tiers" or "lookup"
_TIERS_KEYS = ("value", "bands", "otherwise", "inclusive")
_LOOKUP_KEYS = ("key", "table", "default")
_CASE_KEYS = ("when", "otherwise", "text", "cite", "rules")


def step_kind(step) -> tuple:
    """(trace kind or None, [(subpath, zh, en) problems]) for one step mapping."""
    if not isinstance(step, dict):
        return None, [((), "步骤必须是映射", "a step must be a mapping")]
    kinds = [k for k in STEP_KEYS if k in step]
    if len(kinds) != 1:
        names = " / ".join(STEP_KEYS)
        return None, [((), f"步骤须且仅须是以下之一：{names}", f"a step is exactly one of {names}")]
    kind, problems = kinds[0], []
    for key in step:
        if key not in STEP_KEYS[kind]:
            allowed = ", ".join(STEP_KEYS[kind])
            problems.append(((key,), f"未知的键：{key}（{kind} 步骤可用：{allowed}）",
                             f"unknown key {key!r} (a {kind} step takes {allowed})"))
    if kind == "let":
        forms = [f for f in _LET_FORMS if f in step]
        if len(forms) != 1:
            return None, problems + [((), "let 步骤须且仅须有 expr、tiers、lookup 之一",
                                      "a let step has exactly one of expr, tiers, lookup")]
        kind = "let" if forms[0] == "expr" else forms[0]
    return kind, problems


def expression_source(value) -> str | None:
    """Expressions are strings; plain numbers from YAML/JSON are accepted as their text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return None


def value_type(value) -> str:
    return {bool: "bool", Decimal: "number", datetime.date: "date", str: "str"}.get(
        type(value), type(value).__name__)


def lookup_key(value) -> str:
    """The table key a value selects: numbers by their plain text, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return format_plain(Decimal(value))
    return str(value)


class Run:
    """The state of one calculation: values, the inputs each value came from, the trace."""

    def __init__(self, inputs: dict, values: dict, money: set):
        self.inputs = inputs                      # id -> InputSpec or ListSpec
        self.values = dict(values)
        self.sources = {name: (name,) for name in values}
        self.money = money                        # names shown with two decimals
        self.steps = []
        self.reasons = []                         # (zh, en) of failed requirements
        self.row_reasons = []                     # (zh, en) of rows an `each` step left out
        self.last_cite = None
        self.scope = None                         # (ListSpec, Row) while an `each` step runs
        self.at = ()                              # path of the step running (for errors)

    # -- values ---------------------------------------------------------------------------
    def evaluate(self, source, path: tuple):
        text = expression_source(source)
        if text is None:
            raise SpecError(path, "表达式必须是字符串", "an expression must be a string")
        try:
            return compile_expression(text).evaluate(self.values)
        except ExpressionError as error:
            if error.code in ("division_by_zero", "overflow", "empty", "no_calendar"):
                blamed = self.blame_cell(error) if error.cell else self.blame(error.code, error.names)
                raise blamed or SpecError(path, error.message_zh, error.message_en) from None
            raise SpecError(path, error.message_zh, error.message_en) from None

    def evaluate_as(self, source, path: tuple, kinds: tuple):
        value = self.evaluate(source, path)
        if value_type(value) not in kinds:
            raise SpecError(path, f"应为 {'/'.join(kinds)}，得到 {value_type(value)}",
                            f"expected {' or '.join(kinds)}, got {value_type(value)}")
        return value

    def origins(self, names) -> list:
        found = []
        for name in names:
            found += [i for i in self.sources.get(name, ()) if i not in found]
        return found

    def blame(self, code: str, names) -> InputError | None:
        """The InputError for the input behind a division by zero or an overflow, if any."""
        origins = [i for i in self.origins(names) if self.known_input(i)]
        if not origins:
            return None
        if code == "overflow":  # the largest number is the one to reduce
            numbers = [i for i in origins if isinstance(self.values.get(i), Decimal)]
            origins = sorted(numbers or origins,
                             key=lambda i: -abs(self.values[i]) if i in numbers else 0)
        return self.input_error(origins[0], code)

    def blame_cell(self, error: ExpressionError) -> InputError | None:
        """The error of the cell (or the list) behind a failure inside an aggregate's row."""
        list_id, row = error.cell
        spec = self.inputs.get(list_id)
        if spec is None:
            return None
        column = next((spec.column(n) for n in error.names if spec.column(n)), None)
        return spec.error(error.code) if column is None else \
            spec.cell_error(row, column, column.error(error.code))

    def input_error(self, name: str, code: str, **fields) -> InputError:
        """`code` as the error of an input or, inside an `each` step, of the row's cell."""
        if name in self.inputs:
            return self.inputs[name].error(code, **fields)
        spec, row = self.scope
        column = spec.column(name)
        return spec.cell_error(row.index, column, column.error(code, **fields))

    def known_input(self, name: str) -> bool:
        return name in self.inputs or (self.scope is not None and
                                       self.scope[0].column(name) is not None)

    def assign(self, name: str, value, names) -> None:
        self.sources[name] = tuple(self.origins(names))
        if isinstance(value, Decimal) and value.copy_abs() > COMPUTE_MAX:
            raise self.blame("overflow", (name,)) or SpecError(
                self.at or (name,), f"{name} 超出可计算范围", f"{name} is out of range")
        self.values[name] = value

    # -- text -----------------------------------------------------------------------------
    def shown(self, name: str, lang: str) -> str | None:
        """A value as written into step text."""
        if name not in self.values:
            return None
        value = self.values[name]
        if isinstance(value, tuple):  # a list: its number of rows
            return str(len(value))
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        if isinstance(value, Decimal):
            return format_fixed(value) if name in self.money else format_plain(value)
        spec = self.inputs.get(name) or (self.scope[0].column(name) if self.scope else None)
        choice = spec.choice(value) if spec is not None and spec.type == "choice" else None
        if choice is not None:
            return choice.label_zh if lang == "zh" else choice.label_en
        return format_value(value)

    def stored(self, name: str | None, value) -> str | None:
        """A value as it appears in a step's `value` field."""
        if isinstance(value, Decimal):
            return format_fixed(value) if name in self.money else format_plain(value)
        return None if value is None else format_value(value)

    def filled(self, text) -> tuple:
        if not isinstance(text, dict):
            return "", ""
        return (fill(text.get("zh"), lambda n: self.shown(n, "zh")),
                fill(text.get("en"), lambda n: self.shown(n, "en")))

    def record(self, kind: str, name, value, text, cite, reached=None) -> None:
        zh, en = self.filled(text)
        cite = None if cite is None else str(cite)
        self.last_cite = cite if cite is not None else self.last_cite
        where = (self.scope[0].id, self.scope[1].index) if self.scope else (None, None)
        self.steps.append(TraceStep(kind, name, self.stored(name, value), zh, en, cite, reached,
                                    *where))

    # -- steps ----------------------------------------------------------------------------
    def run(self, steps, path: tuple) -> bool:
        """Run `steps` in order; False as soon as a requirement fails (the rest do not run)."""
        for i, step in enumerate(steps or ()):
            here = path + (i,)
            self.at = here
            kind, problems = step_kind(step)
            if kind is None or problems:
                sub, zh, en = problems[0]
                raise SpecError(here + sub, zh, en)
            if not getattr(self, "step_" + kind)(step, here):
                return False
        return True

    def step_require(self, step, path) -> bool:
        holds = self.evaluate_as(step["require"], path + ("require",), ("bool",))
        # A failed requirement is shown with its `fail` wording: the condition text would claim it holds.
        shown = step.get("text") if holds else (step.get("fail") or step.get("text"))
        self.record("require", None, holds, shown, step.get("cite"))
        if not holds and self.scope:  # the row is left out; the measure goes on
            zh, en = self.filled(step.get("fail") or step.get("text"))
            row = self.scope[1].index + 1
            self.row_reasons.append((f"第{row}行：{zh}", f"Row {row}: {en}"))
        elif not holds:
            self.reasons.append(self.filled(step.get("fail") or step.get("text")))
        return holds

    def step_let(self, step, path) -> bool:
        source = step["expr"]
        value = self.evaluate(source, path + ("expr",))
        return self.let_done("let", step, value, compile_expression(expression_source(source)).names)

    def let_done(self, kind: str, step, value, names) -> bool:
        """Store a let's value and trace it; `money: true` shows it with two decimals."""
        self.assign(step["let"], value, names)
        if step.get("money"):
            self.money.add(step["let"])
        self.record(kind, step["let"], value, step.get("text"), step.get("cite"))
        return True

    def step_tiers(self, step, path) -> bool:
        tiers, path = step["tiers"], path + ("tiers",)
        measured = self.evaluate_as(tiers["value"], path + ("value",), ("number", "date"))
        kind = (value_type(measured),)
        bands = [(self.evaluate_as(band["from"], path + ("bands", i, "from"), kind), i, band)
                 for i, band in enumerate(tiers["bands"])]
        bands.sort(key=lambda b: b[0], reverse=True)  # highest threshold first, whatever the order
        inclusive = tiers.get("inclusive", True)
        chosen, where = tiers.get("otherwise", "0"), path + ("otherwise",)
        for threshold, i, band in bands:
            if measured > threshold or (inclusive and measured == threshold):
                chosen, where = band["value"], path + ("bands", i, "value")
                break
        value = self.evaluate(chosen, where)
        return self.let_done("tiers", step, value, _step_names(tiers, "value", "bands", "otherwise"))

    def step_lookup(self, step, path) -> bool:
        lookup, path = step["lookup"], path + ("lookup",)
        key = lookup_key(self.evaluate(lookup["key"], path + ("key",)))
        table = {lookup_key(k): (k, v) for k, v in lookup["table"].items()}
        if key in table:
            value = self.evaluate(table[key][1], path + ("table", table[key][0]))
        elif lookup.get("default") is not None:
            value = self.evaluate(lookup["default"], path + ("default",))
        else:
            raise self.not_in_table(lookup, key, list(table), path)
        return self.let_done("lookup", step, value, _step_names(lookup, "key", "table", "default"))

    def not_in_table(self, lookup, key, keys, path):
        origins = [i for i in self.origins(compile_expression(
            expression_source(lookup["key"])).names) if self.known_input(i)]
        if not origins:
            return SpecError(path + ("table",), f"查表没有键 {key}", f"no table entry for {key!r}")
        options = ", ".join(keys)
        return self.input_error(origins[0], "bad_choice", options_zh=options, options_en=options)

    def step_cap(self, step, path) -> bool:
        return self._limit(step, path, "cap", "max", min)

    def step_floor(self, step, path) -> bool:
        return self._limit(step, path, "floor", "min", max)

    def _limit(self, step, path, kind: str, key: str, pick) -> bool:
        name = step[kind]
        current = self.values.get(name)
        if not isinstance(current, Decimal) or isinstance(current, bool):
            raise SpecError(path + (kind,), f"{name} 不是已计算的数值",
                            f"{name} is not a computed number")
        limit = self.evaluate_as(step[key], path + (key,), ("number",))
        value = pick(current, limit)
        reached = current >= limit if kind == "cap" else current <= limit
        self.assign(name, value, (name,) + compile_expression(expression_source(step[key])).names)
        self.record(kind, name, value, step.get("text"), step.get("cite"), reached)
        return True

    def step_branch(self, step, path) -> bool:
        cases = step["branch"]
        for i, case in enumerate(cases):
            here = path + ("branch", i)
            holds = case.get("otherwise") is True or \
                self.evaluate_as(case.get("when"), here + ("when",), ("bool",))
            if holds:
                self.record("branch", None, True, case.get("text"), case.get("cite"))
                return self.run(case.get("rules"), here + ("rules",))
        cite = cases[0].get("cite") if cases else step.get("cite")
        self.record("branch", None, False, step.get("text") or NONE_APPLIES, cite)
        return True

    def step_note(self, step, path) -> bool:
        self.record("note", None, None, step["note"], step.get("cite"))
        return True

    def step_each(self, step, path) -> bool:
        """Run `rules` once per row, with the row's cells as names. A row whose requirement
        fails is left out of the list for every later step; per-row `let`s join the row."""
        name = step["each"]
        spec, rows = self.inputs.get(name), self.values.get(name)
        if self.scope is not None or not isinstance(rows, tuple):
            raise SpecError(path + ("each",), f"{name} 不是列表输入", f"{name} is not a list input")
        self.record("each", name, Decimal(len(rows)), step.get("text") or _each_text(spec, "rows"),
                    step.get("cite"))
        values, sources, kept = self.values, self.sources, []
        try:
            for row in rows:
                self.scope = (spec, row)
                self.values = {**values, **row}
                self.sources = {**sources, **{cell: (cell,) for cell in row}}
                if self.run(step["rules"], path + ("rules",)):
                    kept.append(Row(row.index, {n: v for n, v in self.values.items()
                                                if n in row or n not in values}))
        finally:
            self.scope, self.values, self.sources = None, values, sources
        self.values[name] = tuple(kept)
        if len(kept) < len(rows):
            self.record("each", name, Decimal(len(kept)), _each_text(spec, "kept" if kept else "none"),
                        step.get("cite"))
        return True


NONE_APPLIES = {"zh": "以上情形均不适用", "en": "None of the cases applies"}
_EACH_TEXT = {"rows": ("逐行计算「{label}」，共{{{id}}}行", 'Row by row over "{label}": {{{id}}} row(s)'),
              "kept": ("符合条件的共{{{id}}}行，其余各行不计", "{{{id}}} row(s) qualify; the others are left out"),
              "none": ("没有符合条件的行", "No row qualifies")}


def _each_text(spec, key: str) -> dict:
    """The default text of an `each` step; `{LIST}` in a text is the list's number of rows."""
    zh, en = _EACH_TEXT[key]
    return {"zh": zh.format(label=spec.label_zh, id=spec.id),
            "en": en.format(label=spec.label_en, id=spec.id)}


def _step_names(mapping: dict, *keys) -> tuple:
    """Every name read by the expressions under `keys` of a tiers/lookup mapping."""
    sources = []
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, list):  # tiers bands
            sources += [b.get(k) for b in value if isinstance(b, dict) for k in ("from", "value")]
        elif isinstance(value, dict):  # lookup table
            sources += list(value.values())
        else:
            sources.append(value)
    names = []
    for source in sources:
        text = expression_source(source)
        if text is not None:
            names += [n for n in compile_expression(text).names if n not in names]
    return tuple(names)


class Checker:
    """Static checks of rule steps: every problem is collected, none stops the walk."""

    def __init__(self, choices: dict, problems: list, inputs: frozenset):
        self.choices = choices        # choice input (or column) id -> tuple of values
        self.problems = problems      # list of (path, zh, en)
        self.inputs = inputs          # ids of inputs and of list columns: never assigned
        self.outer = None             # inside an `each` step: the names a row may not redefine
        self.constants = {}           # names whose value is known without inputs (see constant)
        self.varies = set()           # names set more than once or from inputs
        self.calendar_used = None     # path of the first expression reading the holiday schedule

    def problem(self, path, zh, en):
        self.problems.append((tuple(path), zh, en))

    def expr(self, source, path, types: dict, expect: tuple | None = None) -> str | None:
        text = expression_source(source)
        if text is None:
            self.problem(path, "缺少表达式（须为字符串）", "expression missing (must be a string)")
            return None
        try:
            found = compile_expression(text).infer(types)
        except ExpressionError as error:
            self.problem(path, error.message_zh, error.message_en)
            return None
        if expect is not None and found not in expect:
            self.problem(path, f"类型应为 {'/'.join(expect)}，实为 {found}：{text}",
                         f"expected {' or '.join(expect)}, found {found}: {text}")
            return None
        self.check_divisors(text, path)
        if self.calendar_used is None and CALENDAR_FUNCTIONS & functions_called(text):
            self.calendar_used = tuple(path)
        return found

    # -- what can be computed without inputs: found by validate, not at run time (13.2) -----
    def constant(self, source):
        """The value of an expression of literals and constant names, else None; raises
        ExpressionError when computing it fails (a division by zero, an overflow)."""
        text = expression_source(source)
        try:
            expression = compile_expression(text)
        except ExpressionError:
            return None
        if not all(n in self.constants for n in expression.names) or \
                CALENDAR_FUNCTIONS & functions_called(text):
            return None  # the holiday schedule is data of the spec, read when calculating
        return expression.evaluate(self.constants)

    def check_divisors(self, text, path):
        for divisor in divisors(text):
            if not compile_expression(divisor).names:
                continue  # a literal divisor: the type check already refuses a zero
            try:
                value = self.constant(divisor)
            except ExpressionError:
                continue  # reported where the divisor is defined
            if value is not None and value == 0:
                self.problem(path, f"除数 {divisor} 恒为0：{text}",
                             f"the divisor {divisor} is always 0: {text}")

    def note_constant(self, name, source, path):
        """After `let name = source`: remember its value if it needs no input."""
        if not isinstance(name, str) or name in self.varies:
            return
        try:
            value = None if source is None else self.constant(source)
        except ExpressionError as error:
            self.problem(path, error.message_zh, error.message_en)
            value = None
        if isinstance(value, Decimal) and value.copy_abs() > COMPUTE_MAX:
            self.problem(path, f"{name} 超出可计算范围", f"{name} is out of range")
            value = None
        if value is None or name in self.constants:
            self.constants.pop(name, None)
            self.varies.add(name)
        else:
            self.constants[name] = value

    def text(self, text, path, types: dict, required: bool = True):
        if text is None and not required:
            return
        if not is_bilingual(text):
            self.problem(path, "缺少中英文文字 {zh, en}", "text {zh, en} is required")
            return
        for lang in ("zh", "en"):
            for name in placeholders(text[lang]):
                if name not in types:
                    self.problem(path + (lang,), f"占位符 {{{name}}} 不是已知的值",
                                 f"placeholder {{{name}}} names no known value")

    def cite(self, step, path):
        cite = step.get("cite")
        if isinstance(cite, bool) or not isinstance(cite, (str, int)) or str(cite) == "":
            self.problem(path + ("cite",), "缺少 cite（所依据的条款 id）",
                         "cite (the clause id the step applies) is required")

    def steps(self, steps, path: tuple, types: dict) -> dict:
        """Check `steps`; returns the name types defined after them."""
        if steps is None:
            return types
        if not isinstance(steps, list):
            self.problem(path, "rules 必须是列表", "rules must be a list")
            return types
        types = dict(types)
        for i, step in enumerate(steps):
            here = path + (i,)
            kind, problems = step_kind(step)
            for sub, zh, en in problems:
                self.problem(here + sub, zh, en)
            if kind is not None:
                types = getattr(self, "check_" + kind)(step, here, types)
        return types

    def define(self, name, kind, path, types: dict) -> dict:
        if not (isinstance(name, str) and NAME_PATTERN.match(name)):
            self.problem(path, f"名称无效：{name!r}", f"invalid name {name!r}")
            return types
        if name in self.inputs:
            self.problem(path, f"{name} 是输入项，不能重新赋值", f"{name} is an input; use a new name")
        elif self.outer is not None and name in self.outer:
            self.problem(path, f"逐行计算中不能改写行外的名称 {name}",
                         f"a per-row value cannot reuse the name {name}, defined outside the row")
        elif name in types and kind is not None and types[name] != kind:
            self.problem(path, f"{name} 的类型由 {types[name]} 变为 {kind}",
                         f"{name} changes type from {types[name]} to {kind}")
        return {**types, name: kind or types.get(name, "number")}

    def check_require(self, step, path, types):
        self.expr(step["require"], path + ("require",), types, ("bool",))
        self.cite(step, path)
        self.text(step.get("text"), path + ("text",), types)
        self.text(step.get("fail"), path + ("fail",), types)
        return types

    def check_let(self, step, path, types):
        kind = self.expr(step["expr"], path + ("expr",), types)
        return self._after_let(step, path, types, kind)

    def _after_let(self, step, path, types, kind):
        if "money" in step and (step["money"] is not True or kind not in ("number", None)):
            self.problem(path + ("money",), "money 只能是 true，且只用于数值",
                         "money is true, and only for a number")
        self.note_constant(step["let"], step.get("expr") if kind else None, path + ("expr",))
        types = self.define(step["let"], kind, path + ("let",), types)
        self.cite(step, path)
        self.text(step.get("text"), path + ("text",), types)
        return types

    def check_tiers(self, step, path, types):
        tiers, here = step["tiers"], path + ("tiers",)
        if not isinstance(tiers, dict):
            self.problem(here, "tiers 必须是映射", "tiers must be a mapping")
            return self._after_let(step, path, types, None)
        self._unknown_keys(tiers, _TIERS_KEYS, here)
        measured = self.expr(tiers.get("value"), here + ("value",), types, ("number", "date"))
        bands, results = tiers.get("bands"), []
        if not isinstance(bands, list) or not bands:
            self.problem(here + ("bands",), "bands 必须是非空列表", "bands must be a non-empty list")
            bands = []
        for i, band in enumerate(bands):
            where = here + ("bands", i)
            if not isinstance(band, dict) or set(band) != {"from", "value"}:
                self.problem(where, "每档须有且仅有 from 和 value", "a band has exactly from and value")
                continue
            self.expr(band["from"], where + ("from",), types,
                      (measured,) if measured else ("number", "date"))
            results.append((where + ("value",), band["value"]))
        if not isinstance(tiers.get("inclusive", True), bool):
            self.problem(here + ("inclusive",), "inclusive 须为 true 或 false",
                         "inclusive is true or false")
        results.append((here + ("otherwise",), tiers.get("otherwise", "0")))
        return self._after_let(step, path, types, self._common_type(results, types))

    def _common_type(self, sources, types) -> str | None:
        kinds = [self.expr(source, where, types) for where, source in sources]
        known = [k for k in kinds if k is not None]
        for (where, _), kind in zip(sources, kinds):
            if known and kind is not None and kind != known[0]:
                self.problem(where, f"各结果类型须一致：{kind} ≠ {known[0]}",
                             f"all results must have one type: {kind} vs {known[0]}")
        return known[0] if known else None

    def check_lookup(self, step, path, types):
        lookup, here = step["lookup"], path + ("lookup",)
        if not isinstance(lookup, dict):
            self.problem(here, "lookup 必须是映射", "lookup must be a mapping")
            return self._after_let(step, path, types, None)
        self._unknown_keys(lookup, _LOOKUP_KEYS, here)
        self.expr(lookup.get("key"), here + ("key",), types, ("str", "number", "bool"))
        table = lookup.get("table")
        if not isinstance(table, dict) or not table:
            self.problem(here + ("table",), "table 必须是非空映射", "table must be a non-empty mapping")
            table = {}
        results = [(here + ("table", k), v) for k, v in table.items()]
        if lookup.get("default") is not None:
            results.append((here + ("default",), lookup["default"]))
        self._check_coverage(lookup, table, here)
        return self._after_let(step, path, types, self._common_type(results, types))

    def _check_coverage(self, lookup, table, path):
        """A key that is a choice input must find every choice (or a default), and only them."""
        key = lookup.get("key")
        values = self.choices.get(key) if isinstance(key, str) else None
        if values is None or not table:
            return
        keys = {lookup_key(k) for k in table}
        missing = [v for v in values if v not in keys]
        if missing and lookup.get("default") is None:
            self.problem(path + ("table",), f"缺少选项：{', '.join(missing)}（或给出 default）",
                         f"no entry for choice(s) {', '.join(missing)} (or give a default)")
        for key in sorted(keys - set(values)):
            self.problem(path + ("table", key), f"{key} 不是 {lookup['key']} 的选项",
                         f"{key} is not a choice of {lookup['key']}")

    def check_cap(self, step, path, types):
        return self._check_limit(step, path, types, "cap", "max")

    def check_floor(self, step, path, types):
        return self._check_limit(step, path, types, "floor", "min")

    def _check_limit(self, step, path, types, kind, key):
        name = step[kind]
        if not isinstance(name, str) or types.get(name) != "number":
            self.problem(path + (kind,), f"{name} 不是此前计算的数值",
                         f"{name} is not a number defined earlier")
        if self.expr(step.get(key), path + (key,), types, ("number",)) and kind == "cap":
            try:
                limit = self.constant(step.get(key))
            except ExpressionError:
                limit = None
            if limit is not None and limit < 0:
                self.problem(path + (key,), f"上限为负数（{format_plain(limit)}）：结果将恒为负",
                             f"the cap is negative ({format_plain(limit)}): the result would "
                             "always be negative")
        if isinstance(name, str):
            self.varies.add(name)
            self.constants.pop(name, None)
        self.cite(step, path)
        self.text(step.get("text"), path + ("text",), types)
        return types

    def check_branch(self, step, path, types):
        cases = step["branch"]
        if not isinstance(cases, list) or not cases:
            self.problem(path + ("branch",), "branch 必须是非空列表", "branch must be a non-empty list")
            return types
        outcomes, has_otherwise = [], False
        for i, case in enumerate(cases):
            here = path + ("branch", i)
            if not isinstance(case, dict):
                self.problem(here, "每种情形必须是映射", "each case must be a mapping")
                continue
            self._unknown_keys(case, _CASE_KEYS, here)
            if case.get("otherwise") is True:
                if "when" in case or i != len(cases) - 1:
                    self.problem(here, "otherwise 情形须在最后且不带 when",
                                 "the otherwise case comes last and has no when")
                has_otherwise = True
            elif "otherwise" in case:
                self.problem(here + ("otherwise",), "otherwise 只能是 true", "otherwise must be true")
            else:
                self.expr(case.get("when"), here + ("when",), types, ("bool",))
            self.cite(case, here)
            self.text(case.get("text"), here + ("text",), types)
            outcomes.append(self.steps(case.get("rules") or [], here + ("rules",), types))
        self.text(step.get("text"), path + ("text",), types, required=False)
        if not has_otherwise:  # a path through no case defines nothing new
            return types
        common = {n: k for n, k in outcomes[0].items() if all(o.get(n) == k for o in outcomes)}
        return {**types, **common}

    def check_each(self, step, path, types):
        name = step["each"]
        found = types.get(name) if isinstance(name, str) else None
        if not isinstance(found, ListType):
            self.problem(path + ("each",), f"each 须为列表输入的 id：{name!r}",
                         f"each names a list input: {name!r}")
            return types
        if self.outer is not None:
            self.problem(path + ("each",), "each 步骤不能嵌套", "each steps cannot be nested")
            return types
        self.cite(step, path)
        self.text(step.get("text"), path + ("text",), types, required=False)
        rules = step.get("rules")
        if not isinstance(rules, list) or not rules:
            self.problem(path + ("rules",), "each 须有非空的 rules", "each needs a non-empty rules list")
            return types
        row_types = {**types, **found.columns}
        self.outer = frozenset(row_types)
        try:
            after = self.steps(rules, path + ("rules",), row_types)
        finally:
            self.outer = None
        added = {n: k for n, k in after.items() if n not in row_types}
        return {**types, name: ListType({**found.columns, **added})}

    def check_note(self, step, path, types):
        self.cite(step, path)
        self.text(step["note"], path + ("note",), types)
        return types

    def _unknown_keys(self, mapping, allowed, path):
        for key in mapping:
            if key not in allowed:
                self.problem(path + (key,), f"未知的键：{key}（可用：{', '.join(allowed)}）",
                             f"unknown key {key!r} (allowed: {', '.join(allowed)})")
