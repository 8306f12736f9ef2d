"""`python build.py new`: the importer on the five seeds, on a notice unlike them, on a Word file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.import_accuracy import measure, seeds
from sitegen import content, importer
from sitegen.readers import load_policies
from tests.corpus import POLICIES, ROOT, corpus


@pytest.mark.parametrize("seed", seeds(corpus()), ids=lambda p: p.name)
def test_seed_import_is_verbatim_and_finds_the_structure(seed):
    figures = measure(seed, corpus())
    assert figures["text_verbatim"], figures["text_difference"]
    assert figures["clause_recall"] >= 0.9, figures
    assert figures["metadata_recall"] >= 0.9, figures["metadata_missed"]


# A notice with elements none of the seeds has: a "…文件" masthead on one line, 附注, （1） items,
# numbered attachments with their own numbering, 抄送 and 印发.
NOTICE = """
杭州市示范区人民政府办公室文件

杭示政办〔2025〕12号

杭州市示范区人民政府办公室
关于印发示范区稳岗补贴实施办法的通知

各街道办事处，区政府各部门：

为稳定就业，经区政府同意，现将有关事项通知如下：

一、补贴对象

（一）在示范区注册的企业。

（二）在示范区设立的分支机构。

二、补贴标准

（一）按每人500元给予补贴，具体为：

（1）招用10人以上的，每家最高5万元；

（2）招用50人以上的，每家最高20万元。

（二）补贴资金由区财政
承担。

各单位要抓好落实。

杭州市示范区人民政府办公室

2025年3月8日

（此件公开发布）

附件1

申请材料清单

1.营业执照复印件；

2.参保证明。

抄送：区委办公室，区人大办公室。

