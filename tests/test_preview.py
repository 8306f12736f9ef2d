"""Live preview (`build.py serve --watch`, sitegen/preview.py): a save under policies/ is rebuilt
and served, a YAML mistake shows in the page with file:line:field, and fixing it recovers.

The preview runs for real: its watcher thread scans a temporary copy of policies/, its server
answers on an ephemeral port, and the tests read what a browser would be sent.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen import urls
from sitegen.preview import Preview, PreviewHandler
from sitegen.serve import make_server

from tests.conftest import guarded_page

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "shengsi-2024"
TITLE_EN = ("  en: Notice of the Shengsi County Human Resources and Social Security Bureau and Three Other "
            "Departments on Ensuring Stable Staffing and Stable Production during the 2024 Spring Festival\n")
DEADLINE = 60   # seconds: generous for a shared, loaded machine (the benchmark measures latency)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    shutil.copytree(ROOT / "policies", tmp / "policies")
    pv = Preview(tmp / "policies", tmp / "site", build_date=dt.date(2024, 3, 1), calculators=False,
                 index_search=False, log=lambda message: None)
    pv.start()
    server = make_server(pv.site, "127.0.0.1", 0, handler=type("P", (PreviewHandler,), {"preview": pv}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watcher = threading.Thread(target=pv.watch, daemon=True)
    watcher.start()
    pv.base = f"http://127.0.0.1:{server.server_address[1]}/"
    pv.version_file = tmp / "policies" / NOTICE / "v1.yaml"
    pv.original = pv.version_file.read_text(encoding="utf-8")
    yield pv
    pv.stop()
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


def wait_for(url: str, check) -> str:
    end = time.monotonic() + DEADLINE
    while True:
        _, _, body = fetch(url)
        if check(html.unescape(body)):
            return body
        if time.monotonic() > end:
            raise AssertionError(f"{url} never satisfied the check; last page:\n{body[:3000]}")
        time.sleep(0.2)


def save(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:  # a coarse clock: make the change visible to the scan
        import os
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_page_carries_the_reload_script_and_nothing_is_written_into_the_site(preview):
    status, headers, body = fetch(preview.base + urls.notice("en", NOTICE))
    assert status == 200
    assert '<script src="/__preview/reload.js"' in body and 'data-version="' in body
    assert headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in headers  # the site's own policy: the script is same-origin
    on_disk = (preview.site / urls.notice("en", NOTICE) / "index.html").read_text(encoding="utf-8")
    assert "__preview" not in on_disk
    status, _, script = fetch(preview.base + "__preview/reload.js")
    assert status == 200 and "/__preview/version" in script
    status, _, version = fetch(preview.base + "__preview/version")
    assert status == 200 and '"version"' in version


def test_edit_appears_error_shows_where_and_fix_recovers(preview):
    page = preview.base + urls.notice("en", NOTICE)
    assert TITLE_EN in preview.original
    edited = preview.original.replace(TITLE_EN, "  en: Preview test title, edited\n")
    save(preview.version_file, edited)
    wait_for(page, lambda body: "Preview test title, edited" in body)
    # The listings show the new title too (the site-wide pages are rebuilt when they change).
    wait_for(preview.base + urls.home("en"), lambda body: "Preview test title, edited" in body)

    # A YAML mistake: the page says where (file:line and the field), and no stale page pretends all is well.
    broken = edited.replace("  en: Preview test title, edited\n", "  en: Preview test title, edited\n  en: twice\n")
    line = broken.splitlines().index("  en: twice") + 1
    save(preview.version_file, broken)
    body = wait_for(page, lambda body: "zc-preview-problems" in body)
    assert f"<code>policies/{NOTICE}/v1.yaml:{line}</code>" in body
    assert "Preview not updated" in body and "预览未更新" in body

    # A schema mistake names the field.
    wrong_field = edited.replace("  en: Preview test title, edited\n", "  en: Preview test title, edited\n  fr: titre\n")
    save(preview.version_file, wrong_field)
    body = wait_for(page, lambda body: "<code>title.fr</code>" in body)
    banner = body[body.index('<div class="zc-preview-problems"'):]
    banner = banner[:banner.index("</div>")]
    line = wrong_field.splitlines().index("  fr: titre") + 1
    assert f"<code>policies/{NOTICE}/v1.yaml:{line}</code> <code>title.fr</code>" in banner, banner

    # Fixed: the banner goes, the page shows the file as saved.
    restored = preview.original.replace(TITLE_EN, "  en: Preview test title, fixed\n")
    save(preview.version_file, restored)
    body = wait_for(page, lambda body: "Preview test title, fixed" in body and "zc-preview-problems" not in body)


def test_open_page_reloads_itself_and_shows_the_problem(preview, browser):
    """In Chromium, under the site's CSP: the open page reloads after a save, with no console error."""
    page_url = preview.base + urls.notice("en", NOTICE)
    with guarded_page(browser, preview.base) as pg:
        pg.goto(page_url)
        text = preview.version_file.read_text(encoding="utf-8")
        current = next(line for line in text.splitlines() if line.startswith("  en: ") and "Preview" in line
                       or line == TITLE_EN.rstrip("\n"))
        save(preview.version_file, text.replace(current + "\n", "  en: Reloaded in the browser\n", 1))
        pg.wait_for_selector("h1:has-text('Reloaded in the browser')", timeout=DEADLINE * 1000)
        save(preview.version_file, text.replace(current + "\n", current + "\n  en: twice\n", 1))
        pg.wait_for_selector(".zc-preview-problems", timeout=DEADLINE * 1000)
        assert "v1.yaml:" in pg.locator(".zc-preview-problems").inner_text()
        save(preview.version_file, text)
        pg.wait_for_selector(".zc-preview-problems", state="detached", timeout=DEADLINE * 1000)
        assert pg.offsite == []
        assert [e for e in pg.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_load_cache_reads_only_changed_files(tmp_path, monkeypatch):
    """The preview's reload parses (and runs the golden cases of) the saved notice alone, and
    gives the same corpus as a load from scratch."""
    from sitegen import readers
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    cache = readers.LoadCache()
    first = readers.load_policies(tmp_path / "policies", run_cases=True, cache=cache)
    parsed, ran = [], []
    real_load, real_cases = readers.load_yaml_file, readers._check_cases

    def counted_load(path, display):
        if path.name != "glossary.yaml":  # the glossary: one small file, read every time
            parsed.append(path.name)
        return real_load(path, display)
    monkeypatch.setattr(readers, "load_yaml_file", counted_load)
    monkeypatch.setattr(readers, "_check_cases", lambda loaded, notice, run: ran.append(notice.id) or real_cases(loaded, notice, run=run))
    again = readers.load_policies(tmp_path / "policies", run_cases=True, cache=cache)
    assert parsed == [] and ran == [] and again.notices == first.notices
    path = tmp_path / "policies" / NOTICE / "v1.yaml"
    save(path, path.read_text(encoding="utf-8").replace(TITLE_EN, "  en: Cached elsewhere\n"))
    edited = readers.load_policies(tmp_path / "policies", run_cases=True, cache=cache)
    assert parsed == ["v1.yaml"] and ran == [NOTICE]
    assert edited.notice(NOTICE).latest.title["en"] == "Cached elsewhere"
    monkeypatch.undo()
    assert readers.load_policies(tmp_path / "policies", run_cases=True).notices == edited.notices
