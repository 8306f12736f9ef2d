"""What Pagefind is given to index: Chinese cut into words (sitegen/segment.py), measures as
headings, the calculators by clause (sitegen/search.py)."""

import html
import json
import re

import pytest

from sitegen import pagefind_index, search, urls
from sitegen.segment import Segmenter, user_words


@pytest.fixture(scope="module")
def segmenter(site_corpus):
    return Segmenter(user_words(site_corpus))


def test_glossary_terms_and_quoted_names_stay_whole(segmenter, site_corpus):
    words = user_words(site_corpus)
    assert {"以工代训", "伯乐", "留岗红包", "包车"} <= set(words)
    assert segmenter.cut("开展以工代训的") == ["开展", "以工代训", "的"]
    assert segmenter.cut("“伯乐”推荐补贴") == ["伯乐", "推荐", "补贴"]
    assert segmenter.cut("包车返岗补贴") == ["包车", "返岗", "补贴"]


def test_compounds_are_indexed_as_their_words(segmenter):
    # A query for 红包 must find 留岗红包: Pagefind matches the start of a word only.
    assert segmenter.cut("发放留岗红包") == ["发放", "留岗", "红包"]
    assert segmenter.cut("失业保险稳岗返还") == ["失业", "保险", "稳岗", "返还"]
    assert segmenter.cut("一次性稳岗留工补贴") == ["一次性", "稳岗", "留工", "补贴"]
    assert "留岗红包" not in segmenter.vocabulary and {"留岗", "红包"} <= segmenter.vocabulary


def test_spaced_keeps_every_character(segmenter):
    text = "对2024年春节期间，在我县“留舟红包”RCEP商务"
    spaced = segmenter.spaced(text)
    assert re.sub(r"\s", "", spaced) == text
    assert " 春节 期间 " in spaced and "RCEP" in spaced


def test_index_view_of_a_notice_page(built_site, segmenter, site_corpus):
    notice = site_corpus.notice("shengzhou-2024").latest
    page = (built_site / urls.notice("zh", "shengzhou-2024") / "index.html").read_text(encoding="utf-8")
    view = search.index_view(page, segmenter)
    assert f'lang="{search.ZH_INDEX_LANG}"' in view and 'lang="zh-CN"' not in view[:300]
    measures = [m for c in notice.clauses() for m in (c.measures or ())]
    assert len(re.findall(r'<h6 id="m-[^"]+">', view)) == len(measures)
    assert '<h6 id="m-7-referral">“ 伯乐 ” 推荐 补贴 </h6>' in view
    assert "data-measure=" not in view and 'class="zc-measure"' not in view
    calcs = re.search(r'data-pagefind-meta="zc_calc\[data-zc-value\]" data-zc-value="([^"]*)"', view).group(1)
    calcs = json.loads(html.unescape(calcs))
    assert ["c-7", "7-referral", "“伯乐”推荐补贴"] in calcs
    assert [c for c in calcs if c[1] == "10-rate"] == []      # no calculator: not listed
    assert len(calcs) == sum(1 for m in measures if m.calculator)
    # attributes (filter values, links) are left as they are
    assert 'data-zc-value="浙江省绍兴市嵊州市"' in view


def test_index_view_of_an_english_page_keeps_its_words(built_site, segmenter):
    page = (built_site / urls.notice("en", "shengzhou-2024") / "index.html").read_text(encoding="utf-8")
    view = search.index_view(page, segmenter)
    assert 'lang="en"' in view[:300]
    assert re.search(r'<h6 id="m-7-referral">[^<]*Bole[^<]*referral subsidy</h6>', view)


def _bundle_contents(bundle):
    """A Pagefind bundle as what a search can find in it, independent of page numbers and file
    names: each language's pages (fragment, word count), word chunks, every word's locations by
    page, filters by value and meta fields."""
    import gzip
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    out = {}
    for lang, info in entry["languages"].items():
        meta = pagefind_index._read_index(bundle / f"pagefind.{info['hash']}.pf_meta")
        version, pages, chunks, filters, sorts, fields = meta
        fragment = [gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes()) for name, _ in pages]

        def located(packed):
            number, found = 0, []
            for delta, locs, meta_locs in packed:
                number += delta
                found.append((fragment[number], tuple(locs), tuple(fields[-x - 1] if x < 0 else x for x in meta_locs)))
            return sorted(found)
        words = {}
        for _, _, chunk in chunks:
            (chunk_words,) = pagefind_index._read_index(bundle / "index" / f"{chunk}.pf_index")
            for word, packed, variants in chunk_words:
                words[word] = (located(packed), sorted((form, located(p)) for form, p in variants))
        by_value = {}
        for _, name in filters:
            fname, values = pagefind_index._read_index(bundle / "filter" / f"{name}.pf_filter")
            by_value[fname] = {value: sorted(fragment[n] for n in numbers) for value, numbers in values}
        out[lang] = {"pages": sorted((fragment[i], count) for i, (_, count) in enumerate(pages)),
                     "page_count": info["page_count"], "chunks": [(a, b) for a, b, _ in chunks],
                     "words": words, "filters": by_value, "fields": fields, "sorts": sorts, "version": version}
    return out


def test_index_in_several_pagefind_runs_finds_what_one_run_finds(built_site, site_corpus, segmenter, tmp_path):
    """Pagefind holds every page of a run in memory, so large sites are indexed in runs of
    search.PAGES_PER_RUN pages and joined (sitegen.pagefind_index): the joined bundle must hold
    exactly what one Pagefind run over every page writes."""
    import shutil
    site = tmp_path / "site"
    views = tmp_path / "views"
    for page in built_site.glob(search.INDEXED_GLOB):
        rel = page.relative_to(built_site)
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, site / rel)
        (views / rel).parent.mkdir(parents=True, exist_ok=True)
        (views / rel).write_text(search.index_view(page.read_text(encoding="utf-8"), segmenter), encoding="utf-8")
    one = tmp_path / "one-run"
    for lang in ("zh", "en"):
        search.run_pagefind(views, one / lang, f"{lang}/n/*/index.html")
    expected = {}
    for lang in ("zh", "en"):
        expected.update(_bundle_contents(one / lang))
    assert set(expected) == {search.ZH_INDEX_LANG.lower(), "en"} and len(expected["en"]["pages"]) >= 5

    for per_run in (2, 3, 1000):
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        search.index_site(site, site_corpus, pages_per_run=per_run)
        assert _bundle_contents(site / "pagefind") == expected, f"runs of {per_run} pages"
        assert not list(tmp_path.glob(".site-pagefind-*")), "Pagefind's parts left behind"
