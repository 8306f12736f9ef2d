"""Build tests: every notice in both languages, links that resolve, escaping, exports, atomicity."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from markupsafe import escape

from sitegen import search as search_module
from sitegen import synthetic, urls
from sitegen.model import thaw
from sitegen.readers import load_policies
from sitegen.site import SiteBuildError, build_site

BUILD_DATE = dt.date(2024, 3, 1)
EVIL = '<script>alert("x")</script> & <b>bold</b>'


class Parsed(HTMLParser):
    """Collects what the checks need from one HTML file."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.ids, self.links, self.scripts, self.meta = set(), [], [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts.append(a)
        if tag == "meta" and a.get("http-equiv"):
            self.meta[a["http-equiv"].lower()] = a.get("content")
        for attr in ("href", "src"):
            if a.get(attr) is not None:
                self.links.append((tag if a.get("rel") != "canonical" else "canonical", attr, a[attr]))


def parse(path: Path) -> Parsed:
    p = Parsed()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def html_files(site: Path):
    """Every page; 404.html links from the site root (it is served for any missing path)."""
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html")


def resolve(site: Path, page: Path, href: str) -> Path:
    path = unquote(urlsplit(href).path)
    target = (page.parent / path).resolve() if path else page
    return target / "index.html" if target.is_dir() else target


# ---- the real site ---------------------------------------------------------------------------

def test_every_notice_and_version_in_both_languages(built_site, site_corpus):
    assert site_corpus.notices, "policies/ has no notice"
    for notice in site_corpus.notices:
        for lang in urls.LANGS:
            latest = parse(built_site / urls.notice(lang, notice.id) / "index.html")
            assert latest.lang == urls.HTML_LANG[lang]
            for v in notice.versions:
                if v is not notice.latest:
                    assert (built_site / urls.notice(lang, notice.id, v.version) / "index.html").is_file()
            # every clause has its permalink anchor, every measure its box
            for clause in notice.latest.clauses():
                assert urls.clause_anchor(clause.id) in latest.ids, (notice.id, lang, clause.id)
            for _, m in notice.latest.measures():
                assert urls.measure_anchor(m.id) in latest.ids, (notice.id, lang, m.id)
            assert (built_site / urls.parallel(lang, notice.id) / "index.html").is_file()


def test_notice_text_in_its_language(built_site, site_corpus):
    for notice in site_corpus.notices:
        v = notice.latest
        first = next(v.clauses())
        for lang in urls.LANGS:
            text = (built_site / urls.notice(lang, notice.id) / "index.html").read_text(encoding="utf-8")
            assert _escaped(v.title[lang]) in text
            # the first line of the first clause, as the page prints it
            assert _escaped(first.text[lang].split("\n")[0].strip()) in text


def _escaped(s: str) -> str:
    return str(escape(s))


def test_page_language_matches_folder(built_site):
    for path in html_files(built_site):
        rel = path.relative_to(built_site).as_posix()
        p = parse(path)
        if p.meta.get("refresh"):
            continue
        expected = "en" if rel.startswith("en/") else ("zh-CN" if rel.startswith("zh/") or "/" not in rel else None)
        if expected:
            assert p.lang == expected, rel


def test_links_and_anchors_resolve(built_site):
    ids_of: dict[Path, set] = {}
    problems = []
    for path in html_files(built_site):
        p = parse(path)
        ids_of[path.resolve()] = p.ids
    for path in html_files(built_site):
        for tag, attr, href in parse(path).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:")):
                if tag not in ("a", "canonical"):
                    problems.append(f"{path}: off-site {tag} {attr}={href}")
                continue
            target = resolve(built_site, path, href)
            if not target.exists():
                problems.append(f"{path.relative_to(built_site)}: {href} -> missing {target}")
            elif parts.fragment and target.suffix == ".html":
                ids = ids_of.get(target.resolve(), set())
                if parts.fragment not in ids:
                    problems.append(f"{path.relative_to(built_site)}: {href} -> no #{parts.fragment}")
    assert not problems, "\n".join(problems[:20])


