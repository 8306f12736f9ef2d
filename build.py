#!/usr/bin/env python3
"""Zhengce command line: new, fmt, validate, list, describe, calc, find, compare, text, schema, build, publish, release, serve.

A thin layer over `sitegen` and `calculators`; every command's output is stable (tests and
scripts rely on it). Errors go to stderr; `calc --json` prints nothing but JSON to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import calculators  # noqa: E402
from sitegen import cliargs, lifecycle  # noqa: E402
from sitegen.readers import ValidationFailed, load_policies  # noqa: E402
from sitegen.labels import clause_labels  # noqa: E402
from sitegen.model import thaw  # noqa: E402
from sitegen.specs import measure_spec  # noqa: E402

POLICIES = ROOT / "policies"
SEEDS = Path(os.environ.get("ZHENGCE_SOURCES", ROOT / "sources"))


def _corpus(run_cases: bool = False):
    return load_policies(Path(os.environ.get("ZHENGCE_POLICIES", POLICIES)), seeds_dir=SEEDS, run_cases=run_cases)


def _today(args) -> dt.date:
    """The build date: --date, else SOURCE_DATE_EPOCH, else today (fixes the status banners)."""
    if getattr(args, "date", None):
        return dt.date.fromisoformat(args.date)  # checked by cliargs.day
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return cliargs.epoch_day(epoch)
        except ValueError as exc:
            raise SystemExit(_fail(str(exc), 2)) from None
    return dt.date.today()


def _policies_root() -> Path:
    return Path(os.environ.get("ZHENGCE_POLICIES", POLICIES))


def cmd_validate(args) -> int:
    """Loader checks, then content checks (sitegen/content.py): errors exit 1; to-dos and, with
    --coverage, missing edge cases are warnings (errors with --strict)."""
    from sitegen import content
    corpus = _corpus(run_cases=True)
    report = content.check(corpus, _policies_root(), SEEDS, coverage=args.coverage)
    warnings = report.todos + report.coverage
    for problem in report.errors + warnings:
        print(problem, file=sys.stderr)
    if report.todos:
        print(("error: " if args.strict else "warning: ") + content.todo_summary(report.todos), file=sys.stderr)
    if report.coverage:
        n = len(report.coverage)
        print(("error: " if args.strict else "warning: ") +
              f"{n} of {report.edges} threshold, tier or cap edge(s) without golden cases just below, at and above / "
              f"{report.edges} 处阈值、档位或上限中有 {n} 处缺少略低于、等于、略高于的黄金用例", file=sys.stderr)
    failed = len(report.errors) + (len(warnings) if args.strict else 0)
    if failed:
        print(f"{failed} problem(s) found.", file=sys.stderr)
        return 1
    return 0


def _require_publishable(corpus) -> None:
    """publish and release: no content error and no to-do left (a draft import is not publishable)."""
    from sitegen import content
    problems = content.publishable_problems(corpus, _policies_root(), SEEDS)
    if problems:
        raise ValidationFailed(problems)


def cmd_fmt(args) -> int:
    """Rewrite policies/**/*.yaml (or FILES) canonically, keeping comments; --check only lists
    the files that would change and exits 1 if there are any (CI)."""
    from sitegen import fmt
    paths = [Path(f) for f in args.files] or fmt.yaml_files(_policies_root())
    changed, problems = fmt.run(paths, check=args.check, display=_shown)
    for problem in problems:
        print(problem, file=sys.stderr)
    for path in changed:
        print(("would reformat " if args.check else "reformatted ") + _shown(path),
              file=sys.stderr if args.check else sys.stdout)
    if args.check and changed:
        print(f"{len(changed)} file(s) not in canonical form: run python build.py fmt / "
              f"{len(changed)} 个文件不是规范格式：请运行 python build.py fmt", file=sys.stderr)
    return 1 if problems or (args.check and changed) else 0


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_new(args) -> int:
    """Import a source document (text or .docx) as policies/ID/v1.yaml with English to-dos."""
    from sitegen import content, importer
    from sitegen.yamlload import load_yaml_file
    try:
        written = importer.import_notice(Path(args.source), args.id, policies=_policies_root(), sources=SEEDS)
    except importer.ImportFailed as exc:
        return _fail(f"{exc.message_en} / {exc.message_zh}", 2)
    for path in written:
        print(path)
    loaded, _ = load_yaml_file(written[1])
    print(content.todo_summary(content.todo_problems(loaded)), file=sys.stderr)
    print("next: translate the to-dos, add measures and golden cases, then python build.py validate "
          "(docs/en/publish.md) / 下一步：完成待办、添加措施和黄金用例，然后运行 python build.py validate（docs/zh/publish.md）", file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    from sitegen.text import format_date
    from sitegen.ui_text import t
    corpus = _corpus()
    on = _today(args)
    notices = []
    for notice in corpus.notices:
        latest = notice.latest
        code = lifecycle.status(latest, corpus, on)
        end = lifecycle.windows_end(latest)
        notices.append({
            "id": notice.id,
            "title": dict(latest.title),
            "status": code,
            # not_stated: no valid_to, and the measures' dated windows all ended on measures_end
            "status_text": {lang: t("explain_" + code, lang, date=format_date(end, lang) if end else "")
                            for lang in ("zh", "en")},
            "measures_end": end.isoformat() if end else None,
            "versions": [v.version for v in notice.versions],
            "measures": [{"id": str(m.id), "title": dict(m.title), "has_calculator": bool(m.calculator)}
                         for _, m in latest.measures()],
        })
    if args.json:
        print(json.dumps({"notices": notices}, ensure_ascii=False, indent=2))
        return 0
    for n in notices:
        print(f"{n['id']}  [{n['status']}]  {n['title'][args.lang]}")
        if n["status"] == "not_stated":
            print(f"    {n['status_text'][args.lang]}")
        for m in n["measures"]:
            mark = "calc" if m["has_calculator"] else "    "
            print(f"    {mark}  {m['id']:<12} {m['title'][args.lang]}")
    return 0


def _version(corpus, notice_id: str, number: int | None):
    """A notice's version `number` (default: the latest), or exit 2 naming what is unknown."""
    notice = corpus.notice(notice_id)
    if notice is None:
        raise SystemExit(_fail(f"unknown notice '{notice_id}' (see: python build.py list)", 2))
    version = notice.version(number) if number else notice.latest
    if version is None:
        raise SystemExit(_fail(f"{notice_id} has no version {number}", 2))
    return version


