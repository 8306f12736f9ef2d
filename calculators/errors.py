"""Error types of the rule engine.

Every error carries structured fields (who, where, which code) and a message in both languages,
so the CLI, the loader and the browser can show it without parsing strings.
"""

from dataclasses import dataclass


class CalculatorError(Exception):
    """Base class of everything the engine raises on purpose."""


class InputError(CalculatorError):
    """A missing or unusable input value; `input_id` names the input the user must fix.

    For a list input, `row` (0-based) and `column` name the cell when the problem is in one;
    they appear in `to_dict()` only then, so the error of an ordinary input keeps its shape.
    """

    def __init__(self, input_id: str, code: str, message_zh: str, message_en: str, *,
                 row: int | None = None, column: str | None = None):
        super().__init__(f"{input_id}: {message_en}")
        self.input_id = input_id
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.row = row
        self.column = column

    def to_dict(self) -> dict:
        found = {"code": self.code, "input_id": self.input_id,
                 "message_zh": self.message_zh, "message_en": self.message_en}
        if self.row is not None or self.column is not None:
            found.update(row=self.row, column=self.column)
        return found


class SpecError(CalculatorError):
    """The measure spec itself is wrong (check_measure would have reported it)."""

    def __init__(self, path: tuple, message_zh: str, message_en: str):
        where = ".".join(str(p) for p in path) or "<measure>"
        super().__init__(f"{where}: {message_en}")
        self.path = tuple(path)
        self.message_zh = message_zh
        self.message_en = message_en


# code -> (zh, en); {detail} is filled in by the raiser when it knows more.
_EXPRESSION_MESSAGES = {
    "syntax": ("表达式语法错误", "syntax error"),
    "too_long": ("表达式过长", "expression too long"),
    "too_deep": ("表达式嵌套过深", "expression nested too deeply"),
    "not_allowed": ("不允许的语法：{detail}", "syntax not allowed: {detail}"),
    "bad_number": ("数字写法不允许：{detail}", "number literal not allowed: {detail}"),
    "bad_name": ("名称不允许：{detail}", "name not allowed: {detail}"),
    "unknown_name": ("未定义的名称：{detail}", "undefined name: {detail}"),
    "unknown_function": ("不允许调用：{detail}", "call not allowed: {detail}"),
    "bad_arguments": ("函数参数错误：{detail}", "wrong arguments: {detail}"),
    "bad_date": ("日期无效：{detail}", "invalid date: {detail}"),
    "type": ("类型不匹配：{detail}", "type mismatch: {detail}"),
    "division_by_zero": ("除数为0", "division by zero"),
    "overflow": ("数值超出可计算范围", "number out of range"),
    "empty": ("列表没有任何行：{detail}", "the list has no rows: {detail}"),
    "no_calendar": ("节假日安排未收录该年份：{detail}", "no public-holiday schedule for the year {detail}"),
}


class ExpressionError(CalculatorError):
    """An expression that is rejected (at parse or type check) or fails at run time.

    `col` is the 1-based character column in `expr`; `names` are the names involved (for a
    division by zero: the names in the divisor), used to blame an input; `cell` is
    (list name, 0-based row) when the failure happened inside one row of a list aggregate.
    """

    def __init__(self, code: str, expr: str, col: int, *, detail: str = "",
                 names: tuple = ()):
        zh, en = _EXPRESSION_MESSAGES[code]
        self.code = code
        self.expr = expr
        self.col = col
        self.names = tuple(names)
        self.cell = None
        self.message_zh = f"{zh.format(detail=detail)}（第{col}列）：{expr}"
        self.message_en = f"{en.format(detail=detail)} at column {col}: {expr}"
        super().__init__(self.message_en)


@dataclass(frozen=True)
class SpecProblem:
    """One problem found by check_measure; `path` is relative to the measure."""

    path: tuple
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.path) + ": " + self.message_en


class RuleError(SpecError):
    """A measure's rules failed while calculating (a division by a computed zero, an overflow
    no input can be blamed for): the measure and the step are named, in both languages."""

    def __init__(self, measure, path: tuple, step_zh: str, step_en: str, cause_zh: str,
                 cause_en: str):
        self.measure = measure
        message_zh = (f"第{measure}项措施无法计算：{step_zh}出错：{cause_zh}。"
                      "这是该措施计算规则的问题，不是您的输入有误，请向发布方反映。")
        message_en = (f"Measure {measure} cannot be calculated: {step_en} failed: {cause_en}. "
                      "This is a fault in the measure's rules, not in your input; "
                      "please report it to the publisher.")
        super().__init__(path, message_zh, message_en)

    def to_dict(self) -> dict:
        return {"code": "rule", "input_id": None, "measure": self.measure,
                "step": ".".join(str(p) for p in self.path),
                "message_zh": self.message_zh, "message_en": self.message_en}
