"""A notice's status, derived from its dates, stage and relations; never typed by hand."""

from __future__ import annotations

import datetime as dt

STATUS_LABELS = {
    "draft": {"zh": "征求意见稿", "en": "Draft for comment"},
    "not_yet": {"zh": "尚未施行", "en": "Not yet in force"},
    "in_force": {"zh": "现行有效", "en": "In force"},
    "expired": {"zh": "已失效", "en": "Expired"},
    "superseded": {"zh": "已被取代", "en": "Superseded"},
    "not_stated": {"zh": "未载明有效期", "en": "Status not stated"},
}
WINDOW_KINDS = ("qualifying", "application")  # a measure's dated windows (calculators/status.py)


def superseded_by(version, corpus):
    """The (notice, version) that supersedes or repeals `version`, if any.

    A later version of the same notice supersedes earlier ones; a version of another notice can
    supersede or repeal a notice through its `relates` entries.
    """
    notice = corpus.notice(version.id)
    if notice is not None and version is not notice.latest and version.stage == "final":
        later = [v for v in notice.versions if v.version > version.version and v.stage == "final"]
        if later:
            return later[0]
    for v, rel in _replacements(corpus).get(version.id, ()):
        if rel.version in (None, version.version):
            return v
    return None


_INDEX: dict = {}


def _replacements(corpus) -> dict:
    """notice id → [(version, relation)] of versions that supersede or repeal it; built once per corpus."""
    cached = _INDEX.get(id(corpus))
    if cached is not None and cached[0] is corpus:
        return cached[1]
    index: dict = {}
    for other in corpus.notices:
        for v in other.versions:
            for rel in v.relates or ():
                if rel.kind in ("supersedes", "repeals"):
                    index.setdefault(rel.notice, []).append((v, rel))
    _INDEX.clear()  # one corpus at a time is all a build needs
    _INDEX[id(corpus)] = (corpus, index)
    return index


def start_date(version):
    dates = version.dates
    return dates.valid_from or dates.published or dates.written


def windows_end(version) -> dt.date | None:
    """The last day of the measures' dated windows, when every dated window has an end.

    None when no measure declares a dated window, or when one has a start but no end: the
    notice's own words then say nothing about when its measures stop.
    """
    ends = []
    for _, measure in version.measures():
        for kind in WINDOW_KINDS:
            window = measure.get(kind)
            if not window or (window.get("from") is None and window.get("to") is None):
                continue
            if window.get("to") is None:
                return None
            ends.append(dt.date.fromisoformat(str(window["to"])))
    return max(ends) if ends else None


def status(version, corpus, on: dt.date) -> str:
    """draft | not_yet | in_force | expired | superseded | not_stated, as of the day `on`.

    not_stated: the notice states no end of validity (no valid_to) and every dated window of its
    measures has ended; the notice is not called expired, since it never says so.
    """
    if version.stage == "draft":
        return "draft"
    successor = superseded_by(version, corpus)
    if successor is not None:
        begins = start_date(successor)
        if begins is None or begins <= on:
            return "superseded"
    begins = start_date(version)
    if begins is not None and on < begins:
        return "not_yet"
    if version.dates.valid_to is not None and on > version.dates.valid_to:
        return "expired"
    if version.dates.valid_to is None:
        end = windows_end(version)
        if end is not None and on > end:
            return "not_stated"
    return "in_force"


def in_force_on(corpus, on: dt.date):
    """Every (notice, version) in force on the day `on`."""
    out = []
    for notice in corpus.notices:
        for version in notice.versions:
            if status(version, corpus, on) == "in_force":
                out.append((notice, version))
    return out


def version_on(notice, corpus, on: dt.date):
    """The version of `notice` in force on the day `on`, or None (a draft is never in force)."""
    for version in reversed(notice.versions):
        if status(version, corpus, on) == "in_force":
            return version
    return None
