"""Reading a source document as text: plain text (UTF-8, or GB18030 from older exports) or a Word
.docx through python-docx. Shared by the importer (`build.py new`) and the content checks
(`validate` compares each notice's Chinese with its source), so neither imports the other."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path


class ImportFailed(Exception):
    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh


# -- reading sources -----------------------------------------------------------------------

def docx_text(data: bytes) -> str:
    """The text of a Word document in reading order: one line per paragraph, table rows as
    tab-separated cells (the same shape as a plain-text export, so one parser reads both)."""
    import docx  # python-docx; imported here so reading plain text never needs it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailed(f"not a readable .docx file ({exc})", f"不是可读取的 .docx 文件（{exc}）") from None
    numbers = _WordNumbers(document)
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            lines.append(numbers.prefix(paragraph) + paragraph.text)
        elif tag == "tbl":
            table = Table(child, document)
            for tr in child.tr_lst:
                # One cell per <w:tc> (a cell merged across columns once); a cell merged down from
                # the row above is empty here, so a group label is read once, where it starts.
                cells = ["" if tc.vMerge not in (None, "restart") else
                         " ".join(Paragraph(p, table).text for p in tc.p_lst) for tc in tr.tc_lst]
                lines.append("\t".join(cells))
        lines.append("")
    return "\n".join(lines)


def _cn_text(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (Word's chineseCounting, up to 99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "") if n < 100 else str(n)


class _WordNumbers:
    """Word's automatic numbering (w:numPr on a paragraph or its style), rendered as Word shows it:
    the number is not in the paragraph's text, but the parser needs 一、（一）1. to find the structure."""

    FORMATS = {"decimal": str, "decimalFullWidth": str, "chineseCounting": _cn_text,
               "chineseCountingThousand": _cn_text, "ideographTraditional": _cn_text,
               "japaneseCounting": _cn_text, "upperLetter": lambda n: chr(64 + n), "lowerLetter": lambda n: chr(96 + n)}

    def __init__(self, document):
        from docx.oxml.ns import qn
        self.qn = qn
        self.levels: dict = {}     # numId -> {ilvl: (start, format, text)}
        self.counters: dict = {}   # numId -> {ilvl: current number}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {}
        for node in numbering.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in node.iter(qn("w:lvl")):
                def val(tag, default):
                    found = lvl.find(qn(tag))
                    return found.get(qn("w:val"), default) if found is not None else default
                levels[int(lvl.get(qn("w:ilvl"), 0))] = (int(val("w:start", 1)), val("w:numFmt", "decimal"),
                                                        val("w:lvlText", ""))
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for node in numbering.iter(qn("w:num")):
            ref = node.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[node.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _num_pr(self, paragraph):
        qn = self.qn
        p_pr = paragraph._p.pPr
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:
            style_pr = style.element.find(qn("w:pPr"))
            num_pr = style_pr.find(qn("w:numPr")) if style_pr is not None else None
            style = style.base_style
        if num_pr is None:
            return None, 0
        num_id, ilvl = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
        return (num_id.get(qn("w:val")) if num_id is not None else None,
                int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)

    def prefix(self, paragraph) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or levels[ilvl][1] in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [lv for lv in counters if lv > ilvl]:
            del counters[deeper]

        def number(match):
            level = int(match.group(1)) - 1
            start, fmt, _ = levels.get(level, (1, "decimal", ""))
            return self.FORMATS.get(fmt, str)(counters.get(level, start))
        return re.sub(r"%([1-9])", number, levels[ilvl][2])


def source_text(path: Path) -> str:
    """The text of a source document: .docx through python-docx, anything else as UTF-8 text."""
    data = Path(path).read_bytes()
    if Path(path).suffix.lower() == ".docx":
        return docx_text(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")  # older government exports
        except UnicodeDecodeError:
            raise ImportFailed(f"{path.name} is neither UTF-8 nor GB18030 text",
                               f"{path.name} 既不是 UTF-8 也不是 GB18030 文本") from None
