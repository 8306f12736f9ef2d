"""mkdocs hooks: the only glue between our rendered pages and the theme.

Generated pages arrive as Markdown files whose body is finished HTML (front matter `zc_raw: true`);
they skip Markdown entirely and keep their own table of contents. Every page gets a `lang`
(zh or en), which the theme overrides use for `<html lang>` and the interface wording.
"""

from __future__ import annotations

import re

from mkdocs.structure.toc import get_toc

CJK = re.compile(r"[\u4e00-\u9fff]")


def on_page_markdown(markdown, /, *, page, config, files):
    meta = page.meta
    if "lang" not in meta:  # hand-written pages without `lang:`: by folder, else mostly-Latin is English
        meta["lang"] = _guess_lang(page.file.src_uri, markdown)
    if meta.get("zc_raw"):
        page.zc_html = markdown
        return ""
    return markdown


def _guess_lang(src_uri: str, text: str) -> str:
    if src_uri.startswith(("en/", "zh/")):
        return src_uri[:2]
    return "zh" if len(CJK.findall(text)) * 10 > len(text) else "en"


def on_page_content(html, /, *, page, config, files):
    raw = getattr(page, "zc_html", None)
    if raw is None:
        return html
    # The title (level 1, anchor "title") holds the sections: the theme shows its children and
    # points "skip to content" at it.
    children = [{"level": 2, "id": anchor, "name": name, "html": name, "data-toc-label": "",
                 "children": []} for anchor, name in page.meta.get("zc_toc", ())]
    page.toc = get_toc([{"level": 1, "id": "title", "name": page.meta["title"],
                         "html": page.meta["title"], "data-toc-label": "", "children": children}])
    return raw


# The theme's drawer and search toggles are checkboxes with autocomplete="off" (an attribute
# checkboxes may not carry: the Nu HTML checker reports it); they live in its base.html, outside
# any block an override could replace.
TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle" data-md-toggle="\w+" type="checkbox" id="__\w+") autocomplete="off">')


def on_post_page(output, /, *, page, config):
    return TOGGLE_AUTOCOMPLETE.sub(r"\1>", output)
