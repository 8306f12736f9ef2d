"""The facts vocabulary (policies/facts.yaml) and the checks of each input's mapping onto it.

An input of a computable measure says where its value comes from in the finder (docs/format.md,
"Facts"): `fact: ID` (a fact of the same type and unit), `fact: {id: ID, period: P}` (one period
of a series), `fact: {expr: "…"}` (a derivation from facts, in the rule language), or
`specific: true` (only this measure asks it). `validate` checks each one with file:line:field.
"""

from __future__ import annotations

from pathlib import Path

from calculators.errors import ExpressionError
from calculators.expr import compile_expression
from calculators.finder import PERIOD_EXAMPLES, PERIODS, Vocabulary
from calculators.inputs import INPUT_TYPES, VALUE_TYPES
from calculators.partial import Unknown, abstract_value

from .schema import Enum, List, Obj, Str, Text, Any, _opt
from .yamlload import Loaded, Problem, load_yaml_file

FACT_TYPES = tuple(sorted(INPUT_TYPES)) + ("region",)
FACT = Obj({
    "id": Str(pattern=r"[a-z][a-z0-9_]*", description="the fact's name, used by `fact:` on inputs"),
    "type": Enum(*FACT_TYPES),
    "label": Text(),
    "help": _opt(Text()),
    "unit": _opt(Text()),
    "by": _opt(Enum(*PERIODS, description="a series: one value per month, quarter or year")),
    "choices": _opt(List(Obj({"value": Str(), "label": Text()}))),
    "min": _opt(Any()),
    "max": _opt(Any()),
})
FACTS_FILE = Obj({"facts": List(FACT)})
FILE_NAME = "facts.yaml"


