"""Help text for every field of the published JSON Schema, in English and Chinese.

Editors that read the schema (VS Code's YAML extension, any yaml-language-server client) show a
field's `description` on hover and while completing, so a publisher sees what each key means
without leaving the file. The table is kept apart from the declarations in `schema.py` and
applied to the generated schema by `describe`: a key is matched by the end of its path (so
`clauses[].text` describes a clause's text in the body and in attachments alike), the longest
match winning. tests/test_schema.py checks that every property has a description.
"""

from __future__ import annotations

# path suffix -> (English, 中文)
HELP = {
    # the notice
    "id": ("Notice id, equal to its folder name under policies/ (lower-case letters, digits, -).",
           "通知 id，与 policies/ 下的文件夹名相同（小写字母、数字、-）。"),
    "version": ("Version number, equal to the file name vN.yaml.", "版本号，与文件名 vN.yaml 一致。"),
    "doc_number_en": ("The document number romanised, e.g. Sheng Ren She Fa [2024] No. 5, shown with the Chinese in brackets on English pages.",
                      "发文字号的英文（拼音）写法，如 Sheng Ren She Fa [2024] No. 5；英文页面中与中文字号并列。"),
    "errata": ("Corrections after publication (English, editorial notes, calculator coding; never the Chinese), each recorded in the archive by publish.",
               "发布后的更正（英文、编者说明、计算器编码；从不更改中文），每条由 publish 记入存档。"),
    "errata[].date": ("The day the correction was made (YYYY-MM-DD).", "更正之日（YYYY-MM-DD）。"),
    "errata[].field": ("What was corrected, e.g. text, title, preamble[0], readings[1].text.", "所更正的字段，如 text、title、preamble[0]、readings[1].text。"),
    "errata[].before": ("The wording (or coding) as published.", "发布时的文字（或编码）。"),
    "errata[].after": ("The wording (or coding) as corrected.", "更正后的文字（或编码）。"),
    "errata[].text": ("Why, in both languages; shown on the page under Corrections.", "更正理由（中英文）；在页面“勘误”一节显示。"),
    "errata[].target": ("The clause, section or attachment corrected; left out for the notice as a whole.", "所更正的条款、章节或附件；更正整份通知时省略。"),
    "stage": ("draft = 征求意见稿 (draft for comment); final = the issued text.", "draft 为征求意见稿；final 为正式文本。"),
    "title": ("Title (标题) as printed, e.g. 关于…的通知.", "标题，照录原文，如“关于……的通知”。"),
    "short_title": ("Optional short title for listings.", "可选：列表中使用的简称。"),
    "doc_number": ("发文字号 as printed, e.g. 嵊人社发〔2024〕5号; null when the source has none.",
                   "发文字号，照录原文，如 嵊人社发〔2024〕5号；原文没有时为 null。"),
    "index_no": ("索引号 of a government portal page, where the source has one.", "政府网站的索引号（原文有时填写）。"),
    "category": ("分类 of a government portal page, where the source has one.", "政府网站的分类（原文有时填写）。"),
    "masthead": ("版头: the issuers' names and 文件 as printed, one per line.", "版头：发文机关名称及“文件”，照录原文，每行一项。"),
    "issuers": ("发文机关, in the source's order; [] when the source names none (say so in an annotation).",
                "发文机关，按原文次序；原文未写明时为 []（并以注释说明）。"),
    "addressees": ("主送机关, as printed before the colon.", "主送机关，照录冒号前的文字。"),
    "region": ("The region the notice applies to.", "通知适用的地区。"),
    "region.code": ("GB/T 2260 administrative code as a string (\"330922\"), or null (say why in an annotation).",
                    "GB/T 2260 行政区划代码（字符串，如 \"330922\"），或 null（以注释说明原因）。"),
    "region.name": ("The region's name, e.g. 浙江省舟山市嵊泗县.", "地区名称，如“浙江省舟山市嵊泗县”。"),
    "dates": ("Dates as YYYY-MM-DD; a date the source does not give is left out or null.",
              "日期，格式 YYYY-MM-DD；原文未给出的日期省略或为 null。"),
    "dates.written": ("成文日期: the date printed under the signatures.", "成文日期：署名下方的日期。"),
    "dates.published": ("发布日期: the date the notice was published.", "发布日期。"),
    "dates.printed": ("印发日期 from the 版记 (…印发).", "印发日期（版记中的“……印发”）。"),
    "dates.valid_from": ("First day of validity, when known.", "施行（生效）之日，已知时填写。"),
    "dates.valid_to": ("Last day of validity, when the text states it.", "有效期截止日，原文写明时填写。"),
    "provenance": ("Where the Chinese text comes from.", "中文文本的来源。"),
    "provenance.source": ("File name of the source document in sources/ (\"synthetic\" for made-up test fixtures).",
                          "sources/ 中来源文件的文件名（测试用虚构数据为 \"synthetic\"）。"),
    "provenance.sha256": ("sha256 of that file; validate checks it.", "该文件的 sha256，validate 会核对。"),
    "provenance.note": ("Optional note on the source (e.g. an attachment of another notice).", "可选：关于来源的说明（如为另一通知的附件）。"),
    "print_order": ("The order the elements are printed in; default GB/T 9704's. Leave out unless the source differs.",
                    "各要素的排列次序，默认按 GB/T 9704；仅在原文不同时填写。"),
    "preamble": ("Paragraphs before the first section (the 开头 up to 通知如下：).", "第一部分之前的段落（开头至“通知如下：”）。"),
    "body": ("The sections of the text, in document order.", "正文各部分，按原文次序。"),
    "closing": ("Paragraphs after the last section (exhortations, 附件 list, contacts).", "最后一部分之后的段落（要求、附件说明、联系人等）。"),
    "signatories": ("发文机关署名, one name per item.", "发文机关署名，每项一个名称。"),
    "signatories_text": ("The signature block exactly as printed, when it is not one name per line.",
                         "署名的原文排版（不是每行一个名称时填写）。"),
    "signed_date": ("The date printed under the signatures (usually dates.written).", "署名下方的日期（通常与成文日期相同）。"),
    "notes": ("附注, printed after the date, e.g. （此件主动公开）.", "附注，日期之后，如“（此件主动公开）”。"),
    "attachments": ("附件: each with its own body, or a link to another notice record.", "附件：各有正文，或链接到另一条通知记录。"),
    "cc": ("抄送, one organisation per item.", "抄送机关，每项一个。"),
    "cc_text": ("The 抄送 line exactly as printed.", "抄送行的原文。"),
    "printed_by": ("印发机关 from the 版记 (with dates.printed).", "印发机关（版记，配合印发日期）。"),
    "relations": ("Relations between measures: 不重复享受、就高原则.", "措施之间的关系：不重复享受、就高原则。"),
    "relates": ("Relations to other notices or versions (lifecycle): supersedes, amends, extends, repeals.",
                "与其他通知或版本的关系：取代、修订、延续、废止。"),
    "annotations": ("Editorial notes, separate from the text: repairs, source errors, missing facts, readings.",
                    "编者注释，与正文分开：修复、原文错误、缺失信息、解读。"),
    # bilingual text
    "zh": ("Chinese, verbatim from the source: never edited (record a repair annotation instead).",
           "中文，照录原文，不得改动（修复请用 repair 注释）。"),
    "en": ("English translation. \"TODO: translate\" marks one still to write: validate counts them, publish refuses them.",
           "英文译文。“TODO: translate”表示尚待翻译：validate 会统计，publish 会拒绝。"),
    # sections and clauses
    "body[].id": ("Section id, unique in the version; used in URLs (#c-<id>).", "部分 id，在本版本中唯一，用于网址（#c-<id>）。"),
    "body[].number": ("The section's number as printed, e.g. 一、 (English I.).", "部分序号，照录原文，如“一、”（英文 I.）。"),
    "body[].heading": ("The section's heading, or null for an unheaded group.", "部分标题；无标题时为 null。"),
    "body[].paragraphs": ("Paragraphs between the heading and the first clause.", "标题与第一条之间的段落。"),
    "body[].clauses": ("The clauses of the section, in order.", "本部分的条款，按原文次序。"),
    "clauses[].id": ("Clause id, unique in the version; the anchor #c-<id>. Keep it stable across versions.",
                     "条款 id，在本版本中唯一，即锚点 #c-<id>；各版本间保持不变。"),
    "clauses[].number": ("The clause's number as printed: one string, or {zh, en} when the languages differ.",
                         "条款序号，照录原文：一个字符串，或中英文不同时写 {zh, en}。"),
    "clauses[].text": ("The clause's text (without its number).", "条款正文（不含序号）。"),
    "clauses[].units": ("责任单位 of the clause; lead: true for the lead unit (△ or *).", "本条的责任单位；牵头单位（△ 或 *）写 lead: true。"),
    "units[].name": ("The unit's name.", "单位名称。"),
    "units[].lead": ("true for the lead unit (牵头单位).", "牵头单位为 true。"),
    "clauses[].units_text": ("The responsible-units line exactly as printed.", "责任单位行的原文。"),
    "clauses[].measures": ("What the clause pays or grants; a clause may carry several (docs/format.md, Measures).",
                           "本条给予的补贴或待遇；一条可有多项（见 docs/format.md“Measures”）。"),
    "clauses[].no_measure": ("Why a clause that mentions money has no measure.", "提及金额但不设措施的原因。"),
    # measures
    "measures[].id": ("Measure id, following the notice's numbering (\"3\", \"1-2\").", "措施 id，沿用通知的编号（如 \"3\"、\"1-2\"）。"),
    "measures[].title": ("The measure's name, e.g. 包车返岗补贴.", "措施名称，如“包车返岗补贴”。"),
    "measures[].beneficiary": ("Who receives it: enterprise, worker, agency or individual.", "受益对象：企业、员工、机构或个人。"),
    "measures[].calculator": ("true when the amount can be computed; false with a reason.", "可计算时为 true；否则为 false 并说明原因。"),
    "measures[].reason": ("Why there is no calculator (required when calculator is false).", "不设计算器的原因（calculator 为 false 时必填）。"),
    "measures[].currency": ("Currency of the amount; CNY unless stated.", "金额币种，默认 CNY。"),
    "measures[].rounding": ("Rounding of the final amount; default 2 places, half up.", "最终金额的舍入，默认保留 2 位、四舍五入。"),
    "rounding.places": ("Decimal places kept.", "保留的小数位数。"),
    "rounding.mode": ("half_up (四舍五入), down (舍去) or half_even.", "half_up（四舍五入）、down（舍去）或 half_even。"),
    "measures[].amount_kind": ("exact, up_to (不超过) or at_least (不低于); null for a non-money measure.",
                               "exact（确定）、up_to（不超过）或 at_least（不低于）；非金钱措施为 null。"),
    "measures[].amount_kind_at_cap": ("The kind once the last cap on the amount is reached (不低于70%，最高不超过10万元).",
                                      "金额达到最后一个上限时的类型（如“不低于70%，最高不超过10万元”）。"),
    "measures[].readings": ("Interpretations chosen where the wording admits two, each quoting the words.", "措辞有两种理解时所采用的解读，须引用原文。"),
    "readings[].quote": ("The words interpreted, quoted from the clause.", "所解读的原文字句。"),
    "readings[].text": ("The reading chosen and why.", "所采用的理解及理由。"),
    "measures[].application": ("The application window, when the notice gives one.", "申领期限（通知写明时填写）。"),
    "application.from": ("First day applications are accepted.", "受理起始日。"),
    "application.to": ("Last day applications are accepted.", "受理截止日。"),
    "application.text": ("How and when to apply, as the notice says.", "申领方式和时间，按通知所述。"),
    "measures[].inputs": ("The figures the reader enters in the calculator.", "计算器中由用户填写的数据项。"),
    "inputs[].id": ("A name usable in expressions: [a-z][a-z0-9_]*.", "表达式中使用的名称：[a-z][a-z0-9_]*。"),
    "inputs[].type": ("count, money, percent, number, energy, date, bool, choice (or list of rows).",
                      "count（人数）、money（金额）、percent（百分比）、number、energy（电量）、date、bool（是否）、choice（选择）或 list（多行）。"),
    "inputs[].label": ("The field's label in the form.", "表单中该项的标签。"),
    "inputs[].help": ("Help shown under the field.", "显示在该项下方的说明。"),
    "inputs[].unit": ("Unit shown after the field (元, 人, %).", "显示在该项后的单位（元、人、%）。"),
    "inputs[].min": ("Smallest value accepted (a number, or a date for date inputs).", "允许的最小值（数字；日期项为日期）。"),
    "inputs[].max": ("Largest value accepted.", "允许的最大值。"),
    "inputs[].choices": ("The options of a choice input.", "选择项的选项。"),
    "choices[].value": ("The option's value, used in expressions.", "选项的值，用于表达式。"),
    "choices[].label": ("The option's label.", "选项的标签。"),
    "inputs[].when": ("Asked only when this condition on earlier inputs holds (e.g. growth_entry == 'rate').",
                      "仅当此条件（针对前面的输入项）成立时才询问，如 growth_entry == 'rate'。"),
    "inputs[].default": ("Value used when the reader leaves the field empty.", "用户未填写时使用的值。"),
    "inputs[].fact": ("The finder's fact this input reads (policies/facts.yaml): a fact id, {id, period} for one "
                      "period of a series, or {expr: …} derived from facts.",
                      "查找器中此输入项读取的事实（policies/facts.yaml）：事实 id；按期事实写 {id, period}；"
                      "或由事实推导的 {expr: …}。"),
    "inputs[].specific": ("true: only this measure asks this input (no fact in the shared vocabulary).",
                          "true：仅本措施询问此项（共享事实表中没有对应的事实）。"),
    "min_rows": ("Fewest rows of a list input.", "多行输入的最少行数。"),
    "max_rows": ("Most rows of a list input.", "多行输入的最多行数。"),
    "row_label": ("Label of one row of a list input.", "多行输入中每一行的标签。"),
    "columns": ("The columns of each row of a list input (ordinary input declarations).", "多行输入每行的各列（普通输入项声明）。"),
    "columns[].type": ("choice, count, money, date, bool, percent or number.", "choice、count、money、date、bool、percent 或 number。"),
    "columns[].label": ("The column's label (each cell is labelled with it and the row number).", "该列的标签（每个单元格以此及行号标注）。"),
    "columns[].help": ("Help shown with the column.", "该列的说明。"),
    "columns[].unit": ("Unit shown after each cell (元, 人).", "单元格后显示的单位（元、人）。"),
    "columns[].min": ("Smallest value a cell accepts.", "单元格允许的最小值。"),
    "columns[].max": ("Largest value a cell accepts.", "单元格允许的最大值。"),
    "columns[].choices": ("The options of a choice column.", "选择列的选项。"),
    "columns[].default": ("Value used when a cell is left empty.", "单元格未填写时使用的值。"),
    "readings[].quote_en": ("An English gloss of the quoted words, shown beside them on English pages.", "所引原文的英文释义，在英文页面中与原文并列显示。"),
    "qualifying": ("The period the measure's words state (e.g. 2024年2月9日—2月24日期间): results say whether it is open on the day computed.",
                   "措施原文所述的期间（如“2024年2月9日—2月24日期间”）：计算结果据此说明计算日是否在期间内。"),
    "qualifying.from": ("First day of the period (inclusive); left out when the words give none.", "期间首日（含）；原文未写明时省略。"),
    "qualifying.to": ("Last day of the period (inclusive); left out when the words give none.", "期间末日（含）；原文未写明时省略。"),
    "qualifying.text": ("The notice's words for the period (zh) and their translation (en).", "原文中关于期间的文字（zh）及其译文（en）。"),
    "measures[].rules": ("Rule steps run in order: require, let (expr/tiers/lookup), cap, floor, branch, note; each with cite and text (docs/format.md).",
                         "按次序执行的规则步骤：require、let（expr/tiers/lookup）、cap、floor、branch、note，每步有 cite 和 text（见 docs/format.md）。"),
    "measures[].amount": ("The computed name holding the money amount; null for a non-money measure.", "存放金额的计算名称；非金钱措施为 null。"),
    "measures[].outcomes": ("Non-money results, each granted when its `when` holds.", "非金钱结果，各自在 when 成立时给予。"),
    # attachments
    "attachments[].id": ("Attachment id, unique in the version.", "附件 id，在本版本中唯一。"),
    "attachments[].label": ("The label as printed: 附件, 附件1…", "附件标签，照录原文：附件、附件1……"),
    "attachments[].title": ("The attachment's title.", "附件标题。"),
    "attachments[].body": ("The attachment's own sections.", "附件自身的各部分。"),
    "attachments[].paragraphs": ("Paragraphs before the attachment's first section.", "附件第一部分之前的段落。"),
    "attachments[].notice": ("Id of another notice record this attachment is (instead of a body).", "该附件对应的另一条通知记录的 id（代替正文）。"),
    # relations between measures
    "relations[].id": ("Relation id, unique in the version.", "关系 id，在本版本中唯一。"),
    "relations[].kind": ("exclusive = 不重复享受 (no double claiming); joint_cap = the members are capped together "
                         "(合计最高不超过).", "exclusive 即“不重复享受”；joint_cap 即几项措施合计封顶（合计最高不超过）。"),
    "relations[].resolve": ("highest = 就高原则 (the higher amount applies); required for exclusive.",
                            "highest 即“就高原则”；exclusive 必填。"),
    "relations[].max": ("joint_cap: the most the members give together, in yuan.", "joint_cap：各措施合计的最高金额（元）。"),
    "relations[].measures": ("The measure ids concerned, or \"*\" for all; a measure of another notice is "
                             "{notice: ID, measure: ID}.",
                             "涉及的措施 id，或 \"*\" 表示全部；其他通知的措施写作 {notice: 通知 id, measure: 措施 id}。"),
    "relations[].cite": ("The clause that states the relation.", "写明该关系的条款。"),
    "relations[].text": ("The relation in words.", "关系的文字说明。"),
    # relations between notices
    "relates[].kind": ("supersedes, amends, extends or repeals.", "supersedes（取代）、amends（修订）、extends（延续）或 repeals（废止）。"),
    "relates[].notice": ("Id of the other notice.", "另一通知的 id。"),
    "relates[].version": ("Its version, when a particular one is meant.", "指定的版本（如有）。"),
    "relates[].date": ("When the relation takes effect.", "关系生效之日。"),
    "relates[].text": ("The relation as the notice words it.", "通知中对该关系的表述。"),
    # annotations
    "annotations[].id": ("Annotation id, unique in the version.", "注释 id，在本版本中唯一。"),
    "annotations[].kind": ("repair (an extraction artefact), source_error, missing, reading or note.",
                           "repair（抽取瑕疵修复）、source_error（原文错误）、missing（缺失信息）、reading（解读）或 note（说明）。"),
    "annotations[].target": ("The clause, section or measure id it concerns.", "所涉及的条款、部分或措施 id。"),
    "annotations[].seed": ("repair: the text as the source file has it.", "repair：来源文件中的原样文字。"),
    "annotations[].fixed": ("repair: the text as we print it.", "repair：本站印出的文字。"),
    "annotations[].count": ("repair: how many times the source has it (default 1).", "repair：来源文件中出现的次数（默认 1）。"),
    "annotations[].text": ("The note itself.", "注释内容。"),
}


