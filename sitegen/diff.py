"""Clause-level differences between two versions of a notice, with changed words highlighted.

Clauses are matched by id (ids are stable across versions); inside a changed clause the Chinese
is compared character by character and the English word by word, and the result is escaped HTML
with <ins>/<del>, ready for a template.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from .text import clause_number

_EN_TOKENS = re.compile(r"\s+|[^\s\w]|\w+")


@dataclass(frozen=True)
class ClauseChange:
    kind: str            # "added" | "removed" | "changed" | "same"
    clause_id: str
    number: str
    old: str | None
    new: str | None
    html: Markup         # the inline diff (or the whole text for added/removed/same)


def _tokens(text: str, lang: str) -> list[str]:
    return list(text) if lang == "zh" else _EN_TOKENS.findall(text)


def inline_diff(old: str, new: str, lang: str) -> Markup:
    """Escaped HTML of `new` with insertions in <ins> and deletions in <del>."""
    a, b = _tokens(old, lang), _tokens(new, lang)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


def _clauses(version):
    return {str(c.id): c for c in version.clauses()}


def version_diff(old_version, new_version, lang: str) -> list[ClauseChange]:
    """Every clause of both versions in the new version's order, removed ones where they stood."""
    old, new = _clauses(old_version), _clauses(new_version)
    old_order = list(old)
    changes: list[ClauseChange] = []
    emitted_old: set[str] = set()

    def emit_removed_before(clause_id):
        # removed clauses that stood before `clause_id` in the old version
        if clause_id not in old:
            return
        for cid in old_order[: old_order.index(clause_id)]:
            if cid not in new and cid not in emitted_old:
                emitted_old.add(cid)
                c = old[cid]
                changes.append(ClauseChange("removed", cid, clause_number(c, lang), c.text[lang], None,
                                            Markup("<del>{}</del>").format(c.text[lang])))

    for cid, clause in new.items():
        emit_removed_before(cid)
        text = clause.text[lang]
        if cid not in old:
            changes.append(ClauseChange("added", cid, clause_number(clause, lang), None, text,
                                        Markup("<ins>{}</ins>").format(text)))
            continue
        before = old[cid].text[lang]
        kind = "same" if before == text else "changed"
        html = escape(text) if kind == "same" else inline_diff(before, text, lang)
        changes.append(ClauseChange(kind, cid, clause_number(clause, lang), before, text, html))
    for cid in old_order:
        if cid not in new and cid not in emitted_old:
            c = old[cid]
            changes.append(ClauseChange("removed", cid, clause_number(c, lang), c.text[lang], None,
                                        Markup("<del>{}</del>").format(c.text[lang])))
    return changes


def metadata_changes(old_version, new_version) -> list[tuple[str, object, object]]:
    """Changed top-level facts (title, dates, stage, document number) as (field, old, new)."""
    out = []
    for key in ("stage", "doc_number"):
        if old_version.data.get(key) != new_version.data.get(key):
            out.append((key, old_version.data.get(key), new_version.data.get(key)))
    if old_version.title != new_version.title:
        out.append(("title", old_version.title, new_version.title))
    for key in ("written", "published", "valid_from", "valid_to"):
        a, b = old_version.dates.get(key), new_version.dates.get(key)
        if a != b:
            out.append((f"dates.{key}", a, b))
    return out
