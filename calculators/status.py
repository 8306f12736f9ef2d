"""The notice's status inside a result: what the notice and the measure's dated windows say on a day.

The engine knows no YAML and no corpus: `sitegen/specs.py` puts into each measure spec what this
needs (see docs/format.md, "Status inside a result"):

    spec["status"] = {"periods": [{from, to, status}],          this version, all time covered
                      "notice_in_force": [{from, to}]}          every version's in-force periods
    spec["qualifying"] / spec["application"] = {from, to, text}  the measure's dated windows

Period statuses are those of `sitegen.lifecycle.status`; dates are inclusive ISO days, None =
open. Everything here is a lookup on those data, so CPython and Pyodide give the same answer.
"""

import datetime

from .errors import InputError

WINDOW_KINDS = ("qualifying", "application")
# lifecycle codes → the codes of a result (the contract spells "not yet in force" out)
_CODES = {"not_yet": "not_yet_in_force"}
_DAY = datetime.timedelta(days=1)

_LABELS = {
    "draft": ("征求意见稿", "Draft for comment"),
    "not_yet_in_force": ("尚未施行", "Not yet in force"),
    "in_force": ("现行有效", "In force"),
    "expired": ("已失效", "Expired"),
    "superseded": ("已被取代", "Superseded"),
    "not_stated": ("通知未载明有效期", "Status not stated in the notice"),
    "none": ("该日无有效版本", "No version in force on this day"),
}
# {d}: the date the frame is about (see _frame_date); {on}: the calculation date
_FRAMES = {
    "draft": ("征求意见稿——尚未生效；以下是草案拟定的内容",
              "Draft for comment — not in force; this is what the draft proposes"),
    "not_yet_in_force": ("尚未施行（自{d}起施行）——以下是其施行后给予的内容",
                         "Not yet in force (takes effect on {d}) — this is what it grants once in force"),
    "not_yet_in_force_undated": ("尚未施行——以下是其施行后给予的内容",
                                 "Not yet in force — this is what it grants once in force"),
    "expired": ("已于{d}失效——以下是其有效期内给予的内容",
                "Expired on {d} — this is what it granted while in force"),
    "superseded": ("自{d}起已被取代——以下是其被取代前给予的内容",
                   "Superseded from {d} — this is what it granted before it was replaced"),
    "not_stated": ("通知未载明有效期；其措施载明的期限已于{d}结束——以下是这些期限内给予的内容",
                   "Status not stated in the notice; its measures' stated periods ended on {d} — "
                   "this is what it granted for those periods"),
    "none": ("{on}本通知没有任何版本有效——以下按本版本计算",
             "No version of the notice was in force on {on} — this is computed with this version"),
    "unknown": ("没有本通知的日期资料，无法判断{on}的状态——以下按本版本计算",
                "There are no dates on record for this notice, so its status on {on} is not known — "
                "this is computed with this version"),
}
_WINDOW_NAMES = {"qualifying": ("规定期间", "Qualifying period"), "application": ("申请期限", "Application window")}
_STATES = {"open": ("进行中", "open"), "not_yet_open": ("尚未开始", "not yet open"),
           "closed": ("已结束", "closed"), "undated": ("未规定起止日期", "no dates stated")}
_WINDOW_FRAMES = {
    ("application", "closed"): ("申请已于{to}截止", "applications closed on {to}"),
    ("application", "not_yet_open"): ("申请自{from}开始", "applications open on {from}"),
    ("qualifying", "closed"): ("规定期间已于{to}结束", "the qualifying period ended on {to}"),
    ("qualifying", "not_yet_open"): ("规定期间自{from}开始", "the qualifying period starts on {from}"),
}


