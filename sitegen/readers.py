"""Load every notice under policies/, check it strictly, and build the model.

All files are read and every problem collected before anything is returned: a publisher sees
each mistake at once, each with file, line and field (not just the first, as mkdocs does).
"""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import os
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import calculators

from . import facts as facts_vocabulary
from . import schema
from .calendars import FOLDER as CALENDAR_FOLDER
from .calendars import calendars_for, spec_calendar
from .calendars import load_folder as load_calendar_folder
from .model import Corpus, Notice, Version, freeze, thaw
from .specs import measure_spec
from .defaults import apply_defaults
from .yamlload import Loaded, Problem, load_yaml_file

REPO = Path(__file__).resolve().parent.parent
VERSION_FILE = re.compile(r"v([1-9]\d*)\.yaml")  # no leading zero: v01.yaml would be a second v1


class ValidationFailed(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class LoadCache:
    """What a load learnt about each file, kept for the next load (the live preview reloads after
    every save): a file whose size and modification time are unchanged is not parsed or checked
    again, and a notice none of whose files changed does not run its golden cases again."""

    def __init__(self):
        self.files: dict[Path, tuple] = {}   # path → (stamp, loaded, problems, frozen Version | None)
        self.cases: dict[str, tuple] = {}    # notice id → (stamps, problems, frozen cases)

    @staticmethod
    def stamp(path: Path) -> tuple[int, int]:
        st = path.stat()
        return st.st_mtime_ns, st.st_size


def load_policies(root: Path, *, seeds_dir: Path | None = None, run_cases: bool = True,
                  cache: LoadCache | None = None) -> Corpus:
    """Read and validate policies/; raise ValidationFailed listing every problem.

    `cache` (kept by the caller between loads) skips the files that have not changed since."""
    # Loading makes millions of objects, nearly all of which live on in the model and none of
    # which form cycles: Python's cyclic collector would walk the growing heap again and again
    # (a third of the load time at 10,000 notices), so it is paused while loading.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_policies(root, seeds_dir=seeds_dir, run_cases=run_cases, cache=cache)
    finally:
        if enabled:
            gc.enable()


def _load_policies(root: Path, *, seeds_dir: Path | None, run_cases: bool, cache: LoadCache | None) -> Corpus:
    root = Path(root)
    cache = cache if cache is not None else LoadCache()
    stamps: dict[Path, tuple] = {}
    if not root.is_dir():
        raise ValidationFailed([Problem(str(root), None, "", "is not a folder of notices", "不是存放通知的文件夹")])
    problems: list[Problem] = []
    raw_versions: dict[str, list[tuple[Loaded, Path]]] = {}
    raw_cases: dict[str, Loaded] = {}

    # First gather all data.
    calendars, calendar_problems = load_calendar_folder(root / CALENDAR_FOLDER)
    problems += calendar_problems
    found = []   # (notice id, path, version number or None for cases.yaml), in order
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != CALENDAR_FOLDER):
        for path in sorted(folder.iterdir()):
            display = _display(path, root)
            if path.is_dir():
                if path.suffix in (".yaml", ".yml"):
                    problems.append(Problem(display, None, "", "is a folder, not a file: versions are files v1.yaml, v2.yaml…",
                                            "这是文件夹而不是文件：版本文件为 v1.yaml、v2.yaml…"))
                continue
            match = VERSION_FILE.fullmatch(path.name)
            if path.name != "cases.yaml" and not match:
                if path.suffix in (".yaml", ".yml"):
                    problems.append(Problem(display, None, "", "unexpected file name: versions are v1.yaml, v2.yaml…, golden cases cases.yaml",
                                            "文件名不符合约定：版本文件为 v1.yaml、v2.yaml…，黄金用例为 cases.yaml"))
                continue
            stamps[path] = LoadCache.stamp(path)
            found.append((folder.name, path, int(match.group(1)) if match else None))
    todo = [FileJob(path, _display(path, root), notice_id, number) for notice_id, path, number in found
            if path not in cache.files or cache.files[path][0] != stamps[path]]
    for job, (loaded, errs) in zip(todo, read_files(todo, seeds_dir, calendars or calendars_for(None))):
        cache.files[job.path] = (stamps[job.path], loaded, errs, None)
    for notice_id, path, number in found:
        _, loaded, errs, _ = cache.files[path]
        problems += errs
        if loaded is None:
            continue
        if number is None:
            raw_cases[notice_id] = loaded
        else:
            raw_versions.setdefault(notice_id, []).append((loaded, path))

    glossary = _load_glossary(root / "glossary.yaml", root, problems)
    facts, _ = facts_vocabulary.load_vocabulary(root, problems)
    if facts is not None:  # with a vocabulary, every input says where the finder reads it from
        for entries in raw_versions.values():
            for loaded, _ in entries:
                if not _check_version_problems_seen(loaded, problems):
                    problems += facts_vocabulary.check_mappings(loaded, facts, _walk_measures)

    known = set(raw_versions)
    measures_of = {nid: {str(m["id"]) for m in _latest_measures(entries)} for nid, entries in raw_versions.items()}
    for notice_id, entries in raw_versions.items():
        for loaded, _ in entries:
            problems += _check_links(loaded, known)
            problems += _check_relation_links(loaded, measures_of)
    if problems:  # do not build or run cases on data that failed its checks
        raise ValidationFailed(problems)

    notices = []
    for notice_id, entries in sorted(raw_versions.items()):
        entries.sort(key=lambda e: e[0].data["version"])
        versions = tuple(_version(cache, loaded, path) for loaded, path in entries)
        notices.append(Notice(notice_id, versions))

    corpus_notices = []
    for notice in notices:
        cases_loaded = raw_cases.get(notice.id)
        cases = ()
        if cases_loaded is not None:
            key = (run_cases, tuple(stamps[v.source_path] for v in notice.versions),
                   stamps[root / notice.id / "cases.yaml"])
            hit = cache.cases.get(notice.id)
            if hit is None or hit[0] != key:
                errs = _check_cases(cases_loaded, notice, run=run_cases)
                hit = cache.cases[notice.id] = (key, errs, () if errs else (freeze(cases_loaded.data) or ()))
            problems += hit[1]
            cases = hit[2]
        corpus_notices.append(Notice(notice.id, notice.versions, cases))
    for notice_id in raw_cases.keys() - known:
        problems.append(Problem(raw_cases[notice_id].file, 1, "", "golden cases for a notice that has no version file",
                                "该通知没有版本文件，却有黄金用例"))
    if problems:
        raise ValidationFailed(problems)
    return Corpus(tuple(corpus_notices), glossary, facts)


