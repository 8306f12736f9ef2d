"""The finder page (issue 16.3) in real Chromium: links to it, the location question by keyboard,
axe, phone width, the share link, remember/forget; and, where the site carries the finder data
(data/finder/, written with the engine of issue 16), answers that match `find` run in CPython."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urljoin

import pytest

from tests.axe import axe_problems

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


# ---- with the engine: the same answers as `find` in CPython ----------------------------------------

def cpython_find(built_site, bundle_files, facts, *, on, lang, include_all=False):
    """calculators.finder.find on the bundles the page loaded, merged as worker.js merges them."""
    from calculators.finder import find
    merged = {"facts": {}, "measures": [], "relations": []}
    for name in bundle_files:
        b = json.loads((built_site / "data" / "finder" / name).read_text(encoding="utf-8"))
        merged["facts"] = b.get("facts", merged["facts"])
        merged["measures"] += b.get("measures", [])
        merged["relations"] += [r for r in b.get("relations", []) if r not in merged["relations"]]
    return find(merged, facts, on=on, lang=lang, include_all=include_all)


def page_facts(page) -> dict:
    """The profile the page holds, from its share link (values as the page sends them)."""
    return page.evaluate("""() => {
      const p = new URLSearchParams(document.getElementById('zc-finder-share').getAttribute('href').slice(8));
      const facts = {};
      for (const [k, v] of p) if (k.startsWith('f.')) facts[k.slice(2)] = v === 'true' ? true : v === 'false' ? false : v;
      return facts;
    }""")


def answer_all(page, answer):
    """Answer (or skip) every question the page asks, `answer(fact id, input kind)` → value or None."""
    for _ in range(40):
        page.wait_for_selector(DONE, timeout=BOOT_MS)
        if page.locator("#zc-finder-question").is_hidden():
            return
        fact = page.locator("#zc-finder-question").get_attribute("data-fact")
        radios = page.locator("#zc-finder-question input[type=radio]")
        value = answer(fact, "choice" if radios.count() else "text")
        before = page.locator("#zc-finder-share").get_attribute("href")
        if value is None:
            page.click("[data-zc-skip]")
        elif radios.count():
            page.check(f'#zc-finder-question input[type=radio][value="{str(value).lower() if isinstance(value, bool) else value}"]')
            page.click("[data-zc-answer]")
        else:
            page.fill("#zc-finder-q-value", str(value))
            page.click("[data-zc-answer]")
        wait_until(page, lambda: page.locator("#zc-finder-share").get_attribute("href") != before)
    raise AssertionError("the page kept asking")


def test_shengsi_firm_gets_the_totals_of_find_and_skipping_keeps_depends(page, site_url, built_site):
    finder_data(built_site)
    open_finder(page, site_url, "en")
    choose_shengsi(page)
    page.wait_for_selector(DONE, timeout=BOOT_MS)
    assert page.locator("[data-zc-finder]").get_attribute("data-state") == "ready"
    first = counts(page)
    assert int(first["possible"]) > 0
    # an industrial firm: yes to every yes/no question, skip the figures
    answer_all(page, lambda fact, kind: True if kind == "choice" else None)
    facts = page_facts(page)
    loaded = page.evaluate("performance.getEntriesByType('resource').map(r => r.name).filter(n => n.includes('/data/finder/') && !n.endsWith('facts.json') && !n.endsWith('index.json'))")
    files = [n.rsplit("/data/finder/", 1)[1] for n in loaded]
    region_fact = page.evaluate("document.querySelector('[data-zc-finder]').dataset.regionFact || 'region'")
    expected = cpython_find(built_site, files, {**facts, region_fact: SHENGSI}, on=DAY, lang="en")
    total = page.locator("#zc-finder-total")
    assert (total.get_attribute("data-min"), total.get_attribute("data-max")) == (
        expected["total"]["amount_min"] or "", expected["total"]["amount_max"] or "")
    assert counts(page) == {"possible": str(expected["counts"]["possible"]), "eligible": str(expected["counts"]["eligible"]),
                            "ruled-out": str(expected["counts"]["ruled_out"])}
    # skipped figures leave the measures needing them "depends", not ruled out
    depends = {m["measure"] for m in expected["measures"] if m["state"] == "depends"}
    shown = set(page.locator(".zc-finder__measure[data-state=depends]").evaluate_all("els => els.map(e => e.dataset.measure)"))
    assert shown == depends
    assert axe_problems(page) == []
    assert page.offsite == []


def test_changing_an_answer_updates_the_counts(page, site_url, built_site):
    finder_data(built_site)
    open_finder(page, site_url, "en")
    choose_shengsi(page)
    page.wait_for_selector(DONE, timeout=BOOT_MS)
    fact = page.locator("#zc-finder-question").get_attribute("data-fact")
    page.locator("#zc-finder-question input").first.check()   # "yes" (or the first choice)
    page.click("[data-zc-answer]")
    page.wait_for_selector(f'#zc-finder-answers [data-zc-change="{fact}"]')
    yes = counts(page)
    page.click(f'#zc-finder-answers [data-zc-change="{fact}"]')
    page.locator("#zc-finder-question input[type=radio]").nth(1).check()
    page.click("[data-zc-answer]")
    wait_until(page, lambda: counts(page) != yes)
    low = page.locator("#zc-finder-total").get_attribute("data-min")
    assert low == "" or Decimal(low) >= 0