def test_no_template_leaks_and_no_inline_scripts(built_site):
    leak = re.compile(r"\{\{|\{%|\bUndefined\b|>None<|zc_raw|calc-slot\" data-measure=\"None")
    for path in html_files(built_site):
        text = path.read_text(encoding="utf-8")
        assert not leak.search(text), (path, leak.search(text).group(0))
        p = parse(path)
        if p.meta.get("refresh"):
            continue
        assert "script-src 'self' 'wasm-unsafe-eval'" in p.meta.get("content-security-policy", ""), path
        for script in p.scripts:
            assert script.get("src") or script.get("type") == "application/json", (path, script)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_calculator_script_only_on_calculator_pages(built_site):
    """calculator.js is loaded async from <head> by pages with a form or the finder (which runs
    `find` in its worker), and by no other page."""
    with_forms = 0
    for path in html_files(built_site):
        text = path.read_text(encoding="utf-8")
        head = text[:text.index("</head>")] if "</head>" in text else ""
        tags = re.findall(r"<script [^>]*calculator/calculator\.js[^>]*>", text)
        if '<form class="zc-calc"' in text or "data-zc-finder " in text:
            with_forms += 1
            assert len(tags) == 1 and tags[0] in head and " async" in tags[0], (path, tags)
        else:
            assert tags == [], path
    assert with_forms > 10
def test_listings_home_and_search_page(built_site, site_corpus):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    newest = max(site_corpus.notices, key=lambda n: (n.latest.dates.written or dt.date.min))
    assert urls.relative("", urls.notice("zh", newest.id)) in home
    for lang in urls.LANGS:
        for facet in ("region", "year", "issuer", "status"):
            index = built_site / urls.listing(lang, facet) / "index.html"
            assert index.is_file()
        listed = "".join(p.read_text(encoding="utf-8")
                         for p in (built_site / lang / "browse" / "year").rglob("index.html"))
        for notice in site_corpus.notices:
            assert f"n/{notice.id}/" in listed, (lang, notice.id)
        assert (built_site / urls.search(lang) / "index.html").is_file()
    assert (built_site / "zh" / "index.html").read_text().count('http-equiv="refresh"') == 1


def test_a_notice_that_states_no_end_date(built_site):
    """dalian-2021 gives no dates; its measures' windows end on 2021-03-31: on the build date
    (2024-03-01) it is "status not stated", never "in force" nor an invented "expired"."""
    import html
    page = lambda lang: html.unescape((built_site / urls.notice(lang, "dalian-2021") / "index.html").read_text(encoding="utf-8"))  # noqa: E731
    assert "zc-banner--not_stated" in page("en") and "zc-banner--in_force" not in page("en")
    assert "its measures' stated periods ended on 31 March 2021" in page("en")
    assert "其措施载明的期限已于2021年3月31日结束" in page("zh")
    assert 'data-zc-code="not_stated"' in page("en")               # the search filter's status
    listed = lambda lang, facet, key: (built_site / urls.listing(lang, facet, key) / "index.html").read_text(encoding="utf-8")  # noqa: E731
    for lang in urls.LANGS:
        assert "n/dalian-2021/" in listed(lang, "status", "not_stated")
        in_force = built_site / urls.listing(lang, "status", "in_force") / "index.html"
        assert not in_force.exists() or "n/dalian-2021/" not in in_force.read_text(encoding="utf-8")
        assert "n/dalian-2021/" not in (built_site / urls.in_force(lang) / "index.html").read_text(encoding="utf-8")
    index = json.loads((built_site / urls.versions()).read_text(encoding="utf-8"))
    [dalian] = [n for n in index["notices"] if n["id"] == "dalian-2021"]
    assert dalian["versions"][0]["status"] == "not_stated"
    assert dalian["versions"][0]["in_force"] == [{"from": None, "to": "2021-03-31", "measures_end": True}]
    history = html.unescape((built_site / urls.history("en", "dalian-2021") / "index.html").read_text(encoding="utf-8"))
    assert "end of its measures' stated periods; the notice states no end" in history


def test_listing_by_year_uses_any_date_the_notice_gives(built_site):
    """lucheng-2023 gives only its 印发 date (2023-01-05): filed under 2023, not "date unknown"."""
    for lang in urls.LANGS:
        listed = lambda key: (built_site / urls.listing(lang, "year", key) / "index.html").read_text(encoding="utf-8")  # noqa: E731
        assert "n/lucheng-2023/" in listed("2023")
        assert "n/lucheng-2023/" not in listed("unknown") and "n/dalian-2021/" in listed("unknown")
    page = (built_site / urls.notice("zh", "lucheng-2023") / "index.html").read_text(encoding="utf-8")
    assert 'data-zc-value="2023"' in page


