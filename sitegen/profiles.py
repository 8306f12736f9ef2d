"""Company profiles for the finder (`build.py find --profile FILE`) and their plain-text answer.

A profile is YAML or JSON:

    name: {zh: …, en: …}        optional
    on: 2024-02-20              optional: the day asked about (--on overrides it)
    all: true                   optional: drafts and notices not in force too (as --all)
    facts: {region: "330922", sector: manufacturing, insured_employees: {2024-01: 120}, …}
    expect: {…}                 optional: golden answers (tests/test_profiles.py)

A mapping without `facts:` is read as the facts themselves (what the finder page exports).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from calculators.finder import PAID_TO_OTHERS

from .cliargs import parse_day
from .yamlload import load_yaml_file

PROFILE_KEYS = ("name", "on", "all", "facts", "expect")


class ProfileError(Exception):
    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh


def load_profile(path: Path) -> dict:
    """{"name", "on" (ISO day or None), "facts", "expect"} from a .yaml/.yml/.json file."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: no such file", f"{path}：文件不存在")
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{path}: not valid JSON ({exc})", f"{path}：不是有效的 JSON（{exc}）") from None
    elif path.suffix in (".yaml", ".yml"):
        loaded, problems = load_yaml_file(path, str(path))
        if problems:
            raise ProfileError(str(problems[0]), problems[0].message_zh)
        data = loaded.data
    else:
        raise ProfileError(f"{path}: a profile is a .yaml or .json file", f"{path}：档案须为 .yaml 或 .json 文件")
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a mapping of facts", f"{path}：档案须为事实的映射")
    if "facts" not in data:
        data = {"facts": data}
    for key in data:
        if key not in PROFILE_KEYS:
            raise ProfileError(f"{path}: unknown key '{key}' (allowed: {', '.join(PROFILE_KEYS)})",
                               f"{path}：未知的键“{key}”（可用：{'、'.join(PROFILE_KEYS)}）")
    if not isinstance(data["facts"], dict):
        raise ProfileError(f"{path}: facts is a mapping fact: value", f"{path}：facts 须为“事实: 值”的映射")
    on = data.get("on")
    if on is not None:
        try:
            on = parse_day(str(on)).isoformat()
        except ValueError as exc:
            raise ProfileError(f"{path}: on: {exc}", f"{path}：on：{exc}") from None
    if not isinstance(data.get("all", False), bool):
        raise ProfileError(f"{path}: all is true or false", f"{path}：all 须为 true 或 false")
    return {"name": data.get("name"), "on": on, "all": data.get("all", False), "facts": data["facts"],
            "expect": data.get("expect")}


_STATE = {"eligible": ("符合条件", "Eligible"), "depends": ("有待确认", "Depends on"),
          "ineligible": ("不符合条件", "Not eligible")}


def _money(text, lang) -> str:
    if text is None:
        return "?"
    figure = f"{Decimal(text):,.2f}"
    return f"{figure}元" if lang == "zh" else f"{figure} yuan"


def _amount(m, lang) -> str:
    if m["state"] == "ineligible":
        return ""
    if m["amount"] is not None:
        kind = {"up_to": ("最高", "up to "), "at_least": ("不低于", "at least ")}.get(m["amount_kind"], ("", ""))
        return (kind[0] if lang == "zh" else kind[1]) + _money(m["amount"], lang)
    if m["amount_max"] is not None:
        low = m["amount_min"] if m["amount_min"] not in (None, "0.00") else None
        if low is None:
            return ("最高" if lang == "zh" else "up to ") + _money(m["amount_max"], lang)
        return f"{_money(low, lang)} – {_money(m['amount_max'], lang)}"
    if m.get("currency"):
        return "金额待定" if lang == "zh" else "amount not yet known"
    return ""


def _need(need: str, facts: dict, lang: str) -> str:
    """A fact still needed, by its label: "Electricity used in the month (2024-01)"."""
    fact_id, _, period = need.partition("@")
    label = (facts.get(fact_id) or {}).get("label", {}).get(lang) or fact_id
    return f"{label}（{period}）" if period and lang == "zh" else f"{label} ({period})" if period else label


def render_text(answer: dict, lang: str, facts: list | None = None) -> str:
    """The finder's answer as a reader would print it: by state, then the total."""
    zh = lang == "zh"
    facts = {f["id"]: f for f in facts or []}
    lines = [("查找日期：" if zh else "As of ") + answer["on"]]
    for state in ("eligible", "depends", "ineligible"):
        found = [m for m in answer["measures"] if m["state"] == state]
        if not found:
            continue
        label = _STATE[state][0 if zh else 1]
        lines += ["", f"{label}（{len(found)}）" if zh else f"{label} ({len(found)})"]
        for m in found:
            head = f"  {m['notice']} {m['measure']} {m['title']}"
            amount = _amount(m, lang)
            lines.append(head + (f"：{amount}" if zh and amount else f": {amount}" if amount else ""))
            if state != "ineligible" and m.get("currency") and m.get("beneficiary") in PAID_TO_OTHERS:
                lines.append("    发给职工或个人，不计入合计" if zh else "    paid to employees or individuals: not in the total")
            status = m.get("status") or {}
            if status.get("notice_status") not in (None, "in_force"):
                lines.append(f"    {status.get('label')}")
            for reason, cite in zip(m["reasons"], m.get("cites") or [None] * len(m["reasons"])):
                lines.append(f"    {reason}" + (f"（{cite}）" if zh and cite else f" ({cite})" if cite else ""))
            needs = [_need(n, facts, lang) for n in m["needs"]] + [f"{i}*" for i in m.get("needs_inputs") or []]
            if state != "ineligible" and needs:
                lines.append(("    尚需：" if zh else "    Still needed: ") + ("；" if zh else "; ").join(needs))
    if not answer["measures"]:
        lines += ["", "没有适用的措施。" if zh else "No measure applies."]
    total = answer["total"]
    high = _money(total["amount_max"], lang) if total["amount_max"] is not None else \
        ("无上限" if zh else "no upper bound")
    low = _money(total["amount_min"], lang)
    lines += ["", ("贵单位合计：" if zh else "Your company's total: ") + (low if total["amount_max"] == total["amount_min"] else f"{low} – {high}")]
    for text in total["applied_relations"]:
        lines.append(("  已适用：" if zh else "  Applied: ") + text)
    counts = answer["counts"]
    lines.append((f"符合 {counts['eligible']} 项，待定 {counts['possible']} 项，排除 {counts['ruled_out']} 项" if zh else
                  f"{counts['eligible']} eligible, {counts['possible']} possible, {counts['ruled_out']} ruled out"))
    if answer["next_facts"]:
        lines.append(("下一步请提供：" if zh else "Next, tell us: ") +
                     ("；" if zh else "; ").join(_need(n, facts, lang) for n in answer["next_facts"][:5]))
    if any(m.get("needs_inputs") for m in answer["measures"] if m["state"] != "ineligible"):
        lines.append("  * 仅该措施的计算器询问此项" if zh else "  * asked only by that measure's calculator")
    return "\n".join(lines)
