"""How a reader names a clause: as the document numbers it, never by its internal id.

"附件1 一（二）" / "Attachment 1, I(2)": the attachment (when the notice has several), the section
number when clause numbers start afresh in each section, and the clause's own number. A clause in
an unnumbered section that restarts the numbering is named by the section heading: "附则第1条" /
"Supplementary provision 1". Unnumbered clauses (paragraphs) are named by their position.
English numbering follows English custom: 一、→ I., （二）→ (2), 1. → 1.
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百]+")


def chinese_to_int(text: str) -> int | None:
    """一 → 1, 十一 → 11, 二十三 → 23, 一百零五 → 105 (None when `text` is not a numeral)."""
    if not text or not _CN_NUMERAL.fullmatch(text):
        return None
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            unit = 10 if ch == "十" else 100
            total += (digit or 1) * unit
            digit = 0
    return total + digit


def roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _fold(text: str) -> str:
    """Full-width digits and brackets to ASCII."""
    return text.translate(str.maketrans("０１２３４５６７８９（）．", "0123456789()."))


def core(number) -> str:
    """A number without its punctuation: "（三）" → "三", "1." → "1", "一、" → "一"."""
    return _fold(str(number or "")).strip().rstrip(".、)").lstrip("(").strip()


def parts(number) -> tuple[str, str] | None:
    """(kind, value) of a printed number: ("cn", "三"), ("paren_cn", "三"), ("arabic", "1"), ("paren", "1")."""
    if not number:
        return None
    text = _fold(str(number)).strip()
    value = core(text)
    paren = text.startswith("(")
    if chinese_to_int(value) is not None:
        return ("paren_cn" if paren else "cn", value)
    if value.isdigit():
        return ("paren" if paren else "arabic", value)
    return None


def english_number(number, *, bare: bool = False) -> str | None:
    """The English form of a Chinese-printed number: 一、→ "I.", （二）→ "(2)", 1. → "1."
    (`bare`: without the trailing full stop). None when it is not a number we know."""
    found = parts(number)
    if found is None:
        return None
    kind, value = found
    if kind == "cn":
        return roman(chinese_to_int(value)) + ("" if bare else ".")
    if kind == "paren_cn":
        return f"({chinese_to_int(value)})"
    if kind == "paren":
        return f"({value})"
    return value + ("" if bare else ".")


def number_in(number, lang: str) -> str:
    """A clause or section number as printed in `lang` ({zh, en} as given; a plain string is the
    Chinese print, turned into English numbering for English)."""
    if number is None:
        return ""
    if not isinstance(number, str):
        return number[lang] or ""
    if lang == "zh":
        return number
    return english_number(number) or number


def _plain(number, lang):
    """A section or clause number without its punctuation, in `lang`: "一、" → "一" / "I"."""
    if number is None:
        return None
    text = number if isinstance(number, str) else (number[lang] or "")
    if lang == "zh" or re.search(r"[A-Za-z]", text):      # Chinese, or already English ("IV.")
        return core(text)
    return english_number(text, bare=True) or core(text)


def _containers(version):
    """(attachment or None, sections) in document order."""
    yield None, list(version.body or ())
    for att in version.attachments or ():
        yield att, list(att.body or ())


_LABELS: dict[int, tuple] = {}   # id(version) → (version, labels) of the last versions labelled
_LABELS_KEPT = 64


def clause_labels(version) -> dict[str, dict[str, str]]:
    """clause id → {"zh": …, "en": …}: the clause as the document numbers it (read-only).

    Computed once per version: a page asks for one clause at a time, and computing the whole
    document's labels per clause made rendering quadratic in a notice's length."""
    cached = _LABELS.get(id(version))
    if cached is not None and cached[0] is version:
        return cached[1]
    labels = _compute_labels(version)
    if len(_LABELS) >= _LABELS_KEPT:
        _LABELS.pop(next(iter(_LABELS)))
    _LABELS[id(version)] = (version, labels)
    return labels


def _compute_labels(version) -> dict[str, dict[str, str]]:
    labels = {}
    for att, sections in _containers(version):
        att_zh = att_en = ""
        label = att.label if att is not None else None
        # A lone attachment labelled just "附件" carries the document itself (an 实施意见 sent
        # with a covering notice): its clauses are named as the document's own.
        if label and (label.zh or "").strip() not in ("附件", ""):
            att_zh, att_en = label.zh.strip(), (label.en or "").strip()
        numbered_before = False
        for s in sections:
            clauses = list(s.clauses or ())
            firsts = [_value(c.number) for c in clauses if _value(c.number) is not None]
            # numbering that starts afresh in this section: name the section too
            restarts = bool(firsts) and firsts[0] == 1 and numbered_before
            numbered_before = numbered_before or bool(firsts)
            sec_zh, sec_en = _plain(s.number, "zh"), _plain(s.number, "en")
            for i, c in enumerate(clauses):
                zh, en = _clause_label(c, s, sec_zh, sec_en, i, len(clauses), restarts)
                if att_zh:
                    zh, en = f"{att_zh} {zh}", f"{att_en}, {en[0].lower() + en[1:] if en.startswith('Item') else en}"
                labels[str(c.id)] = {"zh": zh, "en": en}
    return labels


def _clause_label(c, s, sec_zh, sec_en, i, count, restarts) -> tuple[str, str]:
    num_zh, num_en = _plain(c.number, "zh"), _plain(c.number, "en")
    zh_print = c.number if isinstance(c.number, str) else (c.number.zh if c.number else None)
    if num_zh:
        paren = zh_print is not None and _fold(zh_print).strip().startswith("(")
        if sec_zh and (restarts or paren):
            return (f"{sec_zh}（{num_zh}）" if paren else f"{sec_zh}第{num_zh}条",
                    f"{sec_en}({num_en.strip('()')})" if paren else f"{sec_en}.{num_en}")
        if restarts and s.heading:
            return f"{s.heading.zh}第{num_zh}条", f"{_singular(s.heading.en)} {num_en.strip('()')}"
        return (f"第{num_zh}条" if not paren else f"（{num_zh}）", f"Item {num_en}")
    # an unnumbered clause: the section's number, and its place when the section has several
    if sec_zh:
        if count == 1:
            return f"第{sec_zh}条", f"Item {sec_en}"
        return f"第{sec_zh}条第{i + 1}段", f"Item {sec_en}, paragraph {i + 1}"
    if s.heading:
        return f"{s.heading.zh}第{i + 1}段", f"{s.heading.en}, paragraph {i + 1}"
    return f"第{i + 1}段", f"Paragraph {i + 1}"


def _value(number) -> int | None:
    zh = number if isinstance(number, str) or number is None else number.zh
    found = parts(zh)
    if found is None:
        return None
    return chinese_to_int(found[1]) if found[0] in ("cn", "paren_cn") else int(found[1])


def _singular(heading: str) -> str:
    """"Supplementary provisions" → "Supplementary provision" (a heading naming its items)."""
    return heading[:-1] if heading.endswith("provisions") else heading


def clause_label(version, clause_id, lang: str) -> str:
    label = clause_labels(version).get(str(clause_id))
    return label[lang] if label else str(clause_id)


def cite_labels(version, measure) -> dict[str, dict[str, str]]:
    """The labels of every clause a measure's steps, outcomes and readings cite."""
    cited: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            if "cite" in value and isinstance(value["cite"], (str, int)) and not isinstance(value["cite"], bool):
                cited.add(str(value["cite"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(measure)
    labels = clause_labels(version)
    return {cid: labels[cid] for cid in sorted(cited) if cid in labels}


def doc_number(version, lang: str) -> str | None:
    """The 发文字号 for a reader: as printed in Chinese; in English romanised with the Chinese in
    brackets, "Sheng Ren She Fa [2024] No. 5 (嵊人社发〔2024〕5号)", as running text cites it."""
    number = version.doc_number
    if not number or lang == "zh" or not version.doc_number_en:
        return number
    return f"{version.doc_number_en} ({number})"