# cases.yaml: a list of golden cases
CASES_HELP = {
    "measure": ("The measure's id in the notice.", "通知中措施的 id。"),
    "name": ("What the case checks, e.g. \"cap reached\" or \"9 workers: just below the threshold\".",
             "用例检验的情形，如“达到上限”“9人：略低于门槛”。"),
    "version": ("The notice version the case runs on; default the latest.", "用例适用的通知版本，默认最新版本。"),
    "inputs": ("The inputs, by input id, as the reader would enter them (dates YYYY-MM-DD, amounts as text).",
               "各输入项的值，按输入项 id 填写，与用户填写的一致（日期 YYYY-MM-DD，金额写成文本）。"),
    "expect": ("The expected result.", "期望结果。"),
    "expect.eligible": ("Whether the case is eligible.", "是否符合条件。"),
    "expect.amount": ("The amount after rounding, as text (\"100000.00\"); null when not money or ineligible.",
                      "舍入后的金额，写成文本（如 \"100000.00\"）；非金钱或不符合条件时为 null。"),
    "expect.amount_kind": ("exact, up_to or at_least.", "exact、up_to 或 at_least。"),
    "expect.outcomes": ("Ids of the outcomes granted.", "给予的非金钱结果的 id。"),
}


def _split(path: str) -> list[str]:
    return path.split(".")


