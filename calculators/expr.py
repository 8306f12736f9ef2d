"""The expression language: a whitelist of Python syntax evaluated over Decimal.

An expression is parsed once with `ast.parse(mode="eval")`, every node is checked against
`ALLOWED_NODES`, and the tree is turned into closures. There is no `eval`, no attribute or
subscript access, and no call except the fixed `FUNCTIONS` table; names resolve only in the
mapping given to `evaluate`. Values are Decimal (numbers), bool, datetime.date and str, and
for a list input a tuple of row mappings, which only the aggregates `sum(LIST, EXPR)`,
`count(LIST[, COND])`, `min(LIST, EXPR)` and `max(LIST, EXPR)` may read: EXPR is evaluated once
per row with the row's names added, so rows are reached without attribute or subscript syntax.

Static typing (`Expression.infer`) uses the type names "number", "bool", "date", "str", and a
`ListType` (the types of a row's names) for a list.
"""

import ast
import datetime
import decimal
import functools
import re
import warnings
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .decimals import CONTEXT, MAX_PLACES
from .errors import ExpressionError

MAX_LENGTH = 500
MAX_DEPTH = 60

ALLOWED_NODES = frozenset({
    ast.Expression, ast.Constant, ast.Name, ast.Load,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div,
    ast.UnaryOp, ast.UAdd, ast.USub, ast.Not,
    ast.BoolOp, ast.And, ast.Or,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
    ast.IfExp, ast.Call,
})

CONSTANT_NAMES = {"true": True, "false": False}
# Names are ASCII identifiers: Python would accept (and NFKC-fold) any Unicode identifier.
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z", re.ASCII)
_NUMBER_LITERAL = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)\Z", re.ASCII)
_DATE_LITERAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)

_COMPARE = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ARITHMETIC = {ast.Add: CONTEXT.add, ast.Sub: CONTEXT.subtract,
               ast.Mult: CONTEXT.multiply, ast.Div: CONTEXT.divide}


class ListType:
    """The static type of a list input: the types of the names each row has."""

    __slots__ = ("columns",)

    def __init__(self, columns: dict):
        self.columns = dict(columns)

    def __eq__(self, other):
        return isinstance(other, ListType) and other.columns == self.columns

    def __hash__(self):
        return hash(tuple(sorted(self.columns.items())))

    def __str__(self):
        return "list"

    __repr__ = __str__


def _type_of(value) -> str:
    if type(value) is tuple:
        return "list"
    if type(value) is bool:
        return "bool"
    if type(value) is Decimal:
        return "number"
    if type(value) is datetime.date:
        return "date"
    if type(value) is str:
        return "str"
    return type(value).__name__


def _days(first: datetime.date, last: datetime.date) -> Decimal:
    # Inclusive count ("9 to 24 February" is 16 days); an empty range counts 0, never negative.
    return Decimal(max(0, (last - first).days + 1))


def _growth(new: Decimal, old: Decimal) -> Decimal:
    return CONTEXT.multiply(CONTEXT.divide(CONTEXT.subtract(new, old), old), Decimal(100))


def _overlap_days(a_from: datetime.date, a_to: datetime.date, b_from: datetime.date,
                  b_to: datetime.date) -> Decimal:
    # The days two inclusive ranges share: the employee's own dates within the notice's period.
    return _days(max(a_from, b_from), min(a_to, b_to))


# name -> (argument types, or None for "2+ arguments of one type among", result type rule, impl)
_FUNCTIONS = {
    "min": (None, ("number", "date"), lambda *a: min(a)),
    "max": (None, ("number", "date"), lambda *a: max(a)),
    "floor": (("number",), "number",
              lambda x: x.to_integral_value(rounding=ROUND_FLOOR, context=CONTEXT)),
    "ceil": (("number",), "number",
             lambda x: x.to_integral_value(rounding=ROUND_CEILING, context=CONTEXT)),
    "abs": (("number",), "number", lambda x: x.copy_abs()),
    "round": (("number", "number"), "number",
              lambda x, places: x.quantize(Decimal(1).scaleb(-int(places)),
                                           rounding=ROUND_HALF_UP, context=CONTEXT)),
    "date": (("str",), "date", None),  # folded to a constant at compile time
    "days": (("date", "date"), "number", _days),
    "growth": (("number", "number"), "number", _growth),
    "overlap_days": (("date", "date", "date", "date"), "number", _overlap_days),
    # The official holiday schedule (calendar.py): the implementation takes the Calendar first,
    # which the engine puts in the values under CALENDAR_KEY (no expression can name it).
    "holiday_days": (("date", "date"), "number", lambda cal, a, b: cal.holiday_days(a, b)),
    "working_days": (("date", "date"), "number", lambda cal, a, b: cal.working_days(a, b)),
    "is_holiday": (("date",), "bool", lambda cal, day: cal.is_holiday(day)),
    "is_workday": (("date",), "bool", lambda cal, day: cal.is_workday(day)),
}
CALENDAR_FUNCTIONS = frozenset({"holiday_days", "working_days", "is_holiday", "is_workday"})
CALENDAR_KEY = "@calendar"
# Aggregates over the rows of a list -> the types their per-row expression may have.
# min/max aggregate only when written min(LIST, EXPR) with a list; otherwise they are _FUNCTIONS.
AGGREGATES = {"sum": ("number",), "count": ("bool",), "min": ("number", "date"),
              "max": ("number", "date")}