@dataclass(frozen=True)
class FileJob:
    """One file to read: a version file (`number`) or a notice's cases.yaml (`number` None)."""

    path: Path
    display: str
    notice_id: str
    number: int | None


# Each file is read and checked on its own, so with many files to read (a first load, a build)
# the machine's cores share them: a process each, given contiguous shares of the files.
PARALLEL_FROM = 500
WORKERS = max(1, min(2, os.cpu_count() or 1))


def read_files(jobs: list[FileJob], seeds_dir: Path | None, calendars: dict) -> list[tuple]:
    """[(Loaded or None, problems)] for each job, in order."""
    if len(jobs) < PARALLEL_FROM or WORKERS < 2:
        return [read_file(job, seeds_dir, calendars) for job in jobs]
    size = -(-len(jobs) // WORKERS)
    shares = [jobs[k:k + size] for k in range(0, len(jobs), size)]
    with concurrent.futures.ThreadPoolExecutor(len(shares)) as pool:   # each waits on a process
        results = list(pool.map(lambda share: _read_in_process(share, seeds_dir, calendars), shares))
    return [r for share in results for r in share]


def read_file(job: FileJob, seeds_dir: Path | None, calendars: dict) -> tuple:
    loaded, errs = load_yaml_file(job.path, job.display)
    if loaded is not None and job.number is not None:
        errs = errs + _check_version(loaded, job.notice_id, job.number, seeds_dir, calendars)
    return loaded, errs


def _read_in_process(jobs: list[FileJob], seeds_dir: Path | None, calendars: dict) -> list[tuple]:
    proc = subprocess.run([sys.executable, "-m", "sitegen.read_worker"], input=pickle.dumps((jobs, seeds_dir, calendars)),
                          capture_output=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    if proc.returncode:
        lines = proc.stderr.decode(errors="replace").strip().splitlines() or [f"exit status {proc.returncode}"]
        raise ChildProcessError(f"reading the notices failed: {lines[-1]}")   # an OSError: the CLI says it plainly
    return pickle.loads(proc.stdout)


def _check_version_problems_seen(loaded: Loaded, problems: list[Problem]) -> bool:
    """Whether this file already has problems (its mappings are checked once it is well formed)."""
    return any(p.file == loaded.file for p in problems)


def _version(cache: LoadCache, loaded: Loaded, path: Path) -> Version:
    stamp, _, errs, version = cache.files[path]
    if version is None:
        version = Version(freeze(loaded.data), path)
        cache.files[path] = (stamp, loaded, errs, version)
    return version


def _display(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _check_version(loaded: Loaded, notice_id: str, number: int, seeds_dir: Path | None,
                   calendars: dict | None = None) -> list[Problem]:
    data = loaded.data
    problems = [loaded.problem(path, en, zh) for path, en, zh in schema.NOTICE.check(data, ())]
    if not isinstance(data, dict):
        return problems or [loaded.problem((), "the file must be a mapping", "文件必须是映射")]
    if data.get("id") not in (None, notice_id):
        problems.append(loaded.problem(("id",), f"id '{data.get('id')}' differs from the folder name '{notice_id}'",
                                       f"id“{data.get('id')}”与文件夹名“{notice_id}”不一致"))
    if isinstance(data.get("version"), int) and data["version"] != number:
        problems.append(loaded.problem(("version",), f"version {data['version']} differs from the file name v{number}.yaml",
                                       f"版本号 {data['version']} 与文件名 v{number}.yaml 不一致"))
    if problems:
        return problems  # structural problems first; the rest assumes the shape is right

    apply_defaults(data)  # everything from here on (checks, model, specs, digests) sees them filled in
    problems += _check_ids(loaded)
    problems += _check_dates(loaded)
    problems += _check_windows(loaded)
    problems += _check_measures(loaded, calendars if calendars is not None else calendars_for(None))
    if seeds_dir is not None:
        problems += _check_provenance(loaded, seeds_dir)
    return problems


def _walk_clauses(data):
    """(path, clause) for every clause of the body and of attachments' bodies."""
    for si, section in enumerate(data.get("body") or ()):
        for ci, clause in enumerate(section.get("clauses") or ()):
            yield ("body", si, "clauses", ci), clause
    for ai, att in enumerate(data.get("attachments") or ()):
        for si, section in enumerate(att.get("body") or ()):
            for ci, clause in enumerate(section.get("clauses") or ()):
                yield ("attachments", ai, "body", si, "clauses", ci), clause


def _walk_sections(data):
    for si, section in enumerate(data.get("body") or ()):
        yield ("body", si), section
    for ai, att in enumerate(data.get("attachments") or ()):
        for si, section in enumerate(att.get("body") or ()):
            yield ("attachments", ai, "body", si), section


def _walk_measures(data):
    for path, clause in _walk_clauses(data):
        for mi, measure in enumerate(clause.get("measures") or ()):
            yield path + ("measures", mi), clause, measure


def _check_ids(loaded: Loaded) -> list[Problem]:
    data = loaded.data
    problems = []

    def unique(kind_en, kind_zh, items):
        seen = {}
        for path, ident in items:
            ident = str(ident)
            if ident in seen:
                problems.append(loaded.problem(path + ("id",), f"duplicate {kind_en} id '{ident}' (first at line {loaded.line_of(seen[ident])})",
                                               f"{kind_zh} id“{ident}”重复（首次出现在第 {loaded.line_of(seen[ident])} 行）"))
            else:
                seen[ident] = path + ("id",)

    unique("clause/section", "条款/章节", [(p, s["id"]) for p, s in _walk_sections(data)]
           + [(p, c["id"]) for p, c in _walk_clauses(data)])
    unique("measure", "措施", [(p, m["id"]) for p, _, m in _walk_measures(data)])
    unique("annotation", "注释", [(("annotations", i), a["id"]) for i, a in enumerate(data.get("annotations") or ())])
    unique("attachment", "附件", [(("attachments", i), a["id"]) for i, a in enumerate(data.get("attachments") or ())])
    unique("relation", "关系", [(("relations", i), r["id"]) for i, r in enumerate(data.get("relations") or ())])

    anchors = {str(s["id"]) for _, s in _walk_sections(data)} | {str(c["id"]) for _, c in _walk_clauses(data)}
    measures = {str(m["id"]) for _, _, m in _walk_measures(data)}
    for i, note in enumerate(data.get("annotations") or ()):
        target = note.get("target")
        if target is not None and str(target) not in anchors | measures:
            problems.append(loaded.problem(("annotations", i, "target"), f"target '{target}' is not a clause, section or measure id",
                                           f"target“{target}”不是任何条款、章节或措施的 id"))
        if note["kind"] == "repair" and not note.get("seed") and note.get("fixed") is None:
            problems.append(loaded.problem(("annotations", i), "a repair needs `seed` (as in the source) or `fixed`",
                                           "修复注释需要 seed（原文）或 fixed（修复后）"))
    for i, rel in enumerate(data.get("relations") or ()):
        kind, has_max = rel.get("kind"), rel.get("max") is not None
        if (kind == "exclusive") != (rel.get("resolve") is not None):
            problems.append(loaded.problem(("relations", i, "resolve"), "exclusive takes resolve: highest; joint_cap takes none",
                                           "exclusive 须写 resolve: highest；joint_cap 不写 resolve"))
        if (kind == "joint_cap") != has_max or (has_max and not _positive_number(rel["max"])):
            problems.append(loaded.problem(("relations", i, "max"), "joint_cap takes max (a positive number); exclusive takes none",
                                           "joint_cap 须写 max（正数）；exclusive 不写 max"))
        if str(rel["cite"]) not in anchors:
            problems.append(loaded.problem(("relations", i, "cite"), f"cites unknown clause '{rel['cite']}'",
                                           f"引用了不存在的条款“{rel['cite']}”"))
        names = rel["measures"]
        if names != "*":
            if not isinstance(names, list):
                problems.append(loaded.problem(("relations", i, "measures"), "must be a list of measure ids or \"*\"",
                                               "必须是措施 id 列表或 \"*\""))
                continue
            for j, name in enumerate(names):
                if isinstance(name, dict):  # a measure of another notice: checked by _check_links
                    if set(name) != {"notice", "measure"}:
                        problems.append(loaded.problem(("relations", i, "measures", j),
                                                       "a measure of another notice is {notice: ID, measure: ID}",
                                                       "其他通知的措施写作 {notice: 通知 id, measure: 措施 id}"))
                elif str(name) not in measures:
                    problems.append(loaded.problem(("relations", i, "measures", j), f"unknown measure '{name}'",
                                                   f"不存在的措施“{name}”"))
    return problems


def _positive_number(value) -> bool:
    try:
        return not isinstance(value, bool) and Decimal(str(value)) > 0
    except ArithmeticError:
        return False


def _check_dates(loaded: Loaded) -> list[Problem]:
    dates = loaded.data.get("dates") or {}
    start, end = dates.get("valid_from"), dates.get("valid_to")
    if start and end and start > end:  # ISO strings compare as dates
        return [loaded.problem(("dates", "valid_to"), f"valid_to {end} is before valid_from {start}",
                               f"有效期截止 {end} 早于起始 {start}")]
    return []


def _check_windows(loaded: Loaded) -> list[Problem]:
    """A measure's dated windows (qualifying, application) end no earlier than they start."""
    problems = []
    for path, _, measure in _walk_measures(loaded.data):
        for kind in ("qualifying", "application"):
            window = measure.get(kind) or {}
            start, end = window.get("from"), window.get("to")
            if start and end and start > end:  # ISO strings compare as dates
                problems.append(loaded.problem(path + (kind, "to"), f"{kind} ends ({end}) before it starts ({start})",
                                               f"{kind} 的截止日 {end} 早于起始日 {start}"))
    return problems


def _check_measures(loaded: Loaded, calendars: dict) -> list[Problem]:
    data = loaded.data
    anchors = {str(c["id"]) for _, c in _walk_clauses(data)} | {str(s["id"]) for _, s in _walk_sections(data)}
    problems = []
    for path, clause, measure in _walk_measures(data):
        if not measure.get("calculator"):
            if not measure.get("reason"):
                problems.append(loaded.problem(path + ("reason",), "a measure without a calculator must say why (reason)",
                                               "没有计算器的措施必须说明原因（reason）"))
            continue
        spec = measure_spec_from_raw(data, measure)
        calendar = spec_calendar(measure.get("calendar_years"), calendars)
        if calendar is not None:
            spec["calendar"] = calendar
        for rel_path, msg_zh, msg_en in _engine_problems(spec):
            problems.append(loaded.problem(path + tuple(rel_path), msg_en, msg_zh))
        for step_path, cite in _cites(measure):
            if str(cite) not in anchors:
                problems.append(loaded.problem(path + step_path + ("cite",), f"cites unknown clause '{cite}'",
                                               f"引用了不存在的条款“{cite}”"))
    return problems


def _engine_problems(spec):
    for problem in calculators.check_measure(spec):
        yield tuple(problem.path), problem.message_zh, problem.message_en


def _cites(measure):
    def walk(steps, path):
        for i, step in enumerate(steps or ()):
            if not isinstance(step, dict):
                continue
            if "cite" in step:
                yield path + (i,), step["cite"]
            if isinstance(step.get("branch"), list):
                for j, case in enumerate(step["branch"]):
                    if isinstance(case, dict):
                        if "cite" in case:
                            yield path + (i, "branch", j), case["cite"]
                        yield from walk(case.get("rules"), path + (i, "branch", j, "rules"))
    yield from walk(measure.get("rules"), ("rules",))
    yield from walk(measure.get("outcomes"), ("outcomes",))


def measure_spec_from_raw(data: dict, measure: dict) -> dict:
    return {"notice": data.get("id"), "version": data.get("version"), **thaw(measure)}


def _check_provenance(loaded: Loaded, seeds_dir: Path) -> list[Problem]:
    prov = loaded.data["provenance"]
    seed = Path(seeds_dir) / prov["source"]
    if not seed.exists():
        if prov["source"] == "synthetic":
            return []  # fixtures made up for tests have no source document
        return [loaded.problem(("provenance", "source"), f"source file {prov['source']} is not in {seeds_dir}",
                               f"来源文件 {prov['source']} 不在 {seeds_dir} 中")]
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    if digest != prov["sha256"]:
        return [loaded.problem(("provenance", "sha256"), f"sha256 does not match {seed.name} ({digest})",
                               f"sha256 与 {seed.name} 不符（实际为 {digest}）")]
    return []


def _latest_measures(entries) -> list:
    """The measures of a notice's latest version (what a relation from another notice names)."""
    data = max(entries, key=lambda e: e[0].data.get("version") if isinstance(e[0].data, dict)
               and isinstance(e[0].data.get("version"), int) else 0)[0].data
    return [m for _, _, m in _walk_measures(data)] if isinstance(data, dict) else []


def _check_relation_links(loaded: Loaded, measures_of: dict) -> list[Problem]:
    """A relation naming a measure of another notice: that notice and measure exist."""
    problems = []
    data = loaded.data if isinstance(loaded.data, dict) else {}
    for i, rel in enumerate(data.get("relations") or ()):
        names = rel.get("measures") if isinstance(rel, dict) else None
        for j, name in enumerate(names if isinstance(names, list) else ()):
            if not (isinstance(name, dict) and set(name) == {"notice", "measure"}):
                continue
            where = ("relations", i, "measures", j)
            if name["notice"] not in measures_of:
                problems.append(loaded.problem(where + ("notice",), f"relation to unknown notice '{name['notice']}'",
                                               f"关系涉及不存在的通知“{name['notice']}”"))
            elif str(name["measure"]) not in measures_of[name["notice"]]:
                problems.append(loaded.problem(where + ("measure",),
                                               f"notice {name['notice']} has no measure '{name['measure']}'",
                                               f"通知 {name['notice']} 没有措施“{name['measure']}”"))
    return problems


def _check_links(loaded: Loaded, known: set[str]) -> list[Problem]:
    problems = []
    data = loaded.data if isinstance(loaded.data, dict) else {}
    for i, att in enumerate(data.get("attachments") or ()):
        if isinstance(att, dict) and att.get("notice") and att["notice"] not in known:
            problems.append(loaded.problem(("attachments", i, "notice"), f"links to unknown notice '{att['notice']}'",
                                           f"链接到不存在的通知“{att['notice']}”"))
    for i, rel in enumerate(data.get("relates") or ()):
        if isinstance(rel, dict) and rel.get("notice") not in known:
            problems.append(loaded.problem(("relates", i, "notice"), f"relates to unknown notice '{rel.get('notice')}'",
                                           f"关联到不存在的通知“{rel.get('notice')}”"))
    return problems


def _check_cases(loaded: Loaded, notice: Notice, *, run: bool) -> list[Problem]:
    data = loaded.data
    if not isinstance(data, list):
        return [loaded.problem((), "cases.yaml must be a list of cases", "cases.yaml 必须是用例列表")]
    problems, specs = [], {}
    for i, case in enumerate(data):
        errs = [loaded.problem((i,) + tuple(p), en, zh) for p, en, zh in schema.CASE.check(case, ())]
        if errs:
            problems += errs
            continue
        version = notice.version(case.get("version")) if case.get("version") else notice.latest
        if version is None:
            problems.append(loaded.problem((i, "version"), f"no version {case['version']}", f"没有第 {case['version']} 版"))
            continue
        clause, measure = version.measure(case["measure"])
        if measure is None:
            problems.append(loaded.problem((i, "measure"), f"no measure '{case['measure']}' in {notice.id} v{version.version}",
                                           f"{notice.id} 第 {version.version} 版中没有措施“{case['measure']}”"))
            continue
        if not measure.calculator:
            problems.append(loaded.problem((i, "measure"), f"measure '{case['measure']}' has no calculator",
                                           f"措施“{case['measure']}”没有计算器"))
            continue
        if run:
            key = (version.version, str(measure.id))
            if key not in specs:   # a measure has several cases: its spec is made once
                specs[key] = measure_spec(version, measure)
            problems += _run_case(loaded, i, case, specs[key])
    return problems


def _run_case(loaded: Loaded, i: int, case: dict, spec: dict) -> list[Problem]:
    inputs = thaw(case.get("inputs") or {})
    if not isinstance(inputs, dict):
        return [loaded.problem((i, "inputs"), "inputs must be a mapping", "inputs 必须是映射")]
    try:
        result = calculators.calculate(spec, inputs, lang="en")
    except calculators.InputError as exc:
        cell = tuple(p for p in (exc.row, exc.column) if p is not None)  # a list input's cell
        return [loaded.problem((i, "inputs", exc.input_id) + cell, f"golden case '{case['name']}' rejected: {exc.message_en}",
                               f"黄金用例“{case['name']}”的输入被拒绝：{exc.message_zh}")]
    except calculators.RuleError as exc:  # the rules fail at run time: validate says where
        return [loaded.problem((i, "inputs"), f"golden case '{case['name']}': {exc.message_en}",
                               f"黄金用例“{case['name']}”：{exc.message_zh}")]
    problems = []
    expect = case["expect"]
    got = {"eligible": result["eligible"], "amount": result["amount"], "amount_kind": result["amount_kind"],
           "outcomes": sorted(o["id"] for o in result["outcomes"])}
    want = {"eligible": expect["eligible"]}
    if "amount" in expect:
        want["amount"] = None if expect["amount"] is None else _decimal_text(expect["amount"], result["amount"])
    if "amount_kind" in expect:
        want["amount_kind"] = expect["amount_kind"]
    if "outcomes" in expect:
        want["outcomes"] = sorted(expect["outcomes"])
    for key, value in want.items():
        if got[key] != value:
            reasons = "; ".join(result.get("reasons") or [])
            problems.append(loaded.problem((i, "expect", key),
                                           f"golden case '{case['name']}' does not match: expected {key} {value!r}, got {got[key]!r}"
                                           + (f" ({reasons})" if reasons else ""),
                                           f"黄金用例“{case['name']}”不符：期望 {key} 为 {value!r}，实际为 {got[key]!r}"))
    return problems


def _decimal_text(expected, got):
    """Compare amounts as numbers written exactly: '500' equals '500.00'."""
    from decimal import Decimal, InvalidOperation
    try:
        if got is not None and Decimal(str(expected)) == Decimal(got):
            return got
    except InvalidOperation:
        pass
    return str(expected)


def _load_glossary(path: Path, root: Path, problems: list[Problem]):
    if not path.exists():
        return ()
    loaded, errs = load_yaml_file(path, _display(path, root))
    problems += errs
    if loaded is None:
        return ()
    term = schema.List(schema.Obj({"zh": schema.Str(), "en": schema.Str()}))
    errs = [loaded.problem(p, en, zh) for p, en, zh in term.check(loaded.data, ())]
    problems += errs
    seen = {}
    for i, entry in enumerate(loaded.data if isinstance(loaded.data, list) else ()):
        if not isinstance(entry, dict) or not isinstance(entry.get("zh"), str):
            continue  # reported by the schema check above
        if entry["zh"] in seen:
            problems.append(loaded.problem((i, "zh"), f"duplicate glossary term '{entry['zh']}'", f"术语“{entry['zh']}”重复"))
        else:
            seen[entry["zh"]] = i
    return () if errs else freeze(loaded.data or [])
