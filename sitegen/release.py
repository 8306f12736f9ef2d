"""Whole-site releases: a dated, self-contained, byte-reproducible archive of the built site.

The archive unpacks to `zhengce-<date>/` holding the site and a README; `python3 -m http.server`
inside it serves everything, calculators included, with no network (the Pyodide runtime is part
of the site). Entries are sorted, owned by nobody and stamped with the release date, and gzip's own
header time is fixed, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import tarfile
from pathlib import Path

README = """Zhengce — archived release of {date}

This folder is the whole site as published on {date}. To read it offline:

    cd {name}
    python3 -m http.server 8000 --bind 127.0.0.1

then open http://127.0.0.1:8000/ . The calculators run in your browser from files in this
folder (no network is needed). Opening index.html directly from disk (file://) does not work:
browsers refuse to start the calculator engine from file:// pages.

MANIFEST.json lists every notice version in this release with the sha256 of its content.
"""


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def write_release(site_dir: Path, out_file: Path, *, day: dt.date, manifest: bytes | None = None) -> Path:
    """Pack `site_dir` into `out_file` (.tar.gz) reproducibly."""
    name = f"zhengce-{day.isoformat()}"
    mtime = _epoch(day)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add_bytes(arcname: str, data: bytes):
            info = tarfile.TarInfo(arcname)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))

        add_bytes(f"{name}/README.txt", README.format(date=day.isoformat(), name=name).encode("utf-8"))
        if manifest is not None:
            add_bytes(f"{name}/MANIFEST.json", manifest)
        for path in sorted(p for p in Path(site_dir).rglob("*") if p.is_file()):
            add_bytes(f"{name}/{path.relative_to(site_dir).as_posix()}", path.read_bytes())
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime, compresslevel=9) as gz:
        gz.write(buffer.getvalue())
    return out_file
