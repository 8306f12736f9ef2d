"""Every word a reader sees is readable (issue 14.1, 14.2).

No internal id (clause `a1-1-2`, measure `7-agency`, source file `000_….txt`) reaches a reader:
every step, outcome, reading and relation of every golden case through the CLI in both languages,
and every page of the built site. English pages are in English: Chinese characters appear only in
quoted source words that carry an English gloss, and in the Chinese of a document number given in
brackets after its romanisation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import build
from sitegen import labels
from sitegen.model import thaw
from sitegen.readers import load_policies
from sitegen.site import build_site

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
SOURCE_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef﹝﹞]")
# a quotation (“…”, "…", «…», 「…」), and Chinese in brackets right after the English it glosses:
# “Or more” (以上), a draft (征求意见稿)
QUOTED = re.compile(r"“[^”]*”(?:\s*\([^()]*\))?|\"[^\"\n]*\"|«[^»]*»|「[^」]*」|(?<![\u3400-\u9fff])\s*\([^()]*\)")


@pytest.fixture(scope="module")
def corpus():
    return load_policies(POLICIES)


def internal_ids(version) -> set[str]:
    """Ids a reader could mistake for text: those with a letter and a digit, a hyphen or an underscore."""
    ids = set()
    for section in version.sections():
        ids.add(str(section.id))
    for att in version.attachments or ():
        ids.add(str(att.id))
    for clause in version.clauses():
        ids.add(str(clause.id))
    for _, m in version.measures():
        ids.add(str(m.id))
        ids.update(str(i.id) for i in m.inputs or ())
    for x in (*(version.relations or ()), *(version.annotations or ())):
        ids.add(str(x.id))
    return {i for i in ids if re.search(r"[-_]", i) or (re.search(r"\d", i) and re.search(r"[a-z]", i))}


def found_ids(text: str, ids: set[str]) -> list[str]:
    # ASCII boundaries: "第a1-1-2条" must count (a CJK character is a word character to \w)
    hits = [i for i in ids if re.search(rf"(?<![A-Za-z0-9_./#-]){re.escape(i)}(?![A-Za-z0-9_-])", text)]
    return sorted(hits) + SOURCE_FILE.findall(text)


def calc(*args) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        build.main(["calc", *args])
    return out.getvalue()


def golden_runs(corpus):
    for notice in corpus.notices:
        for case in notice.cases:
            inputs = []
            for key, value in (case.get("inputs") or {}).items():
                value = json.dumps(thaw(value), ensure_ascii=False) if isinstance(value, (list, tuple, dict)) else value
                inputs += ["--input", f"{key}={'true' if value is True else 'false' if value is False else value}"]
            args = [notice.id, str(case["measure"]), *inputs]
            if case.get("version"):
                args += ["--version", str(case["version"])]
            yield notice, case, args


def test_the_cli_never_shows_an_internal_id(corpus, monkeypatch):
    monkeypatch.setattr(build, "_corpus", lambda run_cases=False: corpus)   # load once, not per run
    checked = 0
    for notice, case, args in golden_runs(corpus):
        version = notice.version(case.get("version")) if case.get("version") else notice.latest
        ids = internal_ids(version)
        for lang in ("zh", "en"):
            text = calc(*args, "--lang", lang)
            assert text, (args, lang)
            assert found_ids(text, ids) == [], f"{notice.id} {case['measure']} «{case['name']}» ({lang}):\n{text}"
            checked += 1
    assert checked > 100


def test_every_cited_clause_has_a_label_in_the_spec(corpus):
    from sitegen.specs import version_specs
    for notice in corpus.notices:
        for version in notice.versions:
            for measure_id, spec in version_specs(version).items():
                blob = json.dumps({k: v for k, v in spec.items() if k != "cite_labels"})
                cited = set(re.findall(r'"cite": "([^"]+)"', blob))
                assert cited <= set(spec["cite_labels"]), (notice.id, measure_id, cited - set(spec["cite_labels"]))
                for label in spec["cite_labels"].values():
                    assert found_ids(label["zh"] + " " + label["en"], internal_ids(version)) == []


@pytest.mark.parametrize("number, en", [("一、", "I."), ("（二）", "(2)"), ("（十一）", "(11)"), ("1.", "1."),
                                        ("１２．", "12."), ("二十三、", "XXIII."), ("(3)", "(3)")])
def test_english_numbering(number, en):
    assert labels.english_number(number) == en


def test_labels_follow_the_document_structure(corpus):
    def label(notice_id, clause_id):
        return labels.clause_labels(corpus.notice(notice_id).latest)[clause_id]
    assert label("jilin-2021", "a1-1-2") == {"zh": "附件1 一（二）", "en": "Attachment 1, I(2)"}
    assert label("jilin-2021", "a1-3-2") == {"zh": "附件1 三（二）", "en": "Attachment 1, III(2)"}
    assert label("jilin-2021", "a1-6-1") == {"zh": "附件1 第六条", "en": "Attachment 1, item VI"}
    assert label("lucheng-2023", "appendix-1") == {"zh": "附则第1条", "en": "Supplementary provision 1"}
    assert label("lucheng-2023", "15") == {"zh": "第15条", "en": "Item 15"}
    assert label("dalian-2021", "4") == {"zh": "第四条", "en": "Item IV"}
    assert label("shengzhou-2024", "1-4") == {"zh": "第一条第4段", "en": "Item 1, paragraph 4"}


# ---- the built pages -------------------------------------------------------------------------------

class _Text(HTMLParser):
    """Visible text; runs inside <q> or an element marked lang=zh collected apart (quoted source words).

    <del> is skipped: on an erratum it is the text as first published, kept as the record of what changed.
    """

    SKIP = {"script", "style", "template", "del"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self):
        super().__init__()
        self.parts, self.quotes, self.stack = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = tag in self.SKIP or "hidden" in a
        quote = tag in ("q", "code") or (a.get("lang") or "").startswith("zh")
        if quote and not any(q for _, _, q in self.stack):
            self.quotes.append("")
        self.stack.append((tag, skip, quote))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if any(skip for _, skip, _ in self.stack):
            return
        if any(q for _, _, q in self.stack):
            self.quotes[-1] += data
        else:
            self.parts.append(data)


def page_text(path: Path) -> tuple[str, list[str]]:
    parser = _Text()
    html = path.read_text(encoding="utf-8")
    main = re.search(r'<article[^>]*>(.*)</article>', html, re.S)
    parser.feed(main.group(1) if main else html)
    return " ".join(parser.parts), parser.quotes


@pytest.fixture(scope="module")
def site(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("readable") / "site"
    build_site(corpus, out, build_date=dt.date(2026, 11, 30), index_search=False, calculators=False)
    return out


def notice_pages(site, lang):
    return sorted((site / lang / "n").rglob("index.html"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_never_show_an_internal_id(site, corpus, lang):
    ids = set().union(*(internal_ids(v) for n in corpus.notices for v in n.versions))
    assert notice_pages(site, lang)
    for page in notice_pages(site, lang):
        text, quotes = page_text(page)
        assert found_ids(text + " " + " ".join(quotes), ids) == [], page


def english_pages(site):
    """Every English page: notices, listings, search, about, and the notice format (/format/)."""
    return sorted((site / "en").rglob("index.html")) + [site / "format" / "index.html"]


def test_english_pages_are_in_english(site, corpus):
    """CJK only inside quoted source words (<q>, lang=zh, code examples) or after a romanised
    document number."""
    doc_numbers = {v.doc_number for n in corpus.notices for v in n.versions if v.doc_number}
    problems = []
    for page in english_pages(site):
        text, _ = page_text(page)
        for number in doc_numbers:
            text = text.replace(f"({number})", "")
        text = QUOTED.sub("“…”", text)
        for m in CJK.finditer(text):
            problems.append(f"{page.relative_to(site)}: …{text[max(0, m.start() - 40):m.end() + 20]}…")
    assert problems == [], f"{len(problems)} Chinese characters on English pages:\n" + "\n".join(problems[:40])


def test_every_reading_glosses_its_quote(corpus, site):
    """«10人及以上» never stands alone on an English page: each quote carries its English gloss."""
    missing = [(n.id, str(m.id), r.quote) for n in corpus.notices for v in n.versions
               for _, m in v.measures() for r in m.readings or () if not r.quote_en]
    assert missing == []
    page = (site / "en" / "n" / "shengsi-2024" / "index.html").read_text(encoding="utf-8")
    assert '<q lang="zh-CN">10人及以上</q> (“10 people or more”)' in page
    args = next(a for n, c, a in golden_runs(corpus) if n.id == "shengsi-2024" and str(c["measure"]) == "7")
    assert "«10人及以上» (“10 people or more”)" in calc(*args, "--lang", "en")


def test_no_english_words_inside_chinese_prose(site):
    for page in notice_pages(site, "zh"):
        text, _ = page_text(page)
        assert not re.search(r"（[A-Za-z ]+）", text), page


def test_compare_names_measures_by_title(corpus, monkeypatch):
    monkeypatch.setattr(build, "_corpus", lambda run_cases=False: corpus)
    compared = 0
    for notice in corpus.notices:
        version = notice.latest
        for relation in version.relations or ():
            if relation.measures == "*":
                continue
            members = [str(m) for m in relation.measures]
            args = []
            for measure_id in members:
                case = next((c for c in notice.cases if str(c["measure"]) == measure_id
                             and c["expect"]["eligible"]), None)
                if case is None:
                    break
                args += next(a for n, c, a in golden_runs(corpus) if c is case)[2:]
            else:
                for lang in ("zh", "en"):
                    out = io.StringIO()
                    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                        assert build.main(["compare", notice.id, relation.id, *args, "--lang", lang]) == 0
                    assert found_ids(out.getvalue(), internal_ids(version)) == [], out.getvalue()
                    compared += 1
    assert compared >= 2
