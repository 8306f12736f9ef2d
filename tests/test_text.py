"""`build.py text` reproduces each seed verbatim, ignoring only whitespace and listed repairs.

The comparison is `sitegen.content.text_difference`, the same code `python build.py validate` runs.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sitegen import content
from tests.corpus import ROOT, SEEDS, corpus


def _seeded():
    """Notices whose provenance is a whole seed file (linked attachments are printed inside)."""
    linked = {a.notice for n in corpus().notices for a in (n.latest.attachments or ()) if a.notice}
    return [n for n in corpus().notices if n.id not in linked]


@pytest.mark.parametrize("notice", _seeded(), ids=lambda n: n.id)
def test_chinese_text_matches_seed(notice):
    version = notice.latest
    source = content.source_text(SEEDS, version.provenance.source)
    assert source is not None, f"source {version.provenance.source} is missing"
    found = content.text_difference(version, corpus(), source)
    if found is not None:
        note, at, seed, ours = found
        pytest.fail(f"{notice.id}: {'repair ' + note.id + ' ' if note else ''}first difference at {at}:\n"
                    f" seed: …{seed}…\n ours: …{ours}…")


def test_text_command_prints_english(tmp_path):
    notice = corpus().notices[0]
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "text", notice.id, "--lang", "en"],
                          capture_output=True, text=True, check=True)
    assert notice.latest.title.en in proc.stdout
    assert not re.search(r"[\u4e00-\u9fff]{4,}", proc.stdout.replace(notice.latest.doc_number or "", "")), \
        "the English text should not contain runs of untranslated Chinese"
