"""The finder data the site ships (data/finder/, README "Finder data"): the split by region and
year, what a page loads for one company, and its size at scale."""

from __future__ import annotations

import gzip
import json

from calculators.finder import find
from sitegen import finder_data, synthetic
from sitegen.readers import load_policies


def test_the_site_writes_the_finder_data(built_site):
    folder = built_site / "data" / "finder"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    files = {b["file"] for b in index["bundles"]}
    assert {"r33-2024.json", "r22-2021.json", "r33-2023.json", "r21-2021.json"} <= files
    assert all((folder / name).is_file() for name in files)
    facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))["facts"]
    assert {"region", "size_class", "electricity"} <= {f["id"] for f in facts}
    r33 = json.loads((folder / "r33-2024.json").read_text(encoding="utf-8"))
    notices = {m["notice"] for m in r33["measures"]}
    assert notices == {"shengsi-2024", "shengzhou-2024"}  # Zhejiang, 2024: nothing from Jilin or 2023
    seven = next(m for m in r33["measures"] if (m["notice"], m["measure"]) == ("shengsi-2024", "7"))
    assert seven["map"]["state_owned"] == "state_owned" and "cost" in seven["map"]
    assert seven["url"] == {"zh": "zh/n/shengsi-2024/#m-7", "en": "en/n/shengsi-2024/#m-7"}
    assert seven["region"] == "330922" and seven["spec"]["rules"]
    assert r33["relations"][0]["measures"] == [["shengzhou-2024", "7-agency"], ["shengzhou-2024", "7-hiring"]]


def test_what_a_page_loads_answers_like_everything(built_site):
    """facts.json + the province's file for the year give the same answer as all the data."""
    folder = built_site / "data" / "finder"
    load = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))  # noqa: E731
    facts = {"region": "330922", "sector": "manufacturing", "size_class": "above", "state_owned": False}
    everything = [load("facts.json")] + [load(b["file"]) for b in load("index.json")["bundles"]]
    assert find([load("facts.json"), load("r33-2024.json")], facts, on="2024-02-20") == \
        find(everything, facts, on="2024-02-20")


def test_at_scale_a_page_needs_far_less_than_a_megabyte(tmp_path):
    synthetic.write_corpus(tmp_path / "policies", 300)
    files = finder_data.bundles(load_policies(tmp_path / "policies", run_cases=False))
    sizes = {name: len(gzip.compress(finder_data.dumps(data).encode())) for name, data in files.items()}
    index = files["index.json"]["bundles"]
    assert {b["region"] for b in index} == {"r33", "r32", "r44", "r51", "r42"}
    assert sum(b["measures"] for b in index if b["region"] == "r33" and b["year"] == "2024") < 300
    page = sizes["facts.json"] + sizes["r33-2024.json"]
    assert page < 1_000_000 / 10, sizes


def test_the_site_lists_the_facts_for_publishers(built_site):
    page = (built_site / "facts" / "index.html").read_text(encoding="utf-8")
    assert "<code>size_class</code>" in page and "Above designated size" in page
    assert "<code>electricity</code>" in page and ">month<" in page
