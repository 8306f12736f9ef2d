"""The validated model: immutable records built from checked YAML data.

A `Record` is a read-only mapping with attribute access, so Python code and Jinja templates both
write `version.title.zh`; optional keys that are absent read as None. Dates become `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATE_KEYS = {"written", "published", "printed", "valid_from", "valid_to", "signed_date"}


class Record(dict):
    """Read-only dict with attribute access (mutation raises)."""

    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.get(name)

    def _readonly(self, *a, **k):
        raise TypeError("records are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly
    __setattr__ = _readonly

    def __hash__(self):  # identity: records are used as dict keys by renderers
        return id(self)


def freeze(value, key: str | None = None):
    """Turn checked plain data into Records/tuples; ISO date strings under date keys into dates."""
    if isinstance(value, dict):
        return Record({k: freeze(v, k) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if key in DATE_KEYS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def thaw(value):
    """Back to JSON-ready data: Decimals and dates as strings (the engine's input format)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Version:
    """One published version of a notice (one vN.yaml)."""

    data: Record
    source_path: Path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.data.get(name)

    def __getitem__(self, key):
        return self.data[key]

    def sections(self):
        """Main body sections, then each attachment's own sections, in document order."""
        yield from self.data.body
        for att in self.data.attachments or ():
            yield from att.body or ()

    def clauses(self):
        for section in self.sections():
            yield from section.clauses or ()

    def measures(self):
        """(clause, measure) pairs in document order."""
        return [(c, m) for c in self.clauses() for m in (c.measures or ())]

    def measure(self, measure_id: str):
        for clause, m in self.measures():
            if str(m.id) == str(measure_id):
                return clause, m
        return None, None

    def clause(self, clause_id: str):
        for c in self.clauses():
            if str(c.id) == str(clause_id):
                return c
        return None


@dataclass(frozen=True)
class Notice:
    """A notice with all its versions (oldest first) and its golden cases."""

    id: str
    versions: tuple
    cases: tuple = field(default=())

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    def version(self, number: int) -> Version | None:
        for v in self.versions:
            if v.version == number:
                return v
        return None


@dataclass(frozen=True)
class Corpus:
    notices: tuple
    glossary: tuple = ()
    facts: object = None  # policies/facts.yaml as plain data (the finder's vocabulary), if any
    # id → notice: pages and statuses look notices up by id once per version (a scan made the
    # build quadratic in the number of notices).
    _by_id: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_id", {n.id: n for n in reversed(self.notices)})  # the first wins

    def notice(self, notice_id: str) -> Notice | None:
        return self._by_id.get(notice_id)
