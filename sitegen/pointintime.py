"""Point in time: each version's status as a list of dated periods, for pages and browsers.

The rule stays in `sitegen.lifecycle.status`; this module only samples it. A status can change
only on a day where one of the dates it compares changes the comparison: the version's own dates
(with the end of its measures' dated windows, `lifecycle.windows_end`) and those of the version
that replaces it (`lifecycle.superseded_by`). Sampling the status on each
such day (and the day after, so an inclusive or exclusive end reads the same) gives periods
within which it is constant; tests/test_site_archive.py checks the periods against
`lifecycle.status` day by day.

The periods go to `data/versions.json` (every notice) and `data/n/<id>/versions.json` (one
notice): the in-force page and the calculators pick the version in force on the reader's day
from them, without a second copy of the rule in JavaScript.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitegen import lifecycle, urls
from sitegen.jsonfile import write_json
from sitegen.model import thaw

DAY = dt.timedelta(days=1)
DATE_KEYS = ("written", "published", "valid_from", "valid_to")
FORMAT = 1


def _dates(version) -> set[dt.date]:
    days = {d for d in (version.dates.get(k) for k in DATE_KEYS) if d is not None}
    end = lifecycle.windows_end(version)  # where in_force turns into not_stated
    return days | {end} if end is not None else days


def change_days(version, corpus) -> list[dt.date]:
    """The days on which `version`'s status may change, sorted."""
    days = _dates(version)
    successor = lifecycle.superseded_by(version, corpus)
    if successor is not None:
        days |= _dates(successor)
    return sorted(days | {d + DAY for d in days})


def status_periods(version, corpus) -> list[dict]:
    """[{from, to, status}] covering all time; `from`/`to` are inclusive ISO days, None = open."""
    days = change_days(version, corpus)
    starts = [None, *days]
    periods: list[dict] = []
    for i, start in enumerate(starts):
        probe = start if start is not None else (days[0] - DAY if days else dt.date(2000, 1, 1))
        code = lifecycle.status(version, corpus, on=probe)
        end = starts[i + 1] - DAY if i + 1 < len(starts) else None
        if periods and periods[-1]["status"] == code:
            periods[-1]["to"] = _iso(end)
        else:
            periods.append({"from": _iso(start), "to": _iso(end), "status": code})
    return periods


def status_on(periods: list[dict], on: dt.date) -> str:
    """The status the periods give for the day `on` (the lookup the browser does)."""
    day = on.isoformat()
    for p in periods:
        if (p["from"] is None or p["from"] <= day) and (p["to"] is None or day <= p["to"]):
            return p["status"]
    raise ValueError(f"no period covers {day}")


def notice_entry(notice, corpus, *, build_date: dt.date) -> dict:
    """One notice: every version with its periods, URLs, spec file and measures."""
    versions = []
    for v in notice.versions:
        periods = status_periods(v, corpus)
        successor = lifecycle.superseded_by(v, corpus)
        versions.append({
            "version": v.version,
            "stage": v.stage,
            "title": thaw(v.title),
            "doc_number": v.doc_number,
            "dates": {k: _iso(v.dates.get(k)) for k in DATE_KEYS},
            "status": lifecycle.status(v, corpus, on=build_date),
            "periods": periods,
            # measures_end: the period ends only because the measures' dated windows did
            "in_force": [{"from": p["from"], "to": p["to"], "measures_end": p["measures_end"]}
                         for p in in_force_periods(periods)],
            "superseded_by": ({"notice": successor.id, "version": successor.version}
                              if successor is not None else None),
            "url": {lang: urls.notice(lang, notice.id, v.version) for lang in urls.LANGS},
            "spec": urls.spec(notice.id, v.version) if any(m.calculator for _, m in v.measures()) else None,
            "measures": [{"id": str(m.id), "title": thaw(m.title), "calculator": bool(m.calculator)}
                         for _, m in v.measures()],
        })
    return {
        "id": notice.id,
        "title": thaw(notice.latest.title),
        "latest": notice.latest.version,
        "url": {lang: urls.notice(lang, notice.id) for lang in urls.LANGS},
        "history": {lang: urls.history(lang, notice.id) for lang in urls.LANGS},
        "versions": versions,
    }


def versions_index(corpus, *, build_date: dt.date) -> dict:
    """`data/versions.json`: every notice (see `notice_entry`)."""
    return {"format": FORMAT, "build_date": build_date.isoformat(),
            "notices": [notice_entry(n, corpus, build_date=build_date) for n in corpus.notices]}


def write_index(corpus, site_dir: Path, *, build_date: dt.date, only: set[str] | None = None) -> None:
    """`data/versions.json` and one `data/n/<id>/versions.json` per notice (`only`: of these)."""
    index = versions_index(corpus, build_date=build_date)
    write_json(site_dir / urls.versions(), index)
    for entry in index["notices"]:
        if only is not None and entry["id"] not in only:
            continue
        write_json(site_dir / urls.versions(entry["id"]),
                   {"format": FORMAT, "build_date": index["build_date"], "notice": entry})


def in_force_periods(periods: list[dict]) -> list[dict]:
    """The in-force periods, each marked `measures_end` when it ends only because its measures'
    dated windows did (the next period is "not_stated": the notice itself states no end)."""
    return [{**p, "measures_end": i + 1 < len(periods) and periods[i + 1]["status"] == "not_stated"}
            for i, p in enumerate(periods) if p["status"] == "in_force"]


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()
