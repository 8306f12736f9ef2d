"""Open data written beside the pages: per-notice JSON (+ JSON Schema), an index, Atom feeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sitegen import urls
from sitegen.jsonfile import write_json
from sitegen.model import thaw
from sitegen.pages import notice_date
from sitegen.schema import json_schema

FEED_ENTRIES = 50


def write_data(corpus, site_dir: Path, *, status_of, only: set[str] | None = None) -> None:
    """`data/n/<id>/v<k>.json` per version, `data/n/<id>.json` (latest), index and schema.

    `only`: write the per-notice files of these notices alone (the live preview's rebuild)."""
    write_json(site_dir / "data" / "notice.schema.json", json_schema())
    index = []
    for notice in corpus.notices:
        for version in notice.versions if only is None or notice.id in only else ():
            write_json(site_dir / urls.data(notice.id, version.version), thaw(version.data))
        if only is None or notice.id in only:
            write_json(site_dir / urls.data(notice.id), thaw(notice.latest.data))
        v = notice.latest
        d = notice_date(v)
        index.append({
            "id": notice.id, "title": thaw(v.title), "doc_number": v.doc_number,
            "date": d.isoformat() if d else None, "region": thaw(v.region),
            "status": status_of(v), "versions": [x.version for x in notice.versions],
            "json": urls.data(notice.id), "zh": urls.notice("zh", notice.id),
            "en": urls.notice("en", notice.id),
        })
    write_json(site_dir / "data" / "index.json", {"schema": "notice.schema.json", "notices": index})


def write_feeds(corpus, site_dir: Path, *, site_url: str, status_of) -> None:
    """One Atom feed per language: the latest version of every notice, newest first."""
    base = site_url.rstrip("/") + "/"
    for lang in urls.LANGS:
        entries = sorted(((notice_date(n.latest) or dt.date.min, n) for n in corpus.notices),
                         key=lambda e: (-e[0].toordinal(), e[1].id))[:FEED_ENTRIES]
        updated = max((d for d, _ in entries), default=dt.date(2000, 1, 1))
        title = {"zh": "政策通知 · 最新", "en": "Policy notices · latest"}[lang]
        parts = ['<?xml version="1.0" encoding="utf-8"?>',
                 f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{urls.HTML_LANG[lang]}">',
                 f"<title>{escape(title)}</title>",
                 f"<id>{escape(base + urls.feed(lang))}</id>",
                 f'<link rel="self" href={quoteattr(base + urls.feed(lang))}/>',
                 f'<link href={quoteattr(base + urls.home(lang))}/>',
                 f"<updated>{_stamp(updated)}</updated>"]
        for day, notice in entries:
            v = notice.latest
            link = base + urls.notice(lang, notice.id)
            issuers = ("、" if lang == "zh" else "; ").join(i[lang] for i in v.issuers)
            summary = " · ".join(x for x in (v.doc_number, issuers, v.region.name[lang]) if x)
            parts += ["<entry>",
                      f"<title>{escape(v.title[lang])}</title>",
                      f"<id>{escape(base + urls.notice(lang, notice.id, v.version))}</id>",
                      f'<link href={quoteattr(link)}/>',
                      f"<updated>{_stamp(day)}</updated>",
                      f"<author><name>{escape(issuers)}</name></author>",
                      f'<category term="{status_of(v)}"/>',
                      f"<summary>{escape(summary)}</summary>",
                      "</entry>"]
        parts.append("</feed>")
        path = site_dir / urls.feed(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _stamp(day: dt.date) -> str:
    return "1970-01-01T00:00:00Z" if day == dt.date.min else f"{day.isoformat()}T00:00:00Z"
