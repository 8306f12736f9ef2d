"""The page passes the calculation day to the engine: the result carries the notice's status for
the date field's day, else today in the reader's time zone — the same status as `calc --on`."""

from __future__ import annotations

import datetime as dt

from tests.test_browser_calculator import BOOT_MS, cli_result, fill, form_of, open_notice, submit_and_wait

INPUTS = {"employer_dalian": True, "paid_envelope": True, "workers": 10}


def test_result_status_follows_the_calculation_day(page, site_url, site_corpus):
    open_notice(page, site_url, "en", "dalian-2021")
    form = form_of(page, "dalian-2021", "1")
    fill(form, INPUTS)
    form.locator("[data-as-of]").fill("2021-03-15")        # inside the application window
    result = submit_and_wait(page, form)
    assert result.get_attribute("data-notice-status") == "in_force"
    assert result.get_attribute("data-amount") == "5000.00"
    form.locator("[data-as-of]").fill("")                   # no day given: today, here
    form.locator("button[type=submit]").click()
    page.wait_for_selector('form[data-measure="dalian-2021/1"] [data-result]:not([data-notice-status="in_force"])',
                           timeout=BOOT_MS)
    today = page.evaluate("() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; }")
    want = cli_result("dalian-2021", 1, "1", {k: str(v).lower() if isinstance(v, bool) else str(v)
                                               for k, v in INPUTS.items()}, "en")
    assert dt.date(*today).isoformat() == want["status"]["on"]   # the same day in both
    assert result.get_attribute("data-notice-status") == want["status"]["notice_status"] == "not_stated"
    assert result.get_attribute("data-amount") == "5000.00"     # the figure stays
    assert page.offsite == [] and page.errors == []
