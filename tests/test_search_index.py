"""What Pagefind is given to index: Chinese cut into words (sitegen/segment.py), measures as
headings, the calculators by clause (sitegen/search.py)."""

import html
import json
import re

import pytest

from sitegen import search, urls
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
