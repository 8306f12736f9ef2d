"""Measure specs: the JSON the engine reads, in CPython and in the browser alike."""

from __future__ import annotations

from .model import thaw
from .pointintime import status_periods


def measure_spec(version, measure, corpus=None) -> dict:
    """The engine's input for one measure of one version (plain JSON data).

    With the corpus, the spec also carries what `calculate(…, on=day)` needs for the result's
    status (calculators/status.py): this version's status periods and the in-force periods of
    every version of the notice. The measure's dated windows are part of the measure itself.
    """
    spec = {"notice": version.id, "version": version.version, **thaw(measure)}
    if corpus is not None:
        spec["status"] = version_status(version, corpus)
    return spec


def version_status(version, corpus) -> dict:
    notice = corpus.notice(version.id)
    siblings = notice.versions if notice is not None else (version,)
    return {"periods": status_periods(version, corpus),
            "notice_in_force": [{"from": p["from"], "to": p["to"]} for v in siblings
                                for p in status_periods(v, corpus) if p["status"] == "in_force"]}


def version_specs(version, corpus=None) -> dict:
    """Every computable measure of a version, keyed by measure id."""
    status = version_status(version, corpus) if corpus is not None else None
    return {str(m.id): {**measure_spec(version, m), **({"status": status} if status else {})}
            for _, m in version.measures() if m.calculator}
