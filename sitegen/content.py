"""Content checks beyond the format: what `python build.py validate` adds to the loader's checks.

The loader (`readers.py`) checks that every file is well formed. These check that the content is
right, each finding with file, line and field in both languages:

- errors: the Chinese text differs from its source document (modulo listed `repair` annotations);
  a glossary term is translated differently; a measure with a calculator has no golden case;
- to-dos: texts still marked `TODO` by the importer (English to translate, facts to fill in).
  `validate` shows them as warnings (a draft in progress is valid); `publish` and `release`
  refuse a version that still has any (`publishable_problems`);
- coverage (`validate --coverage`): every threshold, tier edge and cap of a measure needs golden
  cases just below, at and above it. Missing edges are warnings, so existing notices keep
  validating while their cases are completed.

The test suite calls these same functions (tests/test_text.py, tests/test_glossary.py,
tests/test_content.py). The `*_problems` functions take a version's data with a `problem(path,
en, zh)` method that names file and line: a `yamlload.Loaded`, or `_Where`, which reads the file
again only when there is something to report.
"""

from __future__ import annotations

import ast
import re
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import calculators
from calculators.expr import compile_expression

from .model import thaw
from .sources import ImportFailed
from .sources import source_text as read
from .specs import measure_spec
from .text import notice_text
from .yamlload import Problem, load_yaml_file

TODO = "TODO"


@dataclass
class Report:
    errors: list = field(default_factory=list)
    todos: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    edges: int = 0          # thresholds, tier edges and caps looked at by the coverage check


def _display(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / Path(path).relative_to(root))
    except ValueError:
        return str(path)


class _Where:
    """A version's data, and its file read again for line numbers only when a finding needs one
    (the model keeps no lines; most versions have no finding, so most files are not re-read)."""

    def __init__(self, version, root: Path):
        self.data = version.data
        self.path = Path(version.source_path)
        self.root = Path(root)
        self._loaded = None

    def problem(self, path, message_en: str, message_zh: str) -> Problem:
        if self._loaded is None:
            self._loaded, _ = load_yaml_file(self.path, _display(self.path, self.root))
        if self._loaded is None:
            return Problem(_display(self.path, self.root), None, ".".join(map(str, path)), message_en, message_zh)
        return self._loaded.problem(path, message_en, message_zh)


def check(corpus, root: Path, seeds_dir: Path | None, *, coverage: bool = False) -> Report:
    """Every content finding of the corpus under `root` (policies/)."""
    report = Report()
    linked = {a.notice for n in corpus.notices for a in (n.latest.attachments or ()) if a.notice}
    for notice in corpus.notices:
        for version in notice.versions:
            where = _Where(version, root)
            if seeds_dir is not None and notice.id not in linked:
                report.errors += text_problems(version, corpus, seeds_dir, where)
            report.errors += glossary_problems(where, corpus.glossary)
            report.todos += todo_problems(where)
        where = _Where(notice.latest, root)
        report.errors += case_problems(notice, where)
        if coverage:
            problems, edges_seen = coverage_problems(notice, where)
            report.coverage += problems
            report.edges += edges_seen
    return report


def publishable_problems(corpus, root: Path, seeds_dir: Path | None) -> list[Problem]:
    """What stops a publication: content errors, and every to-do left in a version."""
    report = check(corpus, root, seeds_dir)
    return report.errors + report.todos


# -- the Chinese text equals its source -----------------------------------------------------

def strip_ws(text: str) -> str:
    return "".join(text.split())


def _remove(text: str, fragment: str, count: int):
    """`text` without the first `count` occurrences of `fragment`, or None when it occurs fewer times."""
    fragment = strip_ws(fragment)
    if not fragment:
        return text
    if text.count(fragment) < count:
        return None
    return text.replace(fragment, "", count)


def repairs_of(version, corpus) -> list:
    """The version's repair annotations, and those of the notices it prints as attachments."""
    repairs = [a for a in version.annotations or () if a.kind == "repair"]
    for linked in (a.notice for a in version.attachments or () if a.notice):
        other = corpus.notice(linked)
        if other is not None:
            repairs += [a for a in other.latest.annotations or () if a.kind == "repair"]
    return repairs


def source_text(seeds_dir: Path, name: str) -> str | None:
    """The text of a source document in sources/ (a .docx read as the importer reads it)."""
    path = Path(seeds_dir) / name
    if not path.is_file():
        return None
    try:
        return read(path)
    except ImportFailed:
        return None


