"""`build.py fmt`: rewrite the YAML under policies/ in one canonical style, keeping comments.

A round trip through ruamel.yaml keeps every comment and every value (a quoted '1' stays text,
0.50 stays 0.50). On top of that, a version file loses the fields at their defaults
(`sitegen.defaults.strip_defaults`, the exact inverse of what the loader fills in), and a
version's and a golden case's keys go in the schema's order. The style: block mappings and
sequences, 2-space indent with a list's dash at its key's indent, long strings never folded,
multi-line text as a literal block, quotes only where our loader needs them, a short bilingual
pair on one line as `{zh: …, en: …}` and a long one as two lines.

Formatting never changes content: `run` reads every result back with the loader and refuses to
write a file whose data would differ, so the archive's digests stay the same (tests/test_fmt.py).
"""

from __future__ import annotations

import io
import re
from unicodedata import east_asian_width
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
import yaml as pyyaml

from . import schema
from .defaults import apply_defaults, strip_defaults
from .model import thaw
from .yamlload import Problem, decode_utf8, load_yaml

VERSION_FILE = re.compile(r"v[1-9][0-9]*\.yaml")
PAIR_WIDTH = 140   # a bilingual pair this wide or narrower goes on one line, a wider one on two


class _Emitter(Emitter):
    """Text with an apostrophe goes in double quotes ("'local'"), never doubled single quotes;
    text with a "?" inside a flow mapping or list is quoted, as every YAML reader can then read it."""

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        if style == "" and self.flow_level and "?" in self.event.value:
            style = "'"  # PyYAML's pure-Python parser ends a plain scalar at "?" inside {…}
        if style == "'" and "'" in self.event.value and self.analysis.allow_double_quoted:
            return '"'
        return style


def _null(representer, _):
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


_RESOLVER = pyyaml.resolver.Resolver()


def _str(representer, data):
    """Text that our loader (YAML 1.1, like PyYAML) would read as something else when unquoted —
    `yes`, `on`, `1:20` — is quoted, although ruamel.yaml (YAML 1.2) would leave it plain."""
    node = RoundTripRepresenter.represent_str(representer, data)
    if node.style is None and _RESOLVER.resolve(pyyaml.ScalarNode, data, (True, False)) != "tag:yaml.org,2002:str":
        node.style = "'"
    return node


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Emitter = _Emitter
    yaml.representer.add_representer(type(None), _null)   # `null`, never an empty value
    yaml.representer.add_representer(str, _str)
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 1 << 30               # never fold a long line
    yaml.preserve_quotes = False       # quotes only where needed
    yaml.allow_unicode = True
    yaml.explicit_start = False
    return yaml


