"""The calculator for everyone: axe on its error and result states, and use by keyboard alone."""

from __future__ import annotations

import pytest

from tests.test_browser_calculator import BOOT_MS, DONE, fill, form_of, open_notice, pick_case
from tests.axe import axe_problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_on_field_errors_and_on_a_result(page, site_url, site_corpus, lang):
    notice, version, measure, case = pick_case(site_corpus, "per-person-cap")
    open_notice(page, site_url, lang, notice.id)
    form = form_of(page, notice.id, measure.id)
    form.locator("button[type=submit]").click()          # empty: the fields get their messages
    page.wait_for_selector(f'form[data-measure="{notice.id}/{measure.id}"] {DONE}', timeout=BOOT_MS)
    assert form.locator(".zc-calc__error:not([hidden])").count() >= 1
    assert axe_problems(page) == []
    fill(form, dict(case.inputs))
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f'form[data-measure="{notice.id}/{measure.id}"] [data-result][data-state=ok]', timeout=BOOT_MS)
    assert axe_problems(page) == []
    assert page.offsite == []


def test_keyboard_alone_fills_and_submits(page, site_url, site_corpus):
    notice, version, measure, case = pick_case(site_corpus, "tiers")
    open_notice(page, site_url, "en", notice.id)
    form = form_of(page, notice.id, measure.id)
    for name, value in dict(case.inputs).items():
        field = form.locator(f'[name="{name}"]')
        field.focus()                                     # as a keyboard user tabbing to it
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option("true" if value is True else "false" if value is False else str(value))
        else:
            page.keyboard.type(str(value))
    page.keyboard.press("Enter")                          # Enter in a text field submits the form
    page.wait_for_selector(f'form[data-measure="{notice.id}/{measure.id}"] {DONE}', timeout=BOOT_MS)
    assert form.locator("[data-result]").get_attribute("data-state") == "ok"
