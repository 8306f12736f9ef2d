"""`build.py text` reproduces each seed verbatim, ignoring only whitespace and listed repairs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sitegen.text import notice_text
from tests.corpus import ROOT, SEEDS, corpus

WS = re.compile(r"\s+")


def _strip(text: str) -> str:
    return WS.sub("", text)


def _remove(text: str, fragment: str, count: int, where: str) -> str:
    fragment = _strip(fragment)
    if not fragment:
        return text
    found = text.count(fragment)
    assert found >= count, f"{where}: repair fragment {fragment!r} occurs {found} times, expected {count}"
    return text.replace(fragment, "", count)


def _seeded():
    """Notices whose provenance is a whole seed file (linked attachments are printed inside)."""
    linked = {a.notice for n in corpus().notices for a in (n.latest.attachments or ()) if a.notice}
    return [n for n in corpus().notices if n.id not in linked]


@pytest.mark.parametrize("notice", _seeded(), ids=lambda n: n.id)
def test_chinese_text_matches_seed(notice):
    version = notice.latest
    seed_path = SEEDS / version.provenance.source
    assert seed_path.exists(), f"source {seed_path} is missing"
    seed = _strip(seed_path.read_text(encoding="utf-8"))
    ours = _strip(notice_text(version, corpus(), "zh"))
    repairs = [a for a in version.annotations or () if a.kind == "repair"]
    for linked in (a.notice for a in version.attachments or () if a.notice):
        repairs += [a for a in corpus().notice(linked).latest.annotations or () if a.kind == "repair"]
    for note in repairs:
        seed = _remove(seed, note.seed or "", note.count or 1, f"{notice.id} {note.id} seed")
        ours = _remove(ours, note.fixed or "", note.count or 1, f"{notice.id} {note.id} fixed")
    if seed != ours:
        at = next((i for i, (a, b) in enumerate(zip(seed, ours)) if a != b), min(len(seed), len(ours)))
        pytest.fail(f"{notice.id}: first difference at {at}:\n seed: …{seed[max(0, at-40):at+40]}…\n ours: …{ours[max(0, at-40):at+40]}…")


def test_text_command_prints_english(tmp_path):
    notice = corpus().notices[0]
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "text", notice.id, "--lang", "en"],
                          capture_output=True, text=True, check=True)
    assert notice.latest.title.en in proc.stdout
    assert not re.search(r"[\u4e00-\u9fff]{4,}", proc.stdout.replace(notice.latest.doc_number or "", "")), \
        "the English text should not contain runs of untranslated Chinese"
