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


def evaluate_json(spec_json: str, known_json: str, lang: str, on: str | None = None) -> str:
    """Partial evaluation (calculators/partial.py): {"result": …} or {"error": …} as JSON text."""
    from calculators.partial import evaluate
    on = on if isinstance(on, str) else None  # JavaScript's null arrives as a proxy, not None
    try:
        reply = {"result": evaluate(json.loads(spec_json), json.loads(known_json), lang=lang, on=on)}
    except (InputError, RuleError) as exc:
        reply = {"error": exc.to_dict()}
    except Exception as exc:  # a bad spec or an engine bug: reported, never thrown at the page
        reply = {"error": _internal("internal", exc)}
    return json.dumps(reply, ensure_ascii=False, sort_keys=True)


def find_json(bundle_json: str, facts_json: str, on: str, lang: str, include_all: bool = False) -> str:
    """The finder (calculators/finder.py): `bundle_json` is one bundle or a list of the files the
    page loaded (facts.json and the region/year files); a bad fact comes back as an error naming it."""
    from calculators.finder import find
    try:
        reply = {"result": find(json.loads(bundle_json), json.loads(facts_json), on=on, lang=lang,
                                include_all=bool(include_all))}
    except InputError as exc:  # FactError: input_id is the fact
        reply = {"error": exc.to_dict()}
    except Exception as exc:  # noqa: BLE001 - never a traceback in the page
        reply = {"error": _internal("internal", exc)}
    return json.dumps(reply, ensure_ascii=False, sort_keys=True)


_BUNDLES = {}  # url -> parsed bundle: the worker parses each finder file once, not on every answer


def load_bundle_json(url: str, bundle_json: str) -> None:
    """Remember one finder file (data/finder/…) under its URL for `find_loaded_json`."""
    _BUNDLES[url] = json.loads(bundle_json)


def find_loaded_json(urls_json: str, facts_json: str, on: str, lang: str, include_all: bool = False) -> str:
    """`find_json` over files already given to `load_bundle_json` (an unknown URL is an error)."""
    from calculators.finder import find
    try:
        bundles = [_BUNDLES[url] for url in json.loads(urls_json)]
        reply = {"result": find(bundles, json.loads(facts_json), on=on, lang=lang, include_all=bool(include_all))}
    except KeyError as exc:
        reply = {"error": _internal("internal", Exception(f"finder file not loaded: {exc}"))}
    except InputError as exc:
        reply = {"error": exc.to_dict()}
    except Exception as exc:  # noqa: BLE001 - never a traceback in the page
        reply = {"error": _internal("internal", exc)}
    return json.dumps(reply, ensure_ascii=False, sort_keys=True)
