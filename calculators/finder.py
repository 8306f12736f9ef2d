"""The finder: one profile of facts, every measure of every notice (docs/format.md, "The finder").

`find(bundle, facts, on=…)` maps each measure's inputs onto the facts (policies/facts.yaml), runs
the partial evaluation (partial.py) and answers, per measure, eligible / ineligible / depends,
with an amount or a range, the reason and the facts still needed; then a total that applies the
relations between measures (不重复享受、就高; a joint cap) and the next fact worth asking.

A bundle is the JSON the site ships under data/finder/ (sitegen/finder_data.py writes it):
{"facts": [fact declarations], "measures": [{notice, version, measure, title, spec, map,
region, url}], "relations": [...]}. Pure standard library: it runs in Pyodide as in CPython.
"""

import re
from decimal import Decimal

from .engine import _check_lang, _pick
from .errors import InputError, RuleError, SpecError
from .inputs import format_value, read_input_spec
from .partial import Unknown, abstract_value, evaluate, prepared, unknown_input
from .status import as_day, result_status

NATIONAL = ("100000", "000000")
PERIODS = {"month": re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z"),
           "quarter": re.compile(r"\d{4}-Q[1-4]\Z"),
           "year": re.compile(r"\d{4}\Z")}
PERIOD_EXAMPLES = {"month": "2024-01", "quarter": "2024-Q1", "year": "2024"}
_REGION = re.compile(r"\d{6}\Z")
SPECIFIC = "input:"  # a need that is an input of one measure, not a fact: "input:<input id>"


class FactError(InputError):
    """A profile value the vocabulary cannot read; `input_id` is the fact's id."""


def _fact_error(fact_id, zh, en):
    return FactError(str(fact_id), "bad_fact", zh, en)


# -- the vocabulary -----------------------------------------------------------------------

class Vocabulary:
    """The facts of policies/facts.yaml, read once: declarations and their input specs."""

    def __init__(self, facts):
        if isinstance(facts, dict):
            facts = facts.get("facts") or []
        self.facts = {f["id"]: f for f in facts}
        self.order = [f["id"] for f in facts]
        self.specs = {}
        for fact in facts:
            if fact.get("type") != "region":
                declaration = {k: v for k, v in fact.items() if k in ("id", "type", "label", "choices",
                                                                        "min", "max")}
                self.specs[fact["id"]] = read_input_spec(declaration)[0]

    def value_type(self, fact_id):
        fact = self.facts[fact_id]
        return "str" if fact["type"] == "region" else \
            {"bool": "bool", "choice": "str", "date": "date"}.get(fact["type"], "number")

    def read(self, profile: dict) -> dict:
        """Checked fact values: {fact: value} or, for a series, {fact: {period: value}}."""
        if not isinstance(profile, dict):
            raise _fact_error("facts", "档案须为“事实: 值”的映射", "a profile is a mapping of fact: value")
        values = {}
        for fact_id, raw in profile.items():
            if raw is None or raw == "":
                continue
            fact = self.facts.get(fact_id)
            if fact is None:
                raise _fact_error(fact_id, f"没有名为“{fact_id}”的事实（见 policies/facts.yaml）",
                                  f"there is no fact called {fact_id!r} (see policies/facts.yaml)")
            if fact.get("by"):
                values[fact_id] = self._series(fact, raw)
            elif fact["type"] == "region":
                values[fact_id] = self._region(fact_id, raw)
            else:
                values[fact_id] = self._one(fact_id, raw)
        return values

    def _one(self, fact_id, raw, period=None):
        try:
            return self.specs[fact_id].parse(raw)
        except InputError as error:
            where = f"{fact_id}@{period}" if period else fact_id
            raise _fact_error(where, error.message_zh, error.message_en) from None

    def _region(self, fact_id, raw):
        text = str(raw).strip()
        if not _REGION.match(text):
            raise _fact_error(fact_id, "注册地须为6位行政区划代码（GB/T 2260），例如 330922",
                              "the region is a 6-digit GB/T 2260 code, e.g. 330922")
        return text

    def _series(self, fact, raw):
        by = fact["by"]
        if not isinstance(raw, dict):
            raise _fact_error(fact["id"], f"“{fact['id']}”按期填写：{{期间: 数值}}，例如 {PERIOD_EXAMPLES[by]}",
                              f"{fact['id']} is given per period: {{period: value}}, e.g. {PERIOD_EXAMPLES[by]}")
        found = {}
        for period, value in raw.items():
            period = str(period)
            if not PERIODS[by].match(period):
                raise _fact_error(f"{fact['id']}@{period}", f"期间“{period}”应写作 {PERIOD_EXAMPLES[by]} 的形式",
                                  f"the period {period!r} is written like {PERIOD_EXAMPLES[by]}")
            if value is not None and value != "":
                found[period] = self._one(fact["id"], value, period)
        return found


