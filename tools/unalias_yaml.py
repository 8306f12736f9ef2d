"""Write every YAML alias out in full, in place, changing nothing else (comments kept).

    .venv/bin/python tools/unalias_yaml.py policies/*/v*.yaml policies/*/cases.yaml

The loader refuses anchors and aliases (sitegen/yamlload.py). Files written by `yaml.dump` carry
`&id001`/`*id001` wherever a value repeats; this drops each anchor and replaces each alias by the
anchored text, re-indented, then checks that the file loads to exactly the same data as before.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

NAME = re.compile(r"[&*][A-Za-z0-9_-]+")


class _Recorder(yaml.SafeLoader):
    """Remembers every anchored node (PyYAML forgets them after each document)."""

    def compose_node(self, parent, index):
        node = super().compose_node(parent, index)
        for name, anchored in self.anchors.items():
            self.seen.setdefault(name, anchored)
        return node


def _end(node) -> int:
    """Where a node's own text ends (a block collection ends with its last child)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(node.value[-1])
    return node.end_mark.index


def _indent(src: str, index: int) -> int:
    line = src[src.rfind("\n", 0, index) + 1:]
    return len(line) - len(line.lstrip(" "))


def _one_pass(src: str) -> tuple[str, bool]:
    """Expand the aliases whose anchored text holds no anchor or alias itself; drop anchors
    once nothing refers to them. Returns the new text and whether anything is left to do."""
    loader = _Recorder(src)
    loader.seen = {}
    loader.get_single_node()
    events = list(yaml.parse(src, Loader=yaml.SafeLoader))
    anchors = {}
    for ev in events:
        if getattr(ev, "anchor", None) and not isinstance(ev, yaml.AliasEvent):
            at = src.index("&" + ev.anchor, ev.start_mark.index)
            body_start = at + 1 + len(ev.anchor)
            while src[body_start] == " ":
                body_start += 1
            anchors[ev.anchor] = (at, src[body_start:_end(loader.seen[ev.anchor])], _indent(src, at))
    edits = []
    for ev in events:
        if isinstance(ev, yaml.AliasEvent):
            at, end = ev.start_mark.index, ev.start_mark.index + 1 + len(ev.anchor)
            _, body, indent = anchors[ev.anchor]
            if NAME.search(body):
                continue  # nested: a later pass
            shift = _indent(src, at) - indent
            lines = body.split("\n")
            text = "\n".join([lines[0]] + [" " * shift + ln if shift >= 0 else ln[-shift:] for ln in lines[1:]])
            if text.startswith("\n"):
                while src[at - 1] == " ":
                    at -= 1
            edits.append((at, end, text))
    if not edits:
        for name, (at, _, _) in sorted(anchors.items(), key=lambda kv: -kv[1][0]):
            end = at + 1 + len(name)
            while src[end:end + 1] == " ":
                end += 1
            if src[end:end + 1] == "\n":
                while src[at - 1] == " ":
                    at -= 1
            src = src[:at] + src[end:]
        return src, False
    for at, end, text in sorted(edits, reverse=True):
        src = src[:at] + text + src[end:]
    return src, True


def unalias(src: str) -> str:
    more = True
    while more:
        src, more = _one_pass(src)
    # "-" alone on a line above its mapping: the usual "- key:" form
    return re.sub(r"(?m)^( *)-\n\1  (\S)", r"\1- \2", src)


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = unalias(old)
        if yaml.safe_load(old) != yaml.safe_load(new):
            print(f"{path}: the data would change; left as it was", file=sys.stderr)
            return 1
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"{path}: aliases written out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
