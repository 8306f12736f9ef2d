"""Every glossary term is translated the same way wherever it appears.

The check is `sitegen.content.glossary_misses`, the same code `python build.py validate` runs.
"""

from __future__ import annotations

from sitegen import content
from sitegen.yamlload import format_path
from tests.corpus import corpus


def test_glossary_terms_are_used_consistently():
    glossary = corpus().glossary
    assert glossary, "policies/glossary.yaml has terms"
    misses = [f"{notice.id} v{version.version} {format_path(path)}: 「{term.zh}」 not rendered as '{term.en}'"
              for notice in corpus().notices for version in notice.versions
              for path, term in content.glossary_misses(version.data, glossary)]
    assert not misses, "\n".join(misses[:30]) + (f"\n… {len(misses)} in all" if len(misses) > 30 else "")