def help_for(path: str, table: dict = HELP):
    """(English, 中文) for a property path such as `body[].clauses[].text`, or None."""
    segments = _split(path)
    best = None
    for key, text in table.items():
        wanted = _split(key)
        if len(wanted) <= len(segments) and segments[-len(wanted):] == wanted:
            if best is None or len(wanted) > best[0]:
                best = (len(wanted), text)
    return best[1] if best else None


def describe(schema: dict, table: dict = HELP) -> dict:
    """The schema with a bilingual `description` on every property the table knows."""
    for path, sub in properties(schema):
        found = help_for(path, table)
        if found:
            sub["description"] = f"{found[0]} — {found[1]}"
    return schema


def properties(schema: dict):
    """(path, property schema) for every property of a schema, for the completeness test."""
    def walk(node, path):
        if not isinstance(node, dict):
            return
        for key in ("anyOf", "oneOf"):
            for alternative in node.get(key, ()):
                yield from walk(alternative, path)
        if "items" in node:
            yield from walk(node["items"], path + "[]")
        for name, sub in (node.get("properties") or {}).items():
            here = f"{path}.{name}" if path else name
            yield here, sub
            yield from walk(sub, here)
    yield from walk(schema, "")


def cases_schema() -> dict:
    """The JSON Schema of cases.yaml, for editors (schema/cases.schema.json)."""
    from .schema import CASE
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "cases.schema.json",
            "title": "Zhengce golden cases (cases.yaml)",
            "description": "Golden cases: inputs and the result they must give — 黄金用例：输入及其必须得到的结果。",
            "type": "array", "items": describe(CASE.json_schema(), CASES_HELP)}


if __name__ == "__main__":  # python -m sitegen.schema_help > schema/cases.schema.json
    import json
    print(json.dumps(cases_schema(), ensure_ascii=False, indent=2))
