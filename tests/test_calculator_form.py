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
            if inp.type == "list":  # the row editor is results-browser's (a JSON text box until then)
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
