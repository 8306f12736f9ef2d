"""Public-holiday schedules (`policies/calendars/<year>.yaml`), checked and shipped to the engine.

Each file is one year's State Council General Office notice (国务院办公厅关于<year>年部分节假日
安排的通知), cited by title, document number and date: the days off (放假, inclusive ranges) and
the weekend days made working days (调休上班). A measure that counts holidays or working days
declares `calendar_years`; its spec then carries only those years (calculators/calendar.py), so
the browser computes from the same data. A notice may set days in the year before its own (the
2023 New Year break starts on 2022-12-31): a year's days are gathered from every file.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from .schema import Bool, Date, Int, List, Obj, Str, Text, _opt
from .schema_help import describe
from .yamlload import Problem, load_yaml_file

FOLDER = "calendars"  # under the policies root; not a notice
DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "policies" / FOLDER

CALENDAR = Obj({
    "year": Int(minimum=1949),
    "source": Obj({"title": Str(), "doc_number": Str(), "date": Date()}),
    "checked": Bool(),  # false: entered by hand, still to be compared with the source notice
    "holidays": List(Obj({
        "name": Text(),
        "off": Obj({"from": Date(), "to": Date()}),
        "work": _opt(List(Date())),
    })),
})


# Editor help for every field (schema/calendar.schema.json, wired in .vscode/settings.json).
HELP = {
    "year": ("The year the schedule is for; the file is named after it (2024.yaml).", "安排所属年份，文件以此命名（如 2024.yaml）。"),
    "source": ("The State Council General Office notice the dates come from.", "日期所依据的国务院办公厅通知。"),
    "source.title": ("Its title: 国务院办公厅关于<year>年部分节假日安排的通知.", "通知标题：国务院办公厅关于<year>年部分节假日安排的通知。"),
    "source.doc_number": ("Its document number, e.g. 国办发明电〔2023〕7号.", "发文字号，如 国办发明电〔2023〕7号。"),
    "source.date": ("The date it was issued.", "成文日期。"),
    "checked": ("false while the dates were entered by hand and not yet compared with the notice; results say so.",
                "日期由人工录入、尚未与原通知核对时为 false；计算结果会注明。"),
    "holidays": ("Each holiday of the year, as the notice lists them.", "当年各节假日，按通知所列。"),
    "holidays[].name": ("The holiday's name (元旦, 春节…).", "节日名称（元旦、春节……）。"),
    "name.zh": ("Chinese name, as in the notice.", "中文名称，照录通知。"),
    "name.en": ("English name.", "英文名称。"),
    "holidays[].off": ("The days off (放假), both ends included; a day of the year before may start it (2022-12-31).",
                       "放假日期（含首尾两日）；可始于上一年（如 2022-12-31）。"),
    "off.from": ("First day off.", "放假首日。"),
    "off.to": ("Last day off.", "放假末日。"),
    "holidays[].work": ("Saturdays and Sundays made working days (调休上班).", "调休上班的周六、周日。"),
}


def calendar_schema() -> dict:
    """The JSON Schema of a calendar file, for editors (schema/calendar.schema.json)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "calendar.schema.json",
            "title": "Zhengce public-holiday schedule (policies/calendars/<year>.yaml)",
            "description": "One year's official holiday schedule — 一年的国务院节假日安排。",
            **describe(CALENDAR.json_schema(), HELP)}


