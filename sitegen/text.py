"""A notice as plain text in document order (`python build.py text NOTICE --lang zh|en`).

The order is the version's `print_order` (default: GB/T 9704's). A linked attachment (one that is
its own notice record) is printed from that record, so the two records together reproduce the
source document.
"""

from __future__ import annotations

from .labels import doc_number, number_in

DEFAULT_ORDER = ("masthead", "doc_number", "title", "addressees", "preamble", "body", "closing",
                 "signatories", "date", "notes", "attachments", "cc", "printed")

LABELS = {
    "index_no": {"zh": "索引号：", "en": "Index number: "},
    "category": {"zh": "分类：", "en": "Category: "},
    "issuers": {"zh": "发文机关：", "en": "Issued by: "},
    "written": {"zh": "成文日期：", "en": "Date written: "},
    "title": {"zh": "标题：", "en": "Title: "},
    "doc_number": {"zh": "发文字号：", "en": "Document number: "},
    "published": {"zh": "发布日期：", "en": "Date published: "},
    "cc": {"zh": "抄送：", "en": "Copied to: "},
    "printed": {"zh": "印发", "en": "Printed and issued on "},
}


def format_date(day, lang: str, *, padded: bool = False) -> str:
    if day is None:
        return ""
    if lang == "zh":
        if padded:
            return f"{day.year}年{day.month:02d}月{day.day:02d}日"
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _t(text, lang):
    return "" if text is None else text[lang]


def notice_text(version, corpus, lang: str) -> str:
    """The whole notice as plain text, one block per line group."""
    out: list[str] = []
    for element in version.print_order or DEFAULT_ORDER:
        out.extend(_ELEMENTS[element](version, corpus, lang))
    return "\n\n".join(block for block in out if block) + "\n"


def _portal_meta(v, corpus, lang):
    label = lambda key: LABELS[key][lang]  # noqa: E731
    rows = []
    if v.index_no:
        rows.append(label("index_no") + v.index_no)
    if v.category:
        rows.append(label("category") + v.category[lang])
    if v.issuers:
        rows.append(label("issuers") + "、".join(i[lang] for i in v.issuers) if lang == "zh"
                    else label("issuers") + "; ".join(i[lang] for i in v.issuers))
    if v.dates.written:
        rows.append(label("written") + format_date(v.dates.written, lang, padded=True))
    rows.append(label("title") + v.title[lang])
    if v.doc_number:
        rows.append(label("doc_number") + doc_number(v, lang))
    if v.dates.published:
        rows.append(label("published") + format_date(v.dates.published, lang, padded=True))
    return ["\n".join(rows)]


def clause_number(clause, lang: str) -> str:
    """A clause number as printed in `lang` (a plain string is the Chinese print: English numbering
    for English)."""
    return number_in(clause.number, lang)


def _sections(sections, lang):
    out = []
    for section in sections or ():
        head = "".join(x for x in (_t(section.number, lang), _t(section.heading, lang)) if x)
        if lang == "en" and section.number and section.heading:
            head = f"{section.number.en} {section.heading.en}"
        if head:
            out.append(head)
        out.extend(p[lang] for p in section.paragraphs or ())
        for clause in section.clauses or ():
            number = clause_number(clause, lang)
            sep = " " if (lang == "en" and number) else ""
            out.append(f"{number}{sep}{clause.text[lang]}")
            if clause.units_text and (lang == "zh" or not clause.units):
                out.append(clause.units_text[lang])
            elif clause.units:   # English: one lead-unit form for every notice
                names = [("△" if lang == "zh" and u.lead else "") + u.name[lang] + (" (lead unit)" if lang == "en" and u.lead else "")
                         for u in clause.units]
                prefix = "责任单位：" if lang == "zh" else "Responsible units: "
                out.append(prefix + ("、".join(names) if lang == "zh" else "; ".join(names)))
    return out


def _attachments(v, corpus, lang):
    out = []
    for att in v.attachments or ():
        if att.label:
            out.append(att.label[lang])
        if att.notice:
            linked = corpus.notice(att.notice)
            out.append(notice_text(linked.latest, corpus, lang).strip())
            continue
        out.append(att.title[lang])
        out.extend(p[lang] for p in att.paragraphs or ())
        out.extend(_sections(att.body, lang))
    return out


_ELEMENTS = {
    "portal_meta": _portal_meta,
    "masthead": lambda v, c, lang: [_t(v.masthead, lang)],
    "doc_number": lambda v, c, lang: [doc_number(v, lang) or ""],
    "title": lambda v, c, lang: [v.title[lang]],
    "addressees": lambda v, c, lang: [("、".join(a.zh for a in v.addressees) + "：") if lang == "zh"
                                      else ("To: " + "; ".join(a.en for a in v.addressees))] if v.addressees else [],
    "preamble": lambda v, c, lang: [p[lang] for p in v.preamble or ()],
    "body": lambda v, c, lang: _sections(v.body, lang),
    "closing": lambda v, c, lang: [p[lang] for p in v.closing or ()],
    "signatories": lambda v, c, lang: ([v.signatories_text[lang]] if v.signatories_text
                                       else [s[lang] for s in v.signatories or ()]),
    "notes": lambda v, c, lang: [p[lang] for p in v.notes or ()],
    "date": lambda v, c, lang: [format_date(v.signed_date, lang)],
    "attachments": _attachments,
    "cc": lambda v, c, lang: [v.cc_text[lang]] if v.cc_text else [LABELS["cc"][lang] + ("，".join(x.zh for x in v.cc) if lang == "zh"
                                                     else "; ".join(x.en for x in v.cc))] if v.cc else [],
    "printed": lambda v, c, lang: [(_t(v.printed_by, lang) + " " + format_date(v.dates.printed, lang) + "印发") if lang == "zh"
                                   else (_t(v.printed_by, lang) + ", printed and issued on " + format_date(v.dates.printed, lang))]
    if v.printed_by else [],
}