def _find(corpus, notice_id: str, measure_id: str, version: int | None = None, on: dt.date | None = None):
    """The measure in `version`, else in the version in force on `on`, else in the latest."""
    v = _version(corpus, notice_id, version)
    if on is not None and version is None:
        v = lifecycle.version_on(corpus.notice(notice_id), corpus, on) or v
    _, measure = v.measure(measure_id)
    if measure is None:
        ids = ", ".join(str(m.id) for _, m in v.measures())
        raise SystemExit(_fail(f"{notice_id} has no measure '{measure_id}' (measures: {ids})", 2))
    if not measure.calculator:
        raise SystemExit(_fail(f"{notice_id} measure {measure_id} has no calculator: {measure.reason.en}", 2))
    return v, measure


def _input_error(exc, lang: str, where: str = "") -> int:
    """A bad or missing input: exit 2 naming it, nothing on stdout."""
    message = exc.message_zh if lang == "zh" else exc.message_en
    row, column = getattr(exc, "row", None), getattr(exc, "column", None)
    cell = (f" row {row + 1}" if row is not None else "") + (f" column '{column}'" if column else "")
    return _fail(f"{where}input '{exc.input_id}'{cell}: {message}", 2)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def cmd_describe(args) -> int:
    corpus = _corpus()
    version, measure = _find(corpus, args.notice, args.measure, args.version)
    info = calculators.describe(measure_spec(version, measure), lang=None if args.json else args.lang)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.notice} / {args.measure}: {info['title']}")
    for item in info["inputs"]:
        print(_describe_line(item, "  "))
        for column in item.get("columns") or ():  # a list input: one line per column
            print(_describe_line(column, "      "))
    return 0