杭州市示范区人民政府办公室        2025年3月9日印发
"""


def _clauses(data):
    return [c for s in data["body"] for c in s.get("clauses") or ()]


def test_printed_by_on_its_own_line():
    data = importer.parse(NOTICE.replace("        2025年3月9日印发", "\n2025年3月9日印发"))
    assert data["printed_by"]["zh"] == "杭州市示范区人民政府办公室" and data["dates"]["printed"] == "2025-03-09"


def test_a_notice_unlike_the_seeds():
    data = importer.parse(NOTICE)
    assert data["masthead"]["zh"] == "杭州市示范区人民政府办公室文件"
    assert [i["zh"] for i in data["issuers"]] == ["杭州市示范区人民政府办公室"]
    assert data["doc_number"] == "杭示政办〔2025〕12号"
    assert data["title"]["zh"] == "杭州市示范区人民政府办公室关于印发示范区稳岗补贴实施办法的通知"
    assert [a["zh"] for a in data["addressees"]] == ["各街道办事处，区政府各部门"]
    assert [s["heading"]["zh"] for s in data["body"]] == ["补贴对象", "补贴标准"]
    assert [s["number"] for s in data["body"]] == [{"zh": "一、", "en": "I."}, {"zh": "二、", "en": "II."}]
    clauses = _clauses(data)
    assert [c["number"] for c in clauses] == ["（一）", "（二）", "（一）", "（1）", "（2）", "（二）"]
    assert len({c["id"] for c in clauses}) == len(clauses)
    assert clauses[-1]["text"]["zh"] == "补贴资金由区财政承担。"  # a line broken mid-sentence is one clause
    assert [p["zh"] for p in data["closing"]] == ["各单位要抓好落实。"]
    assert [s["zh"] for s in data["signatories"]] == ["杭州市示范区人民政府办公室"]
    assert data["signed_date"] == data["dates"]["written"] == "2025-03-08"
    assert [n["zh"] for n in data["notes"]] == ["（此件公开发布）"]
    (att,) = data["attachments"]
    assert (att["label"]["zh"], att["title"]["zh"]) == ("附件1", "申请材料清单")
    assert [c["number"] for s in att["body"] for c in s["clauses"]] == ["1.", "2."]
    assert [c["zh"] for c in data["cc"]] == ["区委办公室", "区人大办公室"]
    assert data["printed_by"]["zh"] == "杭州市示范区人民政府办公室" and data["dates"]["printed"] == "2025-03-09"
    assert data["stage"] == "final" and "print_order" not in data


def test_chapters_and_articles_of_a_measures_document():
    text = ("示范市稳岗补贴实施办法\n\n第一章 总则\n\n第一条 为稳定就业，制定本办法。\n\n第二条 本办法适用于本市企业。\n\n"
            "第二章 补贴标准\n\n第三条 按每人500元给予补贴：\n\n（一）招用10人以上的；\n\n（二）招用50人以上的。\n\n"
            "第四条 本办法自印发之日起施行。\n")
    data = importer.version_data(text, "x", "s.txt", "0" * 64)
    assert data["title"]["zh"] == "示范市稳岗补贴实施办法"
    assert [(s["number"], s["heading"]["zh"]) for s in data["body"]] == [
        ({"zh": "第一章", "en": "Chapter 1"}, "总则"), ({"zh": "第二章", "en": "Chapter 2"}, "补贴标准")]
    assert [c["number"] for c in _clauses(data)] == ["第一条", "第二条", "第三条", "（一）", "（二）", "第四条"]
    assert [c["id"] for c in _clauses(data)][:3] == ["1", "2", "3"]
    assert importer.verbatim(data, text)


def test_numbering_levels_and_sequences():
    assert importer._number("一、总则")[:3] == (1, 1, "一、")
    assert importer._number("十二、附则")[:2] == (1, 12)
    assert importer._number("（三）标准")[:2] == (2, 3)
    assert importer._number("3.标准")[:2] == (3, 3)
    assert importer._number("18.2023年1月22日至2月2日")[:2] == (3, 18)
    assert importer._number("（4）材料")[:2] == (4, 4)
    assert importer._number("2024年春节") is None
    lines = importer._lines("2.《某通知》\n1.第一\n2.第二\n5.不是第三")
    assert [bool(n) for n in importer._accepted(lines)] == [False, True, True, False]


def test_units_lines_and_lead_marks():
    units = importer._units("责任单位：△市发改局、市经信局（标注“△”的为牵头单位，下同）")
    assert [(u["name"]["zh"], u.get("lead", False)) for u in units] == [("市发改局", True), ("市经信局", False)]


def test_draft_text_is_marked_to_do_and_validate_counts_it(tmp_path):
    policies, sources = _workspace(tmp_path)
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE, encoding="utf-8")
    proc = _cli(tmp_path, "new", "demo-2025", "--source", str(source))
    assert proc.returncode == 0, proc.stderr
    v1, cases = policies / "demo-2025" / "v1.yaml", policies / "demo-2025" / "cases.yaml"
    (copied,) = sources.iterdir()
    assert copied.name.startswith("demo-2025_") and copied.read_bytes() == source.read_bytes()
    text = v1.read_text(encoding="utf-8")
    assert text.startswith(importer.SCHEMA_LINE) and "&id" not in text
    assert [line.strip() for line in text.splitlines() if line.endswith(": null")] == ["code: null"]
    assert cases.read_text(encoding="utf-8").rstrip().endswith("[]")

    proc = _cli(tmp_path, "validate")
    assert proc.returncode == 0, proc.stderr
    todo_lines = [line for line in proc.stderr.splitlines() if "English text still to translate" in line]
    assert todo_lines and all(line.startswith("policies/demo-2025/v1.yaml:") for line in todo_lines)
    assert "title.en: English text still to translate" in proc.stderr
    count = text.count(f"en: '{importer.TODO_EN}'")
    assert f"warning: {count} English text(s) still to translate" in proc.stderr
    assert _cli(tmp_path, "validate", "--strict").returncode == 1

    proc = _cli(tmp_path, "publish", "--date", "2025-04-01", "--out", str(tmp_path / "site"))
    assert proc.returncode == 1 and "title.en: English text still to translate" in proc.stderr
    assert not (tmp_path / "site").exists()

    # Translating every to-do and filling the region makes it valid and clean.
    done = text.replace(f"'{importer.TODO_EN}'", "Translated").replace("zh: TODO", "zh: 浙江省杭州市")
    v1.write_text(done, encoding="utf-8")
    proc = _cli(tmp_path, "validate")
    assert (proc.returncode, proc.stderr) == (0, "")


def test_import_refuses_bad_ids_and_existing_notices(tmp_path):
    _workspace(tmp_path)
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE, encoding="utf-8")
    proc = _cli(tmp_path, "new", "Bad_Id", "--source", str(source))
    assert proc.returncode == 2 and "Bad_Id" in proc.stderr and "Traceback" not in proc.stderr
    assert _cli(tmp_path, "new", "demo", "--source", str(source)).returncode == 0
    proc = _cli(tmp_path, "new", "demo", "--source", str(source))
    assert proc.returncode == 2 and "already exists" in proc.stderr and "已存在" in proc.stderr
    proc = _cli(tmp_path, "new", "other", "--source", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr


def _docx(path: Path) -> None:
    """A Word notice with a 分工表 table, written by python-docx (no binary fixture in the repository)."""
    import docx
    document = docx.Document()
    for text in ("示范县人力资源和社会保障局文件", "示人社〔2025〕3号", "关于做好春节稳岗工作的通知", "各乡镇人民政府：",
                 "现将有关事项通知如下：", "一、稳定用工", "1.对留岗员工每人发放300元补贴。"):
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=3)
    for row, cells in zip(table.rows, (("项目", "内容与要求", "责任单位"),
                                       ("", "2.组织招聘活动。", "△县人力社保局、县财政局"),
                                       ("", "3.开展慰问。", "县总工会"),
                                       ("做好服务", "4.提供就业服务。", "县人力社保局"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "稳定用工"  # a group label merged down two rows
    for text in ("示范县人力资源和社会保障局", "2025年1月20日"):
        document.add_paragraph(text)
    document.save(str(path))


def test_word_document_import(tmp_path):
    policies, sources = _workspace(tmp_path)
    source = tmp_path / "notice.docx"
    _docx(source)
    proc = _cli(tmp_path, "new", "word-2025", "--source", str(source))
    assert proc.returncode == 0, proc.stderr
    (copied,) = sources.iterdir()
    assert copied.suffix == ".docx" and copied.read_bytes() == source.read_bytes()
    corpus_ = load_policies(policies, seeds_dir=sources, run_cases=False)
    version = corpus_.notice("word-2025").latest
    assert version.doc_number == "示人社〔2025〕3号" and version.title.zh == "关于做好春节稳岗工作的通知"
    texts = [c.text.zh for c in version.clauses()]
    assert texts == ["对留岗员工每人发放300元补贴。", "组织招聘活动。", "开展慰问。", "提供就业服务。"]
    # The table's merged group labels head their rows; read in order, they need no repair.
    assert [(s.heading.zh if s.heading else None, [c.number for c in s.clauses]) for s in version.body] == \
        [("稳定用工", ["1."]), ("稳定用工", ["2.", "3."]), ("做好服务", ["4."])]
    assert not [a for a in version.annotations or () if a.kind == "repair" and a.fixed and "稳定用工" in a.fixed]
    lead = [u.name.zh for c in version.clauses() for u in c.units or () if u.lead]
    assert lead == ["县人力社保局"]
    assert str(version.signed_date) == "2025-01-20"
    # The text check reads the .docx itself: the import reproduces it, an edit is caught.
    report = content.check(corpus_, policies, sources)
    assert report.errors == [] and report.todos
    v1 = policies / "word-2025" / "v1.yaml"
    v1.write_text(v1.read_text(encoding="utf-8").replace("开展慰问。", "开展走访慰问。"), encoding="utf-8")
    corpus_ = load_policies(policies, seeds_dir=sources, run_cases=False)
    (problem,) = content.check(corpus_, policies, sources).errors
    assert problem.file == "policies/word-2025/v1.yaml" and problem.field.endswith("text.zh") and problem.line


def test_word_automatic_numbering_is_read_as_shown(tmp_path):
    """一、 and （一） typed by Word's list numbering, not in the paragraphs' text."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("关于做好稳岗工作的通知")
    document.add_paragraph("现通知如下：")
    for text, level in (("总则", 0), ("第一条。", 1), ("第二条。", 1), ("附则", 0), ("自印发之日起施行。", 1)):
        document.add_paragraph(text)._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    data = importer.version_data(importer.source_text(path), "x", "x.docx", "0" * 64, whole_cells=True)
    assert [(s["number"]["zh"], s["heading"]["zh"]) for s in data["body"]] == [("一、", "总则"), ("二、", "附则")]
    assert [c["number"] for c in _clauses(data)] == ["（一）", "（二）", "（一）"]
    assert importer.verbatim(data, importer.source_text(path))


