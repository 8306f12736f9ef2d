"""Interface wording of the site in both languages (the notices bring their own text)."""

from __future__ import annotations

from sitegen.lifecycle import STATUS_LABELS

UI = {
    "site_name": {"zh": "政策通知公开库", "en": "Zhengce: policy notices"},
    "site_tagline": {"zh": "政府政策通知的结构化中英文本与补贴计算器",
                     "en": "Chinese government policy notices, structured, in Chinese and English, "
                           "with subsidy calculators"},
    "lang_name": {"zh": "中文", "en": "English"},
    "switch_to": {"zh": "English", "en": "中文"},
    "switch_label": {"zh": "切换到英文版", "en": "Switch to the Chinese version"},
    "parallel": {"zh": "中英对照", "en": "Chinese–English side by side"},
    "parallel_title": {"zh": "中英对照", "en": "Side by side"},
    "back_to_notice": {"zh": "返回通知", "en": "Back to the notice"},
    "json": {"zh": "JSON 数据", "en": "JSON data"},
    "schema": {"zh": "数据格式（JSON Schema）", "en": "Data format (JSON Schema)"},
    "print": {"zh": "打印", "en": "Print"},
    # metadata
    "issuers": {"zh": "发文机关", "en": "Issued by"},
    "doc_number": {"zh": "发文字号", "en": "Document number"},
    "written": {"zh": "成文日期", "en": "Date written"},
    "published": {"zh": "发布日期", "en": "Date published"},
    "printed": {"zh": "印发日期", "en": "Date printed"},
    "region": {"zh": "地区", "en": "Region"},
    "region_code": {"zh": "行政区划代码", "en": "Region code"},
    "status": {"zh": "状态", "en": "Status"},
    "validity": {"zh": "有效期", "en": "Validity"},
    "index_no": {"zh": "索引号", "en": "Index number"},
    "category": {"zh": "分类", "en": "Category"},
    "version": {"zh": "版本", "en": "Version"},
    "versions": {"zh": "历次版本", "en": "Versions"},
    "latest": {"zh": "最新", "en": "latest"},
    "source": {"zh": "来源", "en": "Source"},
    "addressees": {"zh": "主送机关", "en": "Addressed to"},
    "not_given": {"zh": "原文未载明", "en": "not given in the source"},
    "open_ended": {"zh": "未载明截止日期", "en": "no end date stated"},
    "from": {"zh": "自", "en": "from"},
    "to": {"zh": "至", "en": "to"},
    "stage_draft": {"zh": "征求意见稿", "en": "Draft for comment"},
    # status banner
    "explain_draft": {"zh": "本文件为征求意见稿，不具有效力。",
                      "en": "This is a draft published for comment; it has no force."},
    "explain_not_yet": {"zh": "本文件尚未生效。", "en": "This notice is not yet in force."},
    "explain_in_force": {"zh": "本文件现行有效。", "en": "This notice is in force."},
    "explain_expired": {"zh": "本文件已过有效期。", "en": "This notice has expired."},
    "explain_superseded": {"zh": "本页为历史版本，请以最新版本为准。",
                           "en": "This page is an earlier version; the latest version applies."},
    "status_as_of": {"zh": "状态按 {date} 计算。", "en": "Status computed as of {date}."},
    "see_latest": {"zh": "查看最新版本", "en": "See the latest version"},
    # text
    "text": {"zh": "正文", "en": "Text"},
    "contents": {"zh": "目录", "en": "Contents"},
    "item": {"zh": "第{n}项", "en": "Item {n}"},
    "permalink": {"zh": "本条链接", "en": "Link to this item"},
    "units": {"zh": "责任单位", "en": "Responsible units"},
    "lead_unit": {"zh": "牵头单位", "en": "lead unit"},
    "attachments": {"zh": "附件", "en": "Attachments"},
    "attachment_record": {"zh": "另见通知", "en": "Published as its own notice"},
    "cc": {"zh": "抄送", "en": "Copied to"},
    "printed_by": {"zh": "印发", "en": "Printed by"},
    "signatories": {"zh": "署名", "en": "Signed by"},
    "annotations": {"zh": "编者注", "en": "Editorial notes"},
    "annotation_on": {"zh": "关于第{n}项", "en": "On item {n}"},
    "kind_repair": {"zh": "文字修复", "en": "Repair"},
    "kind_source_error": {"zh": "原文疑误", "en": "Error in the source"},
    "kind_missing": {"zh": "原文缺项", "en": "Missing in the source"},
    "kind_reading": {"zh": "解读", "en": "Reading"},
    "kind_note": {"zh": "说明", "en": "Note"},
    "no_measure": {"zh": "未设计算器", "en": "No calculator"},
    "relations": {"zh": "措施之间的关系", "en": "Relations between measures"},
    # measures
    "measure": {"zh": "措施", "en": "Measure"},
    "measures": {"zh": "补贴与措施", "en": "Subsidies and measures"},
    "beneficiary": {"zh": "对象", "en": "For"},
    "beneficiary_enterprise": {"zh": "企业", "en": "enterprises"},
    "beneficiary_worker": {"zh": "职工", "en": "workers"},
    "beneficiary_agency": {"zh": "人力资源服务机构", "en": "agencies"},
    "beneficiary_individual": {"zh": "个人", "en": "individuals"},
    "amount_kind_exact": {"zh": "按规定金额", "en": "a fixed amount"},
    "amount_kind_up_to": {"zh": "最高金额（不超过）", "en": "up to a ceiling"},
    "amount_kind_at_least": {"zh": "最低金额（不低于）", "en": "at least a floor"},
    "amount_kind": {"zh": "金额", "en": "Amount"},
    "application": {"zh": "申报", "en": "How to apply"},
    "readings": {"zh": "本计算器采用的解读", "en": "Readings this calculator uses"},
    "no_calculator": {"zh": "不可计算", "en": "Not computable"},
    "calculator": {"zh": "计算器", "en": "Calculator"},
    # finding
    "home": {"zh": "首页", "en": "Home"},
    "latest_notices": {"zh": "最新通知", "en": "Latest notices"},
    "all_notices": {"zh": "全部通知", "en": "All notices"},
    "browse": {"zh": "浏览", "en": "Browse"},
    "by_region": {"zh": "按地区", "en": "By region"},
    "by_year": {"zh": "按年份", "en": "By year"},
    "by_issuer": {"zh": "按发文机关", "en": "By issuing body"},
    "by_status": {"zh": "按状态", "en": "By status"},
    "facet_region": {"zh": "地区", "en": "Region"},
    "facet_year": {"zh": "年份", "en": "Year"},
    "facet_issuer": {"zh": "发文机关", "en": "Issuing body"},
    "facet_status": {"zh": "状态", "en": "Status"},
    "notices_count": {"zh": "{n} 件通知", "en": "{n} notices"},
    "page_n": {"zh": "第 {n} 页", "en": "Page {n}"},
    "pages": {"zh": "分页", "en": "Pages"},
    "previous": {"zh": "上一页", "en": "Previous"},
    "next": {"zh": "下一页", "en": "Next"},
    "unknown_year": {"zh": "日期不详", "en": "Date unknown"},
    "no_region": {"zh": "未注明地区", "en": "Region not given"},
    # search
    "search": {"zh": "搜索", "en": "Search"},
    "search_placeholder": {"zh": "搜索通知，例如：留岗红包", "en": "Search notices, e.g. charter bus"},
    "search_label": {"zh": "搜索通知全文", "en": "Search the text of all notices"},
    "search_needs_js": {"zh": "搜索需要启用 JavaScript。也可以按地区、年份或发文机关浏览。",
                        "en": "Search needs JavaScript. You can also browse by region, year or "
                              "issuing body."},
    "search_loading": {"zh": "正在搜索…", "en": "Searching…"},
    "search_none": {"zh": "没有找到结果。", "en": "No results."},
    "search_count": {"zh": "找到 {n} 件通知", "en": "{n} notices found"},
    # data
    "open_data": {"zh": "开放数据", "en": "Open data"},
    "feed": {"zh": "订阅（Atom）", "en": "Feed (Atom)"},
    "about": {"zh": "关于", "en": "About"},
    "synthetic": {"zh": "合成数据", "en": "synthetic"},
}


UI.update({f"status_{code}": labels for code, labels in STATUS_LABELS.items()})


def t(key: str, lang: str, **values) -> str:
    """The wording of `key` in `lang`, with `{name}` placeholders filled in."""
    text = UI[key][lang]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text
