"""Measure specs: the JSON the engine reads, in CPython and in the browser alike."""

from __future__ import annotations

from .model import thaw


def measure_spec(version, measure) -> dict:
    """The engine's input for one measure of one version (plain JSON data)."""
    return {"notice": version.id, "version": version.version, **thaw(measure)}


def version_specs(version) -> dict:
    """Every computable measure of a version, keyed by measure id."""
    return {str(m.id): measure_spec(version, m) for _, m in version.measures() if m.calculator}
