"""The little CBOR (RFC 8949) that Pagefind's index files use: unsigned integers, byte and text
strings, arrays, and false/true/null. Enough to read and rewrite them (sitegen/search.py), with
the shortest encodings, as Pagefind's encoder writes them."""

from __future__ import annotations

SIMPLE = {20: False, 21: True, 22: None}


class CBORError(ValueError):
    pass


def loads(data: bytes):
    value, end = _decode(data, 0)
    if end != len(data):
        raise CBORError(f"{len(data) - end} bytes after the value")
    return value


def dumps(value) -> bytes:
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _decode(b: bytes, i: int):
    if i >= len(b):
        raise CBORError("truncated")
    major, info = b[i] >> 5, b[i] & 31
    i += 1
    if major == 7:
        if info not in SIMPLE:
            raise CBORError(f"unsupported simple value {info}")
        return SIMPLE[info], i
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        if i + size > len(b):
            raise CBORError("truncated")
        n, i = int.from_bytes(b[i:i + size], "big"), i + size
    else:
        raise CBORError(f"unsupported length encoding {info}")
    if major == 0:
        return n, i
    if major in (2, 3):
        if i + n > len(b):
            raise CBORError("truncated")
        raw = bytes(b[i:i + n])
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _decode(b, i)
            items.append(item)
        return items, i
    raise CBORError(f"unsupported major type {major}")


def _head(major: int, n: int, out: bytearray) -> None:
    if n < 24:
        out.append(major << 5 | n)
        return
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            out.append(major << 5 | info)
            out += n.to_bytes(size, "big")
            return
    raise CBORError(f"integer too large: {n}")


def _encode(value, out: bytearray) -> None:
    if value is None or isinstance(value, bool):
        out.append(0xE0 | {False: 20, True: 21, None: 22}[value])
    elif isinstance(value, int):
        if value < 0:
            raise CBORError("negative integers are not used")
        _head(0, value, out)
    elif isinstance(value, bytes):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _head(3, len(raw), out)
        out += raw
    elif isinstance(value, list):
        _head(4, len(value), out)
        for item in value:
            _encode(item, out)
    else:
        raise CBORError(f"cannot encode {type(value).__name__}")
