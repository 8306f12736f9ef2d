"""Measure specs: the JSON the engine reads, in CPython and in the browser alike."""

from __future__ import annotations

from .calendars import with_calendar
from .labels import cite_labels
from .model import thaw
from .pointintime import status_periods


def measure_spec(version, measure, corpus=None) -> dict:
    """The engine's input for one measure of one version (plain JSON data).

    `cite_labels` names each cited clause as the document numbers it ({zh, en}), so the CLI and
    the browser show "附件1 一（二）" / "Attachment 1, I(2)", never the clause's internal id.
    With the corpus, the spec also carries what `calculate(…, on=day)` needs for the result's
    status (calculators/status.py): this version's status periods and the in-force periods of
    every version of the notice. The measure's dated windows are part of the measure itself.
    """
    spec = {"notice": version.id, "version": version.version, **thaw(measure),
            "cite_labels": cite_labels(version, measure)}
    spec = with_calendar(spec, _policies_root(version))
    if corpus is not None:
        spec["status"] = version_status(version, corpus)
    return spec


def _policies_root(version):
    """The policies folder a version was read from (its calendars live there), if known."""
    path = getattr(version, "source_path", None)
    return path.parent.parent if path is not None else None


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
