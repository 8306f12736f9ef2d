"""Issue 12 in the browser (real headless Chromium): list inputs, the status inside a result,
all errors at once, stale results, the printable worksheet, at phone width and by keyboard.

lucheng-2023 item 19 answers for the whole enterprise: one row per place of origin. The notice
expired on 2023-06-30 and the qualifying period (22 January – 2 February 2023) is closed, so a
result calculated today carries both.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sitegen import urls
from tests.axe import axe_problems
from tests.test_browser_calculator import BOOT_MS, DONE, ROOT, form_of, open_notice, shown

NOTICE, MEASURE = "lucheng-2023", "19"
FORM = f'form[data-measure="{NOTICE}/{MEASURE}"]'
ROWS = [{"province": "anhui", "workers": "20"}, {"province": "zhejiang", "workers": "7"},
        {"province": "guangdong", "workers": "3"}]
CONFIRM = {"returned_in_window": "true", "insured": "true", "self_return": "true"}


def cli(inputs: dict, lang: str, tmp_path) -> dict:
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(inputs))
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "calc", NOTICE, MEASURE, "--inputs", str(path),
                           "--json", "--lang", lang], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def rows(form):
    return form.locator("[data-list=origins] [data-rows] > [data-row]")


def fill_row(form, index: int, row: dict):
    r = rows(form).nth(index)
    r.locator("select[data-column=province]").select_option(row["province"])
    r.locator("input[data-column=workers]").fill(row["workers"])


def fill_confirmations(form):
    for name, value in CONFIRM.items():
        form.locator(f'[name="{name}"]').select_option(value)


def submit(page, form):
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
    return form.locator("[data-result]")


def three_rows(page, site_url, lang):
    open_notice(page, site_url, lang, NOTICE)
    form = form_of(page, NOTICE, MEASURE)
    fill_confirmations(form)
    fill_row(form, 0, ROWS[0])
    for i, row in enumerate(ROWS[1:], start=1):
        form.locator("[data-add-row]").click()
        fill_row(form, i, row)
    return form


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_rows_total_equals_the_cli_with_status_and_closed_window(page, site_url, lang, tmp_path):
    form = three_rows(page, site_url, lang)
    assert rows(form).count() == 3
    result = submit(page, form)
    want = cli({**CONFIRM, "origins": ROWS}, lang, tmp_path)
    assert result.get_attribute("data-state") == "ok"
    assert result.get_attribute("data-amount") == want["amount"] == "3950.00"
    text = result.inner_text()
    for step in want["steps"]:
        assert shown(step["text"]) in text
    assert "3,950.00" in text and ("3,000" in text)                    # grouped in the display
    # the status: expired, framed next to the amount; the qualifying period closed
    assert result.get_attribute("data-notice-status") == want["status"]["notice_status"] == "expired"
    frame = result.locator("[data-frame]")
    assert frame.is_visible()
    assert frame.inner_text() == want["status"]["frame"]
    assert ("Expired on 2023-06-30" if lang == "en" else "已于2023年6月30日失效") in frame.inner_text()
    closed = result.locator("[data-window=qualifying][data-window-state=closed]")
    assert closed.count() == 1 and ("closed" if lang == "en" else "已结束") in closed.inner_text()
    # the list went into the shareable link and comes back from it
    assert "origins=" in page.url
    page.reload()
    page.wait_for_selector(f"{FORM} {DONE}", timeout=BOOT_MS)
    again = form_of(page, NOTICE, MEASURE)
    assert rows(again).count() == 3
    assert rows(again).nth(2).locator("input[data-column=workers]").input_value() == "3"
    assert again.locator("[data-result]").get_attribute("data-amount") == "3950.00"
    assert page.offsite == [] and page.errors == []


def shoot(page, form, name: str):
    """Screenshots of `form` in pieces a reader can look at: build/screenshots/<name>-<i>.png."""
    out = ROOT / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    box = form.bounding_box()
    top, height = box["y"] + page.evaluate("window.scrollY"), box["height"]
    for i, y in enumerate(range(int(top), int(top + height), 800)):
        page.screenshot(path=str(out / f"{name}-{i}.png"), full_page=True,
                        clip={"x": 0, "y": y, "width": width, "height": min(800, top + height - y)})


def test_all_errors_at_once_each_at_its_cell_with_a_linked_summary(page, site_url):
    page.set_viewport_size({"width": 375, "height": 900})
    open_notice(page, site_url, "en", NOTICE)
    form = form_of(page, NOTICE, MEASURE)
    form.locator("[data-add-row]").click()
    fill_row(form, 0, {"province": "anhui", "workers": "-2"})
    form.locator("[name=insured]").select_option("true")
    result = submit(page, form)
    assert result.get_attribute("data-state") == "error"
    shown_errors = form.locator(".zc-calc__error:not([hidden])")
    # returned_in_window, self_return; row 1 workers; row 2 province and workers
    assert shown_errors.count() == 5
    cell = rows(form).nth(0).locator("input[data-column=workers]")
    assert cell.get_attribute("aria-invalid") == "true"
    message = form.locator(f'[data-error-for=origins][data-row="0"][data-column=workers]')
    assert message.inner_text() == '"Workers" cannot be negative'       # the row and list are around it
    assert result.locator(".zc-calc__summary li").nth(2).inner_text() == \
        'Place of origin 1: "Workers" cannot be negative'              # the summary names the row
    assert rows(form).nth(1).locator("select[data-column=province]").get_attribute("aria-invalid") == "true"
    assert form.locator("[name=insured]").get_attribute("aria-invalid") is None
    links = result.locator(".zc-calc__summary a")
    assert links.count() == 5
    links.nth(2).click()
    assert page.evaluate("document.activeElement.id") == cell.get_attribute("id")
    assert "#calc/" not in page.url                                     # the link did not touch the fragment
    shoot(page, form, "lucheng-19-errors-375")
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 376)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide
    assert axe_problems(page) == []


def test_a_changed_input_marks_the_result_stale_until_recalculated(page, site_url):
    form = three_rows(page, site_url, "en")
    result = submit(page, form)
    assert result.get_attribute("data-stale") is None
    rows(form).nth(1).locator("input[data-column=workers]").fill("8")
    assert result.get_attribute("data-stale") == "true"
    stale = result.locator(".zc-calc__stale")
    assert stale.is_visible() and "no longer matches" in stale.inner_text()
    assert result.get_attribute("role") == "status"                   # announced: a live region
    assert axe_problems(page) == []
    result = submit(page, form)
    assert result.get_attribute("data-stale") is None and result.locator(".zc-calc__stale").count() == 0
    assert result.get_attribute("data-amount") == "4000.00"           # 3950 + 1 × 50


def test_keyboard_alone_adds_and_removes_rows_and_they_are_announced(page, site_url):
    open_notice(page, site_url, "zh", NOTICE)
    form = form_of(page, NOTICE, MEASURE)
    add = form.locator("[data-add-row]")
    live = form.locator("[data-rows-live]")
    add.focus()
    page.keyboard.press("Enter")
    assert rows(form).count() == 2 and live.inner_text() == "已添加第2行。"
    focused = page.evaluate("document.activeElement.id")
    assert focused == rows(form).nth(1).locator("select[data-column=province]").get_attribute("id")
    label = page.evaluate("""() => { const e = document.activeElement;
        return e.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent).join(' '); }""")
    assert label.startswith("来源地 2") and "来源地（按身份证前4位）" in label
    page.keyboard.press("Shift+Tab")                                   # back to row 1's remove button
    assert page.evaluate("document.activeElement.textContent") == "删除来源地 1"
    page.keyboard.press("Enter")
    assert rows(form).count() == 1 and live.inner_text() == "已删除第1行，现有 1 行。"
    # the remaining row is renumbered, and a single row (min_rows 1) cannot be removed
    assert rows(form).nth(0).locator("legend").inner_text() == "来源地 1"
    assert not rows(form).nth(0).locator("[data-remove-row]").is_visible()
    assert page.evaluate("document.activeElement.dataset.column") == "province"
    assert axe_problems(page) == []


def test_the_print_view_holds_the_worksheet(page, site_url, site_corpus, tmp_path):
    form = three_rows(page, site_url, "en")
    result = submit(page, form)
    page.evaluate("window.print = () => {}")                            # no dialog in a test
    result.locator("[data-print]").click()
    page.wait_for_selector(".zc-worksheet", state="attached")
    assert page.locator(".zc-worksheet").count() == 1
    assert page.get_attribute("html", "data-zc-print") == "worksheet"
    out = ROOT / "build" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / "lucheng-19-worksheet.pdf"                             # kept for a look
    page.pdf(path=str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    want = cli({**CONFIRM, "origins": ROWS}, "en", tmp_path)
    for needed in ("Worksheet", "Version", "v1", "Expired on 2023-06-30", "Anhui", "Guangdong",
                   "3,950.00", "Inputs", "The clauses cited", "Link to this calculation", "#calc/19?"):
        assert needed in flat, needed
    dense = "".join(text.split())                                       # line breaks fall anywhere
    for step in want["steps"]:                                          # every step
        assert "".join(shown(step["text"]).split()) in dense, step["text"]
    clause, _ = next(n for n in site_corpus.notices if n.id == NOTICE).latest.measure(MEASURE)
    assert "".join(clause.text.en.split()) in dense                     # the cited clause's text,
    assert "".join(clause.text.zh.split()) in dense                     # and the Chinese original
    for needed in ("Document number", "not given in the source"):      # lucheng-2023 states none
        assert needed in flat
    assert flat.startswith("Worksheet: ")                               # the page itself is not printed


@pytest.mark.parametrize("width", [375, 1280])
def test_no_horizontal_scroll_and_screenshots(page, site_url, width, tmp_path_factory):
    page.set_viewport_size({"width": width, "height": 900})
    form = three_rows(page, site_url, "zh")
    submit(page, form)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    toc = page.locator(f'a[href="#{urls.measure_anchor(MEASURE)}"]').filter(has_text="计算器：自行返岗交通补贴")
    assert toc.count() >= 1                                             # the page's contents list it
    form.scroll_into_view_if_needed()
    shoot(page, form, f"lucheng-19-{width}")
    assert axe_problems(page) == []


def list_cases(corpus):
    """Per measure with a list input: its eligible golden case with the most rows."""
    best = {}
    for notice in corpus.notices:
        for case in notice.cases:
            version = notice.version(case.version) if case.version else notice.latest
            _, measure = version.measure(case.measure)
            lists = [str(i.id) for i in measure.inputs if i.type == "list"]
            if not lists or not case.expect.eligible:
                continue
            size = sum(len(case.inputs.get(name) or ()) for name in lists)
            key = (notice.id, str(measure.id))
            if key not in best or size > best[key][0]:
                best[key] = (size, notice, version, measure, case)
    return [v[1:] for _, v in sorted(best.items())]


def test_every_list_calculator_gives_its_golden_total(page, site_url, site_corpus):
    from sitegen.model import thaw
    from tests.test_browser_calculator import as_text, fill
    cases = list_cases(site_corpus)
    assert len(cases) >= 5                                              # the recoded measures
    for i, (notice, version, measure, case) in enumerate(cases):
        lang = ("zh", "en")[i % 2]
        open_notice(page, site_url, lang, notice.id)
        form = form_of(page, notice.id, measure.id)
        inputs = thaw(case.inputs)
        fill(form, {k: v for k, v in inputs.items() if not isinstance(v, list)})
        for name, values in ((k, v) for k, v in inputs.items() if isinstance(v, list)):
            group = form.locator(f'[data-list="{name}"]')
            for _ in range(len(values) - group.locator("[data-rows] > [data-row]").count()):
                group.locator("[data-add-row]").click()
            for r, cells in enumerate(values):
                row = group.locator("[data-rows] > [data-row]").nth(r)
                for column, value in cells.items():
                    cell = row.locator(f'input[data-column="{column}"], select[data-column="{column}"]')
                    if cell.evaluate("e => e.tagName") == "SELECT":
                        cell.select_option(as_text(value))
                    else:
                        cell.fill(as_text(value))
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f'form[data-measure="{notice.id}/{measure.id}"] {DONE}', timeout=BOOT_MS)
        result = form.locator("[data-result]")
        assert result.get_attribute("data-state") == "ok", (notice.id, measure.id, result.inner_text())
        assert result.get_attribute("data-amount") == case.expect.amount, (notice.id, measure.id)
        assert result.locator(".zc-calc__standing").count() == 1         # every result states the status
    assert page.offsite == [] and page.errors == []


def test_a_closed_application_window_frames_the_result(page, site_url):
    """dalian-2021 item 1: applications 2021-03-01 to 03-31; the notice states no end date."""
    open_notice(page, site_url, "en", "dalian-2021")
    form = form_of(page, "dalian-2021", "1")
    for name, value in (("employer_dalian", "true"), ("paid_envelope", "true")):
        form.locator(f'[name="{name}"]').select_option(value)
    form.locator('[name="workers"]').fill("10")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f'form[data-measure="dalian-2021/1"] {DONE}', timeout=BOOT_MS)
    result = form.locator("[data-result]")
    assert result.get_attribute("data-amount") == "5000.00"
    assert "applications closed on 2021-03-31" in result.locator("[data-frame]").inner_text()
    window = result.locator("[data-window=application]")
    assert window.get_attribute("data-window-state") == "closed" and "closed" in window.inner_text()
    # the same on a day inside the window: open, and no frame about it
    form.locator("[data-as-of]").fill("2021-03-15")
    form.locator("button[type=submit]").click()
    page.wait_for_selector('form[data-measure="dalian-2021/1"] [data-result][data-on="2021-03-15"]', timeout=BOOT_MS)
    assert result.locator("[data-window=application]").get_attribute("data-window-state") == "open"
    assert result.get_attribute("data-claimable") == "true"