def test_open_data(built_site, site_corpus):
    schema = json.loads((built_site / "data" / "notice.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    index = json.loads((built_site / "data" / "index.json").read_text(encoding="utf-8"))
    assert [n["id"] for n in index["notices"]] == [n.id for n in site_corpus.notices]
    for notice in site_corpus.notices:
        for v in notice.versions:
            data = json.loads((built_site / urls.data(notice.id, v.version)).read_text(encoding="utf-8"))
            assert data == thaw(v.data)
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for notice in site_corpus.notices:
        assert f"/en/n/{notice.id}/</loc>" in sitemap
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for lang in urls.LANGS:
        feed = ET.parse(built_site / urls.feed(lang)).getroot()
        entries = feed.findall("a:entry", ns)
        assert len(entries) == min(len(site_corpus.notices), 50)
        titles = {e.find("a:title", ns).text for e in entries}
        assert {n.latest.title[lang] for n in site_corpus.notices} >= titles


def test_search_index_per_language(built_site):
    """English stemmed by Pagefind; Chinese under a language of its own (already cut into words,
    sitegen/search.py), with the word list the browser cuts queries with."""
    bundle = built_site / "pagefind"
    metas = {p.name.split("_")[0] for p in bundle.glob("pagefind.*.pf_meta")}
    assert metas == {"pagefind.en", "pagefind.und-hans"}
    data = json.loads((bundle / "zc-search.json").read_text(encoding="utf-8"))
    words = set()
    for k in range(data["shards"]):
        words.update((bundle / "zc-words" / f"{k}.txt").read_text(encoding="utf-8").split("\n"))
    assert {"以工代训", "包车", "伯乐", "留岗", "红包"} <= words and "留岗红包" not in words
    assert all(ord(w[0]) % data["shards"] == k for k in range(data["shards"])
               for w in (bundle / "zc-words" / f"{k}.txt").read_text(encoding="utf-8").split("\n"))


def test_notice_page_size(built_site, site_corpus):
    for notice in site_corpus.notices:
        size = (built_site / urls.notice("zh", notice.id) / "index.html").stat().st_size
        assert size < 300_000, (notice.id, size)


# ---- small synthetic builds ------------------------------------------------------------------

def _small_corpus(root: Path, count: int = 3, evil: bool = False):
    synthetic.write_corpus(root, count)
    if evil:
        path = root / "synthetic-0000" / "v1.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["title"]["en"] = EVIL
        data["title"]["zh"] = "【合成】" + EVIL
        data["body"][0]["clauses"][0]["text"] = {"zh": EVIL, "en": EVIL}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_policies(root, run_cases=False)


def test_notice_text_is_escaped(tmp_path):
    corpus = _small_corpus(tmp_path / "policies", evil=True)
    site = tmp_path / "site"
    build_site(corpus, site, build_date=BUILD_DATE, index_search=False, calculators=False)
    for lang in urls.LANGS:
        for page in (urls.notice(lang, "synthetic-0000"), urls.parallel(lang, "synthetic-0000"), urls.home(lang)):
            text = (site / page / "index.html").read_text(encoding="utf-8")
            assert "alert" in text, page
            assert '<script>alert' not in text and "<b>bold" not in text, page
            assert "&lt;script&gt;alert" in text, page
    data = json.loads((site / urls.data("synthetic-0000")).read_text(encoding="utf-8"))
    assert data["title"]["en"] == EVIL
    assert "<script>alert" not in (site / urls.feed("en")).read_text(encoding="utf-8")


def test_status_banner_follows_build_date(tmp_path):
    corpus = _small_corpus(tmp_path / "policies", count=2)
    v = corpus.notice("synthetic-0001").latest      # final; valid one year from its written date
    cases = {v.dates.valid_from - dt.timedelta(days=1): "not_yet", v.dates.valid_from: "in_force",
             v.dates.valid_to + dt.timedelta(days=1): "expired"}
    for day, expected in cases.items():
        site = tmp_path / f"site-{expected}"
        build_site(corpus, site, build_date=day, index_search=False, calculators=False)
        text = (site / urls.notice("en", "synthetic-0001") / "index.html").read_text(encoding="utf-8")
        assert f"zc-banner--{expected}" in text, (day, expected)
    assert corpus.notice("synthetic-0000").latest.stage == "final"


def test_build_is_reproducible(tmp_path):
    corpus = _small_corpus(tmp_path / "policies")
    a, b = tmp_path / "a", tmp_path / "b"
    build_site(corpus, a, build_date=BUILD_DATE, calculators=False)
    build_site(corpus, b, build_date=BUILD_DATE, calculators=False)
    cmp = filecmp.dircmp(a, b)
    def diffs(c):
        out = c.diff_files + c.left_only + c.right_only
        for sub in c.subdirs.values():
            out += diffs(sub)
        return out
    assert diffs(cmp) == []
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def test_failed_build_keeps_previous_site(tmp_path, monkeypatch):
    corpus = _small_corpus(tmp_path / "policies", count=1)
    site = tmp_path / "site"
    build_site(corpus, site, build_date=BUILD_DATE, index_search=False, calculators=False)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))

    def broken(site_dir, out, glob):
        raise search_module.SearchIndexError("simulated failure")

    monkeypatch.setattr(search_module, "run_pagefind", broken)
    with pytest.raises(search_module.SearchIndexError):
        build_site(corpus, site, build_date=dt.date(2030, 1, 1), calculators=False)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert "2030" not in (site / urls.notice("zh", "synthetic-0000") / "index.html").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")], "temporary folder left behind"


