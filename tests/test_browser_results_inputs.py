"""Issues 12.4–12.6 and 13.2–13.3 in real headless Chromium: money typed as people write it,
digit-like characters refused at the field, a published growth rate, the unit of a non-money
outcome, and a rule that fails at run time explained in words instead of "SpecError"."""

from __future__ import annotations

import json

from sitegen.model import thaw
from tests.test_browser_calculator import cli_result, fill, form_of, open_notice, submit_and_wait


def _case(corpus, notice_id, measure_id, eligible=True):
    notice = corpus.notice(notice_id)
    return next(c for c in notice.cases if str(c.measure) == measure_id and c.expect.eligible is eligible
                and "growth_entry" not in c.inputs)


def test_money_in_wan_and_a_stray_superscript(page, site_url, site_corpus):
    case = _case(site_corpus, "shengsi-2024", "7")
    inputs = {k: v for k, v in thaw(case.inputs).items()}
    open_notice(page, site_url, "en", "shengsi-2024")
    form = form_of(page, "shengsi-2024", "7")
    fill(form, {**inputs, "cost": "1.5万"})
    result = submit_and_wait(page, form)
    want = cli_result("shengsi-2024", 1, "7", {**{k: str(v).lower() if isinstance(v, bool) else str(v)
                                                  for k, v in inputs.items()}, "cost": "15000"}, "en")
    assert result.get_attribute("data-amount") == want["amount"]
    assert result.get_attribute("data-amount-kind") == "exact"
    form.locator('[name="cost"]').fill("10²")
    submit_and_wait(page, form)
    message = form.locator('[data-error-for="cost"]')
    assert result.get_attribute("data-state") == "error" and message.is_visible()
    assert "U+00B2" in message.inner_text() and "digits 0–9" in message.inner_text()
    assert page.offsite == [] and page.errors == []


def test_published_growth_rate_at_the_threshold(page, site_url, site_corpus):
    base = {"registered": "true", "manufacturer": "true", "growth_entry": "rate", "q1_2023": "5900",
            "output_2022": "22000", "newly_above_size": "false"}
    open_notice(page, site_url, "zh", "lucheng-2023")
    form = form_of(page, "lucheng-2023", "9")
    fill(form, {**base, "growth_rate": "18.00%"})
    result = submit_and_wait(page, form)
    assert result.get_attribute("data-state") == "ineligible"
    form.locator('[name="growth_rate"]').fill("18.01%")
    submit_and_wait(page, form)
    assert (result.get_attribute("data-state"), result.get_attribute("data-amount")) == ("ok", "200000.00")
    assert page.errors == []


def test_outcome_quantity_shows_its_unit(page, site_url):
    for lang, shown in (("en", ": 200 tonnes"), ("zh", "：200吨")):
        open_notice(page, site_url, lang, "shengzhou-2024")
        form = form_of(page, "shengzhou-2024", "1-4")
        fill(form, {"continuous": "true", "feb_quota": "1000", "feb_used": "800"})
        result = submit_and_wait(page, form)
        quantity = result.locator('[data-outcome="carry_all"] .zc-calc__quantity')
        assert quantity.get_attribute("data-value") == "200" and quantity.inner_text() == shown
    assert page.errors == []


def test_a_rule_failing_at_run_time_is_explained(page, site_url):
    """The served spec is altered so that a divisor set in a branch is 0: what a spec error in a
    published measure would look like. The page shows the measure and step, not "SpecError"."""
    def broken(route):
        specs = json.loads(route.fetch().text())
        spec = specs["10"]
        zero = {"let": "share", "expr": "0", "cite": "10", "text": {"zh": "0", "en": "0"}}
        one = {"let": "share", "expr": "1", "cite": "10", "text": {"zh": "1", "en": "1"}}
        spec["rules"] = [
            {"branch": [{"when": "workers > 10", "cite": "10", "text": {"zh": "多", "en": "many"}, "rules": [zero]},
                        {"otherwise": True, "cite": "10", "text": {"zh": "少", "en": "few"}, "rules": [one]}]},
            {"let": "amount", "expr": "workers * 500 / share", "cite": "10",
             "text": {"zh": "{amount}", "en": "{amount}"}}]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(specs))

    page.context.route("**/assets/specs/shengsi-2024/**", broken)
    open_notice(page, site_url, "en", "shengsi-2024")
    form = form_of(page, "shengsi-2024", "10")
    fill(form, {"hr_agency": "true", "workers": "20"})
    result = submit_and_wait(page, form)
    text = result.inner_text()
    assert result.get_attribute("data-state") == "error" and result.get_attribute("data-error") == "rule"
    assert "Measure 10 cannot be calculated" in text and "step 2 (amount, clause 10)" in text
    assert "SpecError" not in text and "could not load" not in text
