"""sitegen/cbor.py: CBOR as Pagefind's index files use it (RFC 8949 encodings), by cbor2."""

import gzip

import pytest

from sitegen import cbor, pagefind_index


@pytest.mark.parametrize("value, encoded", [
    (0, "00"), (23, "17"), (24, "1818"), (255, "18ff"), (256, "190100"), (65536, "1a00010000"),
    (2**32, "1b0000000100000000"), ("", "60"), ("a", "6161"), ("状态", "66e78ab6e68081"),
    ([], "80"), ([1, [2, 3]], "8201820203"), (b"\x01", "4101"), (False, "f4"), (True, "f5"), (None, "f6"),
])
def test_known_encodings_round_trip(value, encoded):
    assert cbor.dumps(value).hex() == encoded
    assert cbor.loads(bytes.fromhex(encoded)) == value


def test_long_strings_and_arrays_use_longer_heads():
    value = ["x" * 300, list(range(30))]
    assert cbor.loads(cbor.dumps(value)) == value
    assert cbor.dumps("x" * 300)[:3].hex() == "79012c"


@pytest.mark.parametrize("data", ["82 01", "63 6161", "1c", "00 00"])
def test_malformed_or_unsupported_input_is_an_error(data):
    with pytest.raises(cbor.CBORError):
        cbor.loads(bytes.fromhex(data.replace(" ", "")))


def test_every_index_file_of_a_real_bundle_is_rewritten_byte_for_byte(built_site):
    """What made the hand-written codec replaceable: cbor2 writes Pagefind's bytes exactly
    (including the negative integers of .pf_index files, which the old codec could not read)."""
    files = [p for p in (built_site / "pagefind").rglob("*")
             if p.suffix in (".pf_meta", ".pf_filter", ".pf_index")]
    assert any(p.suffix == ".pf_index" for p in files) and any(p.suffix == ".pf_filter" for p in files)
    for path in files:
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(pagefind_index.SIGNATURE), path
        body = raw[len(pagefind_index.SIGNATURE):]
        assert cbor.dumps(cbor.loads(body)) == body, path
