"""A byte-reproducible pure-Python wheel, written with zipfile (PEP 427/491).

No build backend: the engine is a plain package of .py files, and a backend would stamp the
current time into the archive. Here entries are sorted, dated 1980-01-01 and RECORD is computed,
so the same files always give the same bytes (and the same sha256 in pyodide-lock.json).
"""

import base64
import hashlib
import zipfile
from pathlib import Path

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
TAG = "py3-none-any"


def package_files(package_dir: Path) -> dict[str, bytes]:
    """Every .py file of the package (and its subpackages), keyed by its path inside the wheel."""
    root = package_dir.parent
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(package_dir.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def source_version(files: dict[str, bytes], base: str = "0") -> str:
    """A PEP 440 version whose local part is a digest of the sources: a new engine, a new name."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return f"{base}+{digest.hexdigest()[:12]}"


def wheel_name(dist: str, version: str) -> str:
    return f"{dist.replace('-', '_')}-{version}-{TAG}.whl"


def write_wheel(out_dir: Path, dist: str, version: str, files: dict[str, bytes], *, summary: str = "") -> Path:
    """Write files plus METADATA, WHEEL and RECORD; returns the wheel's path."""
    dist_info = f"{dist.replace('-', '_')}-{version}.dist-info"
    meta = {
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\nSummary: {summary}\n"
        ).encode(),
        f"{dist_info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: sitegen.wheel\nRoot-Is-Purelib: true\nTag: {TAG}\n"
        ).encode(),
    }
    entries = dict(sorted(files.items())) | meta
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries.items())
    entries[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / wheel_name(dist, version)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def read_files(wheel: Path) -> dict[str, bytes]:
    """The package files of a wheel, without its .dist-info (to re-wrap them, e.g. once compiled)."""
    with zipfile.ZipFile(wheel) as zf:
        return {
            name: zf.read(name)
            for name in zf.namelist()
            if not name.endswith("/") and ".dist-info/" not in name
        }


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()
