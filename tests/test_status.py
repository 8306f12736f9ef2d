"""The notice's status inside a result (calculators/status.py) and where it comes from
(sitegen/lifecycle.py: not_stated; sitegen/specs.py: what a spec carries)."""

from __future__ import annotations

import datetime as dt

import pytest

import calculators
from calculators.status import result_status
from sitegen import lifecycle, pointintime
from sitegen.model import Version, freeze, thaw
from sitegen.specs import measure_spec
from tests.corpus import corpus

D = dt.date.fromisoformat
T = {"zh": "原文", "en": "words"}

# A version in force 2024-02-01..2024-02-29, superseded from 2024-03-10; v2 of the notice in force
# from 2024-03-10 (a gap 2024-03-01..03-09 between the two).
PERIODS = [{"from": None, "to": "2024-01-31", "status": "not_yet"},
           {"from": "2024-02-01", "to": "2024-02-29", "status": "in_force"},
           {"from": "2024-03-01", "to": "2024-03-09", "status": "expired"},
           {"from": "2024-03-10", "to": None, "status": "superseded"}]
NOTICE_IN_FORCE = [{"from": "2024-02-01", "to": "2024-02-29"}, {"from": "2024-03-10", "to": None}]


def spec(periods=PERIODS, notice_in_force=NOTICE_IN_FORCE, **windows):
    return {"status": {"periods": periods, "notice_in_force": notice_in_force}, **windows}


@pytest.mark.parametrize("day, code", [
    ("2024-01-31", "not_yet_in_force"), ("2024-02-01", "in_force"), ("2024-02-29", "in_force"),
    ("2024-03-01", "none"), ("2024-03-09", "none"), ("2024-03-10", "superseded")])
def test_notice_status_on_each_side_of_every_boundary(day, code):
    assert result_status(spec(), day, "en")["notice_status"] == code


def test_every_notice_status_is_framed_in_both_languages():
    draft = [{"from": None, "to": None, "status": "draft"}]
    expired = [{"from": None, "to": "2023-06-30", "status": "in_force"},
               {"from": "2023-07-01", "to": None, "status": "expired"}]
    not_stated = [{"from": None, "to": "2021-03-31", "status": "in_force"},
                  {"from": "2021-04-01", "to": None, "status": "not_stated"}]
    en = lambda periods, day, nif=(): result_status(spec(periods, list(nif)), day, "en")  # noqa: E731
    zh = lambda periods, day, nif=(): result_status(spec(periods, list(nif)), day, "zh")  # noqa: E731
    assert en(draft, "2024-02-01")["frame"] == "Draft for comment — not in force; this is what the draft proposes"
    assert zh(draft, "2024-02-01")["frame"] == "征求意见稿——尚未生效；以下是草案拟定的内容"
    assert en(expired, "2026-11-30")["frame"] == "Expired on 2023-06-30 — this is what it granted while in force"
    assert zh(expired, "2026-11-30")["frame"] == "已于2023年6月30日失效——以下是其有效期内给予的内容"
    assert en(expired, "2023-06-30")["notice_status"] == "in_force" and en(expired, "2023-06-30")["frame"] is None
    got = en(not_stated, "2026-11-30")
    assert got["notice_status"] == "not_stated" and got["label"] == "Status not stated in the notice"
    assert got["frame"].startswith("Status not stated in the notice; its measures' stated periods ended on 2021-03-31")
    assert "2021年3月31日结束" in zh(not_stated, "2026-11-30")["frame"]
    assert en(PERIODS, "2024-01-15")["frame"].startswith("Not yet in force (takes effect on 2024-02-01)")
    assert en(PERIODS, "2024-03-10")["frame"].startswith("Superseded from 2024-03-10")
    assert en(PERIODS, "2024-03-05", NOTICE_IN_FORCE)["frame"].startswith(
        "No version of the notice was in force on 2024-03-05")
    for got in (en(draft, "2024-01-01"), zh(expired, "2026-01-01"), en(PERIODS, "2024-03-05", NOTICE_IN_FORCE)):
        assert got["claimable"] is False


def test_a_spec_without_status_data_says_so_instead_of_guessing():
    got = result_status({}, "2024-02-01", "en")
    assert got["notice_status"] == "none" and "no dates on record" in got["frame"]
    assert got["claimable"] is False


@pytest.mark.parametrize("day, state", [
    ("2021-02-28", "not_yet_open"), ("2021-03-01", "open"), ("2021-03-31", "open"), ("2021-04-01", "closed")])
def test_window_states_with_inclusive_ends(day, state):
    always = [{"from": None, "to": None, "status": "in_force"}]
    got = result_status(spec(always, [], application={"from": "2021-03-01", "to": "2021-03-31", "text": T}),
                        day, "en")
    [window] = got["windows"]
    assert (window["kind"], window["state"], window["from"], window["to"]) == ("application", state, "2021-03-01", "2021-03-31")
    assert got["claimable"] is (state == "open")
    frames = {"not_yet_open": "Applications open on 2021-03-01", "closed": "Applications closed on 2021-03-31"}
    assert got["frame"] == frames.get(state)
    assert window["note"] == "words"


