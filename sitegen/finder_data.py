"""The finder's data (README, "Finder data"): the facts vocabulary and every computable measure
with its facts mapping, split by region and year so a page loads only what it needs.

    data/finder/facts.json            {"facts": [...]}  policies/facts.yaml as JSON
    data/finder/index.json            {"bundles": [{file, region, years, measures, bytes}]}
    data/finder/<region>-<year>.json  {"measures": [...], "relations": [...]}

<region> is the first two digits of the GB/T 2260 code (the province) or "national" (100000);
<year> is each calendar year the notice's dates touch (in force, qualifying, application), or
"undated". A page with a company in 330922 on 2024-02-20 loads facts.json, r33-2024.json and
national-2024.json (those that exist), merges them (calculators.finder.merge_bundles) and runs
`find`.
"""

from __future__ import annotations

import json
from pathlib import Path

from calculators.finder import NATIONAL

from . import urls
from .facts import measure_map
from .model import thaw
from .specs import version_specs

FOLDER = "data/finder"
OPEN_YEARS = 2  # a notice without an end date is filed under its first two years


def region_key(code) -> str:
    return "national" if not code or code in NATIONAL else f"r{str(code)[:2]}"


def notice_years(version) -> list:
    """The calendar years a version's dates touch; [] when it has none."""
    days = [d for d in (version.dates or {}).values() if d]
    for _, measure in version.measures():
        for kind in ("qualifying", "application"):
            window = measure.get(kind) or {}
            days += [window.get(k) for k in ("from", "to") if window.get(k)]
    years = sorted({int(str(d)[:4]) for d in days})
    if not years:
        return []
    if (version.dates or {}).get("valid_to"):
        return list(range(years[0], years[-1] + 1))
    return list(range(years[0], max(years[-1], years[0] + OPEN_YEARS - 1) + 1))


def measure_entries(corpus, version) -> list:
    specs = version_specs(version, corpus)
    entries = []
    for _, measure in version.measures():
        spec = specs.get(str(measure.id))
        if spec is None:
            continue
        anchor = urls.measure_anchor(measure.id)
        entries.append({
            "notice": version.id, "version": version.version, "measure": str(measure.id),
            "notice_title": thaw(version.short_title or version.title),
            "region": (version.region or {}).get("code"),
            "url": {lang: f"{urls.notice(lang, version.id)}#{anchor}" for lang in urls.LANGS},
            "map": measure_map(measure), "spec": spec})
    return entries


def relation_entries(version) -> list:
    """The version's relations, every member named (notice, measure)."""
    found = []
    for relation in version.relations or ():
        members = relation.measures
        if members == "*":
            members = [str(m.id) for _, m in version.measures() if m.calculator]
        named = [[m.notice, str(m.measure)] if isinstance(m, dict) else [version.id, str(m)]
                 for m in members]
        entry = {"id": f"{version.id}/{relation.id}", "kind": relation.kind, "measures": named,
                 "text": thaw(relation.text), "cite": str(relation.cite)}
        for key in ("resolve", "max"):
            if relation.get(key) is not None:
                entry[key] = str(relation[key]) if key == "max" else relation[key]
        found.append(entry)
    return found


def bundles(corpus) -> dict:
    """{file name: bundle} for every region/year, plus facts.json and index.json."""
    files = {}
    for notice in corpus.notices:
        version = notice.latest
        entries = measure_entries(corpus, version)
        if not entries:
            continue
        relations = relation_entries(version)
        region = region_key((version.region or {}).get("code"))
        for year in notice_years(version) or ["undated"]:
            bundle = files.setdefault(f"{region}-{year}.json", {"measures": [], "relations": []})
            bundle["measures"] += entries
            bundle["relations"] += relations
    index = [{"file": name, "region": name.split("-")[0], "year": name.split("-", 1)[1][:-5],
              "measures": len(b["measures"])} for name, b in sorted(files.items())]
    files["facts.json"] = {"facts": thaw(corpus.facts["facts"]) if corpus.facts else []}
    files["index.json"] = {"bundles": index}
    return files


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def write_finder(corpus, site_dir: Path) -> None:
    folder = Path(site_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in bundles(corpus).items():
        (folder / name).write_text(dumps(data), encoding="utf-8")


def bundle_for(corpus, region=None, year=None) -> dict:
    """One merged bundle, as the page would load it (the CLI and tests use every file)."""
    files = bundles(corpus)
    merged = {"facts": files["facts.json"]["facts"], "measures": [], "relations": []}
    seen = set()
    for entry in files["index.json"]["bundles"]:
        if region is not None and entry["region"] not in (region_key(region), "national"):
            continue
        if year is not None and entry["year"] not in (str(year), "undated"):
            continue
        data = files[entry["file"]]
        for measure in data["measures"]:
            if (measure["notice"], measure["measure"]) not in seen:
                seen.add((measure["notice"], measure["measure"]))
                merged["measures"].append(measure)
        merged["relations"] += [r for r in data["relations"] if r not in merged["relations"]]
    return merged
