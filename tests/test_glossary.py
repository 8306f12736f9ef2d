"""Every glossary term is translated the same way wherever it appears."""

from __future__ import annotations

import re

import pytest

from tests.corpus import corpus


def _word(word: str) -> str:
    """A word with its grammatical variants: enterprise/enterprises, agency/agencies, bus/buses."""
    w = re.escape(word)
    if word.endswith("ies"):
        return re.escape(word[:-3]) + "(?:ies|y)"
    if word.endswith("y"):
        return re.escape(word[:-1]) + "(?:y|ies)"
    if word.endswith("s") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:s|es)?" if not word.endswith("ss") else w + "(?:es)?"
    return w + "(?:s|es)?"


def term_pattern(en: str) -> re.Pattern:
    """The glossary rendering, each word in any grammatical number, case-insensitive."""
    tokens = re.findall(r"[\w'-]+|[^\w\s]", en)
    out = ""
    for i, tok in enumerate(tokens):
        word = re.match(r"\w", tok) is not None
        if i:
            out += r"\s+" if word and re.match(r"\w", tokens[i - 1]) else r"\s*"
        out += _word(tok) if word else re.escape(tok)
    return re.compile(out, re.I)


@pytest.mark.parametrize("en, text", [
    ("industrial enterprises above designated size", "The employer is an industrial enterprise above designated size"),
    ("human resources service agencies", "a human resources service agency"),
    ("migrant worker", "migrant workers"),
    ("key enterprise", "Key enterprises"),
])
def test_a_term_may_take_its_grammatical_variants(en, text):
    assert term_pattern(en).search(text)


def test_a_different_rendering_is_still_a_miss():
    assert not term_pattern("migrant worker").search("workers employed away from home")
    assert not term_pattern("industrial enterprises above designated size").search("large industrial firms")


def _texts(version):
    """Every bilingual text of a version: (where, {zh, en})."""
    def walk(value, path):
        if isinstance(value, dict):
            if set(value) == {"zh", "en"} and all(isinstance(v, str) for v in value.values()):
                yield path, value
                return
            for k, v in value.items():
                yield from walk(v, f"{path}.{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(v, f"{path}[{i}]")
    yield from walk(version.data, "")


def test_glossary_terms_are_used_consistently():
    glossary = corpus().glossary
    assert glossary, "policies/glossary.yaml has terms"
    misses = []
    for notice in corpus().notices:
        for version in notice.versions:
            for where, text in _texts(version):
                for term in glossary:
                    if term.zh in text["zh"] and not term_pattern(term.en).search(text["en"]):
                        misses.append(f"{notice.id} v{version.version}{where}: 「{term.zh}」 not rendered as '{term.en}'")
    assert not misses, "\n".join(misses[:30]) + (f"\n… {len(misses)} in all" if len(misses) > 30 else "")
