#!/usr/bin/env python3
"""How well `python build.py new` imports the five seeds, against their hand-encoded YAML.

For each source in sources/ that a notice in policies/ was encoded from, it imports the source
(sitegen.importer, nothing written to disk) and prints:

- text: whether the import's Chinese reproduces the source verbatim (the same comparison as
  `validate` and tests/test_text.py: whitespace and the import's own repair annotations aside);
- clauses: the share of the hand-encoded clause boundaries the import finds (a boundary is a
  clause's start: its first 12 characters without whitespace; a notice printed inside the seed as
  a linked attachment counts too), and the share of the import's boundaries that are real ones;
- section headings: how many of the hand encoding's headings the import gives the same Chinese;
- metadata: the share of the GB/T 9704 fields the hand encoding fills (title, 发文字号, issuers,
  addressees, dates, signatures, 附注, attachments' labels and titles, 抄送, 印发…) that the
  import gives the same Chinese for, plus fields it filled where the hand encoding has none.

    .venv/bin/python benchmarks/import_accuracy.py [--json]
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen import content, importer  # noqa: E402
from sitegen.model import Corpus, Version, freeze  # noqa: E402
from sitegen.readers import load_policies  # noqa: E402

FIELDS = ("title", "doc_number", "index_no", "category", "masthead", "issuers", "addressees", "dates.written",
          "dates.published", "dates.printed", "signed_date", "signatories", "signatories_text", "notes", "cc",
          "cc_text", "printed_by", "stage", "preamble", "closing")


def _norm(value) -> str:
    """A field as comparable text: Chinese without whitespace, lists joined."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return content.strip_ws(value.get("zh") or "") if "zh" in value else json.dumps(value, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return "|".join(_norm(v) for v in value)
    return content.strip_ws(str(value))


def _get(data, dotted):
    for part in dotted.split("."):
        data = (data or {}).get(part)
    return data


def metadata_fields(data: dict) -> dict:
    out = {name: _norm(_get(data, name)) for name in FIELDS}
    for i, att in enumerate(data.get("attachments") or ()):
        out[f"attachments[{i}].label"] = _norm(att.get("label"))
        out[f"attachments[{i}].title"] = _norm(att.get("title"))
    return out


def boundaries(data: dict) -> Counter:
    """The start of every clause of a version's data: its first 12 characters."""
    keys = Counter()
    bodies = [data.get("body") or []] + [a.get("body") or [] for a in data.get("attachments") or []]
    for body in bodies:
        for section in body:
            for clause in section.get("clauses") or ():
                keys[content.strip_ws(clause["text"]["zh"])[:12]] += 1
    return keys


def headings(data: dict) -> Counter:
    """Every section heading of a version's data (sections are boundaries too)."""
    keys = Counter()
    bodies = [data.get("body") or []] + [a.get("body") or [] for a in data.get("attachments") or []]
    for body in bodies:
        for section in body:
            if section.get("heading"):
                keys[content.strip_ws(section["heading"]["zh"])] += 1
    return keys


def measure(seed: Path, corpus) -> dict:
    """The figures for one seed against the notices encoded from it."""
    text = importer.source_text(seed)
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    data = importer.version_data(text, "import-check", seed.name, sha)
    version = Version(freeze(data), Path("import-check/v1.yaml"))
    difference = content.text_difference(version, Corpus(()), text)

    hand = [n for n in corpus.notices if n.latest.provenance.source == seed.name]
    linked = {a.notice for n in hand for a in n.latest.attachments or () if a.notice}
    primary = next(n for n in hand if n.id not in linked)
    expected = Counter()
    for notice in hand:
        expected += boundaries(notice.latest.data)
    found = boundaries(data)
    hits = sum((expected & found).values())

    want_headings = Counter()
    for notice in hand:
        want_headings += headings(notice.latest.data)
    heading_hits = sum((want_headings & headings(data)).values())

    ours, theirs = metadata_fields(data), metadata_fields(primary.latest.data)
    compared = [k for k in theirs if theirs[k]]
    same = [k for k in compared if ours.get(k) == theirs[k]]
    extra = [k for k in ours if ours[k] and not theirs.get(k) and k in FIELDS]
    return {
        "seed": seed.name, "notice": primary.id,
        "text_verbatim": difference is None,
        "text_difference": None if difference is None else str(difference[1:]),
        "clauses_expected": sum(expected.values()), "clauses_found": sum(found.values()), "clauses_matched": hits,
        "clause_recall": hits / max(1, sum(expected.values())),
        "clause_precision": hits / max(1, sum(found.values())),
        "headings_expected": sum(want_headings.values()), "headings_matched": heading_hits,
        "metadata_compared": len(compared), "metadata_matched": len(same),
        "metadata_recall": len(same) / max(1, len(compared)),
        "metadata_missed": [k for k in compared if k not in same],
        "metadata_extra": extra,
        "to_translate": sum(1 for p, _ in content.todos(data) if p[-1] == "en"),
    }


def seeds(corpus) -> list[Path]:
    names = sorted({n.latest.provenance.source for n in corpus.notices})
    return [ROOT / "sources" / name for name in names if (ROOT / "sources" / name).is_file()]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    corpus = load_policies(ROOT / "policies", seeds_dir=ROOT / "sources", run_cases=False)
    results = [measure(seed, corpus) for seed in seeds(corpus)]
    if "--json" in argv:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(f"{'seed':<28} {'notice':<16} {'verbatim':<8} {'clauses found/hand (recall, precision)':<40} "
          f"{'metadata (recall)':<18} to translate")
    for r in results:
        clauses = (f"{r['clauses_matched']}/{r['clauses_expected']} ({r['clause_recall']:.0%}, "
                   f"{r['clause_precision']:.0%} of {r['clauses_found']})")
        meta = f"{r['metadata_matched']}/{r['metadata_compared']} ({r['metadata_recall']:.0%})"
        print(f"{r['seed']:<28} {r['notice']:<16} {'yes' if r['text_verbatim'] else 'NO':<8} {clauses:<40} "
              f"{meta:<18} {r['to_translate']}")
        print(f"{'':<28} section headings the same: {r['headings_matched']}/{r['headings_expected']}")
        if r["metadata_missed"]:
            print(f"{'':<28} metadata missed: {', '.join(r['metadata_missed'])}")
        if r["metadata_extra"]:
            print(f"{'':<28} metadata the hand encoding leaves empty: {', '.join(r['metadata_extra'])}")
        if not r["text_verbatim"]:
            print(f"{'':<28} text: {r['text_difference']}")
    total_c = sum(r["clauses_matched"] for r in results) / max(1, sum(r["clauses_expected"] for r in results))
    total_m = sum(r["metadata_matched"] for r in results) / max(1, sum(r["metadata_compared"] for r in results))
    print(f"all seeds: clause boundaries {total_c:.1%}, metadata fields {total_m:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