def as_day(value) -> datetime.date:
    """`on` as a date: a date, or an ISO day (YYYY-MM-DD); anything else names the field."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError("on", "bad_date", f"计算日期须为 YYYY-MM-DD 格式的日期，不是 {value!r}",
                     f"the calculation date must be a day as YYYY-MM-DD, not {value!r}")


def result_status(spec: dict, on, lang: str) -> dict:
    """The `status` object of a result (the contract in HELPERS.md / docs/format.md)."""
    day = as_day(on)
    code, around = _notice_code(spec.get("status"), day)
    windows = [_window(kind, spec[kind], day, lang) for kind in WINDOW_KINDS
               if isinstance(spec.get(kind), dict)]
    frames = []
    if code != "in_force":
        key = code
        if code == "none" and not _periods(spec.get("status")):
            key = "unknown"
        elif code == "not_yet_in_force" and around is None:
            key = "not_yet_in_force_undated"
        frames.append(_fill(_FRAMES[key], lang, d=around, on=day))
    for w in windows:  # once the notice is not in force, its own frame covers the qualifying periods
        if code != "in_force" and w["kind"] != "application":
            continue
        words = _WINDOW_FRAMES.get((w["kind"], w["state"]))
        if words:
            frames.append(_fill(words, lang, **{"from": _day(w["from"]), "to": _day(w["to"])}))
    separator = "；" if lang == "zh" else "; "
    frame = separator.join(frames) if frames else None
    if frame and lang == "en":
        frame = frame[0].upper() + frame[1:]
    claimable = code == "in_force" and all(w["state"] in ("open", "undated") for w in windows
                                           if w["kind"] == "application")
    return {"on": day.isoformat(), "notice_status": code, "label": _pick(_LABELS[code], lang),
            "frame": frame, "claimable": claimable, "windows": windows}


def _periods(status) -> list:
    return status.get("periods") or [] if isinstance(status, dict) else []


def _notice_code(status, day: datetime.date):
    """(result code, the date its frame names or None)."""
    periods = _periods(status)
    iso = day.isoformat()
    for i, p in enumerate(periods):
        if _covers(p, iso):
            code = _CODES.get(p["status"], p["status"])
            break
    else:
        return "none", None
    if code in ("not_yet_in_force", "expired") and _between_versions(status, iso):
        return "none", None
    if code == "not_yet_in_force":  # the day it takes effect: where the next period begins
        later = periods[i + 1] if i + 1 < len(periods) else None
        return code, _day(later["from"]) if later and later["status"] == "in_force" else None
    if code in ("expired", "not_stated"):  # the last day before: the period's start minus one
        return code, _day(p["from"]) - _DAY if p["from"] else None
    if code == "superseded":
        return code, _day(p["from"])
    return code, None


def _between_versions(status, iso: str) -> bool:
    """No version in force on the day, but one was before it and one is after it."""
    spans = status.get("notice_in_force") or []
    before = any(s["to"] is not None and s["to"] < iso for s in spans)
    after = any(s["from"] is not None and s["from"] > iso for s in spans)
    return before and after and not any(_covers(s, iso) for s in spans)


def _covers(period: dict, iso: str) -> bool:
    return (period.get("from") is None or period["from"] <= iso) and \
        (period.get("to") is None or iso <= period["to"])


def _window(kind: str, data: dict, day: datetime.date, lang: str) -> dict:
    start, end = _iso(data.get("from")), _iso(data.get("to"))
    iso = day.isoformat()
    if start is None and end is None:
        state = "undated"
    elif start is not None and iso < start:
        state = "not_yet_open"
    elif end is not None and iso > end:
        state = "closed"
    else:
        state = "open"
    name = _pick(_WINDOW_NAMES[kind], lang)
    if state == "undated":
        text = f"{name}：{_pick(_STATES[state], lang)}" if lang == "zh" else f"{name}: {_STATES[state][1]}"
    else:
        text = f"{name}：{_span(start, end, lang)}（{_pick(_STATES[state], lang)}）" if lang == "zh" \
            else f"{name}: {_span(start, end, lang)} ({_STATES[state][1]})"
    note = data.get("text")
    return {"kind": kind, "from": start, "to": end, "state": state, "text": text,
            "note": note.get(lang) if isinstance(note, dict) else None}


def _span(start, end, lang: str) -> str:
    if lang == "zh":
        if start and end:
            return f"{_show(start, lang)}至{_show(end, lang)}"
        return f"{_show(start, lang)}起" if start else f"至{_show(end, lang)}"
    if start and end:
        return f"{start} to {end}"
    return f"from {start}" if start else f"until {end}"


def _fill(words, lang: str, **values) -> str:
    text = _pick(words, lang)
    for name, value in values.items():
        if value is not None:
            text = text.replace("{" + name + "}", _show(value, lang))
    return text


def _show(value, lang: str) -> str:
    """A day as the frame prints it: 2021年3月31日 / 2021-03-31."""
    day = _day(value)
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def _pick(pair, lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _iso(value):
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _day(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)
