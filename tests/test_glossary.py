"""Every glossary term is translated the same way wherever it appears."""

from __future__ import annotations

from tests.corpus import corpus


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
                    if term.zh in text["zh"] and term.en.lower() not in text["en"].lower():
                        misses.append(f"{notice.id} v{version.version}{where}: 「{term.zh}」 not rendered as '{term.en}'")
    assert not misses, "\n".join(misses[:30]) + (f"\n… {len(misses)} in all" if len(misses) > 30 else "")
