"""Shared fixtures: the real site built once per session, served on loopback, and a browser.

- `built_site`: Path of the site built from policies/ (build date fixed: BUILD_DATE), with the
  calculators' Pyodide runtime unless ZHENGCE_TEST_CALCULATORS=0.
- `site_url`: base URL ("http://127.0.0.1:PORT/") of that site, served by sitegen.serve; a test
  parametrized with `@pytest.mark.parametrize("site_url", SERVERS, indirect=True)` runs against
  nginx and Caddy started from deploy/ as well (tests/nginx.py, tests/caddy.py). Only representative tests do, to
  keep the suite's time.
- `browser`: headless Chromium (/usr/bin/chromium) through Playwright; skipped if absent.
- `page`: a fresh page whose requests off the site's own origin are blocked and recorded in
  `page.offsite` (tests assert it stays empty), with console errors in `page.errors`.
- `archive_corpus`, `archive_site`, `archive_url`, `archive_page`: the same for the synthetic
  versioned notices of tests/fixtures/archive (demo-bus v1 draft, v2 final; demo-successor).
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
from benchmarks.chromium import CHROMIUM_ARGS  # noqa: E402  (one list for tests and benchmarks)
BUILD_DATE = dt.date(2024, 3, 1)
ARCHIVE_FIXTURES = ROOT / "tests" / "fixtures" / "archive"


def with_calculators() -> bool:
    """ZHENGCE_TEST_CALCULATORS=0 leaves out the Pyodide runtime (faster; pages and search only)."""
    return os.environ.get("ZHENGCE_TEST_CALCULATORS", "1") != "0"


@pytest.fixture(scope="session")
def site_corpus():
    from sitegen.readers import load_policies
    policies = Path(os.environ.get("ZHENGCE_POLICIES", ROOT / "policies"))
    return load_policies(policies, seeds_dir=ROOT / "sources", run_cases=False)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_corpus) -> Path:
    from sitegen.site import build_site
    out = tmp_path_factory.mktemp("built") / "site"
    build_site(site_corpus, out, build_date=BUILD_DATE, calculators=with_calculators())
    return out


SERVERS = ("dev", "nginx", "caddy")  # sitegen.serve (`python build.py serve`), the production configs


@contextmanager
def _served(site: Path, server: str = "dev", tmp: Path | None = None):
    if server in ("nginx", "caddy"):
        from tests import caddy, nginx
        runner = {"nginx": nginx, "caddy": caddy}[server]
        reason = runner.available()
        if reason:
            pytest.fail(f"{reason} (./dev test installs it)")
        with runner.running(site, tmp) as url:
            yield url
        return
    from sitegen.serve import serve_in_thread
    server, url = serve_in_thread(site, "127.0.0.1", 0)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(request, built_site, tmp_path_factory):
    server = getattr(request, "param", "dev")
    with _served(built_site, server, tmp_path_factory.mktemp(server)) as url:
        yield url


@pytest.fixture(scope="session")
def archive_corpus():
    from sitegen.readers import load_policies
    return load_policies(ARCHIVE_FIXTURES, run_cases=False)


@pytest.fixture(scope="session")
def archive_site(tmp_path_factory, archive_corpus) -> Path:
    from sitegen.site import build_site
    out = tmp_path_factory.mktemp("archive") / "site"
    build_site(archive_corpus, out, build_date=BUILD_DATE, calculators=with_calculators())
    return out


@pytest.fixture(scope="session")
def archive_url(archive_site):
    with _served(archive_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: ./dev test installs Debian's chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def guarded_page(browser, base_url: str):
    """A fresh page that blocks and records (`.offsite`) every request off `base_url`'s origin."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = context.new_page()
    pg.offsite = []
    pg.errors = []

    def guard(route):
        url = route.request.url
        if url.startswith(origin) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            pg.offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser, site_url):
    with guarded_page(browser, site_url) as pg:
        yield pg


@pytest.fixture
def archive_page(browser, archive_url):
    with guarded_page(browser, archive_url) as pg:
        yield pg
