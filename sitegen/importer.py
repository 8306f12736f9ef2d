"""Import a source notice (plain text or Word .docx) into a first version file.

`python build.py new ID --source FILE` copies the source into `sources/` and writes
`policies/ID/v1.yaml` plus an empty `cases.yaml`. The functions here are pure: text in, data out.

The parser follows GB/T 9704 (党政机关公文格式): an optional portal header (索引号、发文机关…),
the 版头 (issuers + 文件), the 发文字号 〔YYYY〕N号, the title (关于…的通知, over several lines),
the 主送机关 line ending in "：", the body split by its numbering (一、（一）1.（1）) or by its
table rows, the signatures and the 成文日期, 附注, the attachments (附件N + title + their own
body), and the 版记 (抄送、…印发). Every Chinese text is sliced verbatim from the source, so the
text check passes on the import; the few extraction artefacts it removes (repeated table headers,
vertically split table labels, list bullets, Word bookmarks) are listed as `repair` annotations,
which is exactly how a person records them. English texts are `TODO: translate` markers that
`validate` counts (sitegen/content.py) and that `publish` refuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .fmt import format_text
from .sources import ImportFailed, docx_text, source_text  # noqa: F401  (part of this module's API)

TODO_EN = "TODO: translate"
TODO_FILL = "TODO"  # a fact the source does not give and a person must fill in
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇两"
# Numbering levels of GB/T 9704 §7.3.3: 一、 （一） 1. （1）
LEVELS = (
    (0, re.compile(rf"^第([{_CN}]+)章\s*")),          # 办法/细则: chapters hold articles
    (1.5, re.compile(rf"^第([{_CN}]+)条\s*")),        # articles: clauses, with or without chapters
    (1, re.compile(rf"^([{_CN}]+)、\s*")),
    (2, re.compile(rf"^[（(]([{_CN}]+)[）)]\s*")),
    (3, re.compile(r"^(\d{1,2})[.．、](?![.．\d]*%)\s*")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]\s*")),
)
DOC_NUMBER = re.compile(r"^\S{1,20}[〔﹝\[［(（]\s*\d{4}\s*[〕﹞\]］)）]\s*\d+\s*号$")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
# "…印发", with the 印发机关 on the line before or, as GB/T 9704 prints it, on the same line.
PRINTED_LINE = re.compile(r"^(?:(\S.*?)\s+)?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发$")
CC_LINE = re.compile(r"^抄\s*送\s*[:：]")
ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*\d*$")
UNITS_LINE = re.compile(r"^责任单位\s*[:：]")
NOTE_LINE = re.compile(r"^[（(][^（）()]{2,30}[）)]$")
PORTAL = {"索引号": "index_no", "分类": "category", "发文机关": "issuer", "成文日期": "written",
          "标题": "title", "发文字号": "doc_number", "发布日期": "published"}
PORTAL_LINE = re.compile(r"^(" + "|".join(PORTAL) + r")\s*[:：]\s*(.*)$")
ARTEFACT = re.compile(r"\[bookmark:[^\]]*\]")      # Word bookmarks left by a .doc → text export
TERMINAL = tuple("。！？；：…”」』）)!?;:")
TITLE_WORDS = re.compile(r"(通知|意见|方案|办法|措施|细则|规定|决定|通报|公告|批复|函|若干举措|征求意见稿）?)$")


def strip_ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- lines ---------------------------------------------------------------------------------

@dataclass
class Line:
    text: str                    # the line without surrounding blanks (cells joined for rows)
    cells: list | None = None    # table row cells
    artefacts: list = field(default_factory=list)  # (fragment, context) removed from the front


def _lines(text: str) -> list[Line]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        spaced = raw.strip(" \u3000\u00a0\ufeff")
        cells = spaced.split("\t")
        if sum(1 for c in cells if c.strip()) >= 2:
            out.append(Line(spaced.strip(), [c.strip(" \u3000") for c in cells]))
            continue
        line = raw.strip(" \t\u3000\u00a0\ufeff")
        if not line:
            continue
        artefacts = []
        found = ARTEFACT.match(line)
        if found:
            artefacts.append(found.group(0))
            line = line[found.end():].strip()
        if line.startswith("- ") and _number(line[2:]):  # a list bullet from a Markdown export
            artefacts.append("-")
            line = line[2:].strip()
        if line:
            out.append(Line(line, None, artefacts))
    return out


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if not all(c in _CN for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            current = _CN_DIGITS[char]
    return total + current


def _number(text: str):
    """(level, n, number as printed, rest) when `text` starts with a numbering mark."""
    for level, pattern in LEVELS:
        found = pattern.match(text)
        if found:
            n = _cn_number(found.group(1))
            if n:
                return level, n, found.group(0).strip(), text[found.end():]
    return None


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _section_number(n: int, printed: str) -> dict:
    """A section number as printed, with its English form: 一、→ I., 第一章 → Chapter 1."""
    return {"zh": printed, "en": f"Chapter {n}" if printed.startswith("第") else f"{_roman(n)}."}


def _date(match, first: int = 1) -> str | None:
    """The ISO date of a 年月日 match, or None when there is no such day (2024年13月40日)."""
    if match is None:
        return None
    year, month, day = (int(match.group(first + k)) for k in range(3))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _ends(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def _bi(zh: str) -> dict:
    return {"zh": zh, "en": TODO_EN}


def _org_like(text: str) -> bool:
    """A line that can be a signature: short, no sentence punctuation."""
    return (len(text) <= 45 and not _ends(text) and "，" not in text and not _number(text)
            and not DATE_LINE.match(text) and "《" not in text)


# -- the document --------------------------------------------------------------------------

class _Draft:
    def __init__(self, text: str, whole_cells: bool):
        self.text = text
        self.whole_cells = whole_cells  # table cells read from a Word file: a label is whole
        self.flat = strip_ws(text)  # whitespace-free source, to make repair fragments unique
        self.repairs: list[dict] = []
        self.ids: set[str] = set()

    def unique_id(self, wanted: str, scope: str = "") -> str:
        """`wanted`, or `scope-wanted` when taken (clause 1 of a second table: s4-1), or a suffix."""
        ident = wanted if wanted not in self.ids or not scope else f"{scope}-{wanted}"
        n = 2
        while ident in self.ids:
            ident, n = f"{wanted}-{n}", n + 1
        self.ids.add(ident)
        return ident

    def artefact(self, fragment: str, after: str, why_zh: str, why_en: str, *, count: int = 1) -> None:
        """A repair removing `fragment` from the source text: extended with the text that follows it
        until the pair is unique, so the text check removes the right occurrence."""
        flat_fragment, flat_after = strip_ws(fragment), strip_ws(after)
        k = 0
        if count == 1:
            while k < len(flat_after) and (self.flat.count(flat_fragment + flat_after[:k]) != 1
                                           or (k and self.flat.count(flat_after[:k]) != 1)):
                k += 1
        seed_text = flat_fragment + flat_after[:k]
        note = {"id": f"r{len(self.repairs) + 1}", "kind": "repair", "seed": fragment + flat_after[:k],
                "fixed": flat_after[:k], "text": {"zh": why_zh, "en": why_en}}
        if count > 1:
            note["count"] = count
        if not seed_text:
            return
        self.repairs.append(note)


def parse(text: str, *, whole_cells: bool = False) -> dict:
    """The version data (without id, version and provenance) of a source document's text.

    `whole_cells`: the text comes from a Word file's tables (docx_text), where a group label in the
    first column is one merged cell read where it starts, not pieces of vertical text."""
    draft = _Draft(text, whole_cells)
    lines = _lines(text)
    for line in lines:
        for fragment in line.artefacts:
            if fragment == "-":
                draft.artefact("-", line.text, "列表符号“-”为文本导出所致，已删除。",
                               "A list marker \"-\" left by the text export was removed.")
            else:
                draft.artefact(fragment, line.text, f"文字处理软件的书签标记“{fragment}”非正文，已删除。",
                               f"A word-processor bookmark marker \"{fragment}\" is not text and was removed.")
    data: dict = {}
    order: list[str] = []
    i = 0

    # Portal header (索引号：… 发布日期：…) as on government websites.
    portal = {}
    while i < len(lines) and (found := PORTAL_LINE.match(lines[i].text)):
        key, value = PORTAL[found.group(1)], found.group(2).strip()
        if not value and i + 1 < len(lines) and not PORTAL_LINE.match(lines[i + 1].text):
            value, i = lines[i + 1].text, i + 1
        portal[key] = value
        i += 1
    if portal:
        order.append("portal_meta")

    # 版头: issuers then 文件.
    issuers = []
    for j in range(i, min(i + 10, len(lines))):
        if lines[j].text.endswith("文件") and len(lines[j].text) <= 30 and not lines[j].cells:
            block = [ln.text for ln in lines[i:j + 1]]
            if all(_org_like(b) for b in block):
                data["masthead"] = _bi("\n".join(block))
                issuers = block[:-1] if block[-1] == "文件" else block[:-1] + [block[-1][:-2]]
                order.append("masthead")
                i = j + 1
            break

    # Bottom 版记: 抄送 and …印发, from the end.
    end = len(lines)
    while end > i:
        line = lines[end - 1].text
        if _date(PRINTED_LINE.match(line), 2):
            found = PRINTED_LINE.match(line)
            data.setdefault("dates", {})["printed"] = _date(found, 2)
            if found.group(1):
                data["printed_by"] = _bi(found.group(1))
            elif end - 2 >= i and _org_like(lines[end - 2].text) and not CC_LINE.match(lines[end - 2].text):
                data["printed_by"] = _bi(lines[end - 2].text)
                end -= 1
            end -= 1
        elif CC_LINE.match(line):
            data["cc_text"] = _bi(line)
            names = re.split(r"[,，]", re.sub(r"^抄\s*送\s*[:：]", "", line).rstrip("。."))
            data["cc"] = [_bi(n.strip()) for n in names if n.strip()]
            end -= 1
        else:
            break
    tail_order = (["cc"] if "cc" in data else []) + (["printed"] if "printed_by" in data else [])
    if "dates" in data and "printed_by" not in data:  # a printing date alone is still printed
        data["printed_by"] = None

    # Attachments: from the first line that is only a 附件 label.
    first_att = next((j for j in range(i, end) if ATTACHMENT_LABEL.match(lines[j].text)), end)
    main = lines[i:first_att]
    attachments = []
    j = first_att
    while j < end:
        k = next((m for m in range(j + 1, end) if ATTACHMENT_LABEL.match(lines[m].text)), end)
        attachments.append(lines[j:k])
        j = k

    # Front: 发文字号, title, 主送机关.
    m = 0
    if m < len(main) and DOC_NUMBER.match(main[m].text):
        data["doc_number"] = main[m].text
        order.append("doc_number")
        m += 1
    title, m = _title(main, m)
    if title:
        data["title"] = _bi(title)
        order.append("title")
    if m < len(main) and "doc_number" not in data and DOC_NUMBER.match(main[m].text):
        data["doc_number"] = main[m].text
        order.append("doc_number")
        m += 1
    if m < len(main) and _addressee(main[m].text):
        data["addressees"] = [_bi(main[m].text.rstrip("：:").strip())]
        order.append("addressees")
        m += 1

    # Signatures, 成文日期 and 附注 at the end of the main document.
    rest = main[m:]
    notes = []
    while rest and NOTE_LINE.match(rest[-1].text):
        notes.insert(0, rest.pop().text)
    signed = None
    signature_lines = []
    if rest and _date(DATE_LINE.match(rest[-1].text)):
        signed = _date(DATE_LINE.match(rest.pop().text))
        while rest and len(signature_lines) < 8 and _org_like(rest[-1].text) and not rest[-1].cells:
            signature_lines.insert(0, rest.pop().text)

    preamble, sections, closing = _body(rest, draft, prefix="", closing=True)
    if preamble:
        data["preamble"] = [_bi(p) for p in preamble]
        order.append("preamble")
    data["body"] = sections
    order.append("body")
    if closing:
        data["closing"] = [_bi(p) for p in closing]
        order.append("closing")
    if signature_lines:
        if any("、" in s for s in signature_lines):
            data["signatories_text"] = _bi("\n".join(signature_lines))
            names = [n for n in re.split(r"[、\s]+", "".join(signature_lines)) if n]
        else:
            names = signature_lines
        data["signatories"] = [_bi(n) for n in names]
        order.append("signatories")
    if signed:
        data["signed_date"] = signed
        data.setdefault("dates", {})["written"] = signed
        order.append("date")
    if notes:
        data["notes"] = [_bi(n) for n in notes]
        order.append("notes")

    if attachments:
        data["attachments"] = _attachments(attachments, draft, single=not sections)
        order.append("attachments")
    order += tail_order

    # Facts from the portal header, where the document itself does not print them.
    if portal.get("index_no"):
        data["index_no"] = portal["index_no"]
    if portal.get("category"):
        data["category"] = _bi(portal["category"])
    if portal.get("title") and "title" not in data:
        data["title"] = _bi(portal["title"])
    if portal.get("doc_number") and "doc_number" not in data:
        data["doc_number"] = portal["doc_number"]
    for key in ("written", "published"):
        found = _date(DATE_LINE.match(portal.get(key) or ""))
        if found:
            data.setdefault("dates", {}).setdefault(key, found)
    if not issuers and portal.get("issuer"):
        issuers = [n for n in re.split(r"[、;；]", portal["issuer"]) if n.strip()]
    if not issuers and data.get("signatories"):
        issuers = [s["zh"] for s in data["signatories"]]
    data["issuers"] = [_bi(n.strip()) for n in issuers]
    if "title" not in data:
        data["title"] = _bi(_title_from_attachment(data.get("attachments")) or TODO_FILL)
    data.setdefault("doc_number", None)
    data.setdefault("addressees", [])
    data["stage"] = "draft" if "征求意见稿" in data["title"]["zh"] else "final"
    if data.get("printed_by") is None:
        data.pop("printed_by", None)
    canonical = [e for e in ("masthead", "doc_number", "title", "addressees", "preamble", "body", "closing",
                             "signatories", "date", "notes", "attachments", "cc", "printed") if e in order]
    # Elements the source does not print (a title taken from an attachment or the portal header)
    # are left out of the text by an explicit print order, as is any order other than GB/T 9704's.
    unprinted = [e for e in ("title", "doc_number", "addressees") if data.get(e) and e not in order]
    if order != canonical or unprinted:
        data["print_order"] = order
    data["annotations"] = draft.repairs
    return data


def _addressee(text: str) -> bool:
    """"各有关单位：" — a name before the colon (a lone "：" names nobody)."""
    return (text.endswith(("：", ":")) and len(text.rstrip("：: ")) > 0 and len(text) < 200
            and not _number(text) and "。" not in text)


def _title(lines: list[Line], m: int) -> tuple[str, int]:
    """The title: up to six short lines before the doc number, addressees or the text itself."""
    parts = []
    while m < len(lines) and len(parts) < 6:
        text = lines[m].text
        if (lines[m].cells or DOC_NUMBER.match(text) or _addressee(text) or (_number(text) and parts)
                or len(text) > 60 or text.endswith("。") or PORTAL_LINE.match(text)):
            break
        parts.append(text)
        m += 1
        if TITLE_WORDS.search(text) and not (m < len(lines) and re.match(r"^[（(]征求意见稿[）)]$", lines[m].text)):
            break
    # Lines of a Chinese title join without a space, except after a line that lists issuers
    # separated by spaces (人力资源社会保障部 工业和信息化部 / 民政部 …).
    title = "".join(part if not k or " " not in parts[k - 1] else " " + part for k, part in enumerate(parts))
    return title, m


def _title_from_attachment(attachments) -> str | None:
    """A document that is only its attachment (a 分工表 …) belongs to the notice the table names."""
    if not attachments:
        return None
    title = attachments[0]["title"]["zh"]
    found = re.match(r"^(.*?(?:通知|意见|方案|办法|措施|细则|规定))\s*\S*表$", title)
    return found.group(1) if found else title


# -- the body: numbering, sections, clauses, tables ------------------------------------------

def _accepted(lines: list[Line]) -> list:
    """Each line's numbering (level, n, printed, rest) when it continues a sequence, else None:
    "2." without a "1." before it is text, not an item."""
    last: dict[int, int] = {}
    out = []
    for line in lines:
        found = None if line.cells else _number(line.text)
        if found:
            level, n = found[0], found[1]
            if n == 1 or last.get(level) == n - 1:
                last[level] = n  # deeper levels keep counting: 1.–17. run on across 一、二、…
            else:
                found = None
        out.append(found)
    return out


def _units(text: str) -> list[dict]:
    """The units named in a 责任单位 line or cell; △ or * marks the lead unit."""
    text = re.sub(r"^责任单位\s*[:：]", "", text)
    text = re.sub(r"[（(][^（）()]*牵头[^（）()]*[）)]", "", text)
    units = []
    for name in re.split(r"[、，,；;]", text):
        name = strip_ws(name)
        lead = name.startswith(("△", "*", "＊"))
        name = name.lstrip("△*＊")
        if name:
            unit = {"name": _bi(name)}
            if lead:
                unit["lead"] = True
            units.append(unit)
    return units


def _add_units(clause: dict, text: str) -> None:
    """A 责任单位 line or cell for `clause`: its text as printed, and the units it names."""
    if "units_text" in clause:  # a second line of units
        clause["units_text"]["zh"] += "\n" + text
        clause["units"] = clause.get("units", []) + _units(text)
    else:
        clause["units"] = _units(text)
        clause["units_text"] = _bi(text)
    if not clause["units"]:
        del clause["units"]


def _body(lines: list[Line], draft: _Draft, *, prefix: str, closing: bool):
    """(paragraphs before the first item, sections, closing paragraphs)."""
    numbering = _accepted(lines)
    first = next((k for k, (ln, nb) in enumerate(zip(lines, numbering)) if nb or ln.cells), len(lines))
    preamble = [ln.text for ln in lines[:first]]
    items = list(zip(lines[first:], numbering[first:]))
    if not items:
        return preamble, [], []
    table = next((k for k, (ln, _) in enumerate(items) if ln.cells), None)
    if table is None:
        return (preamble, *_numbered(items, draft, prefix, closing))
    sections, tail = _numbered(items[:table], draft, prefix, False) if table else ([], [])
    return preamble, sections + _table(items[table:], draft, prefix, len(sections)), tail


def _numbered(items, draft: _Draft, prefix: str, closing: bool):
    """Sections and clauses by the numbering: (sections, closing paragraphs)."""
    top = min(nb[0] for _, nb in items if nb)
    top_items = [k for k, (_, nb) in enumerate(items) if nb and nb[0] == top]
    has_children = any(b - a > 1 for a, b in zip(top_items, top_items[1:] + [len(items)]))
    as_sections = top in (0, 1) and has_children  # 一、 or 第X章 items with something under them
    sections: list[dict] = []
    section = None
    clause = None
    numbered_in = {}  # section index -> has numbered clauses

    def new_section(number=None, heading=None, n=None):
        nonlocal section, clause
        ident = draft.unique_id(f"{prefix}s{n or len(sections) + 1}")
        section = {"id": ident}
        if number:
            section["number"] = number
        if heading:
            section["heading"] = _bi(heading)
        section["clauses"] = []
        section["_n"] = n or len(sections) + 1
        sections.append(section)
        clause = None

    def new_clause(text, number=None, n=None):
        nonlocal clause
        base = str(n) if n else None
        sec = section["_n"]
        if base is None:
            base = f"{sec}-{len(section['clauses']) + 1}"
        elif as_sections and not numbers_unique:
            base = f"{sec}-{n}"  # （一） restarts in every section: 3-1, 3-2…
        ident = draft.unique_id(prefix + base, section["id"])
        clause = {"id": ident}
        if number:
            clause["number"] = number
        clause["text"] = _bi(text)
        section["clauses"].append(clause)

    # Which sections have numbered children decides what their unnumbered paragraphs are.
    sec_index = -1
    for ln, nb in items:
        if as_sections and nb and nb[0] == top:
            sec_index += 1
        elif nb:
            numbered_in[max(sec_index, 0)] = True
    levels = {nb[0] for _, nb in items if nb and (not as_sections or nb[0] != top)}
    level_of_clauses = min(levels) if levels else 0
    clause_numbers = [nb[1] for _, nb in items if nb and nb[0] == level_of_clauses]
    numbers_unique = len(clause_numbers) == len(set(clause_numbers))  # 1.–17. run on: ids 1…17
    tail: list[str] = []
    last_numbered = max(k for k, (_, nb) in enumerate(items) if nb)

    for k, (ln, nb) in enumerate(items):
        text = ln.text
        if as_sections and nb and nb[0] == top:
            heading, remainder = nb[3], ""
            cut = heading.find("。")
            if 0 <= cut < len(heading.rstrip()) - 1:
                heading, remainder = heading[:cut + 1], heading[cut + 1:]
            new_section(_section_number(nb[1], nb[2]), heading.strip() or None, nb[1])
            if remainder.strip():
                new_clause(remainder.strip())
            continue
        if section is None:
            new_section()
        if nb:
            new_clause(nb[3].strip(), nb[2], nb[1])  # as printed, like the hand encodings
        elif UNITS_LINE.match(text) and clause is not None:
            _add_units(clause, text)
        elif (closing and k > last_numbered and numbered_in.get(len(sections) - 1)
              and (clause is None or _ends(clause["text"]["zh"]))):
            tail.append(text)  # after the last item: the closing (要求, 联系人…)
        elif clause is not None and not _ends(clause["text"]["zh"]) and "units_text" not in clause:
            clause["text"]["zh"] += text  # a line broken by a page or a column: same clause
        elif numbered_in.get(len(sections) - 1) and not section["clauses"]:
            section.setdefault("paragraphs", []).append(_bi(text))
        else:
            new_clause(text)
    for s in sections:
        s.pop("_n", None)
        _number_only(s)
    return sections, tail


def _number_only(section: dict) -> None:
    """A clause that is only its number ("1." with nothing after it) keeps the number as its text."""
    for clause in section.get("clauses") or ():
        if not clause["text"]["zh"].strip():
            clause["text"]["zh"] = clause.pop("number")
    if not section.get("clauses"):
        section.pop("clauses", None)


def _table(items, draft: _Draft, prefix: str, offset: int = 0):
    """Sections from a table such as a 分工表: each page (its repeated header row) a section,
    each row a clause with its 责任单位 cell; a label split vertically over the rows of the first
    column becomes the section heading (listed as a repair, as the source has it in pieces).
    Lines after the table (附则 and its items) continue as sections of their own."""
    table = _Table(draft, prefix, offset)
    first = items[0][0]
    # The first row is a header when it numbers nothing and its text occurs nowhere but in its
    # repeats (so the repair that removes them removes nothing else).
    if not any(_number(c) for c in first.cells):
        repeats = sum(1 for ln, _ in items if ln.text == first.text)
        if draft.flat.count(strip_ws(first.text)) == repeats:
            table.header = first.text
    for k, (ln, nb) in enumerate(items):
        following = items[k + 1][1] if k + 1 < len(items) else None
        if ln.cells is None:
            table.line(ln.text, nb, heading=bool(following) and not nb and len(ln.text) <= 20 and not _ends(ln.text))
        elif ln.text == table.header:
            table.headers += 1
            table.section()
        else:
            table.row(ln.cells)
    return table.finish()


class _Table:
    """The state of reading a table row by row (see `_table`)."""

    def __init__(self, draft: _Draft, prefix: str, offset: int):
        self.draft, self.prefix, self.offset = draft, prefix, offset
        self.sections: list[dict] = []
        self.current = None
        self.clause = None
        self.fragments: list[str] = []
        self.header = None
        self.headers = 0

    def section(self, heading: str | None = None) -> None:
        current = self.current
        if current is not None and not current["clauses"] and not self.fragments and "heading" not in current:
            if heading:  # a header row, then the first group's label: one section
                current["heading"] = _bi(heading)
            return
        self.close()
        ident = self.draft.unique_id(f"{self.prefix}s{self.offset + len(self.sections) + 1}")
        self.current = {"id": ident, **({"heading": _bi(heading)} if heading else {}), "clauses": []}
        self.sections.append(self.current)
        self.clause, self.fragments = None, []

    def close(self) -> None:
        """The vertical label's pieces, joined in the source's order, head the section."""
        if self.current is not None and self.fragments:
            joined = "".join(self.fragments)
            self.current["heading"] = _bi(joined)
            self.draft.repairs.append({
                "id": f"r{len(self.draft.repairs) + 1}", "kind": "repair", "target": self.current["id"],
                "fixed": joined, "text": {"zh": "表格首列竖排的分组名称按原文次序拼合为本组标题。",
                                          "en": "The group name, split vertically over the first column's rows, "
                                                "is joined in the source's order as this group's heading."}})

    def add(self, text: str, number=None, n=None) -> None:
        if self.current is None:
            self.section()
        wanted = self.prefix + str(n) if n else f"{self.current['id']}-{len(self.current['clauses']) + 1}"
        self.clause = {"id": self.draft.unique_id(wanted, self.current["id"])}
        if number:
            self.clause["number"] = number
        self.clause["text"] = _bi(text)
        self.current["clauses"].append(self.clause)

    def joins(self, text: str) -> bool:
        """A row or line that continues the clause before it (same cell, next line or page)."""
        clause = self.clause
        return clause is not None and "units_text" not in clause and (not text or not _ends(clause["text"]["zh"]))

    def line(self, text: str, nb, *, heading: bool) -> None:
        if heading and self.current is not None and self.current["clauses"]:
            self.section(text)  # e.g. 附则 after the table, followed by its numbered items
        elif nb:
            self.add(nb[3].strip(), nb[2], nb[1])
        elif self.joins(text):
            self.clause["text"]["zh"] += text
        else:
            self.add(text)

    def row(self, cells: list[str]) -> None:
        if len(cells) >= 3:
            label, content, units = cells[0], cells[1], " ".join(cells[2:])
        else:
            label, content, units = "", cells[0], cells[1]
        if label and self.draft.whole_cells:
            self.section(label)  # a Word table's group label: it heads the rows that follow
        if self.current is None:
            self.section()
        if label and not self.draft.whole_cells:
            self.fragments.append(label)
            self.draft.artefact(label, content, "表格首列竖排的分组名称碎片，已拼合为本组标题。",
                                "A piece of the group name split vertically over the first column; "
                                "joined into the heading.")
        found = _number(content)
        if found:
            self.add(found[3].strip(), found[2], found[1])
        elif self.joins(content):
            self.clause["text"]["zh"] += content
        elif content:
            self.add(content)
        if units:
            if self.clause is None:
                self.add(units)  # units with no clause to hold them stay as text
            else:
                _add_units(self.clause, units)

    def finish(self) -> list[dict]:
        self.close()
        if self.headers:
            self.draft.artefact(self.header, "", "表头在每页重复出现，按表格结构呈现，不作为正文文字。",
                                "The table header repeated on each page is shown as the table's structure, "
                                "not as text.", count=self.headers)
        for section in self.sections:
            _number_only(section)
        return self.sections


def _attachments(parts: list[list[Line]], draft: _Draft, *, single: bool) -> list[dict]:
    out = []
    for a, lines in enumerate(parts, 1):
        prefix = "" if single and len(parts) == 1 else f"a{a}-"
        title, m = _title(lines, 1)
        # An attachment without a title line: its label is all the source prints.
        att = {"id": f"a{a}", "label": _bi(lines[0].text)} if title else {"id": f"a{a}"}
        att["title"] = _bi(title or lines[0].text)
        paragraphs, sections, tail = _body(lines[m:], draft, prefix=prefix, closing=True)
        if paragraphs:
            att["paragraphs"] = [_bi(p) for p in paragraphs]
        if tail:  # closing, signatures and date of an attached document: kept in order as text
            sections.append({"id": draft.unique_id(f"{prefix}end"), "paragraphs": [_bi(t) for t in tail]})
        att["body"] = sections
        out.append(att)
    return out


# -- writing -------------------------------------------------------------------------------

KEY_ORDER = ("id", "version", "stage", "title", "doc_number", "index_no", "category", "masthead", "issuers",
             "addressees", "region", "dates", "provenance", "print_order", "preamble", "body", "closing",
             "signatories", "signatories_text", "signed_date", "notes", "attachments", "cc", "cc_text",
             "printed_by", "annotations")


def version_data(text: str, notice_id: str, source_name: str, sha256: str, *, whole_cells: bool = False) -> dict:
    """A complete, valid v1 of a notice from its source text.

    The import must reproduce the source's Chinese: it is checked here with the same comparison
    `validate` runs, and a document whose structure the parser gets wrong is imported as plain
    paragraphs instead (one clause per line, with a note), never with altered text.
    """
    parsed = _complete(parse(text, whole_cells=whole_cells), notice_id, source_name, sha256)
    if not verbatim(parsed, text):
        parsed = _complete(_plain(text), notice_id, source_name, sha256)
    return parsed


def _complete(parsed: dict, notice_id: str, source_name: str, sha256: str) -> dict:
    parsed.setdefault("dates", {})
    parsed.update({
        "id": notice_id, "version": 1,
        "region": {"code": None, "name": {"zh": TODO_FILL, "en": TODO_EN}},
        "provenance": {"source": source_name, "sha256": sha256},
    })
    required = ("doc_number", "issuers", "addressees", "body", "dates")  # the schema wants these even when empty
    return {k: parsed[k] for k in KEY_ORDER
            if k in parsed and (parsed[k] not in ([], None, {}) or k in required)}


def verbatim(data: dict, text: str) -> bool:
    """Whether version data prints `text` (whitespace and its repair annotations aside)."""
    from .content import text_difference  # content reads sources through this module
    from .model import Corpus, Version, freeze
    return text_difference(Version(freeze(data), Path("v1.yaml")), Corpus(()), text) is None


def _plain(text: str) -> dict:
    """The fallback: every line a clause of one section, the title left to fill in."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    clauses = [{"id": str(k), "text": _bi(line)} for k, line in enumerate(lines, 1)]
    return {"title": _bi(TODO_FILL), "doc_number": None, "issuers": [], "addressees": [], "stage": "final",
            "print_order": ["body"], "body": [{"id": "s1", "clauses": clauses}] if clauses else [],
            "annotations": [{"id": "n1", "kind": "note", "text": {
                "zh": "导入时未能可靠识别本文的结构，已逐行导入；请按原文划分部分和条款。",
                "en": "The import could not find this document's structure reliably and took it line by line; "
                      "split it into sections and clauses as the source does."}}]}


