"""The holiday schedules in policies/calendars/ against an independent transcription of the same
State Council notices: the `chinesecalendar` package (its holidays and adjusted working days).

The files are entered by hand (`checked: false` until compared with the notices themselves); this
catches a mistyped or missing day. The one known difference is a reading, not a typo: where a
notice gives one day off "与周末连休" (joined to the weekend), our files list that day only and
the weekend stays an ordinary rest day; chinesecalendar does the same for 端午 2024 (10 June) but
labels the weekend before New Year's Day 2024 as holiday too.
"""

import datetime as dt
from pathlib import Path

import yaml



ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "policies" / "calendars"
YEARS = sorted(int(p.stem) for p in FOLDER.glob("*.yaml"))
# chinesecalendar labels the weekend next to 1 January 2024 as New Year's holiday (see above).
READING = {dt.date(2023, 12, 30), dt.date(2023, 12, 31)}


def _days(start: dt.date, end: dt.date):
    while start <= end:
        yield start
        start += dt.timedelta(days=1)


def _ours():
    off, work = set(), set()
    for year in YEARS:
        data = yaml.safe_load((FOLDER / f"{year}.yaml").read_text(encoding="utf-8"))
        assert data["year"] == year
        for holiday in data["holidays"]:
            off |= set(_days(holiday["off"]["from"], holiday["off"]["to"]))
            work |= set(holiday.get("work") or ())
    return off, work


def test_the_schedules_cover_2021_to_2026():
    assert YEARS == list(range(2021, 2027))


def test_every_day_off_and_every_working_weekend_day_agrees_with_chinesecalendar():
    from chinese_calendar import constants
    off, work = _ours()
    first, last = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
    theirs_off = {d for d in constants.holidays if first <= d <= last} - READING
    theirs_work = {d for d in constants.workdays if first <= d <= last}
    # Days of a range that cross into a year before the first file (none today) are ours alone.
    assert sorted(off - theirs_off) == [] and sorted(theirs_off - off) == []
    assert sorted(work - theirs_work) == [] and sorted(theirs_work - work) == []
    assert len(off) > 150 and len(work) > 20   # the comparison compares something
