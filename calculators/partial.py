"""Partial evaluation: what a measure gives when only some of its inputs are known.

Unknown is a value here. An unknown number is an interval [lo, hi] (None = unbounded) and an
unknown choice or yes/no the set of values it may still take; each unknown carries the ids it
came from (`deps`), which become the facts still needed. Conditions are three-valued: a
`require` on an unknown leaves the measure *depending* on it; a `branch` whose condition is
unknown is followed both ways ("worlds") and the results are joined. Monotone steps (+, −, ×
and ÷ by known signs, min, max, cap, floor, tiers, lookup, rounding) carry intervals exactly in
Decimal; anything else becomes an unbounded unknown. So a known cap bounds an unknown cost
("up to 100,000"), more facts never widen a range nor revive a measure ruled out, and with every
input known the answer is `calculate`'s own (it is computed by `calculate`).

Pure standard library, like the rest of the engine (it runs unchanged in Pyodide).
"""

import ast
import datetime
from decimal import Decimal

from .decimals import CONTEXT, SAFE_MAX, format_plain, round_to
from .engine import _check_lang, _pick, _require_valid, calculate
from .errors import ExpressionError, InputError
from .expr import CONSTANT_NAMES, compile_expression
from .inputs import VALUE_TYPES, is_asked
from .lists import ListSpec, read_declaration
from .rules import expression_source, lookup_key, step_kind
from .status import result_status
from .trace import fill

MAX_WORLDS = 32  # beyond this, the branches still open are joined into one world
_ORDERED = ("number", "date")


class Unknown:
    """A value not known yet: its type, bounds (number/date), possible values (bool/str), deps."""

    __slots__ = ("type", "lo", "hi", "options", "deps")

    def __init__(self, kind, lo=None, hi=None, options=None, deps=frozenset()):
        self.type, self.lo, self.hi = kind, lo, hi
        self.options = None if options is None else frozenset(options)
        self.deps = frozenset(deps)

    def __repr__(self):
        return f"Unknown({self.type}, {self.lo}, {self.hi}, {self.options}, {sorted(self.deps)})"


def is_unknown(value) -> bool:
    return isinstance(value, Unknown)


def deps_of(*values) -> frozenset:
    found = frozenset()
    for value in values:
        if isinstance(value, Unknown):
            found |= value.deps
    return found


def _type(value) -> str:
    if isinstance(value, Unknown):
        return value.type
    if type(value) is tuple:
        return "list"
    return {bool: "bool", Decimal: "number", datetime.date: "date", str: "str"}.get(type(value), "any")


def _bounds(value):
    """(lo, hi) of an ordered value, known or not."""
    if isinstance(value, Unknown):
        return value.lo, value.hi
    return value, value


def make(kind, lo, hi, deps, options=None):
    """A known value when the bounds meet (or one option is left), else an Unknown."""
    if kind in _ORDERED and lo is not None and hi is not None and lo == hi:
        return lo
    if options is not None and len(options) == 1:
        return next(iter(options))
    return Unknown(kind, lo, hi, options, deps)


def unknown_like(kind, deps) -> Unknown:
    return Unknown(kind, options={True, False} if kind == "bool" else None, deps=deps)


