"""Read YAML into plain data while remembering the line of every value.

PyYAML's own constructors lose positions, turn `2024-02-30` into an exception and `0.1` into a
float. We compose the node tree with a local loader class (never touching PyYAML's global one)
and build the data ourselves: numbers with a fraction become `Decimal` from their literal text,
timestamps stay strings (the schema checks them and can name the line), duplicate keys are errors.

Files are written by people and may be hostile, so before composing anything we scan the parser's
events once: anchors and aliases are refused (the format needs none, and aliases are how "billion
laughs" bombs and recursive structures are built), nesting deeper than MAX_DEPTH and files larger
than MAX_BYTES stop the scan with file:line. Composing and our recursive builder only ever see
shallow, alias-free trees, so neither libyaml's C stack nor Python's recursion limit is reachable.
"""

from __future__ import annotations

import sys
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

MAX_BYTES = 4 * 1024 * 1024  # the largest notice today is about 90 KB
MAX_DEPTH = 64  # the deepest notice today nests 18 levels
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _prescan(text: str, file: str) -> list[Problem]:
    """Refuse anchors, aliases and deep nesting before anything is composed."""
    problems: list[Problem] = []
    depth = 0
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(
                    file, line, "", f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",
                    f"不允许使用 YAML 别名（*{event.anchor}）：请完整写出该值"))
            elif getattr(event, "anchor", None):
                problems.append(Problem(
                    file, line, "", f"YAML anchors (&{event.anchor}) are not allowed: write each value out in full",
                    f"不允许使用 YAML 锚点（&{event.anchor}）：请在每处完整写出该值"))
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    problems.append(Problem(
                        file, line, "", f"nested more than {MAX_DEPTH} levels deep",
                        f"嵌套超过 {MAX_DEPTH} 层"))
                    break  # scanning on would only repeat this (and can take long)
            elif isinstance(event, _CLOSE):
                depth -= 1
            if len(problems) >= 20:
                break
    finally:
        loader.dispose()
    return problems


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
    if len(text) > MAX_BYTES:  # characters, at least as strict as bytes would be for CJK text
        return None, [Problem(file, None, "", f"file larger than {MAX_BYTES // (1024 * 1024)} MB",
                              f"文件超过 {MAX_BYTES // (1024 * 1024)} MB")]
    try:
        problems = _prescan(text, file)
        if problems:
            return None, problems
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
                key = sys.intern(key_node.value)   # the same few dozen keys in every file: one copy each
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
    display = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, None, "", f"cannot be read: {exc.strerror}", f"无法读取：{exc.strerror}")]
    text, problem = decode_utf8(raw, display)
    if problem:
        return None, [problem]
    return load_yaml(text, display)


def decode_utf8(raw: bytes, file: str) -> tuple[str | None, Problem | None]:
    """The text of a UTF-8 file (a BOM is dropped), or a Problem naming the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start:exc.start + 1].hex().upper()
        hint_en = hint_zh = ""
        try:
            raw.decode("gb18030")
            hint_en, hint_zh = " (it looks like GB18030/GBK)", "（看起来是 GB18030/GBK 编码）"
        except UnicodeDecodeError:
            pass
        return None, Problem(file, line, "",
                             f"not valid UTF-8{hint_en}: byte 0x{byte} at offset {exc.start}; save the file as UTF-8",
                             f"不是有效的 UTF-8 编码{hint_zh}：偏移 {exc.start} 处的字节 0x{byte}；请以 UTF-8 保存")