def text_difference(version, corpus, source: str):
    """None when the version's Chinese equals `source` (whitespace and listed repairs aside), else
    (repair or None, offset, source excerpt, our excerpt)."""
    seed = strip_ws(source)
    ours = strip_ws(notice_text(version, corpus, "zh"))
    for note in repairs_of(version, corpus):
        count = note.count or 1
        cut = _remove(seed, note.seed or "", count)
        if cut is None:
            return note, "seed", strip_ws(note.seed or ""), ""
        seed = cut
        cut = _remove(ours, note.fixed or "", count)
        if cut is None:
            return note, "fixed", "", strip_ws(note.fixed or "")
        ours = cut
    if seed == ours:
        return None
    at = next((i for i, (a, b) in enumerate(zip(seed, ours)) if a != b), min(len(seed), len(ours)))
    return None, at, seed[max(0, at - 20):at + 30], ours[max(0, at - 20):at + 30]


def text_problems(version, corpus, seeds_dir: Path, loaded) -> list[Problem]:
    source_name = version.provenance.source if version.provenance else None
    if not source_name or source_name == "synthetic":
        return []
    source = source_text(seeds_dir, source_name)
    if source is None:
        return []  # a missing source is the loader's provenance problem
    found = text_difference(version, corpus, source)
    if found is None:
        return []
    note, at, seed_part, ours_part = found
    if note is not None:
        own = [i for i, a in enumerate(loaded.data.get("annotations") or ()) if a.get("id") == note.id]
        path = ("annotations", own[0], at) if own else ("attachments",)  # else: a linked notice's repair
        return [loaded.problem(path,
                               f"repair '{note.id}': its {at} text '{seed_part or ours_part}' does not occur "
                               f"{note.count or 1} time(s) in the {'source' if at == 'seed' else 'notice text'}",
                               f"修复注释“{note.id}”：{at} 文字“{seed_part or ours_part}”在"
                               f"{'来源文件' if at == 'seed' else '通知文字'}中出现不足 {note.count or 1} 次")]
    ours = strip_ws(notice_text(version, corpus, "zh"))
    path = _locate(loaded.data, ours[at:at + 12]) or ("provenance", "source")
    return [loaded.problem(path,
                           f"the Chinese text differs from the source {source_name} at character {at}: "
                           f"source …{seed_part}… / ours …{ours_part}… (never edit the Chinese: record a repair annotation)",
                           f"中文与来源文件 {source_name} 在第 {at} 字处不一致：来源 …{seed_part}… / 本文 …{ours_part}…"
                           "（中文不得改动：请用 repair 注释记录修复）")]


def _locate(data, snippet: str):
    """The path of the Chinese text that holds `snippet` (where a difference starts)."""
    for size in (12, 6, 3):
        part = snippet[:size]
        if not part:
            return None
        for path, text in bilingual_texts(data):
            if part in strip_ws(text["zh"]):
                return path + ("zh",)
    return None


# -- glossary -------------------------------------------------------------------------------

def bilingual_texts(value, path=()):
    """Every {zh, en} text in plain data: (path, text)."""
    if isinstance(value, dict):
        if set(value) == {"zh", "en"} and all(isinstance(v, str) for v in value.values()):
            yield path, value
            return
        for key, item in value.items():
            yield from bilingual_texts(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from bilingual_texts(item, path + (i,))


def _word(word: str) -> str:
    """A word with its grammatical variants: enterprise/enterprises, agency/agencies, bus/buses."""
    if word.endswith("ies"):
        return re.escape(word[:-3]) + "(?:ies|y)"
    if word.endswith("y"):
        return re.escape(word[:-1]) + "(?:y|ies)"
    if word.endswith("ss"):
        return re.escape(word) + "(?:es)?"
    if word.endswith("s") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:s|es)?"
    return re.escape(word) + "(?:s|es)?"


def term_pattern(en: str) -> re.Pattern:
    """The glossary rendering, each word in any grammatical number, case-insensitive: the term
    "industrial enterprises above designated size" also matches "an industrial enterprise above
    designated size", so the English need not be forced into the glossary's plural."""
    tokens = re.findall(r"[\w'-]+|[^\w\s]", en)
    out = ""
    for i, tok in enumerate(tokens):
        word = re.match(r"\w", tok) is not None
        if i:
            out += r"\s+" if word and re.match(r"\w", tokens[i - 1]) else r"\s*"
        out += _word(tok) if word else re.escape(tok)
    return re.compile(out, re.I)


def glossary_misses(data, glossary):
    """(path, term) for each text whose Chinese has a glossary term its English does not use."""
    patterns = {term.en: term_pattern(term.en) for term in glossary}
    for path, text in bilingual_texts(data):
        if text["en"].lstrip().startswith(TODO):
            continue  # not translated yet: the to-do says so
        for term in glossary:
            if term.zh in text["zh"] and not patterns[term.en].search(text["en"]):
                yield path, term