def join(a, b):
    """The least value covering both (the hull of two intervals, the union of two option sets)."""
    if not isinstance(a, Unknown) and not isinstance(b, Unknown) and _type(a) == _type(b) and a == b:
        return a
    kind, deps = _type(a), deps_of(a, b)
    if kind != _type(b) or kind in ("list", "any"):
        return Unknown(kind if kind == _type(b) else "any", deps=deps)
    if kind in _ORDERED:
        (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
        lo = None if alo is None or blo is None else min(alo, blo)
        hi = None if ahi is None or bhi is None else max(ahi, bhi)
        return make(kind, lo, hi, deps)
    options = [_options(a), _options(b)]
    return make(kind, None, None, deps, None if None in options else options[0] | options[1])


def _options(value):
    if isinstance(value, Unknown):
        return value.options
    return frozenset({value})


# -- three-valued expressions -------------------------------------------------------------

def _lt(a, b):  # None bounds are infinities: lo None = −∞, hi None = +∞
    return a is not None and b is not None and a < b


class _Abstract:
    """Evaluates one expression over values some of which are Unknown."""

    def __init__(self, source: str):
        self.expression = compile_expression(source)
        self.source = self.expression.source

    def value(self, values: dict):
        if not any(isinstance(values.get(n), Unknown) for n in self.expression.names):
            return self.concrete(self.expression, values)
        return self.eval(self.expression._tree.body, values)

    def concrete(self, expression, values):
        try:
            return expression.evaluate({k: v for k, v in values.items() if not isinstance(v, Unknown)})
        except ExpressionError:  # the full calculation reports it; here it only stays open
            return Unknown("any", deps=deps_of(*values.values()))

    def eval(self, node, values):
        names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id not in CONSTANT_NAMES]
        if not any(isinstance(values.get(n), Unknown) for n in names):
            segment = ast.get_source_segment(self.source, node)
            return self.concrete(compile_expression(segment), values)
        return getattr(self, "eval_" + type(node).__name__, self.eval_other)(node, values)

    def eval_other(self, node, values):
        return Unknown("any", deps=self.deps(node, values))

    def deps(self, node, values):
        return deps_of(*(values.get(n.id) for n in ast.walk(node) if isinstance(n, ast.Name)))

    def eval_Name(self, node, values):
        return values[node.id]

    def eval_BinOp(self, node, values):
        a, b = self.eval(node.left, values), self.eval(node.right, values)
        if _type(a) != "number" or _type(b) != "number":
            return Unknown("number", deps=deps_of(a, b))
        return arithmetic(type(node.op), a, b)

    def eval_UnaryOp(self, node, values):
        a = self.eval(node.operand, values)
        if isinstance(node.op, ast.Not):
            return _not(a)
        if isinstance(node.op, ast.USub):
            lo, hi = _bounds(a)
            return make("number", None if hi is None else -hi, None if lo is None else -lo, deps_of(a))
        return a

    def eval_BoolOp(self, node, values):
        parts = [self.eval(v, values) for v in node.values]
        return _all(parts) if isinstance(node.op, ast.And) else _not(_all([_not(p) for p in parts]))

    def eval_Compare(self, node, values):
        operands = [self.eval(node.left, values)] + [self.eval(c, values) for c in node.comparators]
        return _all([compare(type(op), operands[i], operands[i + 1]) for i, op in enumerate(node.ops)])

    def eval_IfExp(self, node, values):
        test = self.eval(node.test, values)
        if test is True:
            return self.eval(node.body, values)
        if test is False:
            return self.eval(node.orelse, values)
        both = join(self.eval(node.body, values), self.eval(node.orelse, values))
        return _with_deps(both, deps_of(test))

    def eval_Call(self, node, values):
        name = node.func.id
        args = node.args
        if name in ("min", "max") and not (len(args) == 2 and isinstance(args[0], ast.Name)
                                           and _type(values.get(args[0].id)) == "list"):
            found = [self.eval(a, values) for a in args]
            kind = _type(found[0])
            if kind not in _ORDERED or any(_type(f) != kind for f in found):
                return Unknown(kind, deps=deps_of(*found))
            return extreme(name, found, kind)
        if name in ("floor", "ceil", "round", "abs"):
            a = self.eval(args[0], values)
            if _type(a) != "number":
                return Unknown("number", deps=deps_of(a))
            return monotone(name, a, args, self.source)
        if name == "count":
            rows = values.get(args[0].id)
            return Unknown("number", Decimal(0), None, deps=self.deps(node, values)) \
                if isinstance(rows, Unknown) else Unknown("number", Decimal(0), Decimal(len(rows)),
                                                            deps=self.deps(node, values))
        if name == "days":
            return Unknown("number", Decimal(0), None, deps=self.deps(node, values))
        kind = "date" if name == "date" else "number"
        return Unknown(kind, deps=self.deps(node, values))


