"""The archive manifest: every published version, with digests that must never change.

`archive/manifest.json` lists each published (notice, version) with the day it was published,
the sha256 of its content (the validated data as canonical JSON, so comments and formatting in
the YAML may change but no fact may), and the sha256 of the notice content of its permanent pages
(`/zh/n/<id>/v<k>/`, `/en/n/<id>/v<k>/`). A build fails when any of them differs: a published
version is corrected by publishing a new version, never by editing the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from .model import thaw
from .yamlload import Problem

MANIFEST_VERSION = 1
CONTENT_RE = re.compile(r"<!-- notice-content -->(.*?)<!-- /notice-content -->", re.S)


class ArchiveError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def content_digest(version) -> str:
    canonical = json.dumps(thaw(version.data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def page_digest(html: str) -> str:
    """sha256 of the notice content of a page (the part between the content markers).

    The site chrome (navigation, footer, asset names) may evolve; the published text may not.
    """
    # A page may mark several stretches (chrome such as a calculator form sits between them).
    parts = CONTENT_RE.findall(html)
    body = "".join(parts) if parts else html
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def load_manifest(path: Path) -> dict:
    if not path.exists():
        return {"manifest_version": MANIFEST_VERSION, "versions": []}
    return json.loads(path.read_text(encoding="utf-8"))


def save_manifest(path: Path, manifest: dict) -> None:
    manifest["versions"].sort(key=lambda e: (e["notice"], e["version"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def version_pages(notice_id: str, number: int) -> list[str]:
    """Site-relative paths of a version's permanent pages."""
    return [f"{lang}/n/{notice_id}/v{number}/index.html" for lang in ("zh", "en")]


def check_content(corpus, manifest: dict, *, manifest_name: str = "archive/manifest.json") -> list[Problem]:
    """Problems for published versions whose content changed or that disappeared."""
    problems = []
    for entry in manifest["versions"]:
        notice = corpus.notice(entry["notice"])
        version = notice.version(entry["version"]) if notice else None
        where = f"{entry['notice']} v{entry['version']}"
        if version is None:
            problems.append(Problem(manifest_name, None, where,
                                    f"published version {where} is missing from policies/: published versions are never removed",
                                    f"已发布的版本 {where} 在 policies/ 中不存在：已发布的版本不能删除"))
            continue
        if content_digest(version) != entry["content_sha256"]:
            problems.append(Problem(_rel(version.source_path), 1, "",
                                    f"{where} was published on {entry['published']} and its content has changed; "
                                    f"restore it and publish the correction as a new version (v{len(notice.versions) + 1}.yaml)",
                                    f"{where} 已于 {entry['published']} 发布，其内容被修改；请恢复原文件，并以新版本"
                                    f"（v{len(notice.versions) + 1}.yaml）发布更正"))
    return problems


def check_pages(manifest: dict, site_dir: Path) -> list[Problem]:
    """Problems for published pages whose notice content would change in this build."""
    problems = []
    for entry in manifest["versions"]:
        for rel, digest in sorted(entry.get("pages", {}).items()):
            page = site_dir / rel
            if not page.exists():
                problems.append(Problem(rel, None, "", "a published page is missing from the build", "已发布的页面在本次构建中缺失"))
            elif page_digest(page.read_text(encoding="utf-8")) != digest:
                problems.append(Problem(rel, None, "",
                                        f"the published text of {entry['notice']} v{entry['version']} would change; "
                                        "published pages never change",
                                        f"{entry['notice']} 第 {entry['version']} 版已发布页面的正文将被改变；已发布的页面不得改变"))
    return problems


def publish(corpus, manifest: dict, site_dir: Path, *, on: dt.date) -> list[tuple[str, int]]:
    """Record every version not yet in the manifest (drafts included: they were published for comment)."""
    recorded = {(e["notice"], e["version"]) for e in manifest["versions"]}
    added = []
    for notice in corpus.notices:
        for version in notice.versions:
            key = (notice.id, version.version)
            if key in recorded:
                continue
            pages = {}
            for rel in version_pages(notice.id, version.version):
                page = site_dir / rel
                if page.exists():
                    pages[rel] = page_digest(page.read_text(encoding="utf-8"))
            manifest["versions"].append({
                "notice": notice.id, "version": version.version, "published": on.isoformat(),
                "stage": version.stage, "content_sha256": content_digest(version), "pages": pages,
            })
            added.append(key)
    return added


def _rel(path: Path) -> str:
    parts = Path(path).parts
    return str(Path(*parts[-3:])) if len(parts) >= 3 else str(path)