def glossary_problems(loaded, glossary) -> list[Problem]:
    return [loaded.problem(path + ("en",), f"「{term.zh}」 is not rendered as '{term.en}' (policies/glossary.yaml)",
                           f"「{term.zh}」未按术语表译为“{term.en}”（policies/glossary.yaml）")
            for path, term in glossary_misses(loaded.data, glossary)]


# -- to-dos ---------------------------------------------------------------------------------

def todos(value, path=()):
    """(path, text) of every text that still starts with the TODO marker."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from todos(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from todos(item, path + (i,))
    elif isinstance(value, str) and value.lstrip().startswith(TODO):
        yield path, value


def todo_problems(loaded) -> list[Problem]:
    out = []
    for path, _ in todos(loaded.data):
        if path and path[-1] == "en":
            out.append(loaded.problem(path, "English text still to translate", "英文尚待翻译"))
        else:
            out.append(loaded.problem(path, "still to fill in (marked TODO)", "尚待填写（标有 TODO）"))
    return out


def todo_summary(problems: list[Problem]) -> str:
    english = sum(1 for p in problems if p.field.endswith("en") and p.message_en.startswith("English"))
    other = len(problems) - english
    return (f"{english} English text(s) still to translate, {other} field(s) still to fill in "
            f"(a version with to-dos cannot be published) / "
            f"{english} 处英文尚待翻译，{other} 处尚待填写（有待办事项的版本不能发布）")


# -- golden cases -----------------------------------------------------------------------------

def measure_paths(data):
    """(path, measure) for every measure of a version's plain data, in document order."""
    def sections(body, base):
        for si, section in enumerate(body or ()):
            for ci, clause in enumerate(section.get("clauses") or ()):
                for mi, measure in enumerate(clause.get("measures") or ()):
                    yield base + (si, "clauses", ci, "measures", mi), measure
    yield from sections(data.get("body"), ("body",))
    for ai, att in enumerate(data.get("attachments") or ()):
        yield from sections(att.get("body"), ("attachments", ai, "body"))


def _cases_for(notice, measure_id: str):
    latest = notice.latest.version
    return [c for c in notice.cases if str(c.measure) == measure_id and (c.version or latest) == latest]


def case_problems(notice, loaded) -> list[Problem]:
    out = []
    for path, measure in measure_paths(loaded.data):
        if measure.get("calculator") and not _cases_for(notice, str(measure.get("id"))):
            out.append(loaded.problem(path + ("calculator",),
                                      f"measure '{measure.get('id')}' has a calculator but no golden case in cases.yaml",
                                      f"措施“{measure.get('id')}”有计算器，但 cases.yaml 中没有它的黄金用例"))
    return out


# -- edge coverage ---------------------------------------------------------------------------

@dataclass
class Edge:
    path: tuple          # of the step, in the version file
    kind: str            # threshold | tier | cap | floor
    shown: str           # the comparison as written, e.g. "workers >= 10"
    var: str             # expression of the value that moves
    limit: str           # expression of the threshold
    seen: set = field(default_factory=set)   # {"below", "at", "above"}


_ORDER_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _constant(source: str) -> bool:
    try:
        return not compile_expression(source).names
    except Exception:
        return False


def _comparisons(source, path, kind="threshold"):
    """An edge for each ordering comparison in an expression (`a <= x <= b` gives two)."""
    if not isinstance(source, str):
        return
    try:
        tree = ast.parse(" ".join(source.split()), mode="eval")
    except SyntaxError:
        return
    text = " ".join(source.split())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left] + list(node.comparators)
        for op, left, right in zip(node.ops, sides, sides[1:]):
            if not isinstance(op, _ORDER_OPS):
                continue
            a, b = ast.get_source_segment(text, left), ast.get_source_segment(text, right)
            if _constant(a) and _constant(b):
                continue
            var, limit = (b, a) if _constant(a) else (a, b)
            yield Edge(path, kind, f"{a} {_OP[type(op)]} {b}", var, limit)


