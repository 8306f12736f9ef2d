"""The published JSON Schema is current and accepts every real notice."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import yaml

from tests.corpus import POLICIES, ROOT


def test_published_schema_is_current():
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "schema"], capture_output=True, text=True, check=True)
    published = (ROOT / "schema" / "notice.schema.json").read_text(encoding="utf-8")
    assert json.loads(proc.stdout) == json.loads(published), "run: python build.py schema > schema/notice.schema.json"


def _plain(value):
    """YAML as JSON would carry it (dates as strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_every_notice_matches_the_published_schema():
    schema = json.loads((ROOT / "schema" / "notice.schema.json").read_text(encoding="utf-8"))
    files = sorted(POLICIES.glob("*/v*.yaml"))
    assert files
    for path in files:
        data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        jsonschema.validate(data, schema)


def test_schema_rejects_an_unknown_key():
    schema = json.loads((ROOT / "schema" / "notice.schema.json").read_text(encoding="utf-8"))
    path = sorted(POLICIES.glob("*/v*.yaml"))[0]
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    data["colour"] = "red"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("unknown key accepted")


def test_every_property_has_a_bilingual_description():
    """Editors show these on hover (.vscode/settings.json wires the schema to policies/*/v*.yaml)."""
    from sitegen.schema_help import properties
    schema = json.loads((ROOT / "schema" / "notice.schema.json").read_text(encoding="utf-8"))
    found = list(properties(schema))
    assert len(found) > 200
    missing = [path for path, sub in found if not sub.get("description")]
    assert not missing, f"properties without a description (add them to sitegen/schema_help.py): {missing}"
    for path, sub in found:
        assert " — " in sub["description"] and any("\u4e00" <= c <= "\u9fff" for c in sub["description"]), path


def test_workspace_settings_wire_the_schemas_to_the_files():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert "policies/*/v*.yaml" in settings["yaml.schemas"]["./schema/notice.schema.json"]
    assert "policies/*/cases.yaml" in settings["yaml.schemas"]["./schema/cases.schema.json"]


def test_cases_schema_is_current_described_and_accepts_every_cases_file():
    from sitegen.schema import cases_schema
    from sitegen.schema_help import properties
    published = json.loads((ROOT / "schema" / "cases.schema.json").read_text(encoding="utf-8"))
    assert published == cases_schema(), "run: python -m sitegen.schema > schema/cases.schema.json"
    assert all(sub.get("description") for _, sub in properties(published))
    files = sorted(POLICIES.glob("*/cases.yaml"))
    assert files
    for path in files:
        jsonschema.validate(_plain(yaml.safe_load(path.read_text(encoding="utf-8"))), published)
    try:
        jsonschema.validate([{"measure": "7", "name": "x", "inputs": {}, "expect": {"eligble": True}}], published)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a misspelt key in a case was accepted")