def test_open_ended_and_undated_windows():
    always = [{"from": None, "to": None, "status": "in_force"}]
    windows = {"qualifying": {"to": "2021-02-28", "text": T}, "application": {"from": None, "to": None, "text": T}}
    got = result_status(spec(always, [], **windows), "2021-01-01", "zh")
    assert [(w["kind"], w["state"]) for w in got["windows"]] == [("qualifying", "open"), ("application", "undated")]
    assert got["windows"][0]["text"] == "规定期间：至2021年2月28日（进行中）"
    assert got["claimable"] is True
    later = result_status(spec(always, [], **windows), "2021-03-01", "en")
    assert later["windows"][0]["state"] == "closed"
    assert later["frame"] == "The qualifying period ended on 2021-02-28"
    assert later["claimable"] is True   # a closed qualifying period does not close applications


def test_calculate_adds_status_only_when_asked_and_names_a_bad_day():
    version = corpus().notice("dalian-2021").latest
    _, measure = version.measure("1")
    s = measure_spec(version, measure, corpus())
    inputs = {"employer_dalian": "yes", "paid_envelope": "yes", "workers": "10"}
    assert "status" not in calculators.calculate(s, inputs, lang="en")
    for on in ("2021-3-1", "yesterday", 20210301):
        with pytest.raises(calculators.InputError) as err:
            calculators.calculate(s, inputs, lang="en", on=on)
        assert err.value.input_id == "on"
    result = calculators.calculate(s, inputs, lang="en", on=dt.date(2026, 11, 30))
    assert result["amount"] == "5000.00"      # the figure stays
    status = result["status"]
    assert status["on"] == "2026-11-30" and status["notice_status"] == "not_stated"
    assert "applications closed on 2021-03-31" in status["frame"]
    assert [w["kind"] for w in status["windows"]] == ["qualifying", "application"]


@pytest.mark.parametrize("notice, measure, day, code, frame", [
    ("jilin-2021", "1-10", "2026-11-30", "expired", "Expired on 2021-03-31"),
    ("lucheng-2023", "19", "2026-11-30", "expired", "Expired on 2023-06-30"),
    ("shengzhou-2024", "2-charter", "2024-02-15", "draft", "Draft for comment — not in force"),
    ("dalian-2021", "1", "2021-03-15", "in_force", "The qualifying period ended on 2021-02-28"),
    ("shengsi-2024", "7", "2024-03-01", "not_stated", "Status not stated in the notice"),
])
def test_seed_notices(notice, measure, day, code, frame):
    version = corpus().notice(notice).latest
    _, m = version.measure(measure)
    status = result_status(measure_spec(version, m, corpus()), day, "en")
    assert status["notice_status"] == code and status["frame"].startswith(frame), status


# ---- where the data come from ------------------------------------------------------------------

def test_not_stated_only_after_every_dated_window_and_never_an_invented_end():
    c = corpus()
    dalian = c.notice("dalian-2021").latest
    assert dalian.dates.valid_to is None and lifecycle.windows_end(dalian) == D("2021-03-31")
    assert lifecycle.status(dalian, c, D("2021-03-31")) == "in_force"
    assert lifecycle.status(dalian, c, D("2021-04-01")) == "not_stated"
    shengsi = c.notice("shengsi-2024").latest     # measure 10: 2024年1月至2月期间
    assert lifecycle.windows_end(shengsi) == D("2024-02-29")
    assert lifecycle.status(shengsi, c, D("2024-03-01")) == "not_stated"
    lucheng = c.notice("lucheng-2023").latest     # states valid_to: expired, never not_stated
    assert lifecycle.status(lucheng, c, D("2026-11-30")) == "expired"
    # the periods agree with the rule day by day around the change
    periods = pointintime.status_periods(dalian, c)
    for day in (D("2021-03-30"), D("2021-03-31"), D("2021-04-01"), D("2030-01-01")):
        assert pointintime.status_on(periods, day) == lifecycle.status(dalian, c, day)


def test_a_window_without_end_keeps_the_notice_in_force():
    version = corpus().notice("dalian-2021").latest
    data = thaw(version.data)
    measure = data["body"][0]["clauses"][0]["measures"][1]
    assert measure["id"] == "1" and measure["application"]["to"] == "2021-03-31"
    measure["application"]["to"] = None                      # applications from 2021-03-01, no end
    edited = Version(freeze(data), version.source_path)
    assert lifecycle.windows_end(edited) is None
    assert lifecycle.status(edited, corpus(), D("2030-01-01")) == "in_force"


def test_spec_carries_status_periods_and_windows():
    c = corpus()
    version = c.notice("dalian-2021").latest
    _, m = version.measure("1")
    s = measure_spec(version, m, c)
    assert s["status"]["periods"] == pointintime.status_periods(version, c)
    assert s["status"]["notice_in_force"] == [{"from": None, "to": "2021-03-31"}]
    assert s["qualifying"] == {"to": "2021-02-28", "text": {"zh": "自本通知印发之日起至2021年2月28日期间",
                                                         "en": "From the date of issue of this notice to 28 February 2021"}}
    assert "status" not in measure_spec(version, m)   # without the corpus: as before
