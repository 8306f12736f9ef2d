"""Versions in real headless Chromium on the synthetic fixture notices: an old version's banner
leads to the latest, the in-force page answers for a chosen day, axe finds nothing on the history,
diff and in-force pages, and a whole-site release works from `python -m http.server` offline."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tarfile
import time
from decimal import Decimal
from pathlib import Path

import pytest

from sitegen import lifecycle, urls
from tests.axe import axe_problems
from tests.conftest import ARCHIVE_FIXTURES, BUILD_DATE, guarded_page

ROOT = Path(__file__).resolve().parents[1]


def test_old_version_banner_leads_to_the_latest(archive_page, archive_url, archive_corpus):
    bus = archive_corpus.notice("demo-bus")
    page = archive_page
    page.goto(archive_url + urls.notice("zh", "demo-bus", 1))
    banner = page.locator(".zc-banner__version")
    assert banner.is_visible()
    assert "第1版" in banner.inner_text() and bus.latest.title.zh in banner.inner_text()
    page.locator("a.zc-banner__latest").click()
    page.wait_for_url("**/zh/n/demo-bus/")
    assert page.url == archive_url + urls.notice("zh", "demo-bus")
    assert page.locator("h1").first.inner_text().strip() == bus.latest.title.zh
    assert page.locator(".zc-banner__version").count() == 0
    assert page.offsite == [] and page.errors == []


def _show_day(page, day: str) -> list[tuple[str, str]]:
    page.fill("#zc-on", day)
    page.click(".zc-in-force-form button")
    page.wait_for_selector(f"form[data-zc-shown='{day}']", timeout=10000)
    return [(li.get_attribute("data-notice"), li.get_attribute("data-version"))
            for li in page.locator("#zc-in-force-list > li").all()]


@pytest.mark.parametrize("lang", urls.LANGS)
def test_in_force_page_for_a_chosen_day(archive_page, archive_url, archive_corpus, lang):
    page = archive_page
    page.goto(archive_url + urls.in_force(lang))
    assert page.locator(".zc-in-force-form").is_visible()
    for day in ("2024-02-15", "2024-03-05", "2024-01-20"):
        expected = [(n.id, str(v.version))
                    for n, v in lifecycle.in_force_on(archive_corpus, dt.date.fromisoformat(day))]
        assert _show_day(page, day) == expected, day
        assert f"on={day}" in page.url
    assert _show_day(page, "2024-02-15") == [("demo-bus", "2")]
    assert _show_day(page, "2024-03-05") == [("demo-successor", "1")]
    # the listed version's measure links go to that version's permanent page
    _show_day(page, "2024-02-15")
    href = page.locator("#zc-in-force-list .zc-in-force__measures a").first.get_attribute("href")
    assert href.endswith("/" + urls.notice(lang, "demo-bus", 2) + "#m-1")
    page.locator("#zc-in-force-list a.zc-item__title").first.click()
    page.wait_for_url("**/demo-bus/v2/")
    assert page.offsite == [] and page.errors == []


def test_in_force_day_from_the_address(archive_page, archive_url):
    page = archive_page
    page.goto(archive_url + urls.in_force("en") + "?on=2024-02-15")
    page.wait_for_selector("form[data-zc-shown='2024-02-15']")
    assert page.locator("#zc-in-force-list > li").get_attribute("data-notice") == "demo-bus"
    assert "15 February 2024" in page.locator("#zc-in-force-status").inner_text()


AXE_PAGES = [urls.history("zh", "demo-bus"), urls.history("en", "demo-bus"),
             urls.diff("zh", "demo-bus", 1, 2), urls.diff("en", "demo-bus", 1, 2),
             urls.in_force("zh"), urls.in_force("en") + "?on=2024-02-15",
             urls.notice("zh", "demo-bus", 1), urls.notice("en", "demo-bus", 1),
             urls.parallel("zh", "demo-bus", 1), urls.parallel("en", "demo-bus", 1)]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_accessibility_axe(archive_page, archive_url, path):
    page = archive_page
    page.goto(archive_url + path)
    if "in-force" in path:
        page.wait_for_selector("form[data-zc-shown]")
    assert axe_problems(page) == []
    assert page.offsite == [] and page.errors == []


# ---- a whole-site release, served by `python -m http.server` -----------------------------------

@pytest.fixture(scope="module")
def release_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("release")
    env = {**os.environ, "ZHENGCE_POLICIES": str(ARCHIVE_FIXTURES),
           "ZHENGCE_MANIFEST": str(tmp / "manifest.json")}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "release", "--out", str(tmp / "out"),
                           "--date", BUILD_DATE.isoformat()], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    archive_file = Path(proc.stdout.strip())
    assert archive_file.name == f"zhengce-{BUILD_DATE.isoformat()}.tar.gz"
    with tarfile.open(archive_file) as tar:
        tar.extractall(tmp / "x", filter="data")
    folder = tmp / "x" / f"zhengce-{BUILD_DATE.isoformat()}"
    assert (folder / "README.txt").is_file() and (folder / "MANIFEST.json").is_file()
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
                              cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()      # "Serving HTTP on 127.0.0.1 port 12345 (…) ..."
        port = re.search(r"port (\d+)", line).group(1)
        time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/", folder
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_release_served_by_http_server_works_offline(browser, release_url, archive_corpus):
    url, folder = release_url
    with guarded_page(browser, url) as page:
        page.goto(url + urls.notice("en", "demo-bus", 1))
        assert page.locator(".zc-banner__version").is_visible()
        page.locator("a.zc-banner__latest").click()
        page.wait_for_url("**/en/n/demo-bus/")
        assert page.locator("h1").first.inner_text().strip() == archive_corpus.notice("demo-bus").latest.title.en
        page.goto(url + urls.in_force("en") + "?on=2024-02-15")
        page.wait_for_selector("form[data-zc-shown='2024-02-15']")
        assert page.locator("#zc-in-force-list > li").get_attribute("data-notice") == "demo-bus"
        assert page.offsite == [] and page.errors == []


def test_release_calculator_works_offline(browser, release_url, archive_corpus):
    """The calculator of the version in force on 2024-02-15, from the unpacked release."""
    from calculators import calculate
    from sitegen.specs import measure_spec
    url, folder = release_url
    path = urls.notice("en", "demo-bus", 2)
    version = archive_corpus.notice("demo-bus").version(2)
    assert lifecycle.version_on(archive_corpus.notice("demo-bus"), archive_corpus,
                                dt.date(2024, 2, 15)) is version
    _, measure = version.measure("1")
    expected = calculate(measure_spec(version, measure), {"cost": "300000"}, lang="en")["amount"]
    with guarded_page(browser, url) as page:
        page.goto(url + path)
        form = page.locator("form[data-measure='demo-bus/1']")
        form.locator("input[name=cost]").fill("300000")
        form.locator("button[type=submit]").click()
        result = form.locator("[data-result]:is([data-state=ok],[data-state=ineligible],[data-state=error])")
        result.wait_for(timeout=60000)
        assert result.get_attribute("data-state") == "ok", result.inner_text()
        assert Decimal(result.get_attribute("data-amount")) == Decimal(expected)
        assert page.offsite == [] and page.errors == []
