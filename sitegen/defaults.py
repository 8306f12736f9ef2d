"""Fields a person may leave out of a version file, and the values the loader fills in for them.

`apply_defaults` runs on every version right after the schema check, so the engine, the pages,
the specs and the archive's digests all see the same complete data whether the file spells a
default out or not: leaving a default out (or `build.py fmt` removing it) is never a content
change. `strip_defaults` is its inverse, used by `fmt`: it removes exactly the fields that
`apply_defaults` puts back, and nothing else (tests/test_fmt.py checks both directions on every
notice).

The rules are the ones every published version already follows, so the digests recorded in
`archive/manifest.json` still match (see `rules` below and docs/format.md "Fields you may leave
out"). A null that only some published versions spell out (`reason: null` on a measure with a
calculator, `category: null`) is not a default here: filling it in would change the recorded
content of the versions that leave it out.
"""

from __future__ import annotations

from . import schema

ROUNDING = {"places": 2, "mode": "half_up"}
CURRENCY = "CNY"
_DATES = tuple(schema.NOTICE.fields["dates"].fields)                    # written … valid_to
_WINDOW = ("from", "to")
# Only the application window: the published versions leave an open end of `qualifying` out.
_WINDOWED = ("application",)


def computable(measure: dict) -> bool:
    """`calculator` when the file leaves it out: a measure with rules or outcomes has one."""
    if "calculator" in measure:
        return bool(measure["calculator"])
    return bool(measure.get("rules") or measure.get("outcomes"))


def notice_rounding(data: dict) -> dict:
    """The rounding of every measure with an amount that states none: the notice's, else 2 places half up."""
    own = data.get("rounding")
    return own if isinstance(own, dict) else ROUNDING


def measure_defaults(measure: dict, rounding: dict = ROUNDING) -> dict:
    """The measure's defaulted fields and their values, given what the measure says itself."""
    out = {"calculator": bool(measure.get("rules") or measure.get("outcomes"))}
    if computable(measure):
        out["amount"] = None
        out["amount_kind"] = None
    if measure.get("amount") is not None:
        out["currency"] = CURRENCY
        out["rounding"] = rounding
    return out


# ---- filling in -----------------------------------------------------------------------------------

def apply_defaults(data: dict) -> dict:
    """Fill the defaults into a version's plain data (in place; returned for convenience)."""
    _fill(data, {"dates": {}}, tuple(schema.NOTICE.fields))
    dates = data.get("dates")
    if isinstance(dates, dict):
        _fill(dates, {k: None for k in _DATES}, _DATES)
    _fill(data, {"signed_date": None}, tuple(schema.NOTICE.fields))
    for clause, measure in _measures(data):
        _fill(measure, measure_defaults(measure, notice_rounding(data)), tuple(schema.MEASURE.fields))
        for key in _WINDOWED:
            if isinstance(measure.get(key), dict):
                _fill(measure[key], {k: None for k in _WINDOW}, _WINDOW + ("text",))
        for step in _steps(measure):
            if "cite" not in step:
                _insert(step, "cite", clause.get("id"), before="text")
    return data


def _fill(obj: dict, defaults: dict, order: tuple) -> None:
    missing = {k: v for k, v in defaults.items() if k not in obj}
    if not missing:
        return
    # Keep the schema's key order, so specs and exports read the same as a file that spells them out.
    merged = {**obj, **{k: _copy(v) for k, v in missing.items()}}
    ordered = [k for k in order if k in merged] + [k for k in merged if k not in order]
    obj.clear()
    obj.update((k, merged[k]) for k in ordered)


def _copy(value):
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def _insert(obj: dict, key, value, *, before: str) -> None:
    items = list(obj.items())
    at = next((i for i, (k, _) in enumerate(items) if k == before), len(items))
    items.insert(at, (key, value))
    obj.clear()
    obj.update(items)


# ---- leaving out ----------------------------------------------------------------------------------

def strip_defaults(data) -> int:
    """Remove, in place, every field `apply_defaults` would put back as it is; how many were removed.

    Works on plain dicts and on ruamel.yaml's round-trip maps alike (only `del`), so `fmt` keeps
    the comments of everything that stays.
    """
    if not isinstance(data, dict):
        return 0
    removed = 0
    dates = data.get("dates")
    if isinstance(dates, dict):
        removed += _drop(dates, {k: None for k in _DATES})
    removed += _drop(data, {"signed_date": None})
    if data.get("dates") == {}:
        del data["dates"]
        removed += 1
    for clause, measure in _measures(data):
        for step in _steps(measure):
            if "cite" in step and _same(step["cite"], clause.get("id")):
                del step["cite"]
                removed += 1
        for key in _WINDOWED:
            if isinstance(measure.get(key), dict):
                removed += _drop(measure[key], {k: None for k in _WINDOW})
        # The defaults depend on `amount` and on the rules, which stay; `calculator` goes last
        # so that the others are judged with the measure's own value.
        defaults = measure_defaults(measure, notice_rounding(data))
        given = {k: v for k, v in defaults.items() if k != "calculator"}
        removed += _drop(measure, given)
        if "calculator" in measure and _same(measure["calculator"], defaults["calculator"]):
            del measure["calculator"]
            removed += 1
    return removed


def _drop(obj, defaults: dict) -> int:
    gone = [k for k, v in defaults.items() if k in obj and _same(obj[k], v)]
    for k in gone:
        del obj[k]
    return len(gone)


def _same(a, b) -> bool:
    """Equal as the loader would read them (1 is not '1'; true is not 1)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is None and b is None
    return type(_kind(a)) is type(_kind(b)) and _kind(a) == _kind(b)


def _kind(value):
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


# ---- walking --------------------------------------------------------------------------------------

def _measures(data: dict):
    """(clause, measure) for every measure of the body and of the attachments' bodies."""
    bodies = [data.get("body")] + [a.get("body") for a in data.get("attachments") or () if isinstance(a, dict)]
    for body in bodies:
        for section in body or ():
            if not isinstance(section, dict):
                continue
            for clause in section.get("clauses") or ():
                if not isinstance(clause, dict):
                    continue
                for measure in clause.get("measures") or ():
                    if isinstance(measure, dict):
                        yield clause, measure


def _steps(measure: dict):
    """What may carry a `cite`: every rule step and outcome, nested ones included, and each case of
    a branch — but not the branch step itself, which cites through its cases."""
    def walk(steps):
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, dict):
                continue
            if isinstance(step.get("branch"), list):
                for case in step["branch"]:
                    if isinstance(case, dict):
                        yield case
                        yield from walk(case.get("rules"))
                continue
            yield step
            if "each" in step:
                yield from walk(step.get("rules"))
    yield from walk(measure.get("rules"))
    yield from walk(measure.get("outcomes"))