def format_text(text: str, *, version_file: bool, cases_file: bool = False) -> str:
    """The canonical form of one YAML file's text (raises ruamel's YAMLError on bad YAML)."""
    yaml = _yaml()
    yaml.preserve_quotes = True    # to know which text was quoted; _plain() then forgets the quotes
    data = yaml.load(text)
    yaml.preserve_quotes = False
    if data is None:
        return text
    data = _plain(data)
    if version_file and isinstance(data, dict):
        strip_defaults(data)
        _order(data, schema.NOTICE)
    if cases_file:
        _order(data, schema.List(schema.CASE))
    _block(data)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _plain(value):
    """Quoted text as plain `str` (the representer quotes it again only where needed), and an
    unquoted `yes`/`no`/`on`/`off` as the true/false our loader (YAML 1.1) reads, not ruamel's text."""
    # Assigned past ruamel's own __setitem__, which would keep the old value's quoting.
    if isinstance(value, CommentedMap):
        for key in list(value):
            ordereddict.__setitem__(value, key, _plain(value[key]))
        return value
    if isinstance(value, CommentedSeq):
        for i, item in enumerate(value):
            list.__setitem__(value, i, _plain(item))
        return value
    if isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)):
        return str(value)
    if type(value) is str and _RESOLVER.resolve(pyyaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:bool":
        return value.lower() in ("yes", "true", "on")
    return value


def _order(value, field) -> None:
    """Put the keys of every mapping the schema declares in the schema's order (comments move along)."""
    if isinstance(field, schema.Either):
        for option in field.options:
            _order(value, option)
        return
    if isinstance(field, schema.OneOf):
        for option in field.by_key.values():
            _order(value, option)
        return
    if isinstance(field, schema.List) and isinstance(value, list):
        for item in value:
            _order(item, field.item)
        return
    if isinstance(field, schema.Text) and isinstance(value, CommentedMap):
        _reorder(value, ("zh", "en"))
        return
    if isinstance(field, schema.Obj) and isinstance(value, CommentedMap):
        _reorder(value, tuple(field.fields))
        for key, sub in field.fields.items():
            if key in value:
                _order(value[key], sub)


def _reorder(mapping: CommentedMap, order: tuple) -> None:
    keys = list(mapping)
    wanted = [k for k in order if k in mapping] + [k for k in keys if k not in order]
    if keys != wanted:
        for key in wanted:
            mapping.move_to_end(key)


def _block(value) -> None:
    """Block style for structure; a bilingual pair on one line, `{zh: …, en: …}`, when its two texts
    together take at most PAIR_WIDTH columns, else as two lines `zh: …` / `en: …` (the way
    prettier and black decide: fits on a line or not); a one-line row the author wrote in flow style
    (`{interns: 4, stayed: true}`, `[attachments, cc]`) stays as written."""
    if not isinstance(value, (CommentedMap, CommentedSeq)):
        return
    if _is_pair(value):
        if sum(map(_width, value.values())) <= PAIR_WIDTH and not any("\n" in v for v in value.values()):
            value.fa.set_flow_style()
        else:
            value.fa.set_block_style()
        return
    if value.fa.flow_style() and not _has_pair(value):
        return
    value.fa.set_block_style()
    for item in (value.values() if isinstance(value, CommentedMap) else value):
        _block(item)


def _width(text: str) -> int:
    """Display columns: a CJK character takes two."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_pair(value) -> bool:
    return isinstance(value, dict) and set(value) == {"zh", "en"} and all(isinstance(v, str) for v in value.values())


def _has_pair(value) -> bool:
    if isinstance(value, dict):
        return _is_pair(value) or any(_has_pair(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_pair(v) for v in value)
    return False


def _content(text: str, name: str, version_file: bool):
    """What the loader reads from `text` (defaults applied to a version file), as JSON-ready data."""
    loaded, problems = load_yaml(text, name)
    if problems or loaded is None:
        return None, problems
    data = loaded.data
    if version_file and isinstance(data, dict):
        apply_defaults(data)
    return thaw(data), []


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def run(paths: list[Path], *, check: bool, display=str) -> tuple[list[Path], list[Problem]]:
    """Format (or with `check`, only inspect) `paths`: the files that changed or would change, and
    the files that could not be read as YAML."""
    changed, problems = [], []
    for path in paths:
        name = display(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(name, None, "", f"cannot be read: {exc.strerror}", f"无法读取：{exc.strerror}"))
            continue
        text, problem = decode_utf8(raw, name)
        if problem:
            problems.append(problem)
            continue
        version_file = bool(VERSION_FILE.fullmatch(path.name))
        before, errors = _content(text, name, version_file)
        if errors:  # anchors, duplicate keys, bad YAML: validate explains; fmt leaves the file alone
            problems += errors
            continue
        try:
            formatted = format_text(text, version_file=version_file, cases_file=path.name == "cases.yaml")
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(name, mark.line + 1 if mark else None, "",
                                    f"not formatted, the YAML does not parse: {getattr(exc, 'problem', None) or exc}",
                                    f"未格式化：YAML 无法解析：{getattr(exc, 'problem', None) or exc}"))
            continue
        if formatted != text and _content(formatted, name, version_file)[0] != before:
            problems.append(Problem(name, None, "", "not formatted: the canonical form would read differently "
                                    "(please report this as a bug of fmt)",
                                    "未格式化：规范格式读出的内容会不同（请作为 fmt 的缺陷报告）"))
            continue
        if formatted != text:
            changed.append(path)
            if not check:
                path.write_text(formatted, encoding="utf-8")
    return changed, problems
