"""Calculators use the version in force on the day the user gives (synthetic fixture notices).

demo-bus v1 is a draft (never in force), v2 is in force 2024-02-01..02-29, and demo-successor
supersedes it from 2024-03-01: a bus chartered on 2024-02-15 is judged by v2's rule.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sitegen import urls
from tests.test_browser_calculator import BOOT_MS, DONE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORM = 'form[data-measure="demo-bus/1"]'


def cli_amount(day: str, cost: str) -> str:
    env = {**os.environ, "ZHENGCE_POLICIES": os.path.join(ROOT, "tests", "fixtures", "archive")}
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), "calc", "demo-bus", "1", "--on", day,
                           "--input", f"cost={cost}", "--json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["amount"]


def calculate(page, day: str, cost: str):
    form = page.locator(FORM)
    form.locator('[name="cost"]').fill(cost)
    form.locator("[data-as-of]").fill(day)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
    return form.locator("[data-result]")


def test_the_rule_in_force_on_the_day_is_used(archive_page, archive_url):
    page = archive_page
    page.goto(archive_url + urls.notice("en", "demo-bus", 1))      # even from the draft's page
    result = calculate(page, "2024-02-15", "300000")
    assert result.get_attribute("data-state") == "ok"
    assert result.get_attribute("data-version") == "2"
    assert result.get_attribute("data-amount") == cli_amount("2024-02-15", "300000") == "100000.00"
    assert "version 2" in result.inner_text()
    assert "_on=2024-02-15" in page.url                            # kept in the shareable link
    assert page.offsite == []


def test_no_version_in_force_is_explained_in_the_result(archive_page, archive_url):
    """Not an input error (issue 12.2): the page's version is used and the status says why."""
    page = archive_page
    page.goto(archive_url + urls.notice("zh", "demo-bus"))
    for day in ("2024-01-20", "2024-03-05"):                         # only the draft / superseded
        result = calculate(page, day, "300000")
        assert result.get_attribute("data-state") in ("ok", "ineligible")
        assert result.get_attribute("data-on") == day
        assert result.get_attribute("data-notice-status") != "in_force"
        frame = result.locator("[data-frame]")
        assert frame.is_visible() and frame.inner_text()
        assert not page.locator(f'{FORM} [data-error-for="as-of"]').is_visible()
        assert page.locator(f"{FORM} [data-as-of]").get_attribute("aria-invalid") is None


def test_without_a_date_the_pages_own_version_is_used(archive_page, archive_url):
    page = archive_page
    page.goto(archive_url + urls.notice("zh", "demo-bus", 1))
    form = page.locator(FORM)
    form.locator('[name="cost"]').fill("300000")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
    assert form.locator("[data-result]").get_attribute("data-amount") == "50000.00"   # the draft's 40%, capped


def test_a_shared_link_with_a_date_reproduces_the_result(archive_page, archive_url):
    page = archive_page
    page.goto(archive_url + urls.notice("zh", "demo-bus", 1) + "#calc/1?cost=300000&_on=2024-02-15")
    page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
    result = page.locator(f"{FORM} [data-result]")
    assert (result.get_attribute("data-version"), result.get_attribute("data-amount")) == ("2", "100000.00")


def _set_day(locator, day: str) -> None:
    # A date input accepts years past 9999; typing them is what the adversarial run did.
    locator.evaluate("(el, day) => { el.value = day; }", day)


def test_a_day_outside_the_bounded_years_is_refused_at_the_date_field(archive_page, archive_url):
    # As text, "10000-01-01" sorted before every end date, so version 2 was picked and computed.
    page = archive_page
    page.goto(archive_url + urls.notice("en", "demo-bus", 2))
    form = page.locator(FORM)
    form.locator('[name="cost"]').fill("300000")
    for day in ("10000-01-01", "1899-12-31"):
        _set_day(form.locator("[data-as-of]"), day)
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
        assert form.locator("[data-result]").get_attribute("data-state") == "error"
        message = page.locator(f'{FORM} [data-error-for="as-of"]')
        assert message.is_visible() and "between 1900 and 2199" in message.inner_text() and day in message.inner_text()


def test_the_in_force_page_refuses_a_five_digit_year(archive_page, archive_url):
    page = archive_page
    page.goto(archive_url + urls.in_force("en"))
    page.wait_for_selector("form[data-zc-in-force][data-zc-shown]")
    day = page.locator("#zc-on")
    _set_day(day, "10000-01-01")
    day.dispatch_event("change")
    heading = page.locator("#zc-in-force-status")
    assert "not a valid day between 1900 and 2199" in heading.inner_text()
    assert page.locator("form[data-zc-in-force]").get_attribute("data-zc-shown") != "10000-01-01"
