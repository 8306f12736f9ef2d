"""The search page in Chromium: Chinese found by words and highlighted as words, results that
point at the clause or the measure, a link straight to a measure's calculator, English synonyms,
counts in the right number (relevance as a whole: test_browser_search_relevance.py)."""

from urllib.parse import quote

from sitegen import urls
from tests.axe import axe_problems


def _search(page, site_url, lang, query):
    page.goto(site_url + urls.search(lang) + "?q=" + quote(query))
    page.wait_for_selector("#zc-results li", timeout=15000)
    return page.locator("#zc-results > li")


def test_chinese_is_found_and_highlighted_by_words(page, site_url):
    results = _search(page, site_url, "zh", "包车")
    marks = set(page.locator("#zc-results mark").all_inner_texts())
    # 包车 as a word (包车费 is one word of the text), never 公交车 or 流量包 for 包 or 车
    assert marks and all(m.startswith("包车") for m in marks), marks
    text = page.locator("#zc-results").inner_text()
    assert "公交车" not in text and "流量包" not in text
    # the excerpt reads as Chinese, without the spaces the index puts between words
    assert "包车 " not in text and " 返岗" not in text
    first = results.first.locator("a.zc-results__clause").first
    assert "#m-" in first.get_attribute("href") or "#c-" in first.get_attribute("href")
    assert page.offsite == [] and page.errors == []


def test_result_links_to_the_measure_and_its_calculator(page, site_url):
    _search(page, site_url, "zh", "伯乐")
    first = page.locator("#zc-results a.zc-results__clause").first
    assert first.get_attribute("href").endswith("/zh/n/shengzhou-2024/#m-7-referral")
    assert first.inner_text() == "措施 “伯乐”推荐补贴"
    calc = page.locator("#zc-results a.zc-results__calc[href$='#m-7-referral']")
    assert calc.count() == 1 and calc.inner_text() == "计算器：“伯乐”推荐补贴"
    calc.click()
    page.wait_for_url("**/zh/n/shengzhou-2024/#m-7-referral")
    assert page.locator("#m-7-referral form[data-measure='shengzhou-2024/7-referral']").count() == 1
    assert page.offsite == []


def test_english_synonyms_and_plural(page, site_url):
    _search(page, site_url, "en", "red packet")            # the notices say "red envelope"
    marks = {m.lower() for m in page.locator("#zc-results mark").all_inner_texts()}
    assert any(m.startswith("envelope") for m in marks), marks
    _search(page, site_url, "en", "charter bus")           # the notices say "chartered coaches"
    first = page.locator("#zc-results a.zc-results__clause").first.get_attribute("href")
    assert first.split("/n/")[1] in {"lucheng-2023/#c-18", "lucheng-2023/#m-18", "shengsi-2024/#c-7",
                                     "shengsi-2024/#m-7", "shengzhou-2024/#c-2", "shengzhou-2024/#m-2-charter"}
    _search(page, site_url, "en", "internship")
    status = page.locator("#zc-status").inner_text()
    count = page.locator("#zc-results > li").count()
    assert status == ("1 notice found" if count == 1 else f"{count} notices found")
    assert "1 notices" not in status
    assert axe_problems(page) == []
    assert page.offsite == [] and page.errors == []


def test_a_measure_name_typed_in_two_parts(page, site_url):
    _search(page, site_url, "zh", "包车 返岗补贴")
    first = page.locator("#zc-results a.zc-results__clause").first.get_attribute("href")
    assert first.split("/n/")[1] in {"lucheng-2023/#c-18", "lucheng-2023/#m-18", "shengsi-2024/#c-7", "shengsi-2024/#m-7"}
    assert page.offsite == [] and page.errors == []


def test_search_page_keeps_its_language(page, site_url):
    """The page's <html lang> is lent to Pagefind for a moment when it starts (site.js)."""
    _search(page, site_url, "zh", "红包")
    assert page.get_attribute("html", "lang") == "zh-CN"


def test_chinese_typed_on_the_english_page_is_offered_the_chinese_pages(page, site_url):
    page.goto(site_url + urls.search("en") + "?q=" + quote("伯乐"))
    link = page.locator("#zc-status a[hreflang=zh-CN]")
    link.wait_for(timeout=15000)
    assert page.locator("#zc-status").inner_text().startswith("No results.")
    link.click()
    page.wait_for_selector("#zc-results li", timeout=15000)
    assert "/zh/search/" in page.url and page.input_value("#zc-q") == "伯乐"
    assert page.locator("#zc-results a.zc-results__clause").first.get_attribute("href").endswith("#m-7-referral")
    assert page.offsite == [] and page.errors == []
