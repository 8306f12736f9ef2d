"""The calculators end to end in real headless Chromium over http://127.0.0.1 (tests/conftest.py
builds and serves the site; its `page` blocks and records any request off the site's origin).

For measures of different kinds (per-person with a cap, tiers, region lookup, growth with a
fallback branch, non-money outcomes), the form is filled with a golden case's inputs and
submitted; `data-amount` must equal what `python build.py calc` prints for the same inputs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from sitegen import urls
from sitegen.model import thaw
from sitegen.specs import measure_spec

ROOT = Path(__file__).resolve().parents[1]
# A finished result: a state that ends a run, and no run under way (the form marks the result
# aria-busy from the submit until the answer; the state of the run before stays until then).
DONE = "[data-result]:is([data-state=ok],[data-state=ineligible],[data-state=error]):not([aria-busy])"
ENGINE_SETTLED = "html:is([data-zc-engine=ready],[data-zc-engine=failed])"
BOOT_MS = 60000


# ---- choosing measures and cases from the corpus (no hard-coded amounts) ----------------------

def _rule_kinds(rules, acc=None) -> set:
    acc = set() if acc is None else acc
    for rule in rules or ():
        acc |= {k for k in ("tiers", "lookup", "cap", "branch") if k in rule}
        if "growth(" in json.dumps(rule):
            acc.add("growth")
        for case in rule.get("branch") or ():
            _rule_kinds(case.get("rules"), acc)
    return acc


KINDS = {  # kind → predicate on (spec, rule kinds)
    "per-person-cap": lambda s, k: "cap" in k and s["amount_kind"] and any(i["type"] == "count" for i in s["inputs"]),
    "tiers": lambda s, k: "tiers" in k,
    "region-lookup": lambda s, k: "lookup" in k and any(i["type"] == "choice" for i in s["inputs"]),
    "growth-fallback": lambda s, k: {"growth", "branch"} <= k,
    "outcomes": lambda s, k: not s.get("amount") and s.get("outcomes"),
}


def pick_case(corpus, kind: str):
    """The first measure of `kind` with an eligible golden case: (notice, version, measure, case)."""
    for notice in corpus.notices:
        for case in notice.cases:
            version = notice.version(case.version) if case.version else notice.latest
            _, measure = version.measure(case.measure)
            spec = measure_spec(version, measure)
            if case.expect.eligible and KINDS[kind](spec, _rule_kinds(spec["rules"])):
                return notice, version, measure, case
    pytest.skip(f"no measure of kind {kind} with an eligible golden case")


def cli_result(notice_id: str, version: int, measure_id: str, inputs: dict, lang: str) -> dict:
    args = [sys.executable, str(ROOT / "build.py"), "calc", notice_id, str(measure_id), "--json",
            "--version", str(version), "--lang", lang]
    for key, value in inputs.items():
        args += ["--input", f"{key}={value}"]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def shown(text: str) -> str:
    """An engine text as the page shows it (calculator.js shownNumbers): amounts grouped by
    thousands (whole numbers of 5+ digits, any number with decimals and 4+ digits), percentages
    with more than 2 decimals rounded half up to 2 and marked ≈."""
    def percent(m):
        value = Decimal(f"{m.group(1)}.{m.group(2)}").quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"≈{value}%"

    def group(m):
        whole, frac, unit = m.group(1), m.group(2) or "", m.group(3) or ""
        return f"{int(whole):,}{frac}{unit}" if frac or unit or len(whole) >= 5 else m.group(0)
    text = re.sub(r"(?<![\d.,\-/])(\d+)\.(\d{3,})%", percent, text)
    return re.sub(r"(?<![\d.,\-/])(\d{4,})(\.\d+)?(?![\d\-/])(\s*(?:元|万|亿|yuan|CNY))?", group, text)


def test_numbers_in_texts_are_shown_grouped_and_percentages_rounded():
    assert shown("150 yuan × 20 workers = 3000.00 yuan; here 100000 points; Anhui: 20 × 150 = 3000 yuan") == \
        "150 yuan × 20 workers = 3,000.00 yuan; here 100,000 points; Anhui: 20 × 150 = 3,000 yuan"
    assert shown("2023年第一季度产值 1001.00 万元，合计3000元") == "2023年第一季度产值 1,001.00 万元，合计3,000元"
    assert shown("grew 25.125% (2023-01-05, in 2023, 10,000 yuan, 18.5%)") == \
        "grew ≈25.13% (2023-01-05, in 2023, 10,000 yuan, 18.5%)"


def as_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


# ---- page helpers ---------------------------------------------------------------------------

def open_notice(page, site_url, lang, notice_id, version=None):
    page.goto(site_url + urls.notice(lang, notice_id, version))
    scripts = page.locator("script[src*='assets/calculator/calculator.js']")
    assert scripts.count() == 1, "calculator pages must load assets/calculator/calculator.js (overrides/main.html)"


def form_of(page, notice_id, measure_id):
    form = page.locator(f'form[data-measure="{notice_id}/{measure_id}"]')
    assert form.count() == 1, f"no calculator form for {notice_id}/{measure_id}"
    return form


def fill(form, inputs: dict):
    for name, value in inputs.items():
        field = form.locator(f'[name="{name}"]')
        if form.locator(f'[data-field="{name}"]').get_attribute("data-type") in ("bool", "choice"):
            field.select_option(as_text(value))
        else:
            field.fill(as_text(value))


def submit_and_wait(page, form):
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f'form[data-measure="{form.get_attribute("data-measure")}"] {DONE}',
                           timeout=BOOT_MS)
    return form.locator("[data-result]")


# ---- tests --------------------------------------------------------------------------------

def test_reader_who_never_calculates_downloads_nothing_of_pyodide(page, site_url, site_corpus):
    notice, *_ = pick_case(site_corpus, "per-person-cap")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_notice(page, site_url, "zh", notice.id)
    page.mouse.wheel(0, 3000)          # reading and scrolling past the calculators
    page.wait_for_timeout(1500)
    assert page.locator("form[data-measure]").count() >= 1
    assert [u for u in requests if "/assets/pyodide/" in u or "/assets/calculator/worker" in u] == []
    assert page.locator("html[data-zc-engine]").count() == 0
    # the form is there and usable as plain HTML: labelled fields, a button, an idle result area
    form = page.locator("form[data-measure]").first
    for field in form.locator("input, select").all():
        assert form.locator(f'label[for="{field.get_attribute("id")}"]').count() == 1
    assert form.locator("[data-result]").get_attribute("data-state") == "idle"
    assert page.offsite == [] and page.errors == []


@pytest.mark.parametrize("kind,lang,site_url", [  # one case also through nginx and Caddy (deploy/)
    ("per-person-cap", "zh", "dev"), ("tiers", "en", "dev"), ("region-lookup", "zh", "dev"),
    ("growth-fallback", "en", "dev"), ("outcomes", "en", "dev"), ("per-person-cap", "zh", "nginx"),
    ("tiers", "en", "caddy")],
    indirect=["site_url"])
def test_form_result_equals_cli(page, site_url, site_corpus, kind, lang):
    notice, version, measure, case = pick_case(site_corpus, kind)
    inputs = thaw(case.inputs)
    open_notice(page, site_url, lang, notice.id, version.version if version is not notice.latest else None)
    form = form_of(page, notice.id, measure.id)
    form.locator("input, select").first.focus()          # first touch: the worker starts
    page.wait_for_selector("html[data-zc-engine]", state="attached")
    assert form.locator("[data-result]").get_attribute("data-state") in ("loading", "ready")
    fill(form, inputs)
    result = submit_and_wait(page, form)

    want = cli_result(notice.id, version.version, measure.id, {k: as_text(v) for k, v in inputs.items()}, lang)
    assert result.get_attribute("data-state") == ("ok" if want["eligible"] else "ineligible")
    assert result.get_attribute("data-amount") == want["amount"]
    assert result.get_attribute("data-amount-kind") == want["amount_kind"]
    text = result.inner_text()
    for step in want["steps"]:                            # every step, in the page's language
        assert shown(step["text"]) in text
    cites = {s["cite"] for s in want["steps"]}
    links = {a.get_attribute("href") for a in result.locator("a.zc-calc__cite").all()}
    assert {f"#{urls.clause_anchor(c)}" for c in cites} <= links
    for outcome in want["outcomes"]:
        assert result.locator(f'[data-outcome="{outcome["id"]}"]').count() == 1
    # the inputs went to the fragment; reloading the link reproduces the result with no typing
    assert "#calc/" in page.url
    page.reload()
    page.wait_for_selector(f'form[data-measure="{notice.id}/{measure.id}"] {DONE}', timeout=BOOT_MS)
    again = form_of(page, notice.id, measure.id).locator("[data-result]")
    assert again.get_attribute("data-amount") == want["amount"]
    assert page.offsite == [] and page.errors == []


def test_states_and_bad_inputs_get_field_messages(page, site_url, site_corpus):
    notice, version, measure, case = pick_case(site_corpus, "per-person-cap")
    inputs = thaw(case.inputs)
    count_id = next(str(i.id) for i in measure.inputs if i.type == "count")
    open_notice(page, site_url, "en", notice.id)
    form = form_of(page, notice.id, measure.id)
    result = form.locator("[data-result]")
    form.locator(f'[name="{count_id}"]').focus()
    assert "Loading the calculator" in result.inner_text()
    page.wait_for_selector("html[data-zc-engine=ready]", state="attached", timeout=BOOT_MS)
    assert result.get_attribute("data-state") == "ready" and "ready" in result.inner_text()
    assert page.get_attribute("html", "data-zc-boot") == "snapshot"   # the fast path restored

    fill(form, inputs)
    field = form.locator(f'[name="{count_id}"]')
    message = form.locator(f'[data-error-for="{count_id}"]')
    for bad, word in (("-3", "negative"), ("abc", "number"), ("99999999999", "at most"), ("", "fill in")):
        field.fill(bad)
        submit_and_wait(page, form)
        assert result.get_attribute("data-state") == "error"
        assert message.is_visible() and word in message.inner_text(), (bad, message.inner_text())
        assert field.get_attribute("aria-invalid") == "true"
        assert result.get_attribute("data-amount") is None
    field.fill(as_text(inputs[count_id]))
    submit_and_wait(page, form)
    assert result.get_attribute("data-state") in ("ok", "ineligible")
    assert not message.is_visible() and field.get_attribute("aria-invalid") is None
    assert page.offsite == [] and page.errors == []


def test_specs_in_the_site_are_the_loaders_specs(built_site, site_corpus):
    from sitegen.specs import version_specs
    for notice in site_corpus.notices:
        for version in notice.versions:
            path = built_site / "assets" / "specs" / notice.id / f"v{version.version}.json"
            want = json.loads(json.dumps(version_specs(version, site_corpus)))
            assert (json.loads(path.read_text()) if path.exists() else {}) == want


def test_works_with_the_network_cut(page, site_url, site_corpus):
    """Off-origin requests are blocked by the fixture throughout; once loaded, even the origin
    may go: the engine and the page's specs are already in the worker."""
    notice, version, measure, case = pick_case(site_corpus, "tiers")
    open_notice(page, site_url, "zh", notice.id)
    form = form_of(page, notice.id, measure.id)
    form.locator("input, select").first.focus()
    page.wait_for_selector("html[data-zc-engine=ready]", state="attached", timeout=BOOT_MS)
    page.context.set_offline(True)
    try:
        fill(form, thaw(case.inputs))
        result = submit_and_wait(page, form)
        assert result.get_attribute("data-state") == "ok"
        assert result.get_attribute("data-amount")
    finally:
        page.context.set_offline(False)
    assert page.offsite == []