def covers(notice_code, company_code) -> bool:
    """Whether a notice of region `notice_code` applies to a company registered in `company_code`:
    GB/T 2260 prefixes (330000 covers 3309xx, 330900 covers 330922); 100000 is national."""
    if notice_code in NATIONAL:
        return True
    if not notice_code or not company_code:
        return False
    prefix = notice_code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return company_code.startswith(prefix)


# -- one measure --------------------------------------------------------------------------

def _fact_unknown(vocabulary, fact_id, need):
    spec = vocabulary.specs.get(fact_id)
    if spec is None:  # the region: any code
        return Unknown("str", deps=frozenset([need]))
    return unknown_input(spec, frozenset([need]))


def _fact_values(vocabulary, values):
    """Every non-series fact as a value or an Unknown (for derivations)."""
    found = {}
    for fact_id in vocabulary.order:
        if vocabulary.facts[fact_id].get("by"):
            continue
        found[fact_id] = values[fact_id] if fact_id in values else \
            _fact_unknown(vocabulary, fact_id, fact_id)
    return found


def map_inputs(entry, vocabulary, values, plain) -> tuple:
    """(known raw inputs, abstract inputs) of one measure from the facts."""
    known, abstract = {}, {}
    for spec in prepared(entry["spec"]):
        mapping = (entry.get("map") or {}).get(spec.id)
        if mapping is None:
            abstract[spec.id] = unknown_input(spec, frozenset([SPECIFIC + spec.id]))
            continue
        if isinstance(mapping, str):
            value = values.get(mapping)
            need = mapping
        elif "expr" in mapping:
            value = abstract_value(mapping["expr"], plain)
            need = None
        else:
            value = (values.get(mapping["id"]) or {}).get(mapping["period"])
            need = f"{mapping['id']}@{mapping['period']}"
        if value is None:
            abstract[spec.id] = unknown_input(spec, frozenset([need]))
        elif isinstance(value, Unknown):
            abstract[spec.id] = value
        else:
            known[spec.id] = format_value(value)
    return known, abstract


def _measure(entry, vocabulary, values, plain, on, lang):
    known, abstract = map_inputs(entry, vocabulary, values, plain)
    spec = entry["spec"]
    try:
        answer = evaluate(spec, known, lang=lang, on=on, abstract=abstract or None)
    except (InputError, RuleError, SpecError) as error:  # a fact this calculator cannot take
        answer = {"state": "depends", "amount": None, "amount_min": None, "amount_max": None,
                  "amount_kind": None, "needs": [], "cites": [], "outcomes": [], "steps": [],
                  "reasons": [error.message_zh if lang == "zh" else error.message_en]}
        answer["status"] = result_status(spec, on, lang)
    region = entry.get("region")
    company = values.get("region")
    needs = list(answer.get("needs") or [])
    if region not in NATIONAL and company is None and answer["state"] != "ineligible":
        answer["state"] = "depends"
        needs = ["region"] + needs
    facts_needed = [n for n in needs if not n.startswith(SPECIFIC)]
    inputs_needed = [n[len(SPECIFIC):] for n in needs if n.startswith(SPECIFIC)]
    title = _pick(spec.get("title"), lang)
    url = entry.get("url")
    return {"notice": entry["notice"], "version": entry.get("version"), "measure": entry["measure"],
            "title": title, "notice_title": _pick(entry.get("notice_title"), lang),
            "beneficiary": spec.get("beneficiary"),
            "state": answer["state"], "amount": answer["amount"],
            "amount_min": answer["amount_min"], "amount_max": answer["amount_max"],
            "amount_kind": answer["amount_kind"],
            "currency": spec.get("currency", "CNY") if spec.get("amount") else None,
            "needs": facts_needed,
            "needs_inputs": inputs_needed, "reasons": answer["reasons"], "cites": answer["cites"],
            "status": answer.get("status"), "calculator_url": _pick(url, lang) if url else None,
            "prefill": known}


# -- everything ---------------------------------------------------------------------------

def merge_bundles(bundles) -> dict:
    """One bundle from several files (facts.json and the region/year files the page loaded)."""
    merged = {"facts": [], "measures": [], "relations": []}
    seen = set()
    for bundle in bundles:
        if bundle.get("facts"):
            merged["facts"] = bundle["facts"]
        for entry in bundle.get("measures") or []:
            key = (entry["notice"], entry["measure"])
            if key not in seen:
                seen.add(key)
                merged["measures"].append(entry)
        merged["relations"] += [r for r in bundle.get("relations") or [] if r not in merged["relations"]]
    return merged