def test_not_a_word_file(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(importer.ImportFailed) as failed:
        importer.source_text(bad)
    assert ".docx" in failed.value.message_en and ".docx" in failed.value.message_zh


def _workspace(tmp_path):
    policies, sources = tmp_path / "policies", tmp_path / "sources"
    policies.mkdir()
    sources.mkdir()
    (policies / "glossary.yaml").write_text((POLICIES / "glossary.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return policies, sources


def _cli(tmp_path, *args):
    env = dict(os.environ, ZHENGCE_POLICIES=str(tmp_path / "policies"), ZHENGCE_SOURCES=str(tmp_path / "sources"),
               ZHENGCE_MANIFEST=str(tmp_path / "manifest.json"))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path)


# -- any text: a valid draft that reproduces it ------------------------------------------------

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.text(alphabet="的一是在不了有和人中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
                          "，。、；：（）“”", min_size=1, max_size=12)
_LINE = st.one_of(
    _WORDS,
    st.builds("{}、{}".format, st.sampled_from("一二三四五六七八九十"), _WORDS),
    st.builds("（{}）{}".format, st.sampled_from("一二三四五"), _WORDS),
    st.builds("{}.{}".format, st.integers(1, 12), _WORDS),
    st.builds("（{}）{}".format, st.integers(1, 5), _WORDS),
    st.builds("责任单位：△{}、{}".format, _WORDS, _WORDS),
    st.builds("{}\t{}\t{}".format, _WORDS, _WORDS, _WORDS),
    st.builds("\t{}. {}\t{}".format, st.integers(1, 9), _WORDS, _WORDS),
    st.sampled_from(["附件", "附件1", "2024年1月29日", "2024年13月40日", "（此件主动公开）", "抄送：区委各部门，区法院。",
                     "某某办公室 2024年1月30日印发", "某某局文件", "某发〔2024〕5号", "各有关单位：", "", "索引号：",
                     "- 1. 第一", "[bookmark: _GoBack]某某", "附则", "关于某事的通知", "项目\t内容\t责任单位"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_LINE, max_size=20))
@example(["："])  # a colon alone is not an addressee line (found by hypothesis)
def test_any_text_imports_as_a_valid_draft_that_reproduces_it(lines):
    from sitegen.model import Corpus, Version, freeze
    from sitegen.readers import _check_ids
    from sitegen.schema import NOTICE
    from sitegen.yamlload import load_yaml
    text = "\n".join(lines)
    if not content.strip_ws(text):
        return
    data = importer.version_data(text, "x", "s.txt", "0" * 64)
    assert list(NOTICE.check(data, ())) == []
    loaded, errors = load_yaml(importer.dump_version(data, "s.txt"), "v1.yaml")
    assert errors == [] and _check_ids(loaded) == []
    assert content.text_difference(Version(freeze(loaded.data), Path("v1.yaml")), Corpus(()), text) is None


def test_a_document_the_parser_cannot_follow_is_imported_line_by_line():
    text = "索引号：\n（4）二口布结带京\n\t1. \t\n附则\n2.\n消回因系多己"
    data = importer.version_data(text, "x", "s.txt", "0" * 64)
    assert importer.verbatim(data, text)
    assert [c["text"]["zh"] for c in data["body"][0]["clauses"]][:2] == ["索引号：", "（4）二口布结带京"]
    assert data["annotations"][0]["kind"] == "note"


def test_a_fresh_import_can_be_previewed(tmp_path):
    """The draft renders (pages only), its English showing the to-dos, before anything is translated."""
    import datetime as dt

    from sitegen.site import build_site
    policies, sources = _workspace(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    _docx(tmp_path / "notice.docx")
    importer.import_notice(tmp_path / "notice.txt", "demo", policies=policies, sources=sources)
    importer.import_notice(tmp_path / "notice.docx", "word", policies=policies, sources=sources)
    build_site(load_policies(policies, seeds_dir=sources), tmp_path / "site", build_date=dt.date(2025, 4, 1),
               index_search=False, calculators=False)
    zh = (tmp_path / "site" / "zh" / "n" / "demo" / "index.html").read_text(encoding="utf-8")
    en = (tmp_path / "site" / "en" / "n" / "word" / "index.html").read_text(encoding="utf-8")
    assert "关于印发示范区稳岗补贴实施办法的通知" in zh and importer.TODO_EN in en
