"""List inputs (format.md, "List inputs"): a table input whose rows have typed columns.

A list value is a tuple of `Row`s (a dict of checked cell values that remembers its position in
the input), so the expression language can range over it (`sum(origins, workers * rate)`) and the
`each` step can run rules per row. A cell error names the list, the row and the column.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from .errors import InputError
from .expr import ListType
from .inputs import VALUE_TYPES, format_value, is_bilingual, read_input_spec

COLUMN_TYPES = ("choice", "count", "money", "date", "bool", "percent", "number")
LIST_ONLY_KEYS = ("row_label", "min_rows", "max_rows", "columns")
LIST_KEYS = ("id", "type", "label", "help", "specific") + LIST_ONLY_KEYS  # specific: the finder
DEFAULT_MIN_ROWS = 1
DEFAULT_MAX_ROWS = 500   # a bound on the work one calculation does; a list may set fewer

_MESSAGES = {  # code -> (zh, en); {label} is the list's label, {row} 1-based
    "missing": ("请填写「{label}」（至少{limit}行）", 'Please fill in "{label}" (at least {limit} row(s))'),
    "not_a_list": ("「{label}」须为若干行（JSON 列表，每行一个对象）",
                   '"{label}" must be a list of rows (a JSON list of objects)'),
    "bad_json": ("「{label}」不是有效的 JSON（第{detail}个字符处）",
                 '"{label}" is not valid JSON (at character {detail})'),
    "too_few_rows": ("「{label}」至少需要{limit}行", '"{label}" needs at least {limit} row(s)'),
    "too_many_rows": ("「{label}」最多{limit}行", '"{label}" takes at most {limit} rows'),
    "bad_row": ("「{label}」第{row}行须为各列的值（JSON 对象）",
                '"{label}", row {row}: must be an object of column values'),
    "unknown_column": ("「{label}」第{row}行：没有名为“{column}”的列",
                       '"{label}", row {row}: there is no column "{column}"'),
    "division_by_zero": ("「{label}」中的数值使计算除以0", '"{label}" makes the calculation divide by 0'),
    "overflow": ("「{label}」数值过大，无法计算", '"{label}" is too large to calculate with'),
    "empty": ("「{label}」没有可计算的行", '"{label}" has no row to calculate with'),
}
_CODES = {"bad_json": "not_a_list", "overflow": "too_large", "empty": "too_few_rows"}


class Row(dict):
    """One row of a list value: cell (and per-row) values by name, and its 0-based `index`."""

    __slots__ = ("index",)

    def __init__(self, index: int, values):
        super().__init__(values)
        self.index = index


@dataclass(frozen=True)
class ListSpec:
    id: str
    label_zh: str
    label_en: str
    columns: tuple          # InputSpec of each column, in order
    min_rows: int = DEFAULT_MIN_ROWS
    max_rows: int = DEFAULT_MAX_ROWS
    type: str = "list"
    when: None = None       # a list is always asked (inputs.is_asked)

    def column(self, column_id: str):
        return next((c for c in self.columns if c.id == column_id), None)

    def static_type(self) -> ListType:
        return ListType({c.id: VALUE_TYPES[c.type] for c in self.columns})

    def error(self, key: str, row: int | None = None, column: str | None = None,
              **fields) -> InputError:
        """An error on the list as a whole (row None) or on one row (0-based `row`)."""
        zh, en = _MESSAGES[key]
        values = {"row": "" if row is None else row + 1, "column": column or "", "limit": "",
                  "detail": "", **fields}
        return InputError(self.id, _CODES.get(key, key),
                          zh.format(**{**values, "label": self.label_zh}),
                          en.format(**{**values, "label": self.label_en}), row=row, column=column)

    def cell_error(self, row: int, column, error: InputError) -> InputError:
        """`error` of `column` (an InputSpec) as the error of that cell in row `row` (0-based)."""
        return InputError(self.id, error.code,
                          f"「{self.label_zh}」第{row + 1}行：{error.message_zh}",
                          f'"{self.label_en}", row {row + 1}: {error.message_en}',
                          row=row, column=column.id)

    def parse(self, raw) -> tuple:
        """Checked rows from a list of dicts or its JSON text; the first problem raises."""
        if isinstance(raw, str):
            if not raw.strip():
                raw = None
            else:
                try:  # exact numbers: a JSON 1.5 becomes Decimal('1.5'), never a float
                    raw = json.loads(raw, parse_float=Decimal)
                except (ValueError, RecursionError) as error:  # JSONDecodeError: pos is 0-based
                    raise self.error("bad_json", detail=getattr(error, "pos", 0) + 1) from None
        if raw is None:
            raise self.error("missing", limit=self.min_rows)
        if not isinstance(raw, (list, tuple)):
            raise self.error("not_a_list")
        if len(raw) < self.min_rows:
            raise self.error("too_few_rows", limit=self.min_rows)
        if len(raw) > self.max_rows:
            raise self.error("too_many_rows", limit=self.max_rows)
        return tuple(self._row(i, cells) for i, cells in enumerate(raw))

    def _row(self, index: int, cells) -> Row:
        if not isinstance(cells, dict):
            raise self.error("bad_row", row=index)
        for key in cells:
            if self.column(str(key)) is None:
                raise self.error("unknown_column", row=index, column=str(key))
        values = {}
        for column in self.columns:
            try:
                values[column.id] = column.parse(cells.get(column.id))
            except InputError as error:
                raise self.cell_error(index, column, error) from None
        return Row(index, values)

    def format(self, rows) -> list:
        """The normalised echo of a list value: one dict of cell strings per row."""
        return [{c.id: format_value(row[c.id]) for c in self.columns} for row in rows]


def read_declaration(data) -> tuple:
    """(InputSpec or ListSpec or None, problems) for any input declaration."""
    if not (isinstance(data, dict) and data.get("type") == "list"):
        spec, problems = read_input_spec(data)
        extra = [key for key in LIST_ONLY_KEYS if isinstance(data, dict) and key in data]
        return spec, problems + [((key,), f"只有列表输入（type: list）可以有 {key}",
                                  f"only list inputs (type: list) take {key}") for key in extra]
    problems = []
    for key in data:
        if key not in LIST_KEYS:
            problems.append(((key,), f"未知的键：{key}（列表输入可用：{', '.join(LIST_KEYS)}）",
                             f"unknown key {key!r} (a list input takes {', '.join(LIST_KEYS)})"))
    # The list's own id and label are checked like any input's: read it as a bool input.
    own, found = read_input_spec({"id": data.get("id"), "type": "bool", "label": data.get("label")})
    problems += found
    for key in ("help", "row_label"):
        if data.get(key) is not None and not is_bilingual(data.get(key)):
            problems.append(((key,), f"{key} 须为 {{zh, en}}", f"{key} must be {{zh, en}}"))
    low, high = _rows_bound(data, "min_rows", DEFAULT_MIN_ROWS, problems), \
        _rows_bound(data, "max_rows", DEFAULT_MAX_ROWS, problems)
    if low > high:
        problems.append((("min_rows",), "min_rows 大于 max_rows", "min_rows is greater than max_rows"))
    columns = _read_columns(data.get("columns"), problems)
    return ListSpec(own.id, own.label_zh, own.label_en, columns, low, high), problems


def _rows_bound(data: dict, key: str, default: int, problems: list) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= DEFAULT_MAX_ROWS:
        problems.append(((key,), f"{key} 须为 0–{DEFAULT_MAX_ROWS} 的整数",
                         f"{key} must be a whole number 0–{DEFAULT_MAX_ROWS}"))
        return default
    return value


def _read_columns(raw, problems: list) -> tuple:
    if not isinstance(raw, list) or not raw:
        problems.append((("columns",), "列表输入须列出 columns", "a list input needs a non-empty columns list"))
        return ()
    columns, seen = [], set()
    for i, data in enumerate(raw):
        here = ("columns", i)
        if isinstance(data, dict) and data.get("type") not in COLUMN_TYPES:
            problems.append((here + ("type",), f"列的类型须为 {'/'.join(COLUMN_TYPES)}",
                             f"a column's type is one of {', '.join(COLUMN_TYPES)}"))
            continue
        spec, found = read_input_spec(data)
        problems += [(here + sub, zh, en) for sub, zh, en in found]
        if spec is None:
            continue
        if spec.id in seen:
            problems.append((here + ("id",), f"列 id 重复：{spec.id}", f"duplicate column id {spec.id!r}"))
            continue
        seen.add(spec.id)
        columns.append(spec)
    return tuple(columns)


def static_type(spec):
    """The type of an input in expressions: "number", "date", "bool", "str" or a ListType."""
    return spec.static_type() if isinstance(spec, ListSpec) else VALUE_TYPES[spec.type]