def _day(text: str | None) -> dt.date:
    """`--on`: a day as YYYY-MM-DD (exit 2 naming the option otherwise); default today."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(_fail(f"--on takes a day as YYYY-MM-DD, got '{text}'", 2)) from None


def _describe_line(item: dict, indent: str) -> str:
    extra = []
    if item["type"] == "list":
        extra.append(f"{item['min_rows']}..{item['max_rows']} rows")
    if item.get("unit"):
        extra.append(item["unit"])
    if item.get("min") is not None or item.get("max") is not None:
        extra.append(f"{item.get('min') or ''}..{item.get('max') or ''}")
    if item.get("choices"):
        extra.append("|".join(c["value"] for c in item["choices"]))
    return f"{indent}{item['id']:<22} {item['type']:<8} {item['label']}" + (f"  ({'; '.join(map(str, extra))})" if extra else "")


def _input_args(args) -> dict:
    """The raw input set of calc and compare (one reading for both): `--inputs FILE.json` (a JSON object), then each `--input ID=VALUE`
    over it. A list input's VALUE is JSON text; the engine reads and checks it cell by cell."""
    inputs = {}
    if args.inputs:
        try:
            text = sys.stdin.read() if args.inputs == "-" else Path(args.inputs).read_text(encoding="utf-8")
            inputs = json.loads(text, parse_float=Decimal)  # exact: 0.1 stays 0.1
        except OSError as exc:
            raise SystemExit(_fail(f"--inputs: cannot read {args.inputs}: {exc.strerror}", 2))
        except ValueError as exc:
            raise SystemExit(_fail(f"--inputs: {args.inputs} is not valid JSON: {exc}", 2))
        if not isinstance(inputs, dict):
            raise SystemExit(_fail(f"--inputs: {args.inputs} must hold a JSON object {{input id: value}}", 2))
    for item in args.input or ():
        if "=" not in item:
            raise SystemExit(_fail(f"--input takes ID=VALUE, got '{item}'", 2))
        key, value = item.split("=", 1)
        inputs[key.strip()] = value
    return inputs


