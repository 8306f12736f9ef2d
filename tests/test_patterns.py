"""Rule patterns from notices outside the seeds (issue 15.4): day counts over dated periods,
the overlap of two date ranges, the official holiday schedule (policies/calendars/) shipped in
the spec, and a condition that must hold on each day (a list of days)."""

from __future__ import annotations

import copy
import re
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculators import InputError, calculate, check_measure
from calculators.calendar import Calendar
from calculators.expr import compile_expression
from sitegen import calendars
from sitegen.readers import ValidationFailed, load_policies
from sitegen.specs import measure_spec
from tests.strategies import inputs_for
from tests.test_engine_properties import _run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "patterns"
D = dt.date


def ev(source, **values):
    return compile_expression(source).evaluate(values)


@pytest.fixture(scope="module")
def demo():
    return load_policies(FIXTURE)  # runs the golden cases: a wrong amount fails here


@pytest.fixture(scope="module")
def project_calendars():
    found, problems = calendars.load_folder(ROOT / "policies" / "calendars")
    assert problems == []
    return found


def spec_of(demo, measure_id):
    version = demo.notices[0].latest
    return measure_spec(version, version.measure(measure_id)[1])


# -- days and overlaps ------------------------------------------------------------------------

def test_days_counts_both_ends_and_never_negative():
    assert ev("days(a, b)", a=D(2022, 12, 1), b=D(2023, 1, 31)) == 62
    assert ev("days(a, a)", a=D(2024, 2, 29)) == 1
    assert ev("days(b, a)", a=D(2022, 12, 1), b=D(2023, 1, 31)) == 0


@pytest.mark.parametrize("a, b, expected", [
    ((D(2022, 11, 15), D(2023, 2, 20)), (D(2022, 12, 1), D(2023, 1, 31)), 62),   # covers the period
    ((D(2023, 1, 20), D(2023, 1, 28)), (D(2022, 12, 1), D(2023, 1, 31)), 9),     # inside
    ((D(2022, 11, 1), D(2022, 12, 1)), (D(2022, 12, 1), D(2023, 1, 31)), 1),     # touch on one day
    ((D(2022, 11, 1), D(2022, 11, 30)), (D(2022, 12, 1), D(2023, 1, 31)), 0),    # adjacent, no overlap
    ((D(2023, 3, 1), D(2023, 2, 1)), (D(2022, 12, 1), D(2023, 12, 31)), 0),      # an empty range
])
def test_overlap_days(a, b, expected):
    assert ev("overlap_days(a1, a2, b1, b2)", a1=a[0], a2=a[1], b1=b[0], b2=b[1]) == expected


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(dates, dates, dates, dates)
def test_overlap_days_properties(a1, a2, b1, b2):
    found = ev("overlap_days(a1, a2, b1, b2)", a1=a1, a2=a2, b1=b1, b2=b2)
    assert found == ev("overlap_days(b1, b2, a1, a2)", a1=a1, a2=a2, b1=b1, b2=b2)  # symmetric
    assert 0 <= found <= min(ev("days(a1, a2)", a1=a1, a2=a2), ev("days(b1, b2)", b1=b1, b2=b2))
    brute = sum(1 for n in range(max(0, (a2 - a1).days + 1))
                if b1 <= a1 + dt.timedelta(days=n) <= b2)
    assert found == brute


def test_overlap_days_is_type_checked():
    with pytest.raises(Exception, match="expected date"):
        compile_expression("overlap_days(a, b, c, 3)").infer({n: "date" for n in "abc"})


# -- the holiday schedule ---------------------------------------------------------------------

def test_every_year_2021_to_2026_cites_its_notice(project_calendars):
    assert sorted(project_calendars) == [2021, 2022, 2023, 2024, 2025, 2026]
    for year, data in project_calendars.items():
        source = data["source"]
        assert source["title"] == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert source["doc_number"].startswith(f"国办发明电〔{year - 1}〕")
        assert source["date"].startswith(str(year - 1))
        assert data["checked"] is False  # entered by hand: says so until checked against the source
        text = (ROOT / "policies" / "calendars" / f"{year}.yaml").read_text(encoding="utf-8")
        assert "ENTERED BY HAND" in text


