"""Measure specs: the JSON the engine reads, in CPython and in the browser alike."""

from __future__ import annotations

from .labels import cite_labels
from .model import thaw


def measure_spec(version, measure) -> dict:
    """The engine's input for one measure of one version (plain JSON data).

    `cite_labels` names each cited clause as the document numbers it ({zh, en}), so the CLI and
    the browser show "附件1 一（二）" / "Attachment 1, I(2)", never the clause's internal id.
    """
    return {"notice": version.id, "version": version.version, **thaw(measure),
            "cite_labels": cite_labels(version, measure)}


def version_specs(version) -> dict:
    """Every computable measure of a version, keyed by measure id."""
    return {str(m.id): measure_spec(version, m) for _, m in version.measures() if m.calculator}
