"""The browser calculator cites clauses as the document numbers them (issue 14.1), in real Chromium.

jilin-2021's measure 1-2 sits in attachment 1, section 一, item （二）: its steps must cite
"附件1 一（二）" / "Attachment 1, I(2)", never the clause id "a1-1-2".
"""

from __future__ import annotations

import pytest

from sitegen import labels
from sitegen.model import thaw
from tests.test_browser_calculator import BOOT_MS, fill, form_of, open_notice, submit_and_wait


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_steps_cite_the_clause_label(page, site_url, site_corpus, lang):
    notice = site_corpus.notice("jilin-2021")
    case = next(c for c in notice.cases if str(c.measure) == "1-2" and c.expect.eligible)
    open_notice(page, site_url, lang, notice.id)
    form = form_of(page, notice.id, "1-2")
    form.locator("input, select").first.focus()
    page.wait_for_selector("html[data-zc-engine]", state="attached", timeout=BOOT_MS)
    fill(form, thaw(case.inputs))
    result = submit_and_wait(page, form)
    cites = [a.inner_text() for a in result.locator(".zc-calc__cite").all()]
    want = f"({labels.clause_label(notice.latest, 'a1-1-2', lang)})"
    assert cites and set(cites) == {want}, cites
    assert want in ("(附件1 一（二）)", "(Attachment 1, I(2))")
    assert "a1-1-2" not in result.inner_text()
    assert page.offsite == [] and page.errors == []
