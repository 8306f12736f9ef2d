"""JSON in, JSON out: the one call the browser worker (and the Node parity test) makes into the engine.

Strings cross the JS/Python boundary instead of proxies, so the result the browser sees is exactly
the JSON that CPython would serialise, and no PyProxy has to be freed.
"""

import json

from calculators import CalculatorError, InputError, RuleError, calculate
from calculators.inputs import is_asked
from calculators.lists import ListSpec, read_declaration


def calculate_json(spec_json: str, inputs_json: str, lang: str, on: str | None = None) -> str:
    """Return {"result": …} or {"error": {code, input_id, message_zh, message_en}} as JSON text;
    with an error, "errors" lists every input that is wrong (the form shows them all at once).

    `on` (YYYY-MM-DD, the page's calculation date) adds the result's `status`."""
    try:
        spec = json.loads(spec_json)
        inputs = json.loads(inputs_json)
        reply = {"result": calculate(spec, inputs, lang=lang, on=on)}
    except InputError as exc:
        reply = {"error": exc.to_dict(), "errors": _every_input_error(spec, inputs, exc)}
    except RuleError as exc:  # the measure and step, in words
        reply = {"error": exc.to_dict()}
    except CalculatorError as exc:  # a bad spec: a build bug, reported rather than hidden
        reply = {"error": _internal("spec", exc)}
    except Exception as exc:  # the engine promises never to get here; say so if it does
        reply = {"error": _internal("internal", exc)}
    return json.dumps(reply, ensure_ascii=False, sort_keys=True)


def _internal(code: str, exc: Exception) -> dict:
    text = f"{type(exc).__name__}: {exc}"
    return {"code": code, "input_id": None, "message_zh": f"计算器内部错误：{text}",
            "message_en": f"Calculator error: {text}"}


def _every_input_error(spec: dict, inputs, first: InputError) -> list:
    """The engine stops at the first bad input; a form shows all of them: each declared input is
    read on its own (as the engine reads it), a list cell by cell, then the engine's own error if
    it is not among them (e.g. a divisor found to be 0 while calculating)."""
    errors, values = [], {}
    if isinstance(inputs, dict):
        for data in spec.get("inputs") or []:
            one, _ = read_declaration(data)
            if one is None or not is_asked(one, values):  # an input its `when` leaves out is not read
                continue
            try:
                values[one.id] = one.parse(inputs.get(one.id))
            except InputError:
                errors += _errors_of(one, inputs.get(one.id))
    first = first.to_dict()
    if not any(e["input_id"] == first["input_id"] for e in errors):
        errors.insert(0, first)
    return errors


def _errors_of(one, raw) -> list:
    try:
        one.parse(raw)
        return []
    except InputError as exc:
        error = exc.to_dict()
        if not isinstance(one, ListSpec) or exc.row is None or not isinstance(raw, list):
            return [error]
    found = []  # a bad cell: check every cell of every row
    for index, cells in enumerate(raw):
        for column in one.columns if isinstance(cells, dict) else ():
            try:
                column.parse(cells.get(column.id))
            except InputError as exc:  # with the column's own words, for the message at the cell
                found.append({**one.cell_error(index, column, exc).to_dict(),
                              "cell_message_zh": exc.message_zh, "cell_message_en": exc.message_en})
    return found or [error]  # (a row that is not a dict, an unknown column: as the engine says)
