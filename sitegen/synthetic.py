"""Synthetic notices for the scale benchmark and the site tests.

Clearly marked as synthetic in every title ("【合成】", "[Synthetic]") and never written to
`policies/`. Deterministic: notice `i` is always the same, so benchmark runs are comparable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import yaml

REGIONS = [
    ("330922", "浙江省舟山市嵊泗县", "Shengsi County, Zhoushan, Zhejiang Province"),
    ("330302", "浙江省温州市鹿城区", "Lucheng District, Wenzhou, Zhejiang Province"),
    ("320583", "江苏省苏州市昆山市", "Kunshan, Suzhou, Jiangsu Province"),
    ("440306", "广东省深圳市宝安区", "Bao'an District, Shenzhen, Guangdong Province"),
    ("510100", "四川省成都市", "Chengdu, Sichuan Province"),
    ("420100", "湖北省武汉市", "Wuhan, Hubei Province"),
]
ISSUERS = [
    ("人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("发展和改革局", "Development and Reform Bureau"),
    ("经济和信息化局", "Economy and Information Technology Bureau"),
    ("财政局", "Finance Bureau"),
]
TOPICS = [
    ("稳工稳产", "keeping workers and production stable"),
    ("春节期间企业用工保障", "securing enterprise staffing over the Spring Festival"),
    ("促进就业", "promoting employment"),
    ("支持企业开门红", "supporting a strong start for enterprises"),
]
CLAUSE_ZH = [
    "鼓励企业为就地过年员工发放留岗红包、过年礼包，保障和改善工作生活条件。对春节期间连续生产的规上工业企业，"
    "按照企业实际发放留岗红包总额的一定比例给予补助，具体标准由有关部门另行制定并向社会公布。",
    "支持企业采取包车等方式组织员工返岗，对组织包车接回员工的企业，按照实际包车费用的百分之五十给予补贴，"
    "每家企业最高不超过十万元。包车返岗须在规定期间内完成，并提供包车合同、费用票据和乘车人员名单。",
    "强化要素保障，鼓励引导重大项目、重点企业在春节期间不停工、不停产。加强对重点工业企业生产的监测跟踪，"
    "切实做好连续生产企业和复工复产服务保障，组织好节日期间安全生产、物流运输。",
    "发挥人力资源服务机构作用，对成功介绍劳动者到重点企业就业并稳定工作三个月以上的机构，按每人五百元的标准"
    "给予就业服务补贴。同一劳动者不得重复申领，企业和中介机构不重复享受。",
]
CLAUSE_EN = [
    "Enterprises are encouraged to give stay-on red envelopes and holiday gift packs to employees who spend "
    "the holiday locally, and to improve their working and living conditions. Industrial enterprises above "
    "designated size that keep producing over the Spring Festival receive a subsidy of a share of the "
    "stay-on red envelopes actually paid; the rate is set and published separately by the departments concerned.",
    "Enterprises are supported in bringing employees back by charter bus and similar means. An enterprise that "
    "charters buses to bring employees back receives a subsidy of 50% of the actual charter cost, up to "
    "100,000 yuan per enterprise. The trip must be completed within the stated period, with the charter "
    "contract, invoices and the passenger list.",
    "Strengthen the supply of production factors and encourage major projects and key enterprises not to stop "
    "work or production over the Spring Festival. Monitor the production of key industrial enterprises and "
    "support continuous production and the resumption of work, including safety and logistics over the holiday.",
    "Make use of human resources service agencies: an agency that places a worker in a key enterprise who stays "
    "employed for more than three months receives an employment service subsidy of 500 yuan per person. The "
    "same worker cannot be claimed twice, and enterprises and agencies cannot both claim.",
]
NUM_ZH = "一二三四五六七八九十"
NUM_EN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _t(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def charter_measure(clause_id: str, year: int) -> dict:
    """The chartered-bus subsidy: date window, 50% of cost, capped at 100,000 yuan."""
    start, end = f"{year}-02-09", f"{year}-02-24"
    return {
        "id": clause_id,
        "title": _t("包车返岗补贴", "Chartered-bus return subsidy"),
        "beneficiary": "enterprise",
        "calculator": True,
        "currency": "CNY",
        "rounding": {"places": 2, "mode": "half_up"},
        "amount_kind": "up_to",
        "inputs": [
            {"id": "charter_date", "type": "date", "fact": "charter_date",
             "label": _t("包车返岗日期", "Date of the chartered trip")},
            {"id": "cost", "type": "money", "fact": "charter_cost", "label": _t("包车费用", "Charter cost"),
             "unit": _t("元", "yuan"), "min": 0},
        ],
        "rules": [
            {"require": f"date('{start}') <= charter_date <= date('{end}')", "cite": clause_id,
             "text": _t("返岗日期在规定期间内", "The trip is within the stated period"),
             "fail": _t("返岗日期不在规定期间内", "The trip is outside the stated period")},
            {"let": "amount", "expr": "cost * 0.5", "cite": clause_id,
             "text": _t("包车费用 {cost} 元 × 50% = {amount} 元",
                        "Charter cost {cost} yuan × 50% = {amount} yuan")},
            {"cap": "amount", "max": "100000", "cite": clause_id,
             "text": _t("每家企业最高不超过10万元", "At most 100,000 yuan per enterprise")},
        ],
        "amount": "amount",
    }


def charter_cases(clause_id: str, year: int) -> list[dict]:
    day = f"{year}-02-10"
    return [
        {"measure": clause_id, "name": "typical", "inputs": {"charter_date": day, "cost": "50000"},
         "expect": {"eligible": True, "amount": "25000.00", "amount_kind": "up_to"}},
        {"measure": clause_id, "name": "cap reached", "inputs": {"charter_date": day, "cost": "250000"},
         "expect": {"eligible": True, "amount": "100000.00", "amount_kind": "up_to"}},
        {"measure": clause_id, "name": "too late",
         "inputs": {"charter_date": f"{year}-02-25", "cost": "50000"},
         "expect": {"eligible": False, "amount": None}},
    ]


def notice(i: int, *, clauses_per_section: int = 4, sections: int = 3,
           extra_text: str | None = None) -> tuple[dict, list[dict]]:
    """Synthetic notice number `i`: (v1 data, golden cases)."""
    code, region_zh, region_en = REGIONS[i % len(REGIONS)]
    issuer_zh, issuer_en = ISSUERS[i % len(ISSUERS)]
    topic_zh, topic_en = TOPICS[i % len(TOPICS)]
    year = 2019 + i % 7
    written = dt.date(year, 1, 1) + dt.timedelta(days=(i * 37) % 300)
    short = region_zh[region_zh.rfind("市") + 1:] if "市" in region_zh else region_zh
    nid = f"synthetic-{i:04d}"
    body, cases, n = [], [], 0
    for s in range(sections):
        clauses = []
        for c in range(clauses_per_section):
            n += 1
            k = (s * clauses_per_section + c + i) % len(CLAUSE_ZH)
            clause = {"id": str(n), "number": f"{n}.", "text": _t(CLAUSE_ZH[k], CLAUSE_EN[k]),
                      "units": [{"name": _t(short + issuer_zh, issuer_en), "lead": True}]}
            if k == 1 and not cases:   # one computable measure per notice
                clause["measures"] = [charter_measure(str(n), year)]
                cases = charter_cases(str(n), year)
            clauses.append(clause)
        body.append({"id": f"s{s + 1}", "number": _t(NUM_ZH[s] + "、", NUM_EN[s] + "."),
                     "heading": _t(f"第{NUM_ZH[s]}部分措施", f"Measures, part {s + 1}"),
                     "clauses": clauses})
    if extra_text:
        body[0]["clauses"][0]["text"] = _t(extra_text, extra_text)
    title_zh = f"【合成】{short}{issuer_zh}关于做好{year}年{topic_zh}工作的通知（第{i}号）"
    title_en = f"[Synthetic] Notice of the {region_en} {issuer_en} on {topic_en} in {year} (no. {i})"
    data = {
        "id": nid, "version": 1, "stage": "draft" if i % 10 == 9 else "final",
        "title": _t(title_zh, title_en),
        "doc_number": f"合成〔{year}〕{i}号",
        "issuers": [_t(short + issuer_zh, f"{region_en} {issuer_en}")],
        "addressees": [_t("各有关单位", "All relevant units")],
        "region": {"code": code, "name": _t(region_zh, region_en)},
        "dates": {"written": written.isoformat(), "published": written.isoformat(), "printed": None,
                  "valid_from": written.isoformat(),
                  "valid_to": (written + dt.timedelta(days=365)).isoformat()},
        "provenance": {"source": f"{nid}.txt",
                       "sha256": hashlib.sha256(nid.encode()).hexdigest()},
        "preamble": [_t("为保障企业正常生产经营和有序用工，现就有关事项通知如下（本通知为合成测试数据）：",
                        "To keep enterprises producing and staffed, we give notice as follows "
                        "(this notice is synthetic test data):")],
        "body": body,
        "closing": [_t("本通知自印发之日起施行。", "This notice takes effect on the date it is issued.")],
        "signatories": [_t(short + issuer_zh, f"{region_en} {issuer_en}")],
        "signed_date": written.isoformat(),
        "annotations": [{"id": "n1", "kind": "note", "target": "1",
                         "text": _t("合成数据，仅用于测试。", "Synthetic data, for tests only.")}],
    }
    return data, cases


FACTS = Path(__file__).resolve().parents[1] / "policies" / "facts.yaml"


def write_corpus(root: Path, count: int, start: int = 0) -> list[str]:
    """Write `count` synthetic notices as `root/<id>/v1.yaml` (+ cases.yaml) and the facts
    vocabulary their inputs map onto (root/facts.yaml, for the finder); returns the ids."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "facts.yaml").write_text(FACTS.read_text(encoding="utf-8"), encoding="utf-8")
    ids = []
    for i in range(start, start + count):
        data, cases = notice(i)
        folder = root / data["id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "v1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
        (folder / "cases.yaml").write_text(yaml.safe_dump(cases, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
        ids.append(data["id"])
    return ids
