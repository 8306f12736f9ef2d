"""The archive manifest: an append-only, hash-chained record of every published text.

`archive/manifest.json` is a list of entries, oldest first. Each entry records one act on one
(notice, version):

- `publish`: the version was published on `date`;
- `erratum`: its English, an editorial note or the encoding of a measure was corrected, as the
  errata listed in its YAML (`errata:`) say; the notice as issued (`source_sha256`: the Chinese
  text, numbers, dates, structure) is unchanged;
- `presentation`: its pages changed because the site renders them differently (`reason` says
  how); its content is unchanged.

Every entry carries the digests then authorised: `content_sha256` (the validated data as canonical
JSON, with the defaults the loader fills in — comments, formatting and defaults left out or
spelled out in the YAML may change, no fact may; `build.py fmt` never changes it), `source_sha256` (the notice
as issued: without the English, the editorial notes and the measures' encoding), and `pages` (the notice content of its permanent pages). Each entry holds the
digest of the one before (`prev`) and its own (`sha256`), so editing or removing an entry breaks
the chain, and the build compares the chain with the one carried by the last built site
(`data/archive-manifest.json`) and by the latest release: those must be a prefix of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tarfile
from pathlib import Path

from .model import thaw
from .yamlload import Problem

MANIFEST_VERSION = 2
GENESIS = "0" * 64
SITE_COPY = "data/archive-manifest.json"        # where a built site carries its manifest
CONTENT_RE = re.compile(r"<!-- notice-content -->(.*?)<!-- /notice-content -->", re.S)
HEX64 = re.compile(r"[0-9a-f]{64}")
KINDS = ("publish", "erratum", "presentation")
_COMMON = {"kind": str, "notice": str, "version": int, "date": str, "content_sha256": str,
           "source_sha256": str, "pages": dict, "errata": int, "prev": str, "sha256": str}
_EXTRA = {"publish": {"stage": str}, "erratum": {"errata_sha256": str}, "presentation": {"reason": str}}
_OPTIONAL = {"erratum": {"reason": str}}      # a rendering change published together with the errata


class ArchiveError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ---- digests --------------------------------------------------------------------------------------

def _canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_digest(version) -> str:
    return hashlib.sha256(_canonical(thaw(version.data))).hexdigest()


_NOT_SOURCE = ("en", "errata", "annotations", "measures")


def _without_english(value):
    if isinstance(value, dict):
        return {k: _without_english(v) for k, v in value.items()
                if k not in _NOT_SOURCE and not k.endswith("_en")}
    if isinstance(value, list):
        return [_without_english(v) for v in value]
    return value


def source_digest(version) -> str:
    """sha256 of the notice as the issuer wrote it: everything but the English, our editorial notes,
    our encoding of the measures (inputs, rules, readings) and the errata. No erratum may touch it
    (the Chinese text, numbers, dates, structure): that takes a new version."""
    return hashlib.sha256(_canonical(_without_english(thaw(version.data)))).hexdigest()


def errata_digest(errata) -> str:
    return hashlib.sha256(_canonical(thaw(list(errata or ())))).hexdigest()


def page_digest(html: str) -> str:
    """sha256 of the notice content of a page (the part between the content markers).

    The site chrome (navigation, footer, asset names) may evolve; the published text may not.
    """
    # A page may mark several stretches (chrome such as a calculator form sits between them).
    parts = CONTENT_RE.findall(html)
    body = "".join(parts) if parts else html
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def entry_digest(entry: dict) -> str:
    return hashlib.sha256(_canonical({k: v for k, v in entry.items() if k != "sha256"})).hexdigest()


# ---- reading and writing --------------------------------------------------------------------------

def empty_manifest() -> dict:
    return {"manifest_version": MANIFEST_VERSION, "entries": []}


def _bad(name: str, line, field: str, en: str, zh: str) -> Problem:
    return Problem(name, line, field, en, zh)


def parse_manifest(text: str, name: str) -> dict:
    """The manifest in `text`, its shape checked; ArchiveError naming `name` and what is wrong."""
    if not text.strip():
        raise ArchiveError([_bad(name, None, "", "the archive manifest is empty (expected a JSON object)",
                                 "存档清单为空（应为 JSON 对象）")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArchiveError([_bad(name, exc.lineno, "",
                                 f"the archive manifest is not valid JSON (truncated?): {exc.msg} at column {exc.colno}",
                                 f"存档清单不是有效的 JSON（是否被截断？）：第 {exc.colno} 列 {exc.msg}")]) from None
    problems = check_shape(data, name)
    if problems:
        raise ArchiveError(problems)
    return data


def check_shape(data, name: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [_bad(name, None, "", "the archive manifest must be a JSON object", "存档清单必须是 JSON 对象")]
    if data.get("manifest_version") != MANIFEST_VERSION or set(data) != {"manifest_version", "entries"}:
        return [_bad(name, None, "manifest_version",
                     f"not an archive manifest of version {MANIFEST_VERSION}: expected exactly "
                     "{\"manifest_version\": 2, \"entries\": [...]}",
                     f"不是第 {MANIFEST_VERSION} 版存档清单：应只含 manifest_version 与 entries")]
    if not isinstance(data["entries"], list):
        return [_bad(name, None, "entries", "entries must be a list", "entries 必须是列表")]
    problems = []
    for i, entry in enumerate(data["entries"]):
        where = f"entries[{i}]"
        if not isinstance(entry, dict):
            problems.append(_bad(name, None, where, "an entry must be an object", "条目必须是对象"))
            continue
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(_bad(name, None, f"{where}.kind", f"kind must be one of {', '.join(KINDS)}",
                                 f"kind 须为 {'、'.join(KINDS)} 之一"))
            continue
        wanted = {**_COMMON, **_EXTRA[kind]}
        optional = _OPTIONAL.get(kind, {})
        for key, typ in {**wanted, **optional}.items():
            value = entry.get(key)
            if key in optional and key not in entry:
                continue
            if key not in entry:
                problems.append(_bad(name, None, f"{where}.{key}", f"entry {i + 1} has no {key}",
                                     f"第 {i + 1} 条缺少 {key}"))
            elif not isinstance(value, typ) or isinstance(value, bool):
                problems.append(_bad(name, None, f"{where}.{key}", f"entry {i + 1}: {key} must be a {typ.__name__}",
                                     f"第 {i + 1} 条：{key} 类型错误"))
            elif key.endswith("sha256") or key == "prev":
                if not HEX64.fullmatch(value):
                    problems.append(_bad(name, None, f"{where}.{key}", f"entry {i + 1}: {key} is not a sha256 digest",
                                         f"第 {i + 1} 条：{key} 不是 sha256 摘要"))
            elif key == "pages" and not all(isinstance(d, str) and HEX64.fullmatch(d) for d in value.values()):
                problems.append(_bad(name, None, f"{where}.pages", f"entry {i + 1}: every page needs its sha256 digest",
                                     f"第 {i + 1} 条：每个页面都须有 sha256 摘要"))
        for key in set(entry) - set(wanted) - set(optional):
            problems.append(_bad(name, None, f"{where}.{key}", f"entry {i + 1}: unknown field {key}",
                                 f"第 {i + 1} 条：未知字段 {key}"))
    return problems


def load_manifest(path: Path) -> dict:
    """The manifest at `path` (an empty one when the file does not exist yet), shape checked."""
    path = Path(path)
    if not path.exists():
        return empty_manifest()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError([_bad(str(path), None, "", f"the archive manifest is not UTF-8 (byte {exc.start})",
                                 f"存档清单不是 UTF-8 编码（第 {exc.start} 字节）")]) from None
    return parse_manifest(text, str(path))


def dumps(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def save_manifest(path: Path, manifest: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(manifest), encoding="utf-8")


# ---- the chain ------------------------------------------------------------------------------------

def describe(entry: dict, i: int) -> str:
    return f"entry {i + 1} ({entry.get('kind')} {entry.get('notice')} v{entry.get('version')} on {entry.get('date')})"


def _describe_zh(entry: dict, i: int) -> str:
    return f"第 {i + 1} 条（{entry.get('kind')} {entry.get('notice')} 第 {entry.get('version')} 版，{entry.get('date')}）"


def check_chain(manifest: dict, name: str) -> list[Problem]:
    """Problems where an entry was edited, removed or reordered after it was recorded."""
    problems, prev = [], GENESIS
    for i, entry in enumerate(manifest["entries"]):
        if entry["prev"] != prev:
            problems.append(_bad(name, None, f"entries[{i}].prev",
                                 f"{describe(entry, i)} does not follow the entry before it: an entry was removed, "
                                 "inserted or reordered",
                                 f"{_describe_zh(entry, i)}与前一条不相接：有条目被删除、插入或调换"))
        if entry_digest(entry) != entry["sha256"]:
            problems.append(_bad(name, None, f"entries[{i}]",
                                 f"{describe(entry, i)} was altered after it was recorded (its sha256 no longer matches)",
                                 f"{_describe_zh(entry, i)}在记录后被修改（sha256 不符）"))
        prev = entry["sha256"]
    return problems


def _payload(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("prev", "sha256")}


def compare_with(reference: dict, manifest: dict, name: str, reference_name: str) -> list[Problem]:
    """Problems where `manifest` is not `reference` with entries appended: each entry the
    reference holds that is gone ("removed") or changed ("altered", naming the fields)."""
    problems = []
    current = manifest["entries"]
    payloads = [_payload(e) for e in current]
    matched = set()
    for i, old in enumerate(reference["entries"]):
        if i < len(current) and current[i] == old:
            matched.add(i)
            continue
        if _payload(old) in payloads:   # still there, but moved or re-chained: reported below
            matched.add(payloads.index(_payload(old)))
            continue
        key = (old.get("kind"), old.get("notice"), old.get("version"))
        same = [j for j, e in enumerate(current) if (e.get("kind"), e.get("notice"), e.get("version")) == key
                and j not in matched and _payload(e) not in [_payload(r) for r in reference["entries"]]]
        if not same:
            problems.append(_bad(name, None, f"entries[{i}]",
                                 f"{describe(old, i)}, recorded in {reference_name}, was removed: entries are never removed",
                                 f"{_describe_zh(old, i)}（见 {reference_name}）被删除：条目不得删除"))
            continue
        new = current[same[0]]
        matched.add(same[0])
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k) and k not in ("sha256", "prev"))
        what = "; ".join(f"{k} was {_short(old.get(k))}, now {_short(new.get(k))}" for k in changed)
        problems.append(_bad(name, None, f"entries[{i}]",
                             f"{describe(old, i)}, recorded in {reference_name}, was altered: {what}",
                             f"{_describe_zh(old, i)}（见 {reference_name}）被修改：{what}"))
    if not problems:
        for i, old in enumerate(reference["entries"]):
            if i >= len(current) or current[i] != old:
                problems.append(_bad(name, None, f"entries[{i}]",
                                     f"the entries from {describe(old, i)} on were reordered or re-chained since "
                                     f"{reference_name}: entries are only ever appended",
                                     f"自{_describe_zh(old, i)}起的条目与 {reference_name} 相比被调换或重新链接：条目只能追加"))
                break
    return problems


def _short(value) -> str:
    if isinstance(value, str) and HEX64.fullmatch(value):
        return value[:12] + "…"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in sorted(value.items())) + "}"
    return json.dumps(value, ensure_ascii=False)


def append(manifest: dict, entry: dict) -> dict:
    entries = manifest["entries"]
    entry = {**entry, "prev": entries[-1]["sha256"] if entries else GENESIS}
    entry["sha256"] = entry_digest(entry)
    entries.append(entry)
    return entry


def authorised(manifest: dict) -> dict[tuple[str, int], dict]:
    """(notice, version) → its latest entry: the digests now in force."""
    out = {}
    for entry in manifest["entries"]:
        out[(entry["notice"], entry["version"])] = entry
    return out


# ---- references: the last built site and the latest release ---------------------------------------

def site_reference(site_dir: Path) -> tuple[dict, str] | None:
    path = Path(site_dir) / SITE_COPY
    if not path.is_file():
        return None
    return load_manifest(path), str(path)


def release_reference(releases: Path) -> tuple[dict, str] | None:
    """The manifest carried by the newest release (`zhengce-<date>.tar.gz`) in `releases`."""
    found = sorted(Path(releases).glob("zhengce-*.tar.gz")) if releases and Path(releases).is_dir() else []
    if not found:
        return None
    latest = found[-1]
    member = f"{latest.name[:-len('.tar.gz')]}/{SITE_COPY}"
    name = f"{latest}:{SITE_COPY}"
    try:
        with tarfile.open(latest) as tar:
            try:
                data = tar.extractfile(member).read()
            except KeyError:        # a release made before manifests were chained carries none
                return None
    except (OSError, AttributeError, tarfile.TarError) as exc:
        raise ArchiveError([_bad(str(latest), None, "", f"cannot read the archive manifest of this release: {exc}",
                                 f"无法读取该发布包中的存档清单：{exc}")]) from None
    try:
        return parse_manifest(data.decode("utf-8"), name), name
    except UnicodeDecodeError:
        raise ArchiveError([_bad(name, None, "", "the archive manifest is not UTF-8", "存档清单不是 UTF-8 编码")]) from None


def check_manifest(manifest: dict, name: str, references) -> list[Problem]:
    """The chain intact, and every reference (manifest, name) a prefix of it."""
    problems = check_chain(manifest, name)
    for reference, ref_name in references:
        problems += compare_with(reference, manifest, name, ref_name)
    return problems


# ---- checks against the corpus and the built pages ------------------------------------------------

def check_content(corpus, manifest: dict, *, manifest_name: str = "archive/manifest.json") -> list[Problem]:
    """Problems for published versions whose content changed without an erratum, or that disappeared."""
    problems = []
    for (notice_id, number), entry in authorised(manifest).items():
        notice = corpus.notice(notice_id)
        version = notice.version(number) if notice else None
        where = f"{notice_id} v{number}"
        if version is None:
            problems.append(Problem(manifest_name, None, where,
                                    f"published version {where} is missing from policies/: published versions are never removed",
                                    f"已发布的版本 {where} 在 policies/ 中不存在：已发布的版本不能删除"))
            continue
        if content_digest(version) == entry["content_sha256"]:
            continue
        problems.append(_content_problem(notice, version, entry, where, first_published(manifest, notice_id, number)))
    return problems


def _content_change(version, entry) -> str:
    """How a published version's content changed: "source" (the notice as issued: never allowed),
    "errata" (English changed without a new erratum) or "erratum" (recordable by publish)."""
    if source_digest(version) != entry["source_sha256"]:
        return "source"
    errata = list(version.errata or ())
    recorded = entry["errata"]
    if len(errata) <= recorded or errata_digest(errata[:recorded]) != entry.get("errata_sha256", errata_digest(())):
        return "errata"
    return "erratum"


def _content_problem(notice, version, entry, where, published) -> Problem:
    file = _rel(version.source_path)
    since = f"{where} was published on {published} and its content has changed"
    since_zh = f"{where} 已于 {published} 发布，其内容被修改"
    nxt = len(notice.versions) + 1
    change = _content_change(version, entry)
    if change == "source":
        return Problem(file, 1, "", f"{since}, in the notice as issued (its Chinese text, numbers, dates or "
                                    f"structure): restore it and publish the correction as a new version (v{nxt}.yaml)",
                       f"{since_zh}（涉及通知原文：中文文本、数字、日期或结构）：请恢复原文件，并以新版本"
                       f"（v{nxt}.yaml）发布更正")
    if change == "errata":
        return Problem(file, 1, "errata", f"{since}: a correction needs a new entry under errata: "
                                          "(date, where, what changed), and earlier errata never change",
                       f"{since_zh}：更正须在 errata: 下新增一条（日期、位置、改动），已有的勘误不得修改")
    return Problem(file, 1, "errata", f"{since}: record the new errata with `python build.py publish`",
                   f"{since_zh}：请运行 `python build.py publish` 记录新的勘误")


def check_pages(manifest: dict, site_dir: Path) -> list[Problem]:
    """Problems for published pages whose notice content would change in this build."""
    problems = []
    for (notice_id, number), entry in authorised(manifest).items():
        for rel, digest in sorted(entry["pages"].items()):
            page = site_dir / rel
            if not page.exists():
                problems.append(Problem(rel, None, "", "a published page is missing from the build", "已发布的页面在本次构建中缺失"))
            elif page_digest(page.read_text(encoding="utf-8")) != digest:
                problems.append(Problem(rel, None, "",
                                        f"the published text of {notice_id} v{number} would change; published pages "
                                        "change only with an erratum, or a presentation change recorded by "
                                        "`python build.py publish --reason TEXT`",
                                        f"{notice_id} 第 {number} 版已发布页面的正文将被改变；已发布的页面只能随勘误改变，"
                                        "或以 `python build.py publish --reason 说明` 记录呈现方式的改变"))
    return problems


# ---- publishing -----------------------------------------------------------------------------------

def _pages(notice_id: str, number: int, site_dir: Path) -> dict:
    pages = {}
    for rel in version_pages(notice_id, number):
        page = Path(site_dir) / rel
        if page.exists():
            pages[rel] = page_digest(page.read_text(encoding="utf-8"))
    return pages


def publish(corpus, manifest: dict, site_dir: Path, *, on: dt.date, reason: str | None = None) -> list[dict]:
    """Append an entry for every new version, every new erratum, and (with `reason`) every page
    whose rendering changed; ArchiveError for any change no entry may authorise."""
    current = authorised(manifest)
    added, problems = [], []
    for notice in corpus.notices:
        for version in notice.versions:
            key = (notice.id, version.version)
            base = {"notice": notice.id, "version": version.version, "date": on.isoformat(),
                    "content_sha256": content_digest(version), "source_sha256": source_digest(version),
                    "pages": _pages(notice.id, version.version, site_dir), "errata": len(version.errata or ())}
            entry = current.get(key)
            if entry is None:
                added.append(append(manifest, {"kind": "publish", "stage": version.stage, **base}))
            elif base["content_sha256"] != entry["content_sha256"]:
                if _content_change(version, entry) != "erratum":
                    problems.append(_content_problem(notice, version, entry, f"{notice.id} v{version.version}",
                                                     first_published(manifest, *key)))
                else:
                    extra = {"reason": reason} if reason and base["pages"] != entry["pages"] else {}
                    added.append(append(manifest, {"kind": "erratum", **base, **extra,
                                                   "errata_sha256": errata_digest(version.errata)}))
            elif base["pages"] != entry["pages"]:
                if not reason:
                    problems.append(Problem(_rel(version.source_path), None, "",
                                            f"the pages of {notice.id} v{version.version} changed while its content did "
                                            "not: say why with `publish --reason TEXT`",
                                            f"{notice.id} 第 {version.version} 版的页面改变而内容未变：请用 "
                                            "`publish --reason 说明` 说明原因"))
                else:
                    added.append(append(manifest, {"kind": "presentation", **base, "reason": reason}))
    if problems:
        raise ArchiveError(problems)
    return added


def version_pages(notice_id: str, number: int) -> list[str]:
    """Site-relative paths of a version's permanent pages."""
    return [f"{lang}/n/{notice_id}/v{number}/index.html" for lang in ("zh", "en")]


def first_published(manifest: dict, notice_id: str, number: int) -> str | None:
    for entry in manifest["entries"]:
        if entry["kind"] == "publish" and (entry["notice"], entry["version"]) == (notice_id, number):
            return entry["date"]
    return None


def _rel(path: Path) -> str:
    parts = Path(path).parts
    return str(Path(*parts[-3:])) if len(parts) >= 3 else str(path)
