"""JSON in, JSON out: the one call the browser worker (and the Node parity test) makes into the engine.

Strings cross the JS/Python boundary instead of proxies, so the result the browser sees is exactly
the JSON that CPython would serialise, and no PyProxy has to be freed.
"""

import json

from calculators import CalculatorError, InputError, RuleError, calculate


def calculate_json(spec_json: str, inputs_json: str, lang: str, on: str | None = None) -> str:
    """Return {"result": …} or {"error": {code, input_id, message_zh, message_en}} as JSON text.

    `on` (YYYY-MM-DD, the page's calculation date) adds the result's `status`."""
    try:
        spec = json.loads(spec_json)
        inputs = json.loads(inputs_json)
        reply = {"result": calculate(spec, inputs, lang=lang, on=on)}
    except (InputError, RuleError) as exc:  # RuleError: the measure and step, in words
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
