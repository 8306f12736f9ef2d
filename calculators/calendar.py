"""The official public-holiday schedule, as a measure spec carries it.

Each year's days off (放假) and adjusted working days (调休上班) come from that year's State
Council General Office notice (国务院办公厅关于<year>年部分节假日安排的通知); sitegen reads them
from `policies/calendars/<year>.yaml` and puts only the years a measure declares
(`calendar_years`) into the spec:

    spec["calendar"] = {"years": [2022, 2023], "off": ["2022-01-01", …], "work": ["2022-01-29", …],
                        "sources": [{"year", "title", "title_en", "doc_number", "doc_number_en",
                                     "date", "checked"}]}

A day is a holiday when the schedule gives it off; a working day when it is a weekday that is not
off, or a weekend day the schedule makes a working day. Counts are inclusive of both ends, like
`days()`. A day outside the years carried is never guessed at: the expression fails with the year.
"""

import datetime
from decimal import Decimal

from .errors import SpecError
from .expr import CALENDAR_KEY
from .trace import TraceStep

__all__ = ["Calendar", "CALENDAR_KEY", "calendar_note", "calendar_scope"]

_ONE_DAY = datetime.timedelta(days=1)


def _day(text) -> datetime.date:
    return text if isinstance(text, datetime.date) else datetime.date.fromisoformat(str(text))


class Calendar:
    __slots__ = ("years", "off", "work")

    def __init__(self, data: dict):
        try:
            self.years = frozenset(int(y) for y in data.get("years") or ())
            self.off = frozenset(_day(d) for d in data.get("off") or ())
            self.work = frozenset(_day(d) for d in data.get("work") or ())
        except (TypeError, ValueError, AttributeError):
            raise SpecError(("calendar",), "节假日安排数据无效", "the holiday schedule data is invalid") from None

    def missing_year(self, *days):
        """The first year between the earliest and the latest day that the schedule lacks."""
        first, last = min(days), max(days)
        return next((y for y in range(first.year, last.year + 1) if y not in self.years), None)

    def is_holiday(self, day: datetime.date) -> bool:
        return day in self.off

    def is_workday(self, day: datetime.date) -> bool:
        return day in self.work or (day.weekday() < 5 and day not in self.off)

    def _count(self, first, last, test) -> Decimal:
        count, day = 0, first
        while day <= last:
            count += test(day)
            day += _ONE_DAY
        return Decimal(count)

    def holiday_days(self, first: datetime.date, last: datetime.date) -> Decimal:
        return self._count(first, last, self.is_holiday)

    def working_days(self, first: datetime.date, last: datetime.date) -> Decimal:
        return self._count(first, last, self.is_workday)


def calendar_scope(spec: dict) -> dict:
    """The values an evaluation adds for the holiday functions: {CALENDAR_KEY: Calendar} when the
    spec carries a schedule, else {} (a holiday function then fails naming the missing year)."""
    data = spec.get("calendar") if isinstance(spec, dict) else None
    return {CALENDAR_KEY: Calendar(data)} if isinstance(data, dict) else {}


def calendar_note(data: dict, cite) -> TraceStep:
    """The step that cites the schedule a result counted holidays by (and says when a year's
    dates were entered by hand and are not yet checked against the notice)."""
    zh, en = [], []
    for source in data.get("sources") or ():
        unchecked = source.get("checked") is False
        zh.append(f"《{source.get('title')}》（{source.get('doc_number')}，{source.get('date')}）"
                  + ("，本站人工录入，尚待与原通知核对" if unchecked else ""))
        en.append(f"{source.get('title_en')} ({source.get('doc_number_en')}, {source.get('date')})"
                  + (", entered by hand here and not yet checked against the notice" if unchecked else ""))
    return TraceStep("note", None, None, "节假日和调休上班日按：" + "；".join(zh),
                     "Public holidays and adjusted working days as set by: " + "; ".join(en), cite)
