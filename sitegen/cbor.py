"""CBOR (RFC 8949) for Pagefind's index files, by cbor2.

sitegen/search.py reads and rewrites those files to make builds byte-identical; cbor2 encodes
as Pagefind's own encoder does (shortest heads, definite lengths), so an unchanged value is
written back byte for byte (tests/test_cbor.py checks it on a real bundle). This module keeps
the codec behind two functions and one error type, and refuses trailing bytes, which
cbor2.loads ignores.
"""

from __future__ import annotations

import io

import cbor2


class CBORError(ValueError):
    pass


def loads(data: bytes):
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeError as exc:
        raise CBORError(str(exc)) from exc
    if stream.tell() != len(data):
        raise CBORError(f"{len(data) - stream.tell()} bytes after the value")
    return value


def dumps(value) -> bytes:
    try:
        return cbor2.dumps(value)
    except cbor2.CBOREncodeError as exc:
        raise CBORError(str(exc)) from exc
