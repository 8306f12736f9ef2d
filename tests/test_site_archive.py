"""Versioned pages on the synthetic fixture notices (tests/fixtures/archive): permanent URLs,
banners, history, diffs, the in-force page and its JSON index, published-page immutability and
byte-identical rebuilds. The fixture site is built once per session (conftest.archive_site)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen import archive, diff, lifecycle, pointintime, urls
from sitegen.site import build_site
from tests.conftest import BUILD_DATE, with_calculators

D = dt.date.fromisoformat


class Elements(HTMLParser):
    """Start tags with their attributes, and the text inside elements carrying a class or id."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def elements(site: Path, url: str) -> Elements:
    e = Elements()
    e.feed(read(site, url))
    return e


def resolve(from_url: str, href: str) -> str:
    """The site-relative URL a relative link on page `from_url` points to."""
    import posixpath
    path = posixpath.normpath(posixpath.join("/" + from_url, href.split("#")[0]))
    return (path.lstrip("/") + "/").lstrip("/") if path != "/" else ""


def text_of(html: str, cls: str) -> str:
    match = re.search(rf'<(\w+) class="{cls}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, cls
    return re.sub(r"<[^>]+>", "", match.group(2))


# ---- permanent URLs and banners ----------------------------------------------------------------

def test_every_version_at_its_permanent_url_and_latest_at_the_notice_url(archive_site, archive_corpus):
    for notice in archive_corpus.notices:
        for lang in urls.LANGS:
            latest = read(archive_site, urls.notice(lang, notice.id))
            assert f'data-zc-version="{notice.latest.version}"' in latest
            for v in notice.versions:   # the latest too: a permanent link never breaks
                page = read(archive_site, urls.notice(lang, notice.id, v.version))
                assert f'data-zc-version="{v.version}"' in page
                assert archive.CONTENT_RE.search(page), "no notice-content markers"
                assert v.title[lang] in "".join(archive.CONTENT_RE.findall(page))


def test_old_version_banner_names_the_current_version(archive_site, archive_corpus):
    bus = archive_corpus.notice("demo-bus")
    v1, latest = bus.versions[0], bus.latest
    for lang in urls.LANGS:
        url = urls.notice(lang, "demo-bus", v1.version)
        html = read(archive_site, url)
        banner = text_of(html, "zc-banner__version")
        assert latest.title[lang] in banner
        [link] = elements(archive_site, url).find("a", **{"class": "zc-banner__latest"})
        assert resolve(url, link["href"]) == urls.notice(lang, "demo-bus")
        # the latest version, at either of its URLs, has no "earlier version" line
        for latest_url in (urls.notice(lang, "demo-bus"), urls.notice(lang, "demo-bus", latest.version)):
            assert "zc-banner__version" not in read(archive_site, latest_url)


def test_every_version_has_its_own_side_by_side_page(archive_site, archive_corpus):
    """An earlier version's page leads to the side-by-side view of that version, not the latest's."""
    from sitegen.pages import parallel_rows
    bus = archive_corpus.notice("demo-bus")
    v1, latest = bus.versions[0], bus.latest
    latest_en = {row["en"] for row in parallel_rows(latest)}
    only_v1 = [row["en"] for row in parallel_rows(v1) if row["en"] and row["en"] not in latest_en]
    assert only_v1, "the fixture's versions should differ in their English text"
    for lang in urls.LANGS:
        other = urls.other(lang)
        for page_url, expected in ((urls.notice(lang, "demo-bus"), urls.parallel(lang, "demo-bus")),
                                   (urls.notice(lang, "demo-bus", latest.version), urls.parallel(lang, "demo-bus")),
                                   (urls.notice(lang, "demo-bus", v1.version), urls.parallel(lang, "demo-bus", v1.version))):
            hrefs = [resolve(page_url, a["href"]) for a in elements(archive_site, page_url).find("a") if "href" in a]
            assert expected in hrefs, page_url
        url = urls.parallel(lang, "demo-bus", v1.version)
        html = read(archive_site, url)
        assert f"— v{v1.version}</caption>" in html
        assert html_lib.escape(only_v1[0], quote=False) in html
        [latest_link] = elements(archive_site, url).find("a", **{"class": "zc-banner__latest"})
        assert resolve(url, latest_link["href"]) == urls.parallel(lang, "demo-bus")
        hrefs = [resolve(url, a["href"]) for a in elements(archive_site, url).find("a") if "href" in a]
        assert urls.notice(lang, "demo-bus", v1.version) in hrefs       # back to that version
        assert urls.parallel(other, "demo-bus", v1.version) in hrefs    # the same view, other language
        latest_html = read(archive_site, urls.parallel(lang, "demo-bus"))
        assert f"— v{latest.version}</caption>" in latest_html and "zc-banner__version" not in latest_html


def test_superseded_notice_names_its_successor(archive_site, archive_corpus):
    successor = archive_corpus.notice("demo-successor")
    assert lifecycle.status(archive_corpus.notice("demo-bus").latest, archive_corpus, BUILD_DATE) == "superseded"
    for lang in urls.LANGS:
        for v in (1, 2):
            url = urls.notice(lang, "demo-bus", v)
            assert successor.latest.title[lang] in text_of(read(archive_site, url), "zc-banner__successor")
            hrefs = [resolve(url, a["href"]) for a in elements(archive_site, url).find("a") if "href" in a]
            assert urls.notice(lang, "demo-successor") in hrefs
        assert "zc-banner__successor" not in read(archive_site, urls.notice(lang, "demo-successor"))


def test_every_notice_page_links_its_history(archive_site, archive_corpus):
    for notice in archive_corpus.notices:
        for lang in urls.LANGS:
            for v in notice.versions:
                url = urls.notice(lang, notice.id, v.version)
                hrefs = {resolve(url, a["href"]) for a in elements(archive_site, url).find("a") if "href" in a}
                assert urls.history(lang, notice.id) in hrefs


# ---- history and diffs -------------------------------------------------------------------------

def test_history_lists_every_version_with_status_and_diffs(archive_site, archive_corpus):
    for notice in archive_corpus.notices:
        for lang in urls.LANGS:
            url = urls.history(lang, notice.id)
            html = read(archive_site, url)
            hrefs = {resolve(url, a["href"]) for a in elements(archive_site, url).find("a") if "href" in a}
            for v in notice.versions:
                item = re.search(rf'<li class="zc-timeline__item" id="v{v.version}">(.*?)</li>\n', html, re.S).group(1)
                assert urls.notice(lang, notice.id, v.version) in hrefs
                assert f"zc-badge--{lifecycle.status(v, archive_corpus, BUILD_DATE)}" in item
                if v.dates.valid_from:
                    assert v.dates.valid_from.strftime("%Y") in item
            for old, new in zip(notice.versions, notice.versions[1:]):
                assert urls.diff(lang, notice.id, old.version, new.version) in hrefs
    # relations, both ways
    bus = read(archive_site, urls.history("en", "demo-bus"))
    assert "superseded by" in bus and "demo-successor/v1/" in bus
    succ_url = urls.history("en", "demo-successor")
    assert "supersedes" in read(archive_site, succ_url)
    assert urls.notice("en", "demo-bus") in {resolve(succ_url, a["href"]) for a in elements(archive_site, succ_url).find("a") if "href" in a}


@pytest.mark.parametrize("lang", urls.LANGS)
def test_diff_page_marks_added_removed_and_changed_words(archive_site, archive_corpus, lang):
    v1, v2 = archive_corpus.notice("demo-bus").versions
    url = urls.diff(lang, "demo-bus", 1, 2)
    html = read(archive_site, url)
    changes = diff.version_diff(v1, v2, lang)
    assert {c.kind for c in changes} >= {"changed", "added", "same"}
    positions = []
    for c in changes:
        match = re.search(rf'<li class="zc-diff__item zc-diff__item--{c.kind}" id="c-{c.clause_id}">(.*?)</li>', html, re.S)
        assert match, (c.kind, c.clause_id)
        positions.append(match.start())
        body = match.group(1)
        assert f"zc-change--{c.kind}" in body      # the kind is said in words, not only by colour
        shown = re.sub(r'<span class="zc-sr-only">[^<]*</span>', "", body)
        if c.kind == "changed":
            for removed in re.findall(r"<del>(.*?)</del>", str(c.html)):
                assert f"<del>{removed}</del>" in shown
            for added in re.findall(r"<ins>(.*?)</ins>", str(c.html)):
                assert f"<ins>{added}</ins>" in shown
            # screen readers hear where each change starts and ends
            assert body.count('<span class="zc-sr-only">') == 2 * (str(c.html).count("<ins>") + str(c.html).count("<del>"))
    assert positions == sorted(positions)   # the new version's order
    assert "<ins>" in html.split('id="legend"')[1] and "<del>" in html.split('id="legend"')[1]
    # metadata: the stage changed from draft to final
    meta = html.split('id="meta"')[1].split('id="clauses"')[0]
    assert ("征求意见稿" if lang == "zh" else "Draft for comment") in meta
    assert ("正式文本" if lang == "zh" else "Final text") in meta


# ---- point in time ---------------------------------------------------------------------------

def _days_around(corpus):
    days = {d for n in corpus.notices for v in n.versions for d in pointintime._dates(v)}
    lo, hi = min(days) - dt.timedelta(days=10), max(days) + dt.timedelta(days=10)
    return [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]


@pytest.mark.parametrize("which", ["fixtures", "policies"])
def test_versions_index_agrees_with_lifecycle_day_by_day(which, archive_corpus, site_corpus):
    corpus = archive_corpus if which == "fixtures" else site_corpus
    index = pointintime.versions_index(corpus, build_date=BUILD_DATE)
    assert [n["id"] for n in index["notices"]] == [n.id for n in corpus.notices]
    days = _days_around(corpus)
    for entry, notice in zip(index["notices"], corpus.notices):
        for data, version in zip(entry["versions"], notice.versions):
            for day in days:
                assert pointintime.status_on(data["periods"], day) == lifecycle.status(version, corpus, day), \
                    (notice.id, version.version, day)
            # in_force ranges are exactly the in_force periods
            inside = {day for day in days if any((r["from"] is None or r["from"] <= day.isoformat())
                                                 and (r["to"] is None or day.isoformat() <= r["to"])
                                                 for r in data["in_force"])}
            assert inside == {day for day in days if lifecycle.status(version, corpus, day) == "in_force"}
    # the version the calculator picks is lifecycle.version_on's
    for entry, notice in zip(index["notices"], corpus.notices):
        for day in days[::3]:
            picked = [d["version"] for d in entry["versions"] if pointintime.status_on(d["periods"], day) == "in_force"]
            expected = lifecycle.version_on(notice, corpus, day)
            assert (picked[-1] if picked else None) == (expected.version if expected else None)


def test_versions_index_in_the_site_and_spec_paths(archive_site, archive_corpus, tmp_path):
    from sitegen.pyodide_bundle import write_specs
    index = json.loads((archive_site / urls.versions()).read_text(encoding="utf-8"))
    assert index == json.loads(json.dumps(pointintime.versions_index(archive_corpus, build_date=BUILD_DATE)))
    for entry in index["notices"]:
        one = json.loads((archive_site / urls.versions(entry["id"])).read_text(encoding="utf-8"))
        assert one["notice"] == entry
        for v in entry["versions"]:
            for lang in urls.LANGS:
                assert (archive_site / v["url"][lang] / "index.html").is_file()
    # each "spec" is where the calculator bundle writes that version's specs
    written = {p.relative_to(tmp_path).as_posix() for p in write_specs(archive_corpus, tmp_path / "assets" / "specs")}
    listed = {v["spec"] for e in index["notices"] for v in e["versions"] if v["spec"]}
    assert listed == written and listed
    if with_calculators():
        assert all((archive_site / s).is_file() for s in listed)


@pytest.mark.parametrize("lang", urls.LANGS)
def test_in_force_page_without_script_lists_the_build_day(archive_site, archive_corpus, lang):
    url = urls.in_force(lang)
    listed = [(a["data-notice"], int(a["data-version"])) for a in elements(archive_site, url).find("li")
              if "data-notice" in a]
    assert listed == [(n.id, v.version) for n, v in lifecycle.in_force_on(archive_corpus, BUILD_DATE)]
    assert listed == [("demo-successor", 1)]
    html = read(archive_site, url)
    scripts = elements(archive_site, url).find("script")
    assert any(s.get("src", "").endswith("assets/zc/in-force.js") for s in scripts)
    assert (archive_site / "assets" / "zc" / "in-force.js").is_file()
    [form] = [f for f in elements(archive_site, url).find("form") if "data-zc-in-force" in f]
    assert resolve(url, form["data-zc-index"]).rstrip("/") == urls.versions()
    assert "hidden" in form      # shown by the script; without it the build-day list stands alone
    assert BUILD_DATE.isoformat() in html


# ---- the archive: published pages never change; rebuilds are byte-identical ---------------------

def test_publish_records_both_languages_of_every_version(archive_site, archive_corpus):
    manifest = archive.empty_manifest()
    added = archive.publish(archive_corpus, manifest, archive_site, on=BUILD_DATE)
    assert sorted((e["notice"], e["version"]) for e in added) == sorted(
        (n.id, v.version) for n in archive_corpus.notices for v in n.versions)
    for entry in manifest["entries"]:
        assert sorted(entry["pages"]) == sorted(archive.version_pages(entry["notice"], entry["version"]))
    assert archive.check_pages(manifest, archive_site) == []


def test_check_pages_fails_when_published_text_changes(archive_site, archive_corpus, tmp_path):
    manifest = archive.empty_manifest()
    archive.publish(archive_corpus, manifest, archive_site, on=BUILD_DATE)
    site = tmp_path / "site"
    shutil.copytree(archive_site, site)
    page = site / urls.notice("zh", "demo-bus", 1) / "index.html"
    html = page.read_text(encoding="utf-8")

    # chrome (banner, calculator form) may change
    chrome = html.replace("zc-banner__date", "zc-banner__date zc-x").replace("zc-calc__legend", "zc-calc__legend zc-y")
    page.write_text(chrome, encoding="utf-8")
    assert archive.check_pages(manifest, site) == []

    # the text may not
    v1_clause = archive_corpus.notice("demo-bus").versions[0].clause("1").text.zh
    assert v1_clause in html
    page.write_text(html.replace(v1_clause, v1_clause.replace("40%", "45%")), encoding="utf-8")
    [problem] = archive.check_pages(manifest, site)
    assert problem.file == archive.version_pages("demo-bus", 1)[0]
    assert "demo-bus v1 would change" in problem.message_en


def test_published_text_does_not_depend_on_the_build_date(archive_site, archive_corpus, tmp_path):
    """Status and banners follow the build date; the digested text does not."""
    manifest = archive.empty_manifest()
    archive.publish(archive_corpus, manifest, archive_site, on=BUILD_DATE)
    earlier = tmp_path / "site"
    build_site(archive_corpus, earlier, build_date=D("2024-02-15"), index_search=False, calculators=False)
    v2 = urls.notice("en", "demo-bus", 2)
    assert "zc-banner--in_force" in read(earlier, v2) and "zc-banner--superseded" in read(archive_site, v2)
    assert archive.check_pages(manifest, earlier) == []


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(archive_site, archive_corpus, tmp_path):
    again = tmp_path / "site"
    build_site(archive_corpus, again, build_date=BUILD_DATE, calculators=with_calculators())
    first, second = _digests(archive_site), _digests(again)
    assert len(first) > 50
    assert first.keys() == second.keys()
    assert [f for f in first if first[f] != second[f]] == []


# ---- the real notices ----------------------------------------------------------------------------

def test_real_notices_have_permanent_version_pages(built_site, site_corpus):
    for notice in site_corpus.notices:
        for lang in urls.LANGS:
            assert (built_site / urls.history(lang, notice.id) / "index.html").is_file()
            for v in notice.versions:
                html = read(built_site, urls.notice(lang, notice.id, v.version))
                assert archive.CONTENT_RE.search(html)
    for lang in urls.LANGS:
        assert (built_site / urls.in_force(lang) / "index.html").is_file()
    assert json.loads((built_site / urls.versions()).read_text(encoding="utf-8"))["notices"]


def test_fixture_site_links_resolve_and_pages_are_clean(archive_site):
    from tests import test_site as site_checks   # the real site's checks, on the versioned site
    site_checks.test_links_and_anchors_resolve(archive_site)
    site_checks.test_no_template_leaks_and_no_inline_scripts(archive_site)
