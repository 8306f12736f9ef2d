"""Read YAML into plain data while remembering the line of every value.

PyYAML's own constructors lose positions, turn `2024-02-30` into an exception and `0.1` into a
float. We compose the node tree with a local loader class (never touching PyYAML's global one)
and build the data ourselves: numbers with a fraction become `Decimal` from their literal text,
timestamps stay strings (the schema checks them and can name the line), duplicate keys are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

Path_ = tuple  # a field path such as ("body", 0, "clauses", 2, "text", "en")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, with where it is."""

    file: str
    line: int | None
    field: str
    message_en: str
    message_zh: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message_en} / {self.message_zh}"


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Local subclass so resolvers/constructors we rely on are not shared globally.

    libyaml's parser (when PyYAML has it) is several times faster and keeps line marks.
    """


@dataclass
class Loaded:
    data: object
    lines: dict  # path tuple -> 1-based line number
    file: str

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message_en: str, message_zh: str) -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message_en, message_zh)


_TAG = "tag:yaml.org,2002:"


def _scalar(node: yaml.ScalarNode):
    tag = node.tag
    value = node.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() in ("true", "yes", "on")
    if tag == _TAG + "int":
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _TAG + "float":
        try:
            return Decimal(value.replace("_", ""))
        except InvalidOperation:
            return value
    return value  # str, timestamp (checked by the schema), anything else as text


def load_yaml(text: str, file: str) -> tuple[Loaded | None, list[Problem]]:
    """Parse `text`; return the data with its line map, or the syntax problems."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = f"{exc.problem or 'YAML syntax error'}" + (f" ({exc.context})" if exc.context else "")
        return None, [Problem(file, line, "", f"YAML syntax error: {msg}", f"YAML 语法错误：{msg}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, None, "", f"YAML error: {exc}", f"YAML 错误：{exc}")]

    lines: dict = {}
    problems: list[Problem] = []

    def build(node, path):
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(Problem(file, key_node.start_mark.line + 1, format_path(path),
                                            "keys must be plain text", "键必须是文本"))
                    continue
                key = key_node.value
                if key == "<<":
                    problems.append(Problem(file, key_node.start_mark.line + 1, format_path(path),
                                            "YAML merge keys are not allowed", "不允许使用 YAML 合并键"))
                    continue
                if key in out:
                    problems.append(Problem(file, key_node.start_mark.line + 1,
                                            format_path(path + (key,)),
                                            f"duplicate key '{key}'", f"重复的键“{key}”"))
                    continue
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return _scalar(node)

    if root is None:
        return Loaded(None, {(): 1}, file), problems
    data = build(root, ())
    return Loaded(data, lines, file), problems


def load_yaml_file(path: Path, display: str | None = None):
    return load_yaml(path.read_text(encoding="utf-8"), display or str(path))