FUNCTIONS = frozenset(_FUNCTIONS) | frozenset(AGGREGATES)


def _list_form(node) -> bool:
    """Whether a call is written as an aggregate: sum/count always, min/max as (NAME, EXPR)."""
    name, args = node.func.id, node.args
    if name in ("sum", "count"):
        return True
    return name in ("min", "max") and len(args) == 2 and isinstance(args[0], ast.Name) \
        and args[0].id not in CONSTANT_NAMES


class Expression:
    """A compiled expression: `evaluate(values)` and `infer(types)`; `names` in source order."""

    __slots__ = ("source", "names", "_tree", "_run")

    def __init__(self, source: str, tree: ast.Expression, names: tuple):
        self.source = source
        self.names = names
        self._tree = tree
        self._run = _Compiler(source).compile(tree.body)

    def evaluate(self, values: dict):
        """The value of the expression; raises ExpressionError (codes division_by_zero,
        overflow, unknown_name, type)."""
        try:
            return self._run(values)
        except decimal.DecimalException:
            raise ExpressionError("overflow", self.source, 1, names=self.names) from None

    def infer(self, types: dict) -> str:
        """The static type of the expression given the types of the names it may use."""
        return _Typer(self.source, types).infer(self._tree.body)


def _column(source: str, node) -> int:
    # ast offsets count UTF-8 bytes; report characters, 1-based (sources are one line).
    offset = getattr(node, "col_offset", 0) or 0
    return len(source.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1


def _segment(source: str, node) -> str:
    return ast.get_source_segment(source, node) or ""


@functools.lru_cache(maxsize=2048)
def compile_expression(source: str) -> Expression:
    """Parse and check `source` once (cached); raises ExpressionError with the column."""
    if not isinstance(source, str):
        raise ExpressionError("syntax", str(source), 1, detail=type(source).__name__)
    if len(source) > MAX_LENGTH:
        raise ExpressionError("too_long", source[:40] + "…", MAX_LENGTH + 1)
    # One logical line: a YAML block scalar may carry line breaks, Python would reject them.
    text = re.sub(r"[\r\n]", " ", source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        col = getattr(error, "offset", None) or 1
        raise ExpressionError("syntax", text, max(1, min(col, len(text) + 1))) from None
    names = []
    stack = [(tree, 0)]
    while stack:  # iterative: a deep tree must not exhaust the Python stack before we refuse it
        node, depth = stack.pop()
        if type(node) not in ALLOWED_NODES:
            raise ExpressionError("not_allowed", text, _column(text, node),
                                  detail=_node_description(text, node))
        if depth > MAX_DEPTH:
            raise ExpressionError("too_deep", text, _column(text, node))
        if isinstance(node, ast.Name):
            written = _segment(text, node)  # the parser NFKC-folds names: ｘ arrives as x
            if not NAME_PATTERN.match(node.id) or written != node.id:
                raise ExpressionError("bad_name", text, _column(text, node), detail=written)
            if node.id not in names and node.id not in CONSTANT_NAMES:
                names.append(node.id)
        stack.extend((child, depth + 1) for child in reversed(list(ast.iter_child_nodes(node)))
                     if not (isinstance(node, ast.Call) and child is node.func))
    return Expression(text, tree, tuple(sorted(names, key=lambda n: _first_use(text, tree, n))))


def _first_use(source: str, tree, name: str) -> int:
    return min(n.col_offset for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name)


def _node_description(source: str, node) -> str:
    segment = _segment(source, node)
    kind = type(node).__name__
    return f"{kind} {segment}".strip() if segment else kind


def functions_called(source: str) -> frozenset:
    """The names of the functions an expression calls."""
    tree = compile_expression(source)._tree
    return frozenset(n.func.id for n in ast.walk(tree)
                     if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))


def names_used(source: str) -> tuple:
    """The input and variable names an expression reads, in order of first use."""
    return compile_expression(source).names


def _names_in(node) -> tuple:
    seen = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in CONSTANT_NAMES and sub.id not in seen:
            seen.append(sub.id)
    return tuple(seen)


class _Compiler:
    """Turns a checked tree into closures `values -> value` (one method per node kind)."""

    def __init__(self, source: str):
        self.source = source

    def error(self, code: str, node, detail: str = "", names: tuple = ()):
        return ExpressionError(code, self.source, _column(self.source, node), detail=detail,
                               names=names)

    def compile(self, node):
        return getattr(self, "compile_" + type(node).__name__)(node)

    def want(self, node, kinds: tuple, run):
        """Wrap `run` with a run-time type check (the static check normally prevents this)."""
        def checked(values):
            value = run(values)
            if _type_of(value) not in kinds:
                raise self.error("type", node, f"{_segment(self.source, node)} is "
                                 f"{_type_of(value)}, expected {' or '.join(kinds)}")
            return value
        return checked

    def compile_Constant(self, node):
        value = node.value
        if type(value) is bool or type(value) is str:
            return lambda values: value
        if type(value) in (int, float):
            text = _segment(self.source, node)
            if not _NUMBER_LITERAL.match(text):
                raise self.error("bad_number", node, text)
            number = Decimal(text)  # from the literal's text, never via float
            return lambda values: number
        raise self.error("not_allowed", node, _node_description(self.source, node))

    def compile_Name(self, node):
        name = node.id
        if name in CONSTANT_NAMES:
            constant = CONSTANT_NAMES[name]
            return lambda values: constant

        def load(values):
            try:
                return values[name]
            except KeyError:
                raise self.error("unknown_name", node, name, (name,)) from None
        return load

    def compile_BinOp(self, node):
        operate = _ARITHMETIC[type(node.op)]
        left = self.want(node.left, ("number",), self.compile(node.left))
        right = self.want(node.right, ("number",), self.compile(node.right))
        if isinstance(node.op, ast.Div):
            divisor_names = _names_in(node.right)

            def divide(values):
                a, b = left(values), right(values)
                if b == 0:
                    raise self.error("division_by_zero", node.right, names=divisor_names)
                return operate(a, b)
            return divide
        return lambda values: operate(left(values), right(values))

    def compile_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            operand = self.want(node.operand, ("bool",), self.compile(node.operand))
            return lambda values: not operand(values)
        operand = self.want(node.operand, ("number",), self.compile(node.operand))
        if isinstance(node.op, ast.USub):
            return lambda values: CONTEXT.minus(operand(values))
        return lambda values: CONTEXT.plus(operand(values))

    def compile_BoolOp(self, node):
        parts = [self.want(v, ("bool",), self.compile(v)) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda values: all(part(values) for part in parts)
        return lambda values: any(part(values) for part in parts)

    def compile_Compare(self, node):
        operands = [self.compile(node.left)] + [self.compile(c) for c in node.comparators]
        operators = [_COMPARE[type(op)] for op in node.ops]
        nodes = [node.left] + list(node.comparators)

        def compare(values):
            left = operands[0](values)
            for i, operator in enumerate(operators):  # chains short-circuit like Python's
                right = operands[i + 1](values)
                if _type_of(left) != _type_of(right):
                    raise self.error("type", nodes[i + 1],
                                     f"{_type_of(left)} compared with {_type_of(right)}")
                if not operator(left, right):
                    return False
                left = right
            return True
        return compare

    def compile_IfExp(self, node):
        test = self.want(node.test, ("bool",), self.compile(node.test))
        body, orelse = self.compile(node.body), self.compile(node.orelse)
        return lambda values: body(values) if test(values) else orelse(values)

    def compile_Call(self, node):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise self.error("unknown_function", node.func, _segment(self.source, node.func))
        name = node.func.id
        if node.keywords:
            raise self.error("not_allowed", node.keywords[0], "keyword argument")
        if name in ("sum", "count"):
            return self._aggregate(node)
        arg_types, _, implementation = _FUNCTIONS[name]
        args = node.args
        if arg_types is None:
            if len(args) < 2:
                raise self.error("bad_arguments", node, f"{name}() needs 2 or more arguments")
            arg_types = (None,) * len(args)
        elif len(args) != len(arg_types):
            raise self.error("bad_arguments", node,
                             f"{name}() takes {len(arg_types)} argument(s)")
        if name == "date":
            return self._date_literal(node)
        if name == "round":
            self._places_literal(node)
        runs = [self.compile(a) if t is None else self.want(a, (t,), self.compile(a))
                for a, t in zip(args, arg_types)]
        if name in ("min", "max"):
            runs = [self.want(a, ("number", "date"), r) for a, r in zip(args, runs)]
            plain = self._same_type_call(node, implementation, runs)
            if not _list_form(node):
                return plain
            # min(a, b) of two values, or min(LIST, EXPR) over rows: the first argument's value
            # decides, as the static check (which knows the types) does.
            over_rows, first = self._aggregate(node), args[0].id
            return lambda values: over_rows(values) if type(values.get(first)) is tuple \
                else plain(values)
        if name == "growth":
            divisor_names = _names_in(args[1])

            def growth(values):
                new, old = runs[0](values), runs[1](values)
                if old == 0:
                    raise self.error("division_by_zero", args[1], names=divisor_names)
                return implementation(new, old)
            return growth
        if name in CALENDAR_FUNCTIONS:
            return self._calendar_call(node, implementation, runs)
        return lambda values: implementation(*[run(values) for run in runs])

    def _calendar_call(self, node, implementation, runs):
        """A holiday-schedule function: every day it reads must be in a year the schedule has."""
        date_names = _names_in(node)

        def call(values):
            calendar, days = values.get(CALENDAR_KEY), [run(values) for run in runs]
            if calendar is None:
                raise self.error("no_calendar", node, "—", date_names)
            missing = calendar.missing_year(*days)
            if missing is not None:
                raise self.error("no_calendar", node, str(missing), date_names)
            return implementation(calendar, *days)
        return call

    def _aggregate(self, node):
        name, args = node.func.id, node.args
        shape = "count(LIST) or count(LIST, CONDITION)" if name == "count" else f"{name}(LIST, EXPR)"
        if not args or len(args) > 2 or (len(args) == 1 and name != "count") or \
                not isinstance(args[0], ast.Name) or args[0].id in CONSTANT_NAMES:
            raise self.error("bad_arguments", node, f"{shape}: the first argument names a list input")
        list_name, rows = args[0].id, self.compile_Name(args[0])
        each = None if len(args) == 1 else \
            self.want(args[1], AGGREGATES[name], self.compile(args[1]))
        names = _names_in(args[1]) if each else ()

        def per_row(values) -> list:
            found = rows(values)
            if type(found) is not tuple:
                raise self.error("type", args[0], f"{list_name} is {_type_of(found)}, expected a list")
            if each is None:
                return [True] * len(found)
            results = []
            for position, row in enumerate(found):
                try:
                    results.append(each({**values, **row}))
                except (ExpressionError, decimal.DecimalException) as problem:
                    error = problem if isinstance(problem, ExpressionError) else \
                        self.error("overflow", args[1], names=names)
                    if error.cell is None:  # the innermost list is the one to blame
                        error.cell = (list_name, getattr(row, "index", position))
                    raise error from None
            return results

        if name == "count":
            return lambda values: Decimal(sum(1 for holds in per_row(values) if holds))
        if name == "sum":
            return lambda values: functools.reduce(CONTEXT.add, per_row(values), Decimal(0))
        pick = min if name == "min" else max

        def extreme(values):
            found = per_row(values)
            if not found:
                raise self.error("empty", node, list_name, (list_name,))
            if len({_type_of(v) for v in found}) != 1:
                raise self.error("type", args[1], "rows give values of different types")
            return pick(found)
        return extreme

    def _same_type_call(self, node, implementation, runs):
        def call(values):
            args = [run(values) for run in runs]
            if len({_type_of(a) for a in args}) != 1:
                raise self.error("type", node, "arguments of different types")
            return implementation(*args)
        return call

    def _date_literal(self, node):
        arg = node.args[0]
        if not (isinstance(arg, ast.Constant) and type(arg.value) is str):
            raise self.error("bad_arguments", node, "date() takes a literal 'YYYY-MM-DD'")
        match = _DATE_LITERAL.match(arg.value)
        try:
            value = datetime.date(*(int(g) for g in match.groups())) if match else None
        except ValueError:
            value = None
        if value is None:
            raise self.error("bad_date", arg, f"{arg.value!r}, expected e.g. '2024-02-09'")
        return lambda values: value

    def _places_literal(self, node):
        arg = node.args[1]
        text = _segment(self.source, arg)
        if not (isinstance(arg, ast.Constant) and text.isdigit() and int(text) <= MAX_PLACES):
            raise self.error("bad_arguments", node,
                             f"round(x, places): places is a whole number 0–{MAX_PLACES}")


class _Typer:
    """Static type inference over a tree accepted by _Compiler (same rules, no values)."""

    def __init__(self, source: str, types: dict):
        self.source = source
        self.types = types

    def error(self, code: str, node, detail: str = ""):
        return ExpressionError(code, self.source, _column(self.source, node), detail=detail)

    def expect(self, node, kinds: tuple) -> str:
        found = self.infer(node)
        if found not in kinds:
            raise self.error("type", node, f"{_segment(self.source, node)} is {found}, "
                             f"expected {' or '.join(kinds)}")
        return found

    def infer(self, node) -> str:
        if isinstance(node, ast.Constant):
            return {bool: "bool", str: "str"}.get(type(node.value), "number")
        if isinstance(node, ast.Name):
            if node.id in CONSTANT_NAMES:
                return "bool"
            if node.id not in self.types:
                raise self.error("unknown_name", node, node.id)
            if isinstance(self.types[node.id], ListType):
                raise self.error("type", node, f"{node.id} is a list: read it with "
                                 f"sum/count/min/max({node.id}, …)")
            return self.types[node.id]
        if isinstance(node, ast.BinOp):
            self.expect(node.left, ("number",))
            self.expect(node.right, ("number",))
            if isinstance(node.op, ast.Div) and not _names_in(node.right):
                self._check_constant_divisor(node.right)
            return "number"
        if isinstance(node, ast.UnaryOp):
            kind = "bool" if isinstance(node.op, ast.Not) else "number"
            return self.expect(node.operand, (kind,))
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.expect(value, ("bool",))
            return "bool"
        if isinstance(node, ast.Compare):
            left = self.infer(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = self.infer(comparator)
                if right != left:
                    raise self.error("type", comparator, f"{left} compared with {right}")
                if isinstance(op, _ORDERING) and left not in ("number", "date"):
                    raise self.error("type", comparator, f"{left} values have no order")
            return "bool"
        if isinstance(node, ast.IfExp):
            self.expect(node.test, ("bool",))
            body = self.infer(node.body)
            self.expect(node.orelse, (body,))
            return body
        return self._infer_call(node)

    def _infer_call(self, node) -> str:
        name = node.func.id
        if _list_form(node) and (name in ("sum", "count") or
                                 isinstance(self.types.get(node.args[0].id), ListType)):
            return self._infer_aggregate(node)
        arg_types, result, _ = _FUNCTIONS[name]
        if arg_types is None:  # min/max: all arguments of one orderable type
            first = self.expect(node.args[0], result)
            for arg in node.args[1:]:
                self.expect(arg, (first,))
            return first
        if name == "date":
            return "date"
        for arg, kind in zip(node.args, arg_types):
            self.expect(arg, (kind,))
        if name == "growth" and not _names_in(node.args[1]):
            self._check_constant_divisor(node.args[1])
        return result

    def _infer_aggregate(self, node) -> str:
        name, (first, *rest) = node.func.id, node.args
        found = self.types.get(first.id)
        if not isinstance(found, ListType):
            raise self.error("type", first, f"{first.id} is {found or 'undefined'}, "
                             f"expected a list input")
        if not rest:  # count(LIST)
            return "number"
        kind = _Typer(self.source, {**self.types, **found.columns}).expect(rest[0], AGGREGATES[name])
        return "number" if name in ("sum", "count") else kind

    def _check_constant_divisor(self, node):
        value = compile_expression(_segment(self.source, node)).evaluate({})
        if value == 0:
            raise self.error("division_by_zero", node)


def divisors(source: str) -> tuple:
    """The text of every divisor in an expression: right of `/`, and growth()'s base."""
    expression = compile_expression(source)
    found = []
    for node in ast.walk(expression._tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found.append(_segment(expression.source, node.right))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "growth":
            found.append(_segment(expression.source, node.args[1]))
    return tuple(found)