def test_two_pages_on_one_path_fail(tmp_path, monkeypatch):
    from sitegen import pages
    corpus = _small_corpus(tmp_path / "policies", count=1)
    original = pages.Renderer.iter_pages
    monkeypatch.setattr(pages.Renderer, "iter_pages", lambda self: list(original(self)) * 2)
    with pytest.raises(SiteBuildError, match="two pages"):
        build_site(corpus, tmp_path / "site", build_date=BUILD_DATE, index_search=False, calculators=False)


def test_measure_shows_its_qualifying_period(built_site):
    import html
    page = html.unescape((built_site / urls.notice("en", "shengsi-2024") / "index.html").read_text(encoding="utf-8"))
    assert "<dt>Qualifying period</dt><dd>9 February 2024 – 24 February 2024. From 9 to 24 February 2024</dd>" in page
    assert "<dt>Qualifying period</dt><dd>During the 2024 Spring Festival</dd>" in page   # words, no dates


def test_pages_built_in_batches_equal_one_build(tmp_path, monkeypatch):
    """mkdocs runs over batches of pages in processes of their own (sitegen.site.build_pages):
    every file must be the same as when one mkdocs run builds every page, the sitemap listing
    the same pages, and no batch source left behind in the scratch folder."""
    from sitegen import site
    corpus = load_policies(Path(__file__).resolve().parents[1] / "policies", run_cases=False)
    monkeypatch.setattr(site, "BATCH_PAGES", 100_000)
    digests = build_site(corpus, tmp_path / "one", build_date=BUILD_DATE, index_search=False, calculators=False)
    monkeypatch.setattr(site, "BATCH_PAGES", 30)
    assert build_site(corpus, tmp_path / "batched", build_date=BUILD_DATE, index_search=False,
                      calculators=False) == digests
    assert len(digests) > 3 * 30   # four batches at least
    one = {p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file()}
    batched = {p.relative_to(tmp_path / "batched") for p in (tmp_path / "batched").rglob("*") if p.is_file()}
    assert one == batched
    differ = [p for p in sorted(one) if (tmp_path / "one" / p).read_bytes() != (tmp_path / "batched" / p).read_bytes()]
    assert differ == [Path("sitemap.xml"), Path("sitemap.xml.gz")]   # the same pages, batch by batch

    def locs(folder):
        return sorted(re.findall(r"<loc>([^<]*)</loc>", (folder / "sitemap.xml").read_text(encoding="utf-8")))
    assert locs(tmp_path / "batched") == locs(tmp_path / "one")
    assert len(locs(tmp_path / "one")) == len(set(locs(tmp_path / "one")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batched", "one"]