class _Dumper(yaml.SafeDumper):
    """Plain, person-edited YAML: no anchors or aliases, multi-line text as literal blocks."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/notice.schema.json"


def dump_version(data: dict, source_name: str) -> str:
    """The YAML text of a version, with the header that tells the publisher what is left to do."""
    plain = _dates_as_dates(data)
    body = yaml.dump(plain, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
    header = (f"{SCHEMA_LINE}\n"
              f"# Imported by `python build.py new` from sources/{source_name}. The Chinese is the source's,\n"
              f"# verbatim: never edit it (record a repair annotation instead). Every \"{TODO_EN}\" is an\n"
              f"# English text still to write and every \"{TODO_FILL}\" a fact to fill in: `python build.py validate`\n"
              f"# lists them, and `publish` refuses a version that still has any. See docs/zh/publish.md (docs/en/publish.md).\n")
    return format_text(header + body, version_file=True)  # in the canonical style `fmt --check` expects


def _dates_as_dates(value, key=None):
    if isinstance(value, dict):
        return {k: _dates_as_dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_dates(v) for v in value]
    if key in ("written", "published", "printed", "valid_from", "valid_to", "signed_date") and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


CASES_TEXT = ("# Golden cases for this notice's calculators (see docs/format.md, \"Golden cases\"):\n"
              "# for every computable measure, a typical case, each threshold just below / at / above,\n"
              "# the cap reached, and ineligible cases. `python build.py validate --coverage` lists what is missing.\n"
              "[]\n")


def import_notice(source: Path, notice_id: str, *, policies: Path, sources: Path) -> list[Path]:
    """Copy `source` into `sources/` and write `policies/<id>/v1.yaml` and `cases.yaml`."""
    source = Path(source)
    if not ID_PATTERN.fullmatch(notice_id):
        raise ImportFailed(f"notice id '{notice_id}' must be lower-case letters, digits and '-' (e.g. hangzhou-2024)",
                           f"通知 id“{notice_id}”只能由小写字母、数字和“-”组成（如 hangzhou-2024）")
    if not source.is_file():
        raise ImportFailed(f"source file {source} does not exist", f"来源文件 {source} 不存在")
    folder = Path(policies) / notice_id
    if folder.exists():
        raise ImportFailed(f"{folder} already exists: to change a notice, add a version (see README, Versions)",
                           f"{folder} 已存在：修改通知请新增版本（见 README“Versions”）")
    data = source.read_bytes()
    text = source_text(source)
    if not strip_ws(text):
        raise ImportFailed(f"{source.name} has no text", f"{source.name} 没有文字")
    sha = hashlib.sha256(data).hexdigest()
    suffix = ".docx" if source.suffix.lower() == ".docx" else ".txt"
    name = f"{notice_id}_{sha[:16]}{suffix}"
    version = version_data(text, notice_id, name, sha, whole_cells=suffix == ".docx")
    Path(sources).mkdir(parents=True, exist_ok=True)
    target = Path(sources) / name
    target.write_bytes(data)
    folder.mkdir(parents=True)
    v1 = folder / "v1.yaml"
    v1.write_text(dump_version(version, name), encoding="utf-8")
    cases = folder / "cases.yaml"
    cases.write_text(CASES_TEXT, encoding="utf-8")
    return [target, v1, cases]
