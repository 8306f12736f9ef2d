"""The finder page (issue 16.3) in real Chromium: links to it, the location question by keyboard,
axe, phone width, the share link, remember/forget; and, where the site carries the finder data
(data/finder/, written with the engine of issue 16), answers that match `find` run in CPython."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from sitegen.profiles import load_profile

from tests.axe import axe_problems

ROOT = Path(__file__).resolve().parents[1]
BOOT_MS = 90_000
DONE = "[data-zc-finder][data-state=ready], [data-zc-finder][data-state=error]"
SHENGSI = "330922"
DAY = "2024-02-15"


def finder_data(built_site):
    index = built_site / "data" / "finder" / "index.json"
    if not index.is_file():
        pytest.skip("the site carries no finder data (data/finder/index.json): the engine of issue 16 is not built in")
    return json.loads(index.read_text(encoding="utf-8"))


def open_finder(page, site_url, lang="en", fragment=""):
    page.goto(urljoin(site_url, f"{lang}/finder/") + fragment)
    page.wait_for_selector("[data-zc-finder-ui]:not([hidden])")


def choose_shengsi(page, day=DAY):
    page.select_option("#zc-finder-province", "330000")
    page.select_option("#zc-finder-city", "330900")
    page.select_option("#zc-finder-district", SHENGSI)
    page.fill("#zc-finder-on", day)
    page.click("#zc-finder-where button[type=submit]")


def wait_until(page, test, timeout_ms=BOOT_MS):
    """Poll from Python: the page's CSP forbids the string evaluation wait_for_function uses."""
    for _ in range(timeout_ms // 50):
        if test():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out")


def counts(page) -> dict:
    box = page.locator("#zc-finder-counts")
    return {k: box.get_attribute(f"data-{k}") for k in ("possible", "eligible", "ruled-out")}


# ---- without the engine: the page itself ---------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_linked_from_home_notices_and_the_menu(page, site_url, lang):
    home = "" if lang == "zh" else "en/"
    page.goto(urljoin(site_url, home))
    target = urljoin(site_url, f"{lang}/finder/")
    for where in ("main", ".md-nav"):
        assert target in page.eval_on_selector_all(f"{where} a", "els => els.map(e => e.href)"), where
    page.goto(urljoin(site_url, f"{lang}/n/shengsi-2024/"))
    page.locator(".zc-banner__finder a").click()
    page.wait_for_url(f"**/{lang}/finder/")
    assert page.locator("h1#title").inner_text()
    assert page.offsite == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_clean_and_no_horizontal_scroll_at_phone_width(page, site_url, built_site, lang):
    page.set_viewport_size({"width": 375, "height": 800})
    open_finder(page, site_url, lang)
    page.select_option("#zc-finder-province", "330000")  # the city level appears
    assert page.locator("#zc-finder-city").is_visible()
    assert axe_problems(page) == []
    page.click("#zc-finder-where button[type=submit]")  # no district: allowed, the city's
    page.wait_for_selector("#zc-finder-answers dt")
    assert axe_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.offsite == []
    if (built_site / "data" / "finder" / "index.json").is_file():  # else the data's 404s are expected
        page.wait_for_selector(DONE, timeout=BOOT_MS)
        assert page.errors == []
        assert axe_problems(page) == []                 # with results on display
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_location_by_keyboard_alone_and_a_missing_province_is_named(page, site_url):
    open_finder(page, site_url, "en")
    page.locator("#zc-finder-on").focus()
    page.keyboard.press("Enter")                       # Enter in the date submits, with no province chosen
    error = page.locator("#zc-finder-where-error")
    assert error.is_visible() and "province" in error.inner_text()
    assert page.locator("#zc-finder-province").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "zc-finder-province"
    # choose by arrow keys, then Tab on to the city, which now lists the province's cities
    page.locator("#zc-finder-province").select_option("330000")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "zc-finder-city"
    page.locator("#zc-finder-city").select_option("330900")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "zc-finder-district"
    page.locator("#zc-finder-district").select_option(SHENGSI)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "zc-finder-on"
    page.keyboard.press("Enter")
    page.wait_for_selector("#zc-finder-answers dt")
    assert "region=330922" in page.url
    assert "Shengsi" in page.locator("#zc-finder-answers").inner_text()


def test_the_share_link_restores_the_profile(page, site_url):
    open_finder(page, site_url, "zh", f"#finder?on={DAY}&region={SHENGSI}&f.industrial=true&skip=state_owned")
    page.wait_for_selector("#zc-finder-answers dt")
    text = page.locator("#zc-finder-answers").inner_text()
    assert "嵊泗县" in text and DAY in text and "已跳过" in text
    share = page.locator("#zc-finder-share").get_attribute("href")
    assert share.startswith("#finder?") and "f.industrial=true" in share and f"region={SHENGSI}" in share
    assert page.locator("#zc-finder-where").is_hidden()
    # "change" on the location opens the picker again, filled in
    page.locator("#zc-finder-answers [data-zc-change=where]").first.click()
    assert page.locator("#zc-finder-district").input_value() == SHENGSI
    assert page.evaluate("document.activeElement.id") == "zc-finder-province"


def test_remember_then_forget(page, site_url):
    open_finder(page, site_url, "en", f"#finder?on={DAY}&region={SHENGSI}")
    page.wait_for_selector("#zc-finder-answers dt")
    stored = lambda: page.evaluate("localStorage.getItem('zhengce-finder-profile')")  # noqa: E731
    assert stored() is None                              # nothing is stored unless asked
    assert page.locator("#zc-finder-forget").is_hidden()
    page.click("#zc-finder-remember")
    assert f"region={SHENGSI}" in stored()
    page.goto(urljoin(site_url, "en/finder/"))           # no fragment: the saved profile comes back
    page.wait_for_selector("#zc-finder-answers dt")
    assert "Shengsi" in page.locator("#zc-finder-answers").inner_text()
    forget = page.locator("#zc-finder-forget")
    assert forget.is_visible()
    forget.click()
    assert stored() is None and forget.is_hidden()
    page.goto(urljoin(site_url, "en/finder/"))
    page.wait_for_selector("[data-zc-finder-ui]:not([hidden])")
    assert page.locator("#zc-finder-where").is_visible()


# ---- with the engine: the same answers as `python build.py find` ---------------------------------

PROFILE = ROOT / "examples" / "profiles" / "shengsi-industrial-2024-02.yaml"


def cli_find(profile_path) -> dict:
    out = subprocess.run([sys.executable, "build.py", "find", "--profile", str(profile_path), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def answer_all(page, facts: dict, skip=()):
    """Answer every question the page asks from `facts` (a profile's), skipping the rest."""
    asked = []
    for _ in range(40):
        page.wait_for_selector(DONE, timeout=BOOT_MS)
        assert page.locator("[data-zc-finder]").get_attribute("data-state") == "ready"
        if page.locator("#zc-finder-question").is_hidden():
            return asked
        fact = page.locator("#zc-finder-question").get_attribute("data-fact")
        asked.append(fact)
        value = facts.get(fact)
        before = page.locator("#zc-finder-share").get_attribute("href")
        if value is None or fact in skip:
            page.keyboard.press("Escape")
            page.locator("[data-zc-skip]").focus()
            page.keyboard.press("Enter")
        elif page.locator("#zc-finder-question input[type=radio]").count():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            radio = page.locator(f'#zc-finder-question input[type=radio][value="{text}"]')
            radio.focus()
            page.keyboard.press("Space")
            page.keyboard.press("Enter")
        else:
            field = page.locator("#zc-finder-q-value")
            field.focus()
            if field.get_attribute("type") == "date":
                field.fill(str(value))     # a native date control: typed digits follow the locale's order
            else:
                page.keyboard.type(str(value))
            page.keyboard.press("Enter")
        wait_until(page, lambda: page.locator("#zc-finder-share").get_attribute("href") != before)
        # the keyboard stays in the flow: on the next question, or on the results once none is left
        assert page.evaluate("document.activeElement.closest('#zc-finder-question') !== null"
                             " || document.activeElement.id === 'zc-finder-results-h'")
    raise AssertionError("the page kept asking")


def test_shengsi_industrial_firm_by_keyboard_gets_the_answers_of_build_py_find(page, site_url, built_site):
    finder_data(built_site)
    profile = load_profile(PROFILE)
    on = str(profile["on"])
    open_finder(page, site_url, "zh")
    choose_shengsi(page, on)
    page.wait_for_selector(DONE, timeout=BOOT_MS)
    first = counts(page)
    asked = answer_all(page, profile["facts"])
    assert asked and asked[0] != "region"              # the location was asked first, once
    expected = cli_find(PROFILE)
    total = page.locator("#zc-finder-total")
    assert (total.get_attribute("data-min"), total.get_attribute("data-max")) == (
        expected["total"]["amount_min"] or "", expected["total"]["amount_max"] or "")
    assert counts(page) == {"possible": str(expected["counts"]["possible"]), "eligible": str(expected["counts"]["eligible"]),
                            "ruled-out": str(expected["counts"]["ruled_out"])}
    assert counts(page) != first
    states = dict(page.locator(".zc-finder__measure").evaluate_all(
        "els => els.map(e => [e.closest('[data-notice]').dataset.notice + '/' + e.dataset.measure, e.dataset.state])"))
    assert states == {f"{m['notice']}/{m['measure']}": m["state"] for m in expected["measures"]}
    # the calculator link carries the answers the measure's inputs read, and the day
    link = page.locator('[data-notice="shengsi-2024"] [data-measure="7"] [data-zc-calc-link]').get_attribute("href")
    assert "#calc/7?" in link and f"_on={on}" in link and "workers=30" in link
    assert axe_problems(page) == []
    assert page.offsite == [] and page.errors == []


def test_skipping_keeps_depends_and_changing_an_answer_updates_the_counts(page, site_url, built_site):
    finder_data(built_site)
    profile = load_profile(PROFILE)
    open_finder(page, site_url, "en")
    choose_shengsi(page, str(profile["on"]))
    answer_all(page, profile["facts"], skip={"state_owned"})
    coach = page.locator('[data-notice="shengsi-2024"] [data-measure="7"]')
    assert coach.get_attribute("data-state") == "depends"        # skipped: not ruled out, not granted
    assert "State-owned" in coach.inner_text()                   # and it says what it still needs
    skipped = counts(page)
    page.click('#zc-finder-answers [data-zc-change="state_owned"]')
    assert page.locator("#zc-finder-question").get_attribute("data-fact") == "state_owned"
    page.check('#zc-finder-question input[value="true"]')
    page.click("[data-zc-answer]")
    wait_until(page, lambda: coach.get_attribute("data-state") == "ineligible")
    assert counts(page) != skipped
    assert int(counts(page)["ruled-out"]) == int(skipped["ruled-out"]) + 1
    # and back: the answers list shows the change
    assert "Yes" in page.locator("#zc-finder-answers").inner_text()


def test_the_switch_shows_measures_of_notices_not_in_force(page, site_url, built_site):
    finder_data(built_site)
    # Lucheng after its notice expired (2023-06-30): nothing counted, the switch shows what it offered
    open_finder(page, site_url, "en", "#finder?on=2023-08-01&region=330302")
    page.wait_for_selector(DONE, timeout=BOOT_MS)
    assert page.locator(".zc-finder__measure").count() == 0
    assert counts(page) == {"possible": "0", "eligible": "0", "ruled-out": "0"}
    page.locator("#zc-finder-all").focus()
    page.keyboard.press("Space")
    wait_until(page, lambda: page.locator('[data-notice="lucheng-2023"] .zc-finder__measure').count() > 0)
    notice = page.locator('[data-notice="lucheng-2023"]')
    assert notice.locator(".zc-badge").inner_text() == "Expired"
    assert notice.locator(".zc-finder__measure").count() == 9
    assert "Expired" in notice.locator(".zc-finder__frame").first.inner_text()  # each says it is not claimable now


@pytest.mark.parametrize("lang, words", [("en", ("Paid to the employees themselves", "Your company's total")),
                                         ("zh", ("发给职工本人", "贵单位合计"))])
def test_a_subsidy_paid_to_employees_is_listed_but_not_in_the_companys_total(page, site_url, built_site, lang, words):
    finder_data(built_site)
    # Shengzhou's draft: its travel subsidy for employees coming back on their own is paid to them
    open_finder(page, site_url, lang, "#finder?on=2024-04-10&region=330683")
    page.wait_for_selector(DONE, timeout=BOOT_MS)
    page.locator("#zc-finder-all").check()
    travel = page.locator('[data-notice="shengzhou-2024"] [data-measure="2-travel"]')
    wait_until(page, lambda: travel.count() == 1)
    assert travel.locator('.zc-finder__paid-to[data-beneficiary="worker"]').inner_text().startswith(words[0])
    charter = page.locator('[data-notice="shengzhou-2024"] [data-measure="2-charter"]')   # paid to the company
    assert charter.count() == 1 and charter.locator(".zc-finder__paid-to").count() == 0
    assert words[1] in page.locator("#zc-finder-total").inner_text()
    assert page.offsite == [] and page.errors == []