_OP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def edges(measure: dict, base: tuple) -> list[Edge]:
    """Every threshold, tier edge, cap and floor of a measure (plain data), in rule order."""
    out = []

    def steps(rules, path):
        for i, step in enumerate(rules or ()):
            here = path + (i,)
            if not isinstance(step, dict):
                continue
            if "require" in step:
                out.extend(_comparisons(step["require"], here + ("require",)))
            if isinstance(step.get("tiers"), dict):
                tiers = step["tiers"]
                for j, band in enumerate(tiers.get("bands") or ()):
                    if isinstance(band, dict) and band.get("from") is not None:
                        limit = str(band["from"])
                        out.append(Edge(here + ("tiers", "bands", j, "from"), "tier",
                                        f"{tiers.get('value')} ≥ {limit}", str(tiers.get("value")), limit))
            for kind, key, sign in (("cap", "max", "≤"), ("floor", "min", "≥")):
                if kind in step and step.get(key) is not None:
                    out.append(Edge(here + (key,), kind, f"{step[kind]} {sign} {step[key]}", step[kind], str(step[key])))
            for j, case in enumerate(step.get("branch") or ()):
                if isinstance(case, dict):
                    out.extend(_comparisons(case.get("when"), here + ("branch", j, "when")))
                    steps(case.get("rules"), here + ("branch", j, "rules"))
    steps(measure.get("rules"), base + ("rules",))
    for j, outcome in enumerate(measure.get("outcomes") or ()):
        if isinstance(outcome, dict):
            out.extend(_comparisons(outcome.get("when"), base + ("outcomes", j, "when")))
    return out


def _typed(text):
    """A value from a result's string form: number, date, bool or text."""
    if not isinstance(text, str):
        return text
    if text in ("true", "false"):
        return text == "true"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _values(result: dict, spec: dict):
    """The names a case computed, as the steps left them, and each capped name's value before
    each of its caps (for the cap edges)."""
    env = {name: _typed(value) for name, value in (result.get("inputs") or {}).items()}
    for declared in spec.get("inputs") or ():
        if declared.get("type") == "choice" and declared.get("id") in env:
            env[declared["id"]] = result["inputs"][declared["id"]]  # choice values stay text
    before = {}
    for step in result.get("steps") or ():
        name = step.get("name")
        if not name:
            continue
        if step.get("kind") in ("cap", "floor"):
            before.setdefault((step["kind"], name), []).append(env.get(name))
        env[name] = _typed(step.get("value"))
    return env, before


def _evaluate(source: str, env: dict):
    try:
        return compile_expression(" ".join(str(source).split())).evaluate(env)
    except Exception:
        return None


def _side(var, limit) -> str | None:
    """below / at / above when `var` is within one step of `limit`: a day for dates; for numbers
    one unit or 10% of the limit, whichever is larger (9 is just below 10; 19,000 yuan, twenty
    workers less one at 1,000 yuan each, is just below a 20,000 cap)."""
    if isinstance(var, dt.date) and isinstance(limit, dt.date):
        delta, tolerance = Decimal((var - limit).days), Decimal(1)
    elif isinstance(var, Decimal) and isinstance(limit, Decimal) and not isinstance(var, bool):
        delta, tolerance = var - limit, max(Decimal(1), abs(limit) / 10)
    else:
        return None
    if delta == 0:
        return "at"
    if abs(delta) <= tolerance:
        return "below" if delta < 0 else "above"
    return None


def measure_coverage(spec: dict, cases: list, base: tuple = ()) -> list[Edge]:
    """The edges of a measure with the sides its golden cases reach."""
    found = edges(spec, base)
    caps: dict = {}
    for edge in found:
        if edge.kind in ("cap", "floor"):
            caps.setdefault((edge.kind, edge.var), []).append(edge)
    for case in cases:
        try:
            result = calculators.calculate(spec, thaw(case.inputs or {}), lang="en")
        except Exception:
            continue  # a rejected case is reported by the loader
        env, before = _values(result, spec)
        for edge in found:
            limit = _evaluate(edge.limit, env)
            if edge.kind in ("cap", "floor"):
                index = caps[(edge.kind, edge.var)].index(edge)
                previous = before.get((edge.kind, edge.var)) or []
                var = previous[index] if index < len(previous) else None
            else:
                var = _evaluate(edge.var, env)
            side = _side(var, limit)
            if side:
                edge.seen.add(side)
    return found


_SIDES_ZH = {"below": "略低于", "at": "恰好等于", "above": "略高于"}


def coverage_problems(notice, loaded) -> tuple[list[Problem], int]:
    """A warning for each edge of the notice's latest version that lacks a side; and how many edges."""
    out, total = [], 0
    version = notice.latest
    for path, raw in measure_paths(loaded.data):
        if not raw.get("calculator"):
            continue
        _, measure = version.measure(str(raw.get("id")))
        spec = measure_spec(version, measure)
        for edge in measure_coverage(spec, _cases_for(notice, str(raw.get("id"))), path):
            total += 1
            missing = [s for s in ("below", "at", "above") if s not in edge.seen]
            if missing:
                out.append(loaded.problem(edge.path,
                                          f"measure '{raw.get('id')}': no golden case just {', '.join(missing)} "
                                          f"the {edge.kind} `{edge.shown}`",
                                          f"措施“{raw.get('id')}”：{edge.kind} `{edge.shown}` 缺少"
                                          f"{'、'.join(_SIDES_ZH[s] for s in missing)}该值的黄金用例"))
    return out, total
