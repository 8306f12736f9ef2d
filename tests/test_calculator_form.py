"""The calculator form rendered at build time: complete, labelled, escaped, in the page language."""

from __future__ import annotations

import html.parser

import pytest

from sitegen.calculator_form import render_form
from sitegen.model import freeze
from tests.corpus import corpus


class Parsed(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(str(text))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def computable():
    return [(v, m) for n in corpus().notices for v in n.versions for _, m in v.measures() if m.calculator]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_computable_measure_renders_a_complete_form(lang):
    for version, measure in computable():
        page = Parsed(render_form(version, measure, lang))
        form, = page.find("form")
        assert form["data-measure"] == f"{version.id}/{measure.id}"
        assert form["data-version"] == str(version.version) and form["data-lang"] == lang
        assert len([a for _, a in page.tags if "data-result" in a]) == 1
        assert page.find("button", type="submit")
        for inp in measure.inputs:
            if inp.type == "list":                        # rows of cells: the next test
                assert page.find(data_list=str(inp.id)) and page.find(data_error_for=str(inp.id))
                continue
            control = [a for t, a in page.tags if t in ("input", "select") and a.get("name") == str(inp.id)]
            assert len(control) == 1, (version.id, measure.id, inp.id)
            control = control[0]
            assert page.find("label", **{"for": control["id"]}), f"no label for {control['id']}"
            described = control["aria-describedby"].split()
            assert f"{control['id']}-error" in described
            assert page.find(data_error_for=str(inp.id))
            for ref in described:
                assert page.find(id=ref), f"aria-describedby names a missing element: {ref}"
            if inp.type in ("choice", "bool"):
                assert control.get("type") is None            # a <select>
            elif inp.type == "date":
                assert control["type"] == "date"
            else:
                assert control["type"] == "text" and control["inputmode"] in ("numeric", "decimal")
        for cell in (a for t, a in page.tags if t in ("input", "select") and "data-column" in a):
            assert page.find("label", **{"for": cell["id"]})
            for ref in cell["aria-labelledby"].split() + cell["aria-describedby"].split():
                assert page.find(id=ref) or "-r0-" in cell["id"], ref   # (the template's blank row)
        ids = [a["id"] for _, a in page.tags if "id" in a]
        assert len(ids) == len(set(ids))


def test_text_comes_from_the_page_language_and_is_escaped():
    version = corpus().notices[0].latest
    measure = freeze({
        "id": "x1", "calculator": True,
        "inputs": [
            {"id": "n", "type": "count", "label": {"zh": "人数<script>", "en": "People <b>&"},
             "unit": {"zh": "人", "en": "persons"}, "help": {"zh": "说明\"", "en": "Help \"quoted\""},
             "min": 0, "max": 500},
            {"id": "kind", "type": "choice", "label": {"zh": "类别", "en": "Kind"},
             "choices": [{"value": "a\"b", "label": {"zh": "甲", "en": "A <i>"}}]},
        ]})
    en = str(render_form(version, measure, "en"))
    assert "<script>" not in en and "<b>" not in en and "<i>" not in en
    assert "People &lt;b&gt;&amp;" in en and "A &lt;i&gt;" in en and 'value="a&#34;b"' in en
    assert "Range: 0 – 500 persons" in en and "Calculate" in en
    zh = str(render_form(version, measure, "zh"))
    assert "人数&lt;script&gt;" in zh and "计算" in zh and "People" not in zh


LIST_MEASURE = {
    "id": "x2", "calculator": True,
    "inputs": [
        {"id": "origins", "type": "list", "label": {"zh": "来源地", "en": "Home provinces"},
         "help": {"zh": "每个来源地一行", "en": "One row per home province"}, "min_rows": 1, "max_rows": 5,
         "columns": [
             {"id": "province", "type": "choice", "label": {"zh": "省份", "en": "Province"},
              "choices": [{"value": "anhui", "label": {"zh": "安徽省", "en": "Anhui"}}]},
             {"id": "workers", "type": "count", "label": {"zh": "人数", "en": "Workers"}, "min": 1, "max": 100}]},
    ]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_list_input_renders_labelled_rows_cells_and_buttons(lang):
    version = corpus().notices[0].latest
    html = str(render_form(version, freeze(LIST_MEASURE), lang))
    page = Parsed(html)
    group, = page.find(data_list="origins")
    assert (group["data-min-rows"], group["data-max-rows"]) == ("1", "5")
    base = group["data-base"]
    cells = [a for t, a in page.tags if t in ("input", "select") and "data-column" in a]
    assert {c["data-column"] for c in cells} == {"province", "workers"} and len(cells) == 4  # row 1 + template
    for cell in cells[:2]:
        assert "name" not in cell                       # gathered by calculator.js, not by name
        assert page.find("label", **{"for": cell["id"]})
        row_legend, label = cell["aria-labelledby"].split()
        assert row_legend == f"{base}-r1" and page.find(id=label)
        for ref in cell["aria-describedby"].split():
            assert page.find(id=ref)
        slot, = page.find(id=f"{cell['id']}-error")
        assert (slot["data-error-for"], slot["data-row"], slot["data-column"]) == ("origins", "0", cell["data-column"])
    assert ("Row 1" if lang == "en" else "第1行") in html
    assert ("Remove row 1" if lang == "en" else "删除第1行") in html
    assert [a for t, a in page.tags if t == "button" and "data-add-row" in a]
    live, = [a for _, a in page.tags if "data-rows-live" in a]
    assert live["aria-live"] == "polite"
    assert ("1–5 rows" if lang == "en" else "1–5 行") in html
    assert ("Range: 1 – 100" if lang == "en" else "范围：1 – 100") in html      # column help, once
    assert html.count(f'id="{base}-col-workers-help"') == 1


def test_the_date_field_has_the_measures_dates_or_is_left_out():
    notices = {n.id: n for n in corpus().notices}
    dalian = notices["dalian-2021"].latest
    with_window = next(m for _, m in dalian.measures() if m.calculator and m.application and m.application["to"])
    en = str(render_form(dalian, with_window, "en"))
    assert "data-as-of" in en and "Applications for this measure: 1 March 2021 – 31 March 2021." in en
    zh = str(render_form(dalian, with_window, "zh"))
    assert "本措施的申请期：2021年3月1日 – 2021年3月31日。" in zh
    def dated(m):
        return any((m.get(k) or {}).get("from") or (m.get(k) or {}).get("to") for k in ("qualifying", "application"))
    version, no_dates = next((v, m) for v, m in computable() if not dated(m))
    assert "data-as-of" not in str(render_form(version, no_dates, "en"))              # one version, no dates
    assert "data-as-of" in str(render_form(version, no_dates, "en", versions=2))      # the day picks the version


def test_a_row_label_is_escaped_once():
    version = corpus().notices[0].latest
    measure = freeze({**LIST_MEASURE, "inputs": [{**LIST_MEASURE["inputs"][0],
                                                  "row_label": {"zh": "组<b>", "en": "group <b> & co"}}]})
    en = str(render_form(version, measure, "en"))
    assert "Group &lt;b&gt; &amp; co 1" in en and "Remove group &lt;b&gt; &amp; co 1" in en
    assert "&amp;amp;" not in en and "<b>" not in en