def test_each_schedule_has_the_seven_holidays(project_calendars):
    """A structural check of the hand-entered data: every festival is there, no break is
    longer than 9 days, every adjusted working day is a Saturday or Sunday."""
    for year, data in project_calendars.items():
        names = "、".join(h["name"]["zh"] for h in data["holidays"])
        for festival in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
            assert festival in names, (year, festival)
        for holiday in data["holidays"]:
            start, end = (D.fromisoformat(holiday["off"][k]) for k in ("from", "to"))
            assert 1 <= (end - start).days + 1 <= 9
            for day in holiday.get("work") or ():
                assert D.fromisoformat(day).weekday() >= 5


def test_known_days(project_calendars):
    cal = Calendar(calendars.spec_calendar([2022, 2023, 2024, 2025], project_calendars))
    assert cal.is_holiday(D(2022, 12, 31))        # set by the 2023 notice
    assert cal.is_holiday(D(2023, 1, 22)) and not cal.is_workday(D(2023, 1, 22))
    assert cal.is_workday(D(2023, 1, 28))         # Saturday made a working day
    assert not cal.is_workday(D(2023, 2, 4))      # an ordinary Saturday
    assert cal.is_workday(D(2023, 2, 6)) and not cal.is_holiday(D(2023, 2, 6))
    assert cal.holiday_days(D(2022, 12, 1), D(2023, 1, 31)) == 10
    assert cal.working_days(D(2022, 12, 1), D(2023, 1, 31)) == 40
    assert cal.holiday_days(D(2024, 2, 10), D(2024, 2, 17)) == 8
    assert cal.holiday_days(D(2025, 1, 28), D(2025, 2, 4)) == 8
    assert cal.working_days(D(2025, 4, 27), D(2025, 4, 27)) == 1  # Sunday made a working day
    assert cal.missing_year(D(2023, 12, 1), D(2024, 1, 31)) is None
    assert cal.missing_year(D(2025, 12, 1), D(2026, 1, 31)) == 2026


def test_spec_carries_only_the_years_declared(demo):
    spec = spec_of(demo, "1")
    assert spec["calendar"]["years"] == [2022, 2023]
    assert all(d[:4] in ("2022", "2023") for d in spec["calendar"]["off"] + spec["calendar"]["work"])
    assert "2022-12-31" in spec["calendar"]["off"]
    assert {s["year"] for s in spec["calendar"]["sources"]} == {2022, 2023}
    assert all(s["doc_number"] and s["title"] and s["date"] for s in spec["calendar"]["sources"])


def test_calendar_file_mistakes_name_file_line_and_field(tmp_path):
    folder = tmp_path / "calendars"
    folder.mkdir()
    text = (ROOT / "policies" / "calendars" / "2023.yaml").read_text(encoding="utf-8")
    (folder / "2023.yaml").write_text(text.replace("work: [2023-01-28, 2023-01-29]",
                                                   "work: [2023-01-30, 2023-01-29]"), encoding="utf-8")
    (folder / "2024.yaml").write_text(text, encoding="utf-8")  # says year 2023
    _, problems = calendars.load_folder(folder)
    by_file = {(p.file.rsplit("/", 1)[-1], p.field): p for p in problems}
    weekday = by_file[("2023.yaml", "holidays[1].work[0]")]
    assert weekday.line == next(i for i, line in enumerate(text.splitlines(), 1)
                                if line.strip() == "work: [2023-01-28, 2023-01-29]")
    assert "weekday" in weekday.message_en and "工作日" in weekday.message_zh
    assert ("2024.yaml", "year") in by_file