def find(bundle, facts: dict, *, on, lang: str = "zh", include_all: bool = False) -> dict:
    """Every measure that applies where the company is, answered with what the profile says."""
    _check_lang(lang)
    if isinstance(bundle, list):
        bundle = merge_bundles(bundle)
    day = as_day(on)
    vocabulary = Vocabulary(bundle.get("facts") or [])
    values = vocabulary.read(facts or {})
    plain = _fact_values(vocabulary, values)
    company = values.get("region")
    measures = []
    for entry in bundle.get("measures") or []:
        if company is not None and not covers(entry.get("region"), company):
            continue
        found = _measure(entry, vocabulary, values, plain, day, lang)
        if not include_all and (found["status"] or {}).get("notice_status") != "in_force":
            continue
        measures.append(found)
    ranked = next_facts(measures, vocabulary)
    for m in measures:  # each measure's needs too: the fact that decides the most comes first
        m["needs"].sort(key=lambda n: ranked.index(n) if n in ranked else len(ranked))
    return {"on": day.isoformat(), "measures": measures,
            "total": total(measures, bundle.get("relations") or [], lang),
            "counts": {"possible": sum(m["state"] == "depends" for m in measures),
                       "eligible": sum(m["state"] == "eligible" for m in measures),
                       "ruled_out": sum(m["state"] == "ineligible" for m in measures)},
            "next_facts": ranked}


def next_facts(measures, vocabulary) -> list:
    """The facts still needed, the one that decides the most open measures first."""
    counts = {}
    for m in measures:
        if m["state"] == "ineligible":
            continue
        for need in m["needs"]:
            counts[need] = counts.get(need, 0) + (2 if m["state"] == "depends" else 1)
    rank = {f: i for i, f in enumerate(vocabulary.order)}
    return sorted(counts, key=lambda n: (-counts[n], rank.get(n.split("@")[0], len(rank)), n))


# -- the total, with the relations between measures ----------------------------------------

_MONEY = Decimal("0.01")
# Measures that pay the company's employees or other people, not the company: listed (HR passes
# them on), never added to what the company can claim.
PAID_TO_OTHERS = ("worker", "individual")


def _range(m):
    """(least, most) a measure adds to the total: eligible adds its amount; depends 0 to its most."""
    if m["state"] == "ineligible":
        return Decimal(0), Decimal(0)
    low = Decimal(m["amount_min"]) if m["state"] == "eligible" and m["amount_min"] is not None \
        else Decimal(0)
    return low, None if m["amount_max"] is None else Decimal(m["amount_max"])


def total(measures, relations, lang) -> dict:
    """The sum of what the measures give, after the relations (exclusive/highest, joint caps)."""
    ranges = {(m["notice"], m["measure"]): _range(m) for m in measures
              if m["currency"] and m.get("beneficiary") not in PAID_TO_OTHERS}
    titles = {(m["notice"], m["measure"]): m["title"] for m in measures}
    applied, grouped = [], set()
    for relation in relations:
        members = [tuple(k) for k in relation["measures"] if tuple(k) in ranges]
        if len(members) < 2:
            continue
        group = [ranges[k] for k in members]
        if relation.get("kind") == "exclusive":  # 就高: the higher one counts
            low = max(lo for lo, _ in group)
            high = None if any(hi is None for _, hi in group) else max(hi for _, hi in group)
        else:  # a cap on the members together
            cap = Decimal(relation["max"])
            low = min(sum(lo for lo, _ in group), cap)
            high = cap if any(hi is None for _, hi in group) else min(sum(hi for _, hi in group), cap)
        for key in members:
            ranges[key] = (Decimal(0), Decimal(0))
            grouped.add(key)
        ranges[members[0]] = (low, high)
        names = ("、" if lang == "zh" else ", ").join(f"“{titles[k]}”" for k in members)
        applied.append(f"{_pick(relation.get('text'), lang)}（{names}）" if lang == "zh"
                       else f"{_pick(relation.get('text'), lang)} ({names})")
    low = sum((lo for lo, _ in ranges.values()), Decimal(0))
    highs = [hi for _, hi in ranges.values()]
    high = None if any(h is None for h in highs) else sum(highs, Decimal(0))
    return {"amount_min": format(low.quantize(_MONEY), "f"),
            "amount_max": None if high is None else format(high.quantize(_MONEY), "f"),
            "applied_relations": applied}

