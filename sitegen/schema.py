"""The notice format, declared once.

Each field type checks a value and returns messages; the object loop attaches the key, so every
problem carries its full path (mkdocs-style), and the same declarations produce the published
JSON Schema (`python build.py schema`). Problems are collected, never raised one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

# A checker yields (relative_path, message_en, message_zh).


class Field:
    description = ""

    def __init__(self, *, required: bool = True, nullable: bool = False, description: str = ""):
        self.required = required
        self.nullable = nullable
        self.description = description or self.description

    def check(self, value, path):
        if value is None:
            if not self.nullable:
                yield path, "must not be empty", "不能为空"
            return
        yield from self._check(value, path)

    def _check(self, value, path):  # pragma: no cover - overridden
        return iter(())

    def json_schema(self) -> dict:
        schema = self._json()
        if self.description:
            schema["description"] = self.description
        if self.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        return schema

    def _json(self) -> dict:
        return {}


class Str(Field):
    def __init__(self, *, pattern: str | None = None, **kw):
        super().__init__(**kw)
        self.pattern = pattern

    def _check(self, value, path):
        if not isinstance(value, str):
            yield path, f"must be text, not {_kind(value)}", f"必须是文本，而不是{_kind_zh(value)}"
        elif not value.strip():
            yield path, "must not be empty", "不能为空"
        elif self.pattern and not re.fullmatch(self.pattern, value):
            yield path, f"'{value}' does not match {self.pattern}", f"“{value}”不符合格式 {self.pattern}"

    def _json(self):
        s = {"type": "string", "minLength": 1}
        if self.pattern:
            s["pattern"] = f"^(?:{self.pattern})$"
        return s


class Id(Str):
    def __init__(self, **kw):
        super().__init__(pattern=r"[a-z0-9][a-z0-9-]*", **kw)

    def _check(self, value, path):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        yield from super()._check(value, path)

    def _json(self):
        return {"anyOf": [super()._json(), {"type": "integer", "minimum": 0}]}


class Int(Field):
    def __init__(self, *, minimum: int | None = None, **kw):
        super().__init__(**kw)
        self.minimum = minimum

    def _check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            yield path, f"must be a whole number, not {_kind(value)}", f"必须是整数，而不是{_kind_zh(value)}"
        elif self.minimum is not None and value < self.minimum:
            yield path, f"must be at least {self.minimum}", f"不能小于 {self.minimum}"

    def _json(self):
        s = {"type": "integer"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        return s


class Bool(Field):
    def _check(self, value, path):
        if not isinstance(value, bool):
            yield path, f"must be true or false, not {_kind(value)}", f"必须是 true 或 false，而不是{_kind_zh(value)}"

    def _json(self):
        return {"type": "boolean"}


class Number(Field):
    """A number written as a YAML number or a string; read exactly as Decimal."""

    def _check(self, value, path):
        if isinstance(value, bool):
            yield path, "must be a number", "必须是数字"
            return
        try:
            Decimal(str(value))
        except Exception:
            yield path, f"'{value}' is not a number", f"“{value}”不是数字"

    def _json(self):
        return {"type": ["number", "string"], "pattern": r"^-?\d+(\.\d+)?$"}


class Date(Field):
    def _check(self, value, path):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            yield path, f"'{value}' is not a date (YYYY-MM-DD, e.g. 2024-01-29)", f"“{value}”不是日期（格式 YYYY-MM-DD，如 2024-01-29）"
            return
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            yield path, f"'{value}' is an impossible date", f"“{value}”是不存在的日期"

    def _json(self):
        return {"type": "string", "format": "date"}


class Enum(Field):
    def __init__(self, *choices, **kw):
        super().__init__(**kw)
        self.choices = choices

    def _check(self, value, path):
        if value not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            yield path, f"'{value}' is not one of: {allowed}", f"“{value}”不在可选值之中：{allowed}"

    def _json(self):
        return {"enum": list(self.choices)}


class Any(Field):
    """Checked elsewhere (expressions and rule steps: by the engine's check_measure)."""

    def _check(self, value, path):
        return iter(())


class Either(Field):
    """One of several field types (e.g. a clause number printed the same in both languages, or per language)."""

    def __init__(self, *options: Field, **kw):
        super().__init__(**kw)
        self.options = options

    def _check(self, value, path):
        results = [list(opt.check(value, path)) for opt in self.options]
        if any(not r for r in results):
            return
        yield from min(results, key=len)

    def _json(self):
        return {"anyOf": [opt.json_schema() for opt in self.options]}


class Text(Field):
    """Bilingual text {zh, en}; both required."""

    def __init__(self, *, en_required: bool = True, **kw):
        super().__init__(**kw)
        self.en_required = en_required

    def _check(self, value, path):
        if not isinstance(value, dict):
            yield path, "must be a mapping {zh: …, en: …}", "必须是 {zh: …, en: …} 形式的双语文本"
            return
        for key in value:
            if key not in ("zh", "en"):
                yield path + (key,), f"unknown key '{key}' (only zh, en)", f"未知的键“{key}”（只允许 zh、en）"
        for lang, name_en, name_zh in (("zh", "Chinese", "中文"), ("en", "English", "英文")):
            text = value.get(lang)
            if text is None or (isinstance(text, str) and not text.strip()):
                yield path + (lang,), f"missing {name_en} text", f"缺少{name_zh}文本"
            elif not isinstance(text, str):
                yield path + (lang,), f"must be text, not {_kind(text)}", f"必须是文本，而不是{_kind_zh(text)}"

    def _json(self):
        return {"type": "object", "additionalProperties": False, "required": ["zh", "en"],
                "properties": {"zh": {"type": "string", "minLength": 1},
                               "en": {"type": "string", "minLength": 1}}}


class List(Field):
    def __init__(self, item: Field, **kw):
        super().__init__(**kw)
        self.item = item

    def _check(self, value, path):
        if not isinstance(value, list):
            yield path, f"must be a list, not {_kind(value)}", f"必须是列表，而不是{_kind_zh(value)}"
            return
        for i, item in enumerate(value):
            yield from self.item.check(item, path + (i,))

    def _json(self):
        return {"type": "array", "items": self.item.json_schema()}


class Obj(Field):
    def __init__(self, fields: dict[str, Field], **kw):
        super().__init__(**kw)
        self.fields = fields

    def _check(self, value, path):
        if not isinstance(value, dict):
            yield path, f"must be a mapping, not {_kind(value)}", f"必须是映射（键值对），而不是{_kind_zh(value)}"
            return
        for key in value:
            if key not in self.fields:
                allowed = ", ".join(self.fields)
                yield path + (key,), f"unknown key '{key}' (allowed: {allowed})", f"未知的键“{key}”（可用：{allowed}）"
        for key, field in self.fields.items():
            if key not in value:
                if field.required:
                    yield path + (key,), "is required", "为必填项"
                continue
            yield from field.check(value[key], path + (key,))

    def _json(self):
        return {"type": "object", "additionalProperties": False,
                "required": [k for k, f in self.fields.items() if f.required],
                "properties": {k: f.json_schema() for k, f in self.fields.items()}}


class OneOf(Field):
    """Exactly one of several object shapes, chosen by which key is present (explicit, not guessed)."""

    def __init__(self, by_key: dict[str, Field], **kw):
        super().__init__(**kw)
        self.by_key = by_key

    def _check(self, value, path):
        if not isinstance(value, dict):
            yield path, "must be a mapping", "必须是映射"
            return
        present = [k for k in self.by_key if k in value]
        if len(present) != 1:
            keys = " / ".join(self.by_key)
            yield path, f"must have exactly one of: {keys}", f"必须且只能有以下之一：{keys}"
            return
        yield from self.by_key[present[0]].check(value, path)

    def _json(self):
        return {"oneOf": [f.json_schema() for f in self.by_key.values()]}


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", Decimal: "a number"}.get(type(value), type(value).__name__)


def _kind_zh(value) -> str:
    return {dict: "映射", list: "列表", str: "文本", bool: "布尔值",
            int: "数字", Decimal: "数字"}.get(type(value), type(value).__name__)


# ---- the notice format -------------------------------------------------------------------------

def _opt(field: Field) -> Field:
    field.required = False
    return field


UNIT = Obj({"name": Text(), "lead": _opt(Bool())})

def _input(types: tuple, **extra: Field) -> Obj:
    return Obj({
        "id": Str(pattern=r"[a-z][a-z0-9_]*", description="a name usable in expressions"),
        "type": Enum(*types),
        "label": Text(),
        "help": _opt(Text(nullable=True)),
        "unit": _opt(Text(nullable=True)),
        "min": _opt(Any(nullable=True)),
        "max": _opt(Any(nullable=True)),
        "choices": _opt(List(Obj({"value": Str(), "label": Text()}))),
        "default": _opt(Any(nullable=True)),
        **extra,
    })


# A list input's columns are ordinary inputs of these types (calculators.lists.COLUMN_TYPES).
COLUMN = _input(("choice", "count", "money", "date", "bool", "percent", "number"))

# An input: one value, or (type list) a table of rows with typed columns. Which keys go with
# which type is checked by the engine's check_measure, with the path.
INPUT = _input(
    ("count", "money", "percent", "number", "energy", "date", "bool", "choice", "list"),
    when=_opt(Str(description="asked only when this condition on earlier inputs holds")),
    fact=_opt(Any(description="the finder's fact this input reads: an id, {id, period} or {expr}")),
    specific=_opt(Bool(description="asked only by this measure (no fact in policies/facts.yaml)")),
    row_label=_opt(Text(nullable=True, description="list: what one row is (e.g. 来源地 / place of origin)")),
    min_rows=_opt(Int(minimum=0, description="list: fewest rows (default 1)")),
    max_rows=_opt(Int(minimum=0, description="list: most rows (default 500)")),
    columns=_opt(List(COLUMN, description="list: the columns of each row")),
)

READING = Obj({"quote": Str(), "quote_en": _opt(Str(nullable=True, description="the quoted words in English (a gloss)")),
               "text": Text()})

MEASURE = Obj({
    "id": Id(),
    "title": Text(),
    "beneficiary": Enum("enterprise", "worker", "agency", "individual"),
    "calculator": Bool(),
    "reason": _opt(Text(nullable=True)),
    "currency": _opt(Str(nullable=True)),
    "rounding": _opt(Obj({"places": Int(minimum=0), "mode": Enum("half_up", "down", "half_even")})),
    "amount_kind": _opt(Enum("exact", "up_to", "at_least", nullable=True)),
    "amount_kind_at_cap": _opt(Enum("exact", "up_to", "at_least", nullable=True,
                                    description="the kind once the last cap on the amount is reached")),
    "readings": _opt(List(READING)),
    "application": _opt(Obj({"from": _opt(Date(nullable=True)), "to": _opt(Date(nullable=True)),
                             "text": Text()}, nullable=True)),
    "qualifying": _opt(Obj({"from": _opt(Date(nullable=True)), "to": _opt(Date(nullable=True)),
                            "text": Text()}, nullable=True,
                           description="the period the measure covers, as the notice words it (e.g. 2024年2月9日—2月24日期间)")),
    "inputs": _opt(List(INPUT)),
    "rules": _opt(List(Any())),           # step shapes: calculators.check_measure
    "amount": _opt(Str(nullable=True)),
    "outcomes": _opt(List(Any())),
})

CLAUSE = Obj({
    "id": Id(),
    "number": _opt(Either(Str(), Text(), nullable=True,
                          description="as printed: one string, or {zh, en} when the languages differ")),
    "text": Text(),
    "units": _opt(List(UNIT)),
    "units_text": _opt(Text(nullable=True, description="the responsible-units line exactly as printed")),
    "measures": _opt(List(MEASURE)),
    "no_measure": _opt(Text(nullable=True)),
})

SECTION = Obj({
    "id": Id(),
    "number": _opt(Text(nullable=True)),
    "heading": _opt(Text(nullable=True)),
    "paragraphs": _opt(List(Text())),
    "clauses": _opt(List(CLAUSE)),
})

ATTACHMENT = Obj({
    "id": Id(),
    "label": _opt(Text(nullable=True)),
    "title": Text(),
    "body": _opt(List(SECTION)),
    "paragraphs": _opt(List(Text())),
    "notice": _opt(Id(nullable=True)),
})

ANNOTATION = Obj({
    "id": Id(),
    "kind": Enum("repair", "source_error", "missing", "reading", "note"),
    "target": _opt(Id(nullable=True)),
    "seed": _opt(Str(nullable=True)),
    "fixed": _opt(Any(nullable=True)),
    "count": _opt(Int(minimum=1)),
    "text": Text(),
})

ERRATUM = Obj({
    "date": Date(description="the day the correction was made"),
    "target": _opt(Id(nullable=True, description="the clause, section or attachment corrected (none: the notice)")),
    "field": Str(description="what was corrected, e.g. text, title, preamble[0], readings[1].text"),
    "before": Str(description="the English as published"),
    "after": Str(description="the English as corrected"),
    "text": Text(description="why, in both languages"),
})

RELATION = Obj({
    "id": Id(),
    "kind": Enum("exclusive", "joint_cap"),
    "resolve": _opt(Enum("highest")),
    "max": _opt(Any(description="joint_cap: the most the members give together (a number)")),
    "measures": Any(),
    "cite": Id(),
    "text": Text(),
})

PRINT_ELEMENTS = ("portal_meta", "masthead", "doc_number", "title", "addressees", "preamble", "body",
                  "closing", "signatories", "date", "notes", "attachments", "cc", "printed")

NOTICE = Obj({
    "id": Id(description="Notice id, equal to its folder name"),
    "version": Int(minimum=1, description="Version number, equal to the file name vN.yaml"),
    "stage": Enum("draft", "final", description="draft = 征求意见稿"),
    "title": Text(),
    "short_title": _opt(Text(nullable=True)),
    "doc_number": Str(nullable=True, description="发文字号"),
    "doc_number_en": _opt(Str(nullable=True, description="发文字号 romanised, e.g. Sheng Ren She Fa [2024] No. 5")),
    "index_no": _opt(Str(nullable=True, description="索引号")),
    "category": _opt(Text(nullable=True, description="分类")),
    "masthead": _opt(Text(nullable=True, description="版头")),
    "issuers": List(Text(), description="发文机关"),
    "addressees": List(Text(), description="主送机关"),
    "region": Obj({"code": Str(pattern=r"\d{6}", nullable=True), "name": Text()}),
    "dates": Obj({k: _opt(Date(nullable=True)) for k in
                  ("written", "published", "printed", "valid_from", "valid_to")}),
    "provenance": Obj({"source": Str(), "sha256": Str(pattern=r"[0-9a-f]{64}"),
                       "note": _opt(Text(nullable=True))}),
    "print_order": _opt(List(Enum(*PRINT_ELEMENTS))),
    "preamble": _opt(List(Text())),
    "body": List(SECTION),
    "closing": _opt(List(Text())),
    "signatories": _opt(List(Text())),
    "signatories_text": _opt(Text(nullable=True, description="the signature block exactly as printed, when it is not one name per line")),
    "notes": _opt(List(Text(), description="附注, printed after the date")),
    "signed_date": _opt(Date(nullable=True)),
    "attachments": _opt(List(ATTACHMENT)),
    "cc": _opt(List(Text())),
    "cc_text": _opt(Text(nullable=True, description="the 抄送 line exactly as printed")),
    "printed_by": _opt(Text(nullable=True)),
    "relations": _opt(List(RELATION)),
    "annotations": _opt(List(ANNOTATION)),
    "errata": _opt(List(ERRATUM, description="corrections of the English after publication (never of the Chinese)")),
    "relates": _opt(List(Obj({"kind": Enum("supersedes", "amends", "extends", "repeals"),
                              "notice": Id(), "version": _opt(Int(minimum=1)),
                              "date": _opt(Date(nullable=True)), "text": _opt(Text(nullable=True))}))),
})

CASE = Obj({
    "measure": Id(),
    "name": Str(),
    "version": _opt(Int(minimum=1)),
    "inputs": Any(),
    "expect": Obj({
        "eligible": Bool(),
        "amount": _opt(Any(nullable=True)),
        "amount_kind": _opt(Enum("exact", "up_to", "at_least", nullable=True)),
        "outcomes": _opt(List(Str())),
    }),
})


def json_schema() -> dict:
    from .schema_help import describe  # help text for editors, kept apart from the declarations
    schema = describe(NOTICE.json_schema())
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "notice.schema.json",
            "title": "Zhengce policy notice (one version)", **schema}