def _with_deps(value, deps):
    if isinstance(value, Unknown):
        return Unknown(value.type, value.lo, value.hi, value.options, value.deps | deps)
    return value


def _not(a):
    if isinstance(a, Unknown):
        return Unknown("bool", options={True, False}, deps=a.deps)
    return not a


def _all(parts):
    """Kleene and: False if any part is False, True if all are True, else unknown."""
    if any(p is False for p in parts):
        return False
    if all(p is True for p in parts):
        return True
    return Unknown("bool", options={True, False}, deps=deps_of(*parts))


def compare(op, a, b):
    if not isinstance(a, Unknown) and not isinstance(b, Unknown):
        if _type(a) != _type(b):
            return Unknown("bool", options={True, False})
        return {ast.Eq: a == b, ast.NotEq: a != b, ast.Lt: a < b, ast.LtE: a <= b,
                ast.Gt: a > b, ast.GtE: a >= b}[op]
    deps, kind = deps_of(a, b), _type(a) if _type(a) != "any" else _type(b)
    unknown = Unknown("bool", options={True, False}, deps=deps)
    if kind in _ORDERED:
        (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
        if op in (ast.Gt, ast.GtE):
            op, (alo, ahi, blo, bhi) = {ast.Gt: ast.Lt, ast.GtE: ast.LtE}[op], (blo, bhi, alo, ahi)
        if op == ast.Lt:
            return True if _lt(ahi, blo) else False if not _lt(alo, bhi) and alo is not None \
                and bhi is not None else unknown
        if op == ast.LtE:
            return True if ahi is not None and blo is not None and ahi <= blo else \
                False if _lt(bhi, alo) else unknown
        disjoint = _lt(ahi, blo) or _lt(bhi, alo)
        if disjoint:
            return op == ast.NotEq
        return unknown
    if op in (ast.Eq, ast.NotEq):
        oa, ob = _options(a), _options(b)
        if oa is not None and ob is not None and not (oa & ob):
            return op == ast.NotEq
    return unknown


def arithmetic(op, a, b):
    deps = deps_of(a, b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    if op is ast.Add:
        return make("number", _add(alo, blo), _add(ahi, bhi), deps)
    if op is ast.Sub:
        return make("number", _add(alo, _neg(bhi)), _add(ahi, _neg(blo)), deps)
    if op is ast.Mult:
        return _product(alo, ahi, blo, bhi, deps)
    if op is ast.Div:  # by a divisor of known sign, as a product by its reciprocal's interval
        if blo is not None and bhi is not None and (blo > 0 or bhi < 0):
            rlo, rhi = CONTEXT.divide(1, bhi), CONTEXT.divide(1, blo)
            return _divided(alo, ahi, blo, bhi, rlo, rhi, deps)
    return Unknown("number", deps=deps)


def _divided(alo, ahi, blo, bhi, rlo, rhi, deps):
    """a ÷ b with the endpoints computed by division (never via a rounded reciprocal)."""
    if alo is None or ahi is None:
        # unbounded dividend: only its sign pattern carries over
        return _product(alo, ahi, rlo, rhi, deps)
    ends = [CONTEXT.divide(x, y) for x in (alo, ahi) for y in (blo, bhi)]
    return make("number", min(ends), max(ends), deps)


def _add(x, y):
    return None if x is None or y is None else CONTEXT.add(x, y)


def _neg(x):
    return None if x is None else CONTEXT.minus(x)


def _product(alo, ahi, blo, bhi, deps):
    if None not in (alo, ahi, blo, bhi):
        ends = [CONTEXT.multiply(x, y) for x in (alo, ahi) for y in (blo, bhi)]
        return make("number", min(ends), max(ends), deps)
    # one side unbounded: exact only when both sides are non-negative
    if alo is not None and blo is not None and alo >= 0 and blo >= 0:
        hi = None if ahi is None or bhi is None else CONTEXT.multiply(ahi, bhi)
        if (ahi == 0) or (bhi == 0):
            hi = Decimal(0)
        return make("number", CONTEXT.multiply(alo, blo), hi, deps)
    return Unknown("number", deps=deps)


def extreme(name, found, kind):
    los, his = [_bounds(f)[0] for f in found], [_bounds(f)[1] for f in found]
    if name == "min":
        lo = None if None in los else min(los)
        his = [h for h in his if h is not None]
        hi = min(his) if his else None
    else:
        los = [x for x in los if x is not None]
        lo = max(los) if los else None
        hi = None if None in his else max(his)
    return make(kind, lo, hi, deps_of(*found))


def monotone(name, a, args, source):
    lo, hi = _bounds(a)
    if name == "abs":
        if lo is not None and lo >= 0:
            return a
        if hi is not None and hi <= 0:
            return make("number", -hi, None if lo is None else -lo, deps_of(a))
        top = None if lo is None or hi is None else max(-lo, hi)
        return make("number", Decimal(0), top, deps_of(a))
    if name == "round":
        places = int(ast.get_source_segment(source, args[1]))
        step = Decimal(1).scaleb(-places)
        fn = lambda x: x.quantize(step, rounding="ROUND_HALF_UP", context=CONTEXT)  # noqa: E731
    else:
        mode = "ROUND_FLOOR" if name == "floor" else "ROUND_CEILING"
        fn = lambda x: x.to_integral_value(rounding=mode, context=CONTEXT)  # noqa: E731
    return make("number", None if lo is None else fn(lo), None if hi is None else fn(hi), deps_of(a))


def abstract_value(source, values: dict):
    text = expression_source(source)
    return _Abstract(text).value(values)


# -- what a condition assumed to hold (or fail) says about the unknowns it reads ------------

_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
_NEGATE = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


def assume(source, values: dict, truth: bool = True) -> None:
    """Narrow the unknowns in `values` by a condition known to be `truth` in this world:
    `workers >= 5` raises an unknown head count's floor to 5, `hr_agency` makes it true,
    `venue != 'asia'` drops a choice. Only ever narrows, so what follows stays sound."""
    text = expression_source(source)
    _assume(compile_expression(text)._tree.body, _Abstract(text), values, truth)


def _assume(node, abstract, values, truth):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _assume(node.operand, abstract, values, not truth)
    elif isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And) == truth:  # a and b holds, a or b fails: each part does
            for part in node.values:
                _assume(part, abstract, values, truth)
    elif isinstance(node, ast.Name) and node.id not in CONSTANT_NAMES:
        if isinstance(values.get(node.id), Unknown) and values[node.id].type == "bool":
            values[node.id] = truth
    elif isinstance(node, ast.Compare) and (truth or len(node.ops) == 1):
        operands = [node.left] + list(node.comparators)
        for i, op in enumerate(node.ops):
            op = type(op) if truth else _NEGATE[type(op)]
            _narrow_pair(operands[i], op, operands[i + 1], abstract, values)


def _narrow_pair(left, op, right, abstract, values):
    for name, other, o in ((left, right, op), (right, left, _FLIP[op])):
        current = values.get(name.id) if isinstance(name, ast.Name) else None
        if isinstance(current, Unknown):
            bound = abstract.eval(other, values)
            if not isinstance(bound, Unknown):
                values[name.id] = _narrowed(current, o, bound)
            return


def _narrowed(value, op, bound):
    kind = value.type
    if kind in _ORDERED and _type(bound) == kind:
        lo, hi = value.lo, value.hi
        if op is ast.Eq:
            lo = hi = bound
        elif op in (ast.Lt, ast.LtE):
            hi = bound if hi is None else min(hi, bound)
        elif op in (ast.Gt, ast.GtE):
            lo = bound if lo is None else max(lo, bound)
        if lo is not None and hi is not None and lo > hi:  # a contradiction: leave it be
            return value
        return make(kind, lo, hi, value.deps)
    if kind in ("str", "bool") and _type(bound) == kind and op in (ast.Eq, ast.NotEq):
        options = value.options
        if op is ast.Eq and (options is None or bound in options):
            return bound
        if op is ast.NotEq and options is not None and len(options - {bound}) >= 1:
            return make(kind, None, None, value.deps, options - {bound})
    return value


# -- worlds: the steps run over abstract values ------------------------------------------

class World:
    """One way the open conditions may go: values, whether it failed, what is still open."""

    __slots__ = ("values", "failed", "open", "certain", "reasons", "caps", "trace")

    def __init__(self, values):
        self.values = values
        self.failed = False
        self.open = frozenset()      # deps of the undecided conditions this world assumed
        self.certain = True          # no requirement was assumed to hold
        self.reasons = []            # (zh, en, cite) of the requirement that failed
        self.caps = {}               # name -> whether its last cap was reached (True/False/None)
        self.trace = []              # (kind, zh, en, cite, state)

    def copy(self):
        other = World(dict(self.values))
        other.failed, other.open, other.certain = self.failed, self.open, self.certain
        other.reasons, other.caps, other.trace = list(self.reasons), dict(self.caps), list(self.trace)
        return other


def _shown(value, lang):
    if isinstance(value, Unknown):
        lo, hi = value.lo, value.hi
        if value.type == "number" and (lo is not None or hi is not None):
            text = f"{'' if lo is None else format_plain(lo)}–{'' if hi is None else format_plain(hi)}"
            return f"[{text}]"
        return "?"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return format_plain(value)
    if isinstance(value, tuple):
        return str(len(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None if value is None else str(value)


def _filled(world, text):
    if not isinstance(text, dict):
        return "", ""
    return tuple(fill(text.get(lang), lambda n, lang=lang: _shown(world.values.get(n), lang))
                 for lang in ("zh", "en"))


class _Runner:
    def __init__(self, spec):
        self.spec = spec

    def run(self, steps, worlds):
        for step in steps or ():
            following = []
            for world in worlds:
                following += [world] if world.failed else self.step(step, world)
            worlds = _merge(following) if len(following) > MAX_WORLDS else following
        return worlds

    def step(self, step, world) -> list:
        kind, _ = step_kind(step)
        return getattr(self, "step_" + kind)(step, world)

    def step_require(self, step, world):
        holds = abstract_value(step["require"], world.values)
        cite = None if step.get("cite") is None else str(step.get("cite"))
        if holds is True:
            world.trace.append(("require",) + _filled(world, step.get("text")) + (cite, "holds"))
        elif holds is False:
            zh, en = _filled(world, step.get("fail") or step.get("text"))
            world.failed, world.reasons = True, [(zh, en, cite)]
            world.trace.append(("require", zh, en, cite, "fails"))
        else:
            world.certain = False
            world.open |= deps_of(holds) or frozenset(["?"])
            world.trace.append(("require",) + _filled(world, step.get("text")) + (cite, "open"))
            assume(step["require"], world.values, True)  # the measure goes on only if it holds
        return [world]

    def _assign(self, world, step, value):
        world.values[step["let"]] = value
        return [world]

    def step_let(self, step, world):
        return self._assign(world, step, abstract_value(step["expr"], world.values))

    def step_tiers(self, step, world):
        tiers = step["tiers"]
        measured = abstract_value(tiers["value"], world.values)
        bands = [(abstract_value(b["from"], world.values), b["value"]) for b in tiers["bands"]]
        if any(isinstance(t, Unknown) for t, _ in bands):
            choices = [v for _, v in bands] + [tiers.get("otherwise", "0")]
            return self._assign(world, step, _join_all(
                [abstract_value(v, world.values) for v in choices], deps_of(measured)))
        bands.sort(key=lambda b: b[0], reverse=True)
        op = ast.GtE if tiers.get("inclusive", True) else ast.Gt
        possible = []
        for threshold, source in bands:
            reached = compare(op, measured, threshold)
            if reached is False:
                continue
            possible.append(source)
            if reached is True:
                break
        else:
            possible.append(tiers.get("otherwise", "0"))
        found = [abstract_value(v, world.values) for v in possible]
        return self._assign(world, step, _join_all(found, deps_of(measured)))

    def step_lookup(self, step, world):
        lookup = step["lookup"]
        key = abstract_value(lookup["key"], world.values)
        table = {lookup_key(k): v for k, v in lookup["table"].items()}
        default = lookup.get("default")
        if not isinstance(key, Unknown):
            source = table.get(lookup_key(key), default)
            value = Unknown("any", deps=frozenset()) if source is None else \
                abstract_value(source, world.values)
            return self._assign(world, step, value)
        keys = None if key.options is None else [lookup_key(o) for o in key.options]
        sources = list(table.values()) if keys is None else [table[k] for k in keys if k in table]
        if (keys is None or any(k not in table for k in keys)) and default is not None:
            sources.append(default)
        found = [abstract_value(s, world.values) for s in sources]
        return self._assign(world, step, _join_all(found, key.deps))

    def step_cap(self, step, world):
        return self._limit(step, world, "cap", "max")

    def step_floor(self, step, world):
        return self._limit(step, world, "floor", "min")

    def _limit(self, step, world, kind, key):
        name = step[kind]
        current, limit = world.values.get(name), abstract_value(step[key], world.values)
        if _type(current) != "number" or _type(limit) != "number":
            world.values[name] = Unknown("number", deps=deps_of(current, limit))
            world.caps[name] = None
            return [world]
        world.values[name] = extreme("min" if kind == "cap" else "max", [current, limit], "number")
        if kind == "cap":
            reached = compare(ast.GtE, current, limit)
            world.caps[name] = reached if isinstance(reached, bool) else None
        return [world]

    def step_branch(self, step, world):
        found = []
        for case in step["branch"]:
            holds = True if case.get("otherwise") is True else abstract_value(case.get("when"), world.values)
            if holds is False:
                continue
            taken = world.copy() if holds is not True else world
            if holds is not True:
                taken.open |= deps_of(holds)
                assume(case.get("when"), taken.values, True)
            found += self.run(case.get("rules"), [taken])
            if holds is True:
                return found
            world.open |= deps_of(holds)
            assume(case.get("when"), world.values, False)
        return found + [world]  # no case applied: the concrete run goes on unchanged

    def step_note(self, step, world):
        return [world]

    def step_each(self, step, world):
        name = step["each"]
        rows = world.values.get(name)
        if isinstance(rows, Unknown):
            return [world]
        kept, outer = [], world.values
        for row in rows:
            inner = World({**outer, **row})
            done = self.run(step["rules"], [inner])
            if len(done) != 1 or not done[0].certain:
                world.values[name] = Unknown("list", deps=deps_of(*(w.values.get(n) for w in done
                                                                  for n in w.values)) | world.open)
                return [world]
            if not done[0].failed:
                kept.append({n: v for n, v in done[0].values.items() if n in row or n not in outer})
        if any(isinstance(v, Unknown) for r in kept for v in r.values()):
            world.values[name] = Unknown("list", deps=deps_of(*(v for r in kept for v in r.values())))
        else:
            world.values[name] = tuple(kept)
        return [world]


def _join_all(values, deps):
    found = values[0]
    for value in values[1:]:
        found = join(found, value)
    return _with_deps(found, deps) if len(values) > 1 else found


def _merge(worlds):
    """Join every world that has not failed into one (too many open branches to follow)."""
    failed = [w for w in worlds if w.failed]
    going = [w for w in worlds if not w.failed]
    if not going:
        return failed[:1]
    merged = going[0].copy()
    for other in going[1:]:
        for name in set(merged.values) | set(other.values):
            if name in merged.values and name in other.values:
                merged.values[name] = join(merged.values[name], other.values[name])
            else:
                merged.values[name] = Unknown("any", deps=deps_of(merged.values.get(name),
                                                                    other.values.get(name)))
        merged.open |= other.open
        merged.certain = merged.certain and other.certain
        for name, reached in other.caps.items():
            merged.caps[name] = reached if merged.caps.get(name) == reached else None
    if failed:  # some ways fail: the joined world is no longer certain to qualify
        merged.certain = False
        merged.open |= frozenset().union(*(w.open for w in failed))
    return [merged]


# -- inputs -------------------------------------------------------------------------------

def unknown_input(spec, deps) -> Unknown:
    """What an input may be when nobody has said: its declared range or choices."""
    if isinstance(spec, ListSpec):
        return Unknown("list", deps=deps)
    kind = VALUE_TYPES[spec.type]
    if kind == "bool":
        return Unknown("bool", options={True, False}, deps=deps)
    if kind == "str":
        return Unknown("str", options={c.value for c in spec.choices}, deps=deps)
    lo, hi = spec.min, spec.max
    if kind == "number":
        lo = None if lo is None or lo <= -SAFE_MAX else lo
        hi = None if hi is None or hi >= SAFE_MAX else hi
    return Unknown(kind, lo, hi, deps=deps)


def read_known(specs, known: dict, abstract: dict | None = None) -> dict:
    """Checked values for the inputs given, Unknowns for the others (InputError on a bad value)."""
    values = {}
    abstract = abstract or {}
    for spec in specs:
        if spec.when is not None:
            asked = abstract_value(spec.when, values) if all(
                n in values for n in compile_expression(spec.when).names) else None
            if asked is False:
                continue
        if spec.id in known and known[spec.id] is not None and known[spec.id] != "":
            values[spec.id] = spec.parse(known[spec.id])
        elif spec.id in abstract:
            values[spec.id] = abstract[spec.id]
        else:
            values[spec.id] = unknown_input(spec, frozenset([spec.id]))
    return values


def _complete(specs, known: dict) -> bool:
    """Every input that is asked has a value: `calculate` can answer alone."""
    values = {}
    for spec in specs:
        if not is_asked(spec, values):
            continue
        if known.get(spec.id) in (None, ""):
            return False
        try:
            values[spec.id] = spec.parse(known[spec.id])
        except InputError:  # calculate reports it, naming the input
            return True
    return True


# -- the answer ---------------------------------------------------------------------------

_PREPARED = {}  # id(spec) -> (spec, input specs): the finder asks about the same specs each answer
_PREPARED_MAX = 4096


def prepared(spec) -> list:
    """The measure's input specs, once the spec is checked (SpecError otherwise); remembered for
    the spec object itself (held, so its id cannot be reused while remembered)."""
    found = _PREPARED.get(id(spec))
    if found is not None and found[0] is spec:
        return found[1]
    _require_valid(spec)
    specs = [read_declaration(d)[0] for d in spec.get("inputs") or []]
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.clear()
    _PREPARED[id(spec)] = (spec, specs)
    return specs


def evaluate(spec: dict, known: dict, *, lang: str = "zh", on=None, abstract: dict | None = None) -> dict:
    """What the measure gives with the inputs in `known` (raw values, as for `calculate`).

    `abstract` (used by the finder) gives inputs that are partly known (Unknown values derived
    from facts). Returns {state: eligible|ineligible|depends, amount, amount_min, amount_max,
    amount_kind, needs, reasons, cites, status, steps}; see docs/format.md, "The finder"."""
    _check_lang(lang)
    specs = prepared(spec)
    known = {k: v for k, v in (known or {}).items() if v is not None}
    ids = {s.id for s in specs}
    known = {k: v for k, v in known.items() if k in ids}
    if not abstract and _complete(specs, known):
        return _from_calculate(spec, calculate(spec, known, lang=lang, on=on))
    values = read_known(specs, known, abstract)
    worlds = _Runner(spec).run(spec["rules"], [World(values)])
    return _answer(spec, worlds, lang, on)


def _from_calculate(spec, result):
    amount = result["amount"]
    answer = {"state": "eligible" if result["eligible"] else "ineligible",
              "amount": amount, "amount_min": amount, "amount_max": amount,
              "amount_kind": result["amount_kind"], "needs": [], "reasons": result["reasons"],
              "cites": _failed_cites(spec, result), "steps": result["steps"],
              "outcomes": result["outcomes"]}
    if "status" in result:
        answer["status"] = result["status"]
    return answer


def _failed_cites(spec, result):
    if result["eligible"]:
        return []
    failed = [s for s in result["steps"] if s["kind"] == "require" and s["value"] == "false"
              and s.get("row") is None]
    return [_cite_label(spec, failed[-1]["cite"], result["lang"])] if failed else []


def _cite_label(spec, cite, lang):
    labels = spec.get("cite_labels") or {}
    label = labels.get(str(cite)) if cite is not None else None
    return _pick(label, lang) if label else cite


def _answer(spec, worlds, lang, on):
    going = [w for w in worlds if not w.failed]
    name = spec.get("amount")
    needs = []
    for world in worlds:
        needs += [d for d in sorted(world.open) if d not in needs and d != "?"]
    answer = {"state": "depends", "amount": None, "amount_min": None, "amount_max": None,
              "amount_kind": None, "needs": needs, "reasons": [], "cites": [], "outcomes": []}
    if not going:
        zh, en, cite = worlds[0].reasons[0]
        answer.update(state="ineligible", needs=[], reasons=[zh if lang == "zh" else en],
                      cites=[_cite_label(spec, cite, lang)])
        answer["steps"] = _steps(worlds[0], spec, lang)
        return _with_status(answer, spec, on, lang)
    if all(w.certain for w in going) and len(going) == len(worlds):
        answer["state"] = "eligible"
    if name is not None:
        amounts = [_final(w.values.get(name), spec) for w in going]
        amount = _join_all(amounts, frozenset())
        lo, hi = _bounds(amount) if _type(amount) == "number" else (None, None)
        answer["amount_min"] = None if lo is None else format(lo, "f")
        answer["amount_max"] = None if hi is None else format(hi, "f")
        if not isinstance(amount, Unknown):
            answer["amount"] = format(amount, "f")
            answer["amount_min"] = answer["amount_max"] = answer["amount"]
        reached = {w.caps.get(name) for w in going}
        kind = spec.get("amount_kind")
        if reached == {True} and spec.get("amount_kind_at_cap"):
            kind = spec["amount_kind_at_cap"]
        answer["amount_kind"] = kind
        for world in going:
            deps = deps_of(world.values.get(name))
            needs += [d for d in sorted(deps) if d not in needs]
        answer["needs"] = needs
    if answer["state"] == "eligible" and answer["amount"] is not None:
        answer["needs"] = []
    answer["steps"] = _steps(going[0], spec, lang)
    return _with_status(answer, spec, on, lang)


def _final(value, spec):
    """The amount as calculate finishes it: never negative, then rounded (both monotone)."""
    rounding = spec.get("rounding") or {}
    places, mode = rounding.get("places", 2), rounding.get("mode", "half_up")
    if _type(value) != "number":
        return Unknown("number", Decimal(0), None, deps=deps_of(value))
    lo, hi = _bounds(value)
    lo = Decimal(0) if lo is None or lo < 0 else lo
    hi = None if hi is None else max(hi, Decimal(0))
    lo = round_to(lo, places, mode)
    hi = None if hi is None else round_to(hi, places, mode)
    return make("number", lo, hi, deps_of(value))


def _steps(world, spec, lang):
    return [{"kind": kind, "text": zh if lang == "zh" else en, "cite": cite, "state": state}
            for kind, zh, en, cite, state in world.trace]


def _with_status(answer, spec, on, lang):
    if on is not None:
        answer["status"] = result_status(spec, on, lang)
    return answer
