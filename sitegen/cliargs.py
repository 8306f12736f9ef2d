"""Command-line values checked before any work starts: days, version numbers, SOURCE_DATE_EPOCH.

Used as argparse `type=` callables, so a bad value ends in argparse's usage line and exit 2,
naming the option, with the reason in both languages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re

# Notices are from this century; the bounds keep a typo such as 20224 from passing for a date
# (and match the browser's, calculators/web/calculator.js).
MIN_YEAR, MAX_YEAR = 1900, 2199
_EPOCH_END = int(dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=dt.timezone.utc).timestamp())
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_day(text: str) -> dt.date:
    """A calendar day written YYYY-MM-DD within MIN_YEAR..MAX_YEAR, else ValueError (zh and en)."""
    match = _DAY.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD / “{text}”不是 YYYY-MM-DD 格式的日期")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR} / 年份 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间")
    try:
        return dt.date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar / {text} 不是日历上存在的日期") from None


def day(text: str) -> str:
    """argparse type: the day, normalised to ISO text (callers keep handling strings)."""
    try:
        return parse_day(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def version_number(text: str) -> int:
    """argparse type: a version number, 1 or more (0 used to mean "latest" silently)."""
    if not re.fullmatch(r"\s*[1-9]\d{0,5}\s*", text):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a version number (1, 2, …) / “{text}”不是版本号（1、2……）")
    return int(text)


def epoch_day(value: str) -> dt.date:
    """The UTC day of SOURCE_DATE_EPOCH (whole seconds since 1970), else ValueError (zh and en)."""
    if not re.fullmatch(r"\d{1,12}", value.strip()):
        raise ValueError(f"SOURCE_DATE_EPOCH='{value}' is not a whole number of seconds since 1970 / "
                         f"SOURCE_DATE_EPOCH=“{value}”不是自 1970 年起的整秒数")
    if int(value) >= _EPOCH_END:
        raise ValueError(f"SOURCE_DATE_EPOCH={value} is after {MAX_YEAR} / SOURCE_DATE_EPOCH={value} 晚于 {MAX_YEAR} 年")
    return dt.datetime.fromtimestamp(int(value), dt.timezone.utc).date()


def port(text: str) -> int:
    """argparse type: a TCP port, 0 (any free one) to 65535."""
    if not re.fullmatch(r"\d{1,5}", text.strip()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (0–65535) / “{text}”不是端口号（0–65535）")
    return int(text)