def test_a_broken_calendar_fails_validate(tmp_path):
    root = tmp_path / "policies"
    (root / "calendars").mkdir(parents=True)
    (root / "calendars" / "2023.yaml").write_text("year: 2023\nholidays: []\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_policies(root)
    assert any(p.field == "source" and p.file.endswith("calendars/2023.yaml") for p in failed.value.problems)


# -- static checks ----------------------------------------------------------------------------

def _without(spec, *keys):
    spec = copy.deepcopy(spec)
    for key in keys:
        spec.pop(key, None)
    return spec


def test_holiday_functions_need_calendar_years(demo):
    spec = _without(spec_of(demo, "3"), "calendar_years", "calendar")
    [problem] = check_measure(spec)
    assert problem.path == ("rules", 1, "expr") and "calendar_years" in problem.message_en
    assert "calendar_years" in problem.message_zh


def test_a_year_without_a_schedule_is_named(demo):
    spec = copy.deepcopy(spec_of(demo, "3"))
    spec["calendar_years"] = [2022, 2023, 2031]
    [problem] = check_measure(spec)
    assert problem.path == ("calendar_years", 2) and "2031" in problem.message_en and "2031" in problem.message_zh


def test_calendar_years_without_a_holiday_function_is_refused(demo):
    spec = copy.deepcopy(spec_of(demo, "3"))
    spec["rules"][1]["expr"] = "days(start, end)"
    assert [p.path for p in check_measure(spec)] == [("calendar_years",)]


def test_a_holiday_count_over_constant_dates_is_not_folded_by_validate(demo):
    spec = copy.deepcopy(spec_of(demo, "3"))
    spec["rules"][1]["expr"] = "working_days(date('2022-12-01'), date('2023-01-31'))"
    assert check_measure(spec) == []
    assert calculate(spec, {"trainees": 1, "start": "2022-12-01", "end": "2022-12-02"})["amount"] == "2000.00"


# -- running -----------------------------------------------------------------------------------

def test_a_date_outside_the_schedule_blames_the_input(demo):
    spec = copy.deepcopy(spec_of(demo, "3"))
    for field in spec["inputs"][1:]:
        field.pop("max")
    with pytest.raises(InputError) as error:
        calculate(spec, {"trainees": 1, "start": "2023-12-20", "end": "2024-01-10"})
    assert error.value.input_id in ("start", "end") and error.value.code == "no_calendar"
    assert "节假日安排" in error.value.message_zh and "holiday schedule" in error.value.message_en


def test_a_spec_without_its_schedule_is_an_error_not_a_guess(demo):
    spec = _without(spec_of(demo, "3"), "calendar")
    assert check_measure(spec)  # validate names it …
    with pytest.raises(Exception, match="2022"):  # … and calculate refuses rather than count 0
        calculate(spec, {"trainees": 1, "start": "2022-12-01", "end": "2022-12-02"})


def test_per_day_condition_says_which_days_count(demo):
    result = calculate(spec_of(demo, "1"), {"base": 10, "days": [
        {"day": "2022-12-05", "on_duty": 8}, {"day": "2022-12-06", "on_duty": 7},
        {"day": "2023-01-22", "on_duty": 9}]}, lang="en")
    assert result["amount"] == "780.00"
    texts = [s["text"] for s in result["steps"]]
    assert "2022-12-06: 7 on duty, under 80% of 10; the day is left out" in texts
    assert "2023-01-22: 60 yuan per worker" in texts
    rows = {s["row"] for s in result["steps"] if s.get("list") == "days"}
    assert rows == {0, 1, 2}


def test_a_day_outside_the_period_names_the_cell(demo):
    with pytest.raises(InputError) as error:
        calculate(spec_of(demo, "1"), {"base": 10, "days": [{"day": "2023-02-01", "on_duty": 9}]})
    assert (error.value.input_id, error.value.row, error.value.column) == ("days", 0, "day")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.dates(min_value=D(2022, 12, 1), max_value=D(2023, 1, 31)),
                          st.integers(min_value=0, max_value=60)), min_size=1, max_size=8,
                unique_by=lambda row: row[0]),
       st.integers(min_value=1, max_value=60))
def test_per_day_amount_matches_a_direct_count(demo, days, base):
    spec = spec_of(demo, "1")
    cal = Calendar(spec["calendar"])
    rows = [{"day": d.isoformat(), "on_duty": n} for d, n in days]
    expected = sum(Decimal(n) * (60 if cal.is_holiday(d) else 30)
                   for d, n in days if Decimal(n) >= Decimal(base) * Decimal("0.8"))
    result = calculate(spec, {"base": base, "days": rows})
    if expected == 0 and not any(Decimal(n) >= Decimal(base) * Decimal("0.8") for _, n in days):
        assert result["eligible"] is False
    else:
        assert Decimal(result["amount"]) == expected


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=D(2022, 1, 1), max_value=D(2023, 12, 31)),
       st.dates(min_value=D(2022, 1, 1), max_value=D(2023, 12, 31)))
