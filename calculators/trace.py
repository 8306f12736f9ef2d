"""The trace of a calculation: frozen steps, each with its text already filled in both
languages, and the placeholder substitution used to fill them."""

import re
from dataclasses import dataclass

# `{name}` only: a plain substitution, never str.format (which would evaluate `{x.__class__}`
# style fields). Anything that is not exactly a known name stays as written.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", re.ASCII)


def placeholders(text: str) -> list:
    return PLACEHOLDER.findall(text) if isinstance(text, str) else []


def fill(text, lookup) -> str:
    """Replace each `{name}` for which `lookup(name)` gives a string."""
    if not isinstance(text, str):
        return ""

    def replace(match):
        value = lookup(match.group(1))
        return match.group(0) if value is None else value
    return PLACEHOLDER.sub(replace, text)


@dataclass(frozen=True)
class TraceStep:
    kind: str            # require | let | tiers | lookup | cap | floor | branch | note | each | outcome
    name: str | None     # the variable set or capped, if any
    value: str | None    # its value as a string ("true"/"false" for conditions)
    text_zh: str
    text_en: str
    cite: str | None
    reached: bool | None = None  # cap/floor: whether the limit applied
    list: str | None = None      # a step run for one row of a list input: the list's id
    row: int | None = None       # … and the row (0-based)

    def to_dict(self, lang: str) -> dict:
        found = {"kind": self.kind, "name": self.name, "value": self.value,
                 "text": self.text_en if lang == "en" else self.text_zh,
                 "cite": self.cite, "reached": self.reached}
        if self.row is not None:  # only per-row steps carry these keys
            found.update(list=self.list, row=self.row)
        return found
