"""Runs inside Pyodide under Node (see build_runtime.mjs): rewrite a zip with every .py as .pyc.

Compiled by the very interpreter that will import them, so the magic number always matches.
Unchecked hash-based .pyc (PEP 552) carry no timestamp, and entries are written sorted with a
fixed date, so the output is byte-identical for identical input.
"""

import importlib.util
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def compile_zip(src: str, dst: str, compression: int) -> dict:
    compiled = kept = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            data = zin.read(info)
            name = info.filename
            if name.endswith(".py"):
                try:
                    code = compile(data, name, "exec", dont_inherit=True)
                except SyntaxError:  # e.g. test data with deliberate errors: ship the source
                    kept += 1
                else:
                    name, compiled = name + "c", compiled + 1
                    data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
            out = zipfile.ZipInfo(name, FIXED_DATE)
            out.external_attr = 0o755 << 16 if name.endswith("/") else 0o644 << 16
            out.compress_type = zipfile.ZIP_STORED if name.endswith("/") else compression
            zout.writestr(out, data)
    return {"compiled": compiled, "kept_source": kept}
