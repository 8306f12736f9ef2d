"""Every glossary term is translated the same way wherever it appears.

The check is `sitegen.content.glossary_misses`, the same code `python build.py validate` runs.
"""

from __future__ import annotations

import pytest

from sitegen import content
from sitegen.content import term_pattern
from sitegen.yamlload import format_path
from tests.corpus import corpus


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


def test_glossary_terms_are_used_consistently():
    glossary = corpus().glossary
    assert glossary, "policies/glossary.yaml has terms"
    misses = [f"{notice.id} v{version.version} {format_path(path)}: 「{term.zh}」 not rendered as '{term.en}'"
              for notice in corpus().notices for version in notice.versions
              for path, term in content.glossary_misses(version.data, glossary)]
    assert not misses, "\n".join(misses[:30]) + (f"\n… {len(misses)} in all" if len(misses) > 30 else "")
