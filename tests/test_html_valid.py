"""The Nu HTML checker (vnu.jar from the npm package vnu-jar, run with Java) finds no error on a
notice page, the search page and the home page, in both languages."""

import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen import urls

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NOTICE = "lucheng-2023"


def test_nu_checker_finds_no_error(built_site):
    java = shutil.which("java")
    if not java or not VNU.is_file():
        pytest.fail("the Nu checker needs Java and node_modules/vnu-jar: ./dev test installs both")
    pages = [built_site / (url + "index.html") for lang in ("zh", "en")
             for url in (urls.notice(lang, NOTICE), urls.search(lang), urls.home(lang))]
    assert all(p.is_file() for p in pages), pages
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_theme_toggles_carry_no_autocomplete_and_no_label_points_nowhere(built_site):
    """The two defects the checker found, checked without Java too."""
    import re
    page = (built_site / (urls.notice("zh", NOTICE) + "index.html")).read_text(encoding="utf-8")
    assert '<input class="md-toggle"' in page
    assert not re.search(r'<input[^>]*type="checkbox"[^>]*autocomplete', page)
    ids = set(re.findall(r'<(?:input|select|textarea|button)[^>]*\bid="([^"]+)"', page))
    targets = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    assert targets and targets <= ids, targets - ids
