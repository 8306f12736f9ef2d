"""The site's URL scheme (permanent: other sites and the archive link to it).

Every URL here is site-relative without a leading slash and ends with "/" for pages, so a page
can link to any other with `relative(from_page, to)` and the site works under any prefix
(a sub-folder on a static host, `python -m http.server`, the archive).
"""

from __future__ import annotations

import posixpath
import re
import hashlib

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def home(lang: str) -> str:
    return "" if lang == "zh" else "en/"


def notice(lang: str, notice_id: str, version: int | None = None) -> str:
    """`zh/n/<id>/` is the latest version; `zh/n/<id>/v<k>/` a published version."""
    base = f"{lang}/n/{notice_id}/"
    return base if version is None else f"{base}v{version}/"


def parallel(lang: str, notice_id: str, version: int | None = None) -> str:
    """Chinese beside English, clause by clause: `zh/n/<id>/parallel/` for the latest version,
    `zh/n/<id>/v<k>/parallel/` for an earlier one."""
    return notice(lang, notice_id, version) + "parallel/"


def history(lang: str, notice_id: str) -> str:
    """Every version of a notice: dates, status, relations, links to each version and diff."""
    return f"{lang}/n/{notice_id}/history/"


def diff(lang: str, notice_id: str, old: int, new: int) -> str:
    """Clause-level changes from version `old` to version `new`."""
    return f"{lang}/n/{notice_id}/diff/v{old}-v{new}/"


def in_force(lang: str) -> str:
    """What was in force on a chosen day."""
    return f"{lang}/in-force/"


def finder(lang: str) -> str:
    """The finder: one company profile, every measure of every notice (issue 16)."""
    return f"{lang}/finder/"


def clause_anchor(clause_id) -> str:
    return f"c-{clause_id}"


def measure_anchor(measure_id) -> str:
    return f"m-{measure_id}"


def listing(lang: str, facet: str, key: str | None = None, page: int = 1) -> str:
    """`zh/browse/<facet>/` (all values) or `zh/browse/<facet>/<key>/[<page>/]`."""
    url = f"{lang}/browse/{facet}/"
    if key is not None:
        url += f"{key}/"
        if page > 1:
            url += f"{page}/"
    return url


def search(lang: str) -> str:
    return f"{lang}/search/"


def data(notice_id: str, version: int | None = None) -> str:
    """Open data: the validated model as JSON (a file, not a page)."""
    return f"data/n/{notice_id}.json" if version is None else f"data/n/{notice_id}/v{version}.json"


def versions(notice_id: str | None = None) -> str:
    """Versions with their status periods (sitegen/pointintime.py): all notices, or one."""
    return "data/versions.json" if notice_id is None else f"data/n/{notice_id}/versions.json"


def spec(notice_id: str, version: int) -> str:
    """The computable measures of one version (written by sitegen/pyodide_bundle.write_specs)."""
    return f"assets/specs/{notice_id}/v{version}.json"


def feed(lang: str) -> str:
    return f"{lang}/feed.xml"


def slug(text: str, limit: int = 60) -> str:
    """ASCII slug of an English name; a short hash keeps distinct names apart."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return s or hashlib.sha1(text.encode()).hexdigest()[:10]


def relative(from_url: str, to: str) -> str:
    """Link from page `from_url` to `to` (both site-relative), keeping a trailing slash/fragment."""
    path, _, frag = to.partition("#")
    rel = posixpath.relpath("/" + path, "/" + from_url if from_url.endswith("/") or not from_url
                            else "/" + posixpath.dirname(from_url))
    if path.endswith("/") or path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{frag}" if frag else "")