def test_working_and_holiday_days_split_the_range(project_calendars, a, b):
    cal = Calendar(calendars.spec_calendar([2022, 2023], project_calendars))
    total = max(0, (b - a).days + 1)
    weekend_not_worked = sum(1 for n in range(total) if (a + dt.timedelta(days=n)).weekday() >= 5
                             and not cal.is_workday(a + dt.timedelta(days=n))
                             and not cal.is_holiday(a + dt.timedelta(days=n)))
    assert cal.working_days(a, b) + cal.holiday_days(a, b) + weekend_not_worked == total


def test_a_result_cites_the_schedule_in_both_languages(demo):
    inputs = {"trainees": 1, "start": "2023-01-20", "end": "2023-01-31"}
    zh = calculate(spec_of(demo, "3"), inputs)["steps"][-1]["text"]
    en = calculate(spec_of(demo, "3"), inputs, lang="en")["steps"][-1]["text"]
    assert "《国务院办公厅关于2023年部分节假日安排的通知》（国办发明电〔2022〕16号，2022-12-08）" in zh
    assert "尚待与原通知核对" in zh
    assert "public holidays in 2023 (Guo Ban Fa Ming Dian [2022] No. 16, 2022-12-08)" in en
    assert "not yet checked" in en and not re.search(r"[\u4e00-\u9fff]", en)


def test_a_day_listed_twice_names_the_second_row(demo):
    with pytest.raises(InputError) as error:
        calculate(spec_of(demo, "1"), {"base": 10, "days": [
            {"day": "2022-12-05", "on_duty": 8}, {"day": "2022-12-06", "on_duty": 8},
            {"day": "2022-12-05", "on_duty": 9}]})
    assert (error.value.input_id, error.value.row, error.value.column) == ("days", 2, "day")
    assert "第3行" in error.value.message_zh and "与第1行重复" in error.value.message_zh
    assert "row 3" in error.value.message_en and "repeats row 1" in error.value.message_en


def test_unique_is_a_yes_or_no(demo):
    spec = copy.deepcopy(spec_of(demo, "1"))
    spec["inputs"][1]["columns"][0]["unique"] = "yes"
    assert [p.path for p in check_measure(spec)] == [("inputs", 1, "columns", 0, "unique")]


def _fixture_specs():
    version = load_policies(FIXTURE, run_cases=False).notices[0].latest
    return [measure_spec(version, m) for _, m in version.measures()]


@pytest.mark.parametrize("spec", _fixture_specs(), ids=lambda s: f"patterns-demo/{s['id']}")
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_input_gives_a_result_or_an_input_error(spec, data):
    """The policy-wide property (tests/test_policy_properties.py) over the fixture: dates drawn
    around the spec's own dates reach years the schedule lacks, which must be an InputError."""
    _run(spec, data.draw(inputs_for(spec)), lang=data.draw(st.sampled_from(["zh", "en"])))


def test_calendar_schema_is_current_described_and_accepts_every_file():
    import json

    import jsonschema
    import yaml

    from sitegen.schema_help import properties
    published = json.loads((ROOT / "schema" / "calendar.schema.json").read_text(encoding="utf-8"))
    assert published == calendars.calendar_schema(), "run: python -m sitegen.calendars > schema/calendar.schema.json"
    described = list(properties(published))
    assert described and all(" — " in sub.get("description", "") for _, sub in described), \
        [path for path, sub in described if " — " not in sub.get("description", "")]
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["./schema/calendar.schema.json"] == ["policies/calendars/*.yaml"]
    for path in sorted((ROOT / "policies" / "calendars").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # dates as text
        data["year"], data["checked"] = int(data["year"]), data["checked"] == "true"
        jsonschema.validate(data, published)