def test_the_page_reads_the_snapshot_once_and_hands_it_to_the_worker(page, site_url, site_corpus):
    """calculator.js fetches the snapshot and transfers it; the worker must not fetch it again."""
    notice, version, measure, case = pick_case(site_corpus, "tiers")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_notice(page, site_url, "en", notice.id)
    form_of(page, notice.id, measure.id).locator("input, select").first.focus()
    page.wait_for_selector("html[data-zc-engine=ready]", state="attached", timeout=BOOT_MS)
    assert page.get_attribute("html", "data-zc-boot") == "snapshot"
    assert len([url for url in requests if url.endswith("/snapshot.bin")]) == 1
    # The restored memory holds the engine: its wheel is not fetched (a normal boot fetches it,
    # see the next test).
    assert not [url for url in requests if url.endswith(".whl")]
    entries = "() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('/snapshot.bin')).length"
    assert page.evaluate(entries) == 1
    assert [w.evaluate(entries) for w in page.workers] == [0]
    assert page.offsite == [] and page.errors == []


@pytest.mark.parametrize("broken", ["corrupt", "unreachable"])
def test_a_broken_snapshot_falls_back_to_a_normal_boot(page, site_url, site_corpus, broken):
    """The stdlib served with the snapshot lacks what is in the snapshot's memory, so the
    fallback boot must fetch the full one: the answer is still the CLI's. The page reads the
    snapshot: a corrupt file fails in the worker, an unreachable one in the page."""
    notice, version, measure, case = pick_case(site_corpus, "tiers")
    page.route("**/assets/pyodide/*/snapshot.bin",
               (lambda route: route.fulfill(status=200, body=b"not a snapshot", content_type="application/octet-stream"))
               if broken == "corrupt" else (lambda route: route.abort()))
    wheels = []
    page.on("request", lambda r: wheels.append(r.url) if r.url.endswith(".whl") else None)
    open_notice(page, site_url, "en", notice.id)
    form = form_of(page, notice.id, measure.id)
    fill(form, thaw(case.inputs))
    result = submit_and_wait(page, form)
    assert page.get_attribute("html", "data-zc-boot") == "normal"
    assert len(wheels) == 1   # the engine installed from its wheel, loaded by name from the lock
    expected = cli_result(notice.id, version.version, str(measure.id), thaw(case.inputs), "en")
    assert result.get_attribute("data-state") == ("ok" if expected["eligible"] else "ineligible")
    assert result.get_attribute("data-amount") == expected["amount"]
    assert page.offsite == []


def test_load_failure_is_explained_not_an_endless_spinner(page, site_url, site_corpus):
    notice, version, measure, case = pick_case(site_corpus, "tiers")
    page.route("**/assets/pyodide/**", lambda route: route.abort())
    open_notice(page, site_url, "en", notice.id)
    form = form_of(page, notice.id, measure.id)
    form.locator("input, select").first.focus()
    page.wait_for_selector("html[data-zc-engine=failed]", state="attached", timeout=BOOT_MS)
    result = form.locator("[data-result]")
    assert result.get_attribute("data-state") == "error"
    assert result.get_attribute("data-error") == "load"
    assert "could not load" in result.inner_text()
    fill(form, thaw(case.inputs))                            # a click now says why, at once
    submit_and_wait(page, form)
    assert "could not load" in result.inner_text()