def cmd_calc(args) -> int:
    corpus = _corpus()
    on = _day(args.on)
    version, measure = _find(corpus, args.notice, args.measure, args.version, on)
    # how the version was chosen: asked for, in force on the day, or the latest (none was in force)
    basis = "requested" if args.version else \
        "in_force" if lifecycle.status(version, corpus, on) == "in_force" else "latest"
    inputs = _input_args(args)
    try:
        result = calculators.calculate(measure_spec(version, measure, corpus), inputs, lang=args.lang, on=on)
    except calculators.InputError as exc:
        return _input_error(exc, args.lang)
    except calculators.RuleError as exc:  # the measure's rules failed: exit 1, in words
        return _fail(exc.message_zh if args.lang == "zh" else exc.message_en, 1)
    result["relations"] = _relations_of(version, str(measure.id))
    result["version_basis"] = basis
    if args.lang == "en":   # the quoted Chinese words with their English gloss
        glosses = {r.quote: r.quote_en for r in measure.readings or () if r.quote_en}
        for reading in result.get("readings") or ():
            reading["quote_en"] = glosses.get(reading["quote"])
    labels = clause_labels(version)
    result["cite_labels"] = {cid: label[args.lang] for cid, label in labels.items()
                             if cid in _cited(result)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    _print_result(result, args.lang)
    return 0


def _cited(result: dict) -> set[str]:
    return {str(x["cite"]) for key in ("steps", "outcomes", "relations") for x in result.get(key) or ()
            if x.get("cite") is not None}


def _relations_of(version, measure_id: str) -> list[dict]:
    """The notice's relations that involve this measure (shown with its result)."""
    out = []
    for rel in version.relations or ():
        members = rel.measures
        if members == "*" or measure_id in [str(m) for m in members if not isinstance(m, dict)]:
            out.append({"id": rel.id, "kind": rel.kind, "resolve": rel.resolve, "cite": str(rel.cite),
                        "measures": members if members == "*" else
                        [f"{m['notice']}/{m['measure']}" if isinstance(m, dict) else str(m) for m in members],
                        "text": dict(rel.text)})
    return out


def cmd_find(args) -> int:
    """Every measure of every notice for one company profile (calculators/finder.py)."""
    from calculators.finder import FactError, find
    from sitegen import finder_data, profiles
    try:
        profile = profiles.load_profile(Path(args.profile))
    except profiles.ProfileError as exc:  # the file itself: in both languages, as validate reports
        return _fail(f"{exc.message_en} / {exc.message_zh}", 2)
    on = args.on or profile["on"] or dt.date.today().isoformat()
    # the bundle as the site ships it (JSON), so the answer is the page's
    bundle = json.loads(finder_data.dumps(finder_data.bundle_for(_corpus())))
    try:
        answer = find(bundle, profile["facts"], on=on, lang=args.lang, include_all=args.all or profile["all"])
    except FactError as exc:
        message = exc.message_zh if args.lang == "zh" else exc.message_en
        return _fail(f"fact '{exc.input_id}': {message}", 2)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return 0
    print(profiles.render_text(answer, args.lang, bundle["facts"]))
    return 0


def cmd_compare(args) -> int:
    """Apply a relation (e.g. 不重复享受、就高原则): compute each measure, pick the higher."""
    corpus = _corpus()
    version = _version(corpus, args.notice, args.version)
    relation = next((r for r in version.relations or () if r.id == args.relation), None)
    if relation is None:
        ids = ", ".join(r.id for r in version.relations or ()) or "none"
        return _fail(f"{args.notice} has no relation '{args.relation}' (relations: {ids})", 2)
    if relation.kind != "exclusive" or any(isinstance(m, dict) for m in relation.measures or ()):
        return _fail(f"relation '{args.relation}' involves other notices or a joint cap: see `build.py find` / "
                     f"关系“{args.relation}”涉及其他通知或合计封顶：请用 build.py find", 2)
    inputs = _input_args(args)
    members = [str(m) for m in relation.measures] if relation.measures != "*" else \
        [str(m.id) for _, m in version.measures() if m.calculator]
    known = {i["id"] for m in members for i in measure_spec(version, version.measure(m)[1]).get("inputs") or []}
    for key in inputs:  # what calc refuses, compare refuses too: no input silently ignored
        if key not in known:
            return _input_error(calculators.inputs.unknown_input_error(key), args.lang)
    results = []
    for measure_id in members:
        _, measure = version.measure(measure_id)
        spec = measure_spec(version, measure)
        own = {i["id"] for i in spec.get("inputs") or []}
        try:
            results.append(calculators.calculate(spec, {k: v for k, v in inputs.items() if k in own}, lang=args.lang))
            results[-1]["title"] = measure.title[args.lang]   # named by its title, not its id
        except calculators.InputError as exc:
            return _input_error(exc, args.lang, f"measure {measure_id}: ")
        except calculators.RuleError as exc:
            return _fail(exc.message_zh if args.lang == "zh" else exc.message_en, 1)
    combined = calculators.combine(results, thaw(relation), lang=args.lang)
    if args.json:
        print(json.dumps(combined, ensure_ascii=False, indent=2))
    else:
        print(combined["text"])
    return 0


def _print_result(result: dict, lang: str) -> None:
    zh = lang == "zh"
    labels = result.get("cite_labels") or {}

    def cite(x) -> str:   # the clause as the document numbers it, never its internal id
        return labels.get(str(x["cite"]), str(x["cite"]))
    kind = {"exact": "", "up_to": "最高 " if zh else "up to ", "at_least": "不低于 " if zh else "at least "}
    status = result.get("status")
    if status:
        head = f"状态（{status['on']}，第{result['version']}版）：" if zh else \
            f"Status on {status['on']} (version {result['version']}): "
        print(head + status["label"])
        if result.get("version_basis") == "latest":
            print(f"  ※ {status['on']}没有有效的版本：按最新版本（第{result['version']}版）计算" if zh else
                  f"  * No version was in force on {status['on']}: computed with the latest (version {result['version']})")
        if status["frame"]:
            print(("  ※ " if zh else "  * ") + status["frame"])
        for window in status["windows"]:
            print("  " + window["text"] + (f" — {window['note']}" if window.get("note") else ""))
    if not result["eligible"]:
        print("不符合条件：" if zh else "Not eligible:")
        for reason in result["reasons"]:
            print(f"  - {reason}")
    elif result["amount"] is not None:
        print(("金额：" if zh else "Amount: ") + kind.get(result["amount_kind"], "") + f"{result['amount']} {result['currency']}")
    for outcome in result["outcomes"]:
        quantity = "" if outcome.get("value") is None else (("：" if zh else ": ") + kind.get(outcome["kind"], "")
                                                            + outcome["value"] + ("" if zh else " ") + (outcome["unit"] or ""))
        print(("获得：" if zh else "Granted: ") + outcome["text"] + quantity + f"  [{cite(outcome)}]")
    print("步骤：" if zh else "Steps:")
    for step in result["steps"]:
        row = step.get("row")
        where = "" if row is None else (f"第{row + 1}行 · " if zh else f"row {row + 1} · ")
        print(f"  [{cite(step)}] {where}{step['text']}")
    for rel in result.get("relations") or ():
        print(("关系：" if zh else "Relation: ") + rel["text"][lang] + f"  [{cite(rel)}]")
    for reading in result["readings"]:
        gloss = f" (“{reading['quote_en']}”)" if reading.get("quote_en") else ""
        print(("解读" if zh else "Reading") + f" «{reading['quote']}»{gloss}: {reading['text']}")


def cmd_text(args) -> int:
    from sitegen.text import notice_text
    corpus = _corpus()
    version = _version(corpus, args.notice, args.version)
    sys.stdout.write(notice_text(version, corpus, args.lang))
    return 0


def cmd_schema(args) -> int:
    from sitegen.schema import json_schema
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _manifest_path() -> Path:
    return Path(os.environ.get("ZHENGCE_MANIFEST", ROOT / "archive" / "manifest.json"))


def _releases_dir() -> Path | None:
    """Where the latest release's manifest is looked for (none for a manifest of one's own)."""
    if "ZHENGCE_RELEASES" in os.environ:
        return Path(os.environ["ZHENGCE_RELEASES"])
    return None if "ZHENGCE_MANIFEST" in os.environ else ROOT / "releases"


def _load_archive(out: Path):
    """The manifest, checked: chain intact, and an extension of the one carried by the site being
    replaced and by the latest release."""
    from sitegen import archive
    name = str(_manifest_path())
    try:
        manifest = archive.load_manifest(_manifest_path())
        references = [r for r in (archive.site_reference(out), archive.release_reference(_releases_dir()))
                      if r is not None]
    except archive.ArchiveError as failed:
        raise ValidationFailed(failed.problems) from None
    problems = archive.check_manifest(manifest, name, references)
    if problems:
        raise ValidationFailed(problems)
    return manifest


def _build_checked(corpus, out: Path, day: dt.date, record=None) -> dict:
    """Build into a staging folder, check the archive, and only then replace `out`.

    A manifest that is unreadable, broken or shorter than the last built site's or release's, or
    a published version whose content or page text changed without an entry authorising it, fails
    the build, and the previous site stays as it was. `record(manifest, staging)` (publish) may
    append entries first. The built site carries the manifest (`data/archive-manifest.json`).
    """
    import shutil
    import tempfile

    from sitegen import archive
    from sitegen.site import build_site, replace_dir

    out = out.resolve()
    manifest = _load_archive(out)
    if record is None:
        problems = archive.check_content(corpus, manifest, manifest_name=str(_manifest_path()))
        if problems:
            raise ValidationFailed(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging_parent = Path(tempfile.mkdtemp(prefix=f".{out.name}-stage-", dir=out.parent))
    try:
        staging = staging_parent / "site"
        build_site(corpus, staging, build_date=day)
        if record is not None:
            try:
                record(manifest, staging)
            except archive.ArchiveError as failed:
                raise ValidationFailed(failed.problems) from None
        problems = archive.check_content(corpus, manifest, manifest_name=str(_manifest_path()))
        problems += archive.check_pages(manifest, staging)
        if problems:
            raise ValidationFailed(problems)
        if record is not None:  # saved before the site is replaced: a site is never ahead of the manifest
            archive.save_manifest(_manifest_path(), manifest)
        archive.save_manifest(staging / archive.SITE_COPY, manifest)
        replace_dir(staging, out)
    finally:
        shutil.rmtree(staging_parent, ignore_errors=True)
    return manifest


def cmd_build(args) -> int:
    corpus = _corpus(run_cases=True)
    _build_checked(corpus, Path(args.out), _today(args))
    print(f"built {args.out}", file=sys.stderr)
    return 0


def cmd_publish(args) -> int:
    """Build, then append to archive/manifest.json an entry for every new version, every new
    erratum and (with --reason) every page whose rendering changed."""
    from sitegen import archive
    corpus = _corpus(run_cases=True)
    _require_publishable(corpus)
    day = _today(args)
    added = []

    def record(manifest, staging):
        added.extend(archive.publish(corpus, manifest, staging, on=day, reason=args.reason))

    _build_checked(corpus, Path(args.out), day, record)
    for entry in added:
        print(f"{entry['kind']}: {entry['notice']} v{entry['version']} on {day}", file=sys.stderr)
    if not added:
        print("nothing new to publish", file=sys.stderr)
    return 0


def cmd_release(args) -> int:
    """Build the whole site for a date and pack it as a self-contained, reproducible archive."""
    import tempfile

    from sitegen import archive
    from sitegen.release import write_release
    corpus = _corpus(run_cases=True)
    _require_publishable(corpus)
    day = _today(args)
    with tempfile.TemporaryDirectory(prefix="zhengce-release-") as tmp:
        site = Path(tmp) / "site"
        manifest = _build_checked(corpus, site, day)
        entries = manifest["entries"]
        listing = {"date": day.isoformat(), "archive_head": entries[-1]["sha256"] if entries else archive.GENESIS,
                   "versions": [
            {"notice": n.id, "version": v.version, "content_sha256": archive.content_digest(v),
             "published": archive.first_published(manifest, n.id, v.version)}
            for n in corpus.notices for v in n.versions]}
        out = Path(args.out) / f"zhengce-{day.isoformat()}.tar.gz"
        write_release(site, out, day=day,
                      manifest=(json.dumps(listing, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    print(out)
    return 0


def cmd_serve(args) -> int:
    from sitegen.serve import serve
    site = Path(args.site)
    if args.watch:  # live preview: builds, then rebuilds on every save under policies/
        from sitegen.preview import Preview, serve_watch
        serve_watch(Preview(_policies_root(), site, build_date=_today(args), seeds_dir=SEEDS,
                            calculators=not args.no_calculators), host=args.host, port=args.port)
        return 0
    if not args.no_build:
        rc = cmd_build(argparse.Namespace(out=str(site), date=args.date))
        if rc:
            return rc
    serve(site, host=args.host, port=args.port)
    return 0


def main(argv=None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("new", help="import a source document (.txt or .docx) as policies/ID/v1.yaml")
    p.add_argument("id", help="the new notice's id, e.g. hangzhou-2024")
    p.add_argument("--source", required=True, metavar="FILE", help="the notice as plain text or a Word .docx")

    p = sub.add_parser("fmt", help="rewrite policies/**/*.yaml in the canonical style, keeping comments")
    p.add_argument("files", nargs="*", metavar="FILE", help="only these files (default: all of policies/)")
    p.add_argument("--check", action="store_true", help="change nothing; list the files that would change, exit 1 if any")

    p = sub.add_parser("validate", help="check all of policies/ (silent, exit 0 when clean)")
    p.add_argument("--coverage", action="store_true",
                   help="also list thresholds, tier edges and caps without golden cases just below, at and above")
    p.add_argument("--strict", action="store_true", help="treat warnings (to-dos, coverage) as errors")

    p = sub.add_parser("list", help="notices and their measures")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--date", type=cliargs.day, help="status as of this day (YYYY-MM-DD)")

    for name, helptext in (("describe", "the inputs of a measure"), ("calc", "compute a measure")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("notice")
        p.add_argument("measure")
        p.add_argument("--version", type=cliargs.version_number, help="notice version (default: latest)")
        p.add_argument("--json", action="store_true")
        p.add_argument("--lang", choices=("zh", "en"), default="zh")
        if name == "calc":
            p.add_argument("--input", action="append", metavar="ID=VALUE",
                           help="one input; a list input's value is JSON, e.g. '[{\"province\":\"anhui\",\"workers\":20}]'")
            p.add_argument("--inputs", metavar="FILE.json",
                           help="a JSON object of input values ('-' reads stdin); --input entries override it")
            p.add_argument("--on", type=cliargs.day, metavar="YYYY-MM-DD",
                           help="calculation day (default today): the result's status on it, computed with the "
                                "version in force on it (the latest when none was, and the status says so)")

    p = sub.add_parser("compare", help="apply a relation between measures (no double claiming, the higher applies)")
    p.add_argument("notice")
    p.add_argument("relation")
    p.add_argument("--version", type=cliargs.version_number)
    p.add_argument("--input", action="append", metavar="ID=VALUE")
    p.add_argument("--inputs", metavar="FILE.json", help="a JSON object of input values, as for calc")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")

    p = sub.add_parser("find", help="every measure of every notice for one company profile (the finder)")
    p.add_argument("--profile", required=True, metavar="FILE", help="facts as YAML or JSON (examples/profiles/)")
    p.add_argument("--on", type=cliargs.day, metavar="YYYY-MM-DD",
                   help="the day asked about (default: the profile's `on`, else today)")
    p.add_argument("--all", action="store_true", help="also drafts and notices not in force on the day")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")

    p = sub.add_parser("text", help="a notice as plain text in document order")
    p.add_argument("notice")
    p.add_argument("--version", type=cliargs.version_number)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")

    sub.add_parser("schema", help="print the JSON Schema of the notice format")

    for name, helptext, out, date_help in (
            ("build", "build the site into site/", ROOT / "site", "build date for status banners"),
            ("publish", "build, then record new versions in archive/manifest.json (they never change again)",
             ROOT / "site", "publication date"),
            ("release", "pack a dated, self-contained archive of the whole site", ROOT / "releases", "release date")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--out", default=str(out))
        p.add_argument("--date", type=cliargs.day, help=f"{date_help} (YYYY-MM-DD); default SOURCE_DATE_EPOCH or today")
        if name == "publish":
            p.add_argument("--reason", help="why published pages read differently while their content did not change "
                                            "(recorded in the manifest)")

    p = sub.add_parser("serve", help="build, then serve the site on http://127.0.0.1:8000")
    p.add_argument("--site", default=str(ROOT / "site"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=cliargs.port, default=8000)
    p.add_argument("--date", type=cliargs.day)
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--watch", action="store_true",
                   help="live preview: rebuild what a save under policies/ changes and reload the open page "
                        "(problems are shown in the page); not for production")
    p.add_argument("--no-calculators", action="store_true",
                   help="with --watch: leave out the in-browser calculators' runtime (a faster first build)")

    args = parser.parse_args(argv)
    handler = globals()["cmd_" + args.command]
    try:
        return handler(args)
    except ValidationFailed as failed:
        print(failed.report(), file=sys.stderr)
        print(f"{len(failed.problems)} problem(s) found.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped reading (`| head`): no traceback for that
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a folder that cannot be written, a site not built, a port taken
        return _fail(f"{exc} / 文件或网络操作失败：{exc}", 1)
    except RuntimeError as exc:  # a build stage that failed (mkdocs, Pagefind): the old site stays
        from sitegen.search import SearchIndexError
        from sitegen.site import SiteBuildError
        if not isinstance(exc, (SiteBuildError, SearchIndexError)):
            raise
        return _fail(f"the build failed, the previous site is unchanged: {exc} / 构建失败，原网站未变：{exc}", 1)


if __name__ == "__main__":
    sys.exit(main())
