"""The finder's location picker: a GB/T 2260 tree (province → city → district) of the regions the
notices cover, built from each notice's `region` (code and hierarchical name) at build time.

A code's level is read from its digits (PP0000 province, PPCC00 city, else district); the names of
its ancestors come from the notice's own name, split at the administrative suffixes (zh) and at
commas (en, innermost first). Codes that name no place (100000, nationwide) are left out: their
measures apply wherever the company is.
"""

from __future__ import annotations

import re

NATIONWIDE = "100000"
_ZH_PART = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|地区|盟|县|区|旗)")


def ancestry(code: str) -> list[str]:
    """The codes from the province down to `code` ("330922" → ["330000", "330900", "330922"])."""
    chain = [code[:2] + "0000"]
    if code[2:4] != "00":
        chain.append(code[:4] + "00")
    if code[4:] != "00":
        chain.append(code)
    return chain


def _split(name: dict, count: int) -> list[dict] | None:
    zh = _ZH_PART.findall(name.get("zh", ""))
    en = [part.strip() for part in reversed(name.get("en", "").split(","))]
    if len(zh) != count or len(en) != count or "".join(zh) != name.get("zh"):
        return None
    return [{"zh": z, "en": e} for z, e in zip(zh, en)]


def region_tree(corpus) -> list[dict]:
    """[{code, parent, zh, en}] for every place a notice covers and its ancestors, sorted by code.
    A name that cannot be split leaves the ancestors named by their code until a notice names them."""
    nodes: dict[str, dict] = {}
    for notice in corpus.notices:
        for version in notice.versions:
            region = version.region
            code = str(region.code or "")
            if not re.fullmatch(r"\d{6}", code) or code == NATIONWIDE:
                continue
            chain = ancestry(code)
            names = _split({"zh": region.name.zh, "en": region.name.en}, len(chain))
            for i, c in enumerate(chain):
                name = names[i] if names else ({"zh": region.name.zh, "en": region.name.en}
                                               if c == code else None)
                node = nodes.setdefault(c, {"code": c, "parent": chain[i - 1] if i else None,
                                            "zh": c, "en": c, "named": False})
                if name and not node["named"]:
                    node.update(zh=name["zh"], en=name["en"], named=True)
    return [{k: v for k, v in n.items() if k != "named"} for _, n in sorted(nodes.items())]