def _days(first: str, last: str):
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def check_file(path: Path, display: str) -> tuple[dict | None, list[Problem]]:
    """One calendar file's data, or its problems (file, line, field; both languages)."""
    loaded, problems = load_yaml_file(path, display)
    if loaded is None or problems:
        return None, problems
    data = loaded.data
    problems = [loaded.problem(p, en, zh) for p, en, zh in CALENDAR.check(data, ())]
    if problems:
        return None, problems
    if str(data["year"]) != path.stem:
        problems.append(loaded.problem(("year",), f"year {data['year']} in a file named {path.name}",
                                       f"文件 {path.name} 中的年份为 {data['year']}"))
    seen_off: set = set()
    for i, holiday in enumerate(data["holidays"]):
        here = ("holidays", i)
        off = holiday["off"]
        if off["from"] > off["to"]:
            problems.append(loaded.problem(here + ("off",), "the days off end before they start",
                                           "放假结束日早于开始日"))
        days = set(_days(off["from"], off["to"]))
        if days & seen_off:
            problems.append(loaded.problem(here + ("off",), "overlaps another holiday's days off",
                                           "与另一节日的放假日期重叠"))
        seen_off |= days
        for j, text in enumerate(holiday.get("work") or ()):
            day = dt.date.fromisoformat(text)
            if day.weekday() < 5:  # 调休上班 is always a Saturday or Sunday
                problems.append(loaded.problem(here + ("work", j), f"{text} is a weekday: an adjusted working day is a Saturday or Sunday",
                                               f"{text} 是工作日：调休上班日应为周六或周日"))
            if day in seen_off:
                problems.append(loaded.problem(here + ("work", j), f"{text} is also a day off", f"{text} 同时是放假日"))
    return (None if problems else data), problems


def load_folder(folder: Path) -> tuple[dict, list[Problem]]:
    """{year: data} of every calendar file in `folder`, and the problems found."""
    found, problems = {}, []
    if not folder.is_dir():
        return found, problems
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml"):
            continue
        display = f"policies/{FOLDER}/{path.name}"
        if not path.stem.isdigit():
            problems.append(Problem(display, None, "", "calendar files are named by year: 2024.yaml",
                                    "节假日安排文件以年份命名，如 2024.yaml"))
            continue
        data, errs = check_file(path, display)
        problems += errs
        if data is not None:
            found[data["year"]] = data
    return found, problems


@functools.lru_cache(maxsize=8)
def _cached(folder: str) -> dict:
    return load_folder(Path(folder))[0]


def calendars_for(policies_root: Path | None) -> dict:
    """The calendars of a policies folder (its own `calendars/`, else the project's)."""
    folder = Path(policies_root) / FOLDER if policies_root is not None else DEFAULT_ROOT
    return _cached(str(folder if folder.is_dir() else DEFAULT_ROOT))


def _english(data: dict) -> dict:
    """The source cited on English pages: the title in English, the number romanised."""
    number = re.fullmatch(r"国办发明电〔(\d{4})〕(\d+)号", data["source"]["doc_number"])
    return {"title_en": f"General Office of the State Council, notice on the arrangement of some "
                        f"public holidays in {data['year']}",
            "doc_number_en": f"Guo Ban Fa Ming Dian [{number.group(1)}] No. {number.group(2)}"
                             if number else data["source"]["doc_number"]}


def spec_calendar(years, calendars: dict) -> dict | None:
    """What a spec carries for `calendar_years` (calculators/calendar.py), or None when the
    measure declares none. A year without a file is left out: check_measure names it."""
    if not isinstance(years, list) or not years:
        return None
    wanted = {y for y in years if isinstance(y, int) and y in calendars}
    off, work = set(), set()
    for data in calendars.values():
        for holiday in data["holidays"]:
            off |= {d for d in _days(holiday["off"]["from"], holiday["off"]["to"]) if d.year in wanted}
            work |= {dt.date.fromisoformat(d) for d in holiday.get("work") or ()
                     if dt.date.fromisoformat(d).year in wanted}
    sources = [{"year": data["year"], **data["source"], **_english(data), "checked": data["checked"]}
               for year, data in sorted(calendars.items())
               if year in wanted or any(d.year in wanted for h in data["holidays"]
                                        for d in _days(h["off"]["from"], h["off"]["to"]))]
    return {"years": sorted(wanted), "off": sorted(d.isoformat() for d in off),
            "work": sorted(d.isoformat() for d in work), "sources": sources}


def with_calendar(spec: dict, policies_root: Path | None) -> dict:
    """`spec` plus the holiday schedule of the years it declares (unchanged when it declares none)."""
    calendar = spec_calendar(spec.get("calendar_years"), calendars_for(policies_root))
    return spec if calendar is None else {**spec, "calendar": calendar}


if __name__ == "__main__":  # python -m sitegen.calendars > schema/calendar.schema.json
    import json
    print(json.dumps(calendar_schema(), ensure_ascii=False, indent=2))