def load_vocabulary(root: Path, problems: list) -> tuple:
    """(facts data or None, Loaded) from policies/facts.yaml; problems appended with file:line."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return None, None
    loaded, errs = load_yaml_file(path, str(Path(Path(root).name) / FILE_NAME))
    problems += errs
    if loaded is None:
        return None, None
    found = [loaded.problem(p, en, zh) for p, en, zh in FACTS_FILE.check(loaded.data, ())]
    if not found:
        seen = set()
        for i, fact in enumerate(loaded.data["facts"]):
            if fact["id"] in seen:
                found.append(loaded.problem(("facts", i, "id"), f"duplicate fact id '{fact['id']}'",
                                            f"事实 id 重复：“{fact['id']}”"))
            seen.add(fact["id"])
            if (fact["type"] == "choice") != bool(fact.get("choices")):
                found.append(loaded.problem(("facts", i, "choices"), "a choice fact lists its choices, "
                                            "and only a choice fact has choices",
                                            "choice 类型的事实须列出 choices，其他类型不能有 choices"))
            if fact.get("by") and fact["type"] in ("region", "choice", "bool"):
                found.append(loaded.problem(("facts", i, "by"), f"a {fact['type']} fact is not a series",
                                            f"{fact['type']} 类型的事实不能按期填写"))
    problems += found
    return (None if found else loaded.data), loaded


def _unit(declaration: dict) -> str | None:
    unit = declaration.get("unit")
    zh = unit.get("zh") if isinstance(unit, dict) else None
    if declaration.get("type") == "money" and not zh:
        return "元"
    return zh


def check_mappings(loaded: Loaded, facts: dict, walk_measures) -> list[Problem]:
    """Every input of every computable measure maps onto the vocabulary, with agreeing types."""
    vocabulary = Vocabulary(facts)
    problems = []
    for path, _, measure in walk_measures(loaded.data):
        if not measure.get("calculator"):
            continue
        for i, data in enumerate(measure.get("inputs") or []):
            if isinstance(data, dict):
                here = path + ("inputs", i)
                problems += [loaded.problem(here + (key,), en, zh)
                             for key, en, zh in _check_input(data, vocabulary)]
    return problems


def _check_input(data: dict, vocabulary: Vocabulary):
    mapping, specific = data.get("fact"), data.get("specific")
    if specific is not None and specific is not True:
        yield "specific", "specific is true or absent", "specific 只能为 true 或不写"
        return
    if mapping is None and specific is None:
        yield "fact", ("no fact for this input: add `fact: ID` (see policies/facts.yaml), "
                       "`fact: {expr: …}`, or `specific: true` if only this measure asks it"), \
            "此输入项未对应事实：请写 fact: 事实 id（见 policies/facts.yaml）、fact: {expr: …}，或仅本措施询问时写 specific: true"
        return
    if mapping is not None and specific:
        yield "specific", "an input is either mapped to a fact or specific, not both", \
            "输入项要么对应事实，要么是本措施特有的，不能两者都写"
        return
    if specific:
        return
    if data.get("type") == "list":
        yield "fact", "a list input is specific to its measure (specific: true)", \
            "列表输入项只能是本措施特有的（specific: true）"
        return
    if isinstance(mapping, str):
        yield from _check_direct(data, vocabulary, mapping, None)
    elif isinstance(mapping, dict) and set(mapping) == {"expr"}:
        yield from _check_expr(data, vocabulary, mapping["expr"])
    elif isinstance(mapping, dict) and set(mapping) == {"id", "period"}:
        yield from _check_direct(data, vocabulary, mapping["id"], str(mapping["period"]))
    else:
        yield "fact", "fact is an id, {id, period} or {expr}", "fact 须为事实 id、{id, period} 或 {expr}"


def _check_direct(data, vocabulary, fact_id, period):
    fact = vocabulary.facts.get(fact_id)
    if fact is None:
        yield "fact", f"unknown fact '{fact_id}' (policies/facts.yaml)", \
            f"不存在的事实“{fact_id}”（见 policies/facts.yaml）"
        return
    by = fact.get("by")
    if by and period is None:
        yield "fact", f"{fact_id} is given by {by}: write fact: {{id: {fact_id}, period: {PERIOD_EXAMPLES[by]}}}", \
            f"{fact_id} 按期填写：请写 fact: {{id: {fact_id}, period: {PERIOD_EXAMPLES[by]}}}"
        return
    if period is not None and not by:
        yield "fact", f"{fact_id} is not a series: it has no period", f"{fact_id} 不按期填写，不能有 period"
        return
    if period is not None and not PERIODS[by].match(period):
        yield "fact", f"period '{period}' of {fact_id} is written like {PERIOD_EXAMPLES[by]}", \
            f"{fact_id} 的期间“{period}”应写作 {PERIOD_EXAMPLES[by]} 的形式"
        return
    if fact["type"] != data.get("type"):
        yield "fact", f"type {data.get('type')} of the input differs from type {fact['type']} of fact {fact_id}", \
            f"输入项类型 {data.get('type')} 与事实 {fact_id} 的类型 {fact['type']} 不一致"
        return
    ours, theirs = _unit(data), _unit(fact)
    if ours and theirs and ours != theirs:
        yield "fact", f"unit {ours} of the input differs from unit {theirs} of fact {fact_id}", \
            f"输入项单位“{ours}”与事实 {fact_id} 的单位“{theirs}”不一致"
    if fact["type"] == "choice":
        mine = {str(c.get("value")) for c in data.get("choices") or [] if isinstance(c, dict)}
        values = {str(c["value"]) for c in fact["choices"]}
        if mine != values:
            yield "fact", f"the choices of the input ({', '.join(sorted(mine))}) differ from those of fact "\
                          f"{fact_id} ({', '.join(sorted(values))}): map it with fact: {{expr: …}}", \
                f"输入项的选项与事实 {fact_id} 的选项不同：请用 fact: {{expr: …}} 换算"


def _check_expr(data, vocabulary, source):
    types = {f: vocabulary.value_type(f) for f in vocabulary.order if not vocabulary.facts[f].get("by")}
    try:
        expression = compile_expression(str(source))
        found = expression.infer(types)
    except ExpressionError as error:
        yield "fact", f"expr: {error.message_en}", f"expr：{error.message_zh}"
        return
    want = VALUE_TYPES.get(data.get("type"))
    if found != want:
        yield "fact", f"expr gives {found}, the input is {want}", f"expr 的类型为 {found}，输入项为 {want}"
        return
    if data.get("type") == "choice":  # every value the derivation may give is a choice
        unknowns = {f: Unknown(t, options=_options(vocabulary, f), deps=frozenset([f]))
                    for f, t in types.items()}
        value = abstract_value(str(source), unknowns)
        given = {value} if not isinstance(value, Unknown) else value.options
        mine = {str(c.get("value")) for c in data.get("choices") or [] if isinstance(c, dict)}
        if given is None or not given <= mine:
            extra = "?" if given is None else ", ".join(sorted(given - mine))
            yield "fact", f"expr may give {extra}, not a choice of the input", \
                f"expr 可能得到 {extra}，不是输入项的选项"


def _options(vocabulary, fact_id):
    fact = vocabulary.facts[fact_id]
    if fact["type"] == "bool":
        return {True, False}
    if fact["type"] == "choice":
        return {str(c["value"]) for c in fact["choices"]}
    return None


def markdown_page(facts: dict) -> str:
    """The vocabulary as a page for publishers (/facts/, written at build time from facts.yaml)."""
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ") if text else ""

    lines = ["# Facts: the finder's vocabulary", "",
             "Generated from `policies/facts.yaml` at build time. An input reads a fact with "
             "`fact: ID`, `fact: {id: ID, period: P}` for a series, or `fact: {expr: …}` "
             "(see [the notice format](../format/#facts-the-finders-vocabulary-policiesfactsyaml)).", "",
             "| id | type | per | unit | label | choices |", "| --- | --- | --- | --- | --- | --- |"]
    if not facts.get("facts"):
        lines[-2:] = ["These notices declare no shared facts (there is no `policies/facts.yaml`)."]
    for fact in facts.get("facts") or []:
        label, unit = fact["label"], fact.get("unit") or {}
        choices = "; ".join(f"`{c['value']}` {c['label']['en']} ({c['label']['zh']})" for c in fact.get("choices") or [])
        lines.append(f"| `{fact['id']}` | {fact['type']} | {fact.get('by') or ''} | "
                     f"{cell(unit.get('en'))} | {cell(label['en'])} ({cell(label['zh'])}) | {cell(choices)} |")
    return "\n".join(lines) + "\n"


def measure_map(measure) -> dict:
    """{input id: fact mapping} of a measure, for the finder bundle (specific inputs left out)."""
    found = {}
    for data in measure.get("inputs") or ():
        mapping = data.get("fact")
        if mapping is None:
            continue
        if isinstance(mapping, dict) and "period" in mapping:
            mapping = {"id": mapping["id"], "period": str(mapping["period"])}
        found[data["id"]] = dict(mapping) if isinstance(mapping, dict) else mapping
    return found
