"""sitegen.serve: what `python build.py serve`, the browser tests and the benchmarks are served by.

A small site on disk with pre-compressed siblings; requests over real HTTP on loopback."""

from __future__ import annotations

import gzip
import zlib

import pytest

from sitegen import serve
from tests.raw_http import get

DIGEST = "0123456789abcdef"
WASM = b"\0asm\1\0\0\0" + bytes(range(256)) * 40


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    (root / "secret.txt").write_text("outside the site")
    site = root / "site"
    runtime = site / "assets" / "pyodide" / DIGEST
    runtime.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>home</title>")
    (site / "en").mkdir()
    (site / "en" / "index.html").write_text("<!doctype html><title>en</title>")
    (runtime / "pyodide.asm.wasm").write_bytes(WASM)
    (runtime / "pyodide.asm.wasm.zst").write_bytes(b"zstd bytes")    # the server never decodes
    (runtime / "pyodide.asm.wasm.br").write_bytes(b"brotli bytes")
    (runtime / "pyodide.asm.wasm.gz").write_bytes(gzip.compress(WASM))
    (runtime / "pyodide.mjs").write_text("export const x = 1;\n")
    (runtime / "pyodide.mjs.gz").write_bytes(gzip.compress(b"export const x = 1;\n"))
    (runtime / "snapshot.bin").write_bytes(b"\1\2\3")
    calc = site / "assets" / "calculator"
    calc.mkdir(parents=True)
    (calc / "worker.0123abcd4567.js").write_text("self.onmessage = () => {};\n")
    (calc / "calculator.js").write_text("(() => {})();\n")
    return site


@pytest.fixture(scope="module")
def server(site):
    srv, url = serve.serve_in_thread(site)
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()




WASM_PATH = f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm"


@pytest.mark.parametrize("accept, encoding, body", [
    ("gzip, deflate, br, zstd", "zstd", b"zstd bytes"),   # Chromium 123+, Firefox 126+
    ("gzip, deflate, br", "br", b"brotli bytes"),          # e.g. Safari
    ("gzip, deflate", "gzip", None),
    ("br;q=0, gzip", "gzip", None),
    ("zstd;q=0, br", "br", b"brotli bytes"),
    ("*", "zstd", b"zstd bytes"),
    ("br;q=0, gzip;q=0", None, WASM),
    ("identity", None, WASM),
    ("", None, WASM),
])
def test_precompressed_sibling_is_sent_when_accepted(server, accept, encoding, body):
    resp, data = get(server, WASM_PATH, Accept_Encoding=accept)
    assert resp.status == 200
    assert resp.getheader("Content-Encoding") == encoding
    assert resp.getheader("Content-Type") == "application/wasm"  # the original's, not .zst/.br/.gz
    assert resp.getheader("Vary") == "Accept-Encoding"           # also on the identity answer
    assert int(resp.getheader("Content-Length")) == len(data)
    if encoding == "gzip":
        assert gzip.decompress(data) == WASM
    else:
        assert data == body


def test_mjs_is_javascript_and_files_without_siblings_are_sent_as_is(server):
    resp, data = get(server, f"/assets/pyodide/{DIGEST}/pyodide.mjs", Accept_Encoding="br, gzip")
    assert resp.getheader("Content-Type") == "text/javascript"
    assert resp.getheader("Content-Encoding") == "gzip"           # no .br: gzip is next
    assert zlib.decompress(data, 31) == b"export const x = 1;\n"
    resp, data = get(server, f"/assets/pyodide/{DIGEST}/snapshot.bin", Accept_Encoding="br, gzip")
    assert resp.getheader("Content-Encoding") is None and resp.getheader("Vary") is None
    assert data == b"\1\2\3"


@pytest.mark.parametrize("path, cache", [
    (WASM_PATH, serve.LONG_CACHE),
    (f"/assets/pyodide/{DIGEST}/pyodide.mjs", serve.LONG_CACHE),
    ("/assets/calculator/worker.0123abcd4567.js", serve.LONG_CACHE),
    ("/assets/calculator/calculator.js", "no-cache"),   # fixed name: the pages include it
    ("/", "no-cache"),
    ("/en/", "no-cache"),
    ("/en/index.html", "no-cache"),
])
def test_cache_control_long_only_for_content_named_files(server, path, cache):
    resp, _ = get(server, path, Accept_Encoding="br")
    assert resp.status == 200
    assert resp.getheader("Cache-Control") == cache


def test_security_headers_on_every_answer(server):
    for path in ("/", WASM_PATH, "/missing.html"):
        resp, _ = get(server, path)
        assert resp.getheader("Content-Security-Policy") == serve.csp_policy()
        assert "frame-ancestors 'self'" in resp.getheader("Content-Security-Policy")
        assert resp.getheader("X-Content-Type-Options") == "nosniff"


def test_html_revalidates_with_304(server):
    resp, _ = get(server, "/en/")
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    again, body = get(server, "/en/", If_Modified_Since=resp.getheader("Last-Modified"))
    assert again.status == 304 and body == b""
    assert again.getheader("Cache-Control") == "no-cache"


def test_encoded_answer_revalidates_too(server):
    resp, _ = get(server, WASM_PATH, Accept_Encoding="gzip")
    again, _ = get(server, WASM_PATH, Accept_Encoding="gzip", If_Modified_Since=resp.getheader("Last-Modified"))
    assert again.status == 304 and again.getheader("Cache-Control") == serve.LONG_CACHE


@pytest.mark.parametrize("path", ["/../secret.txt", "/en/../../secret.txt", "/%2e%2e/secret.txt",
                                  "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt", "//../secret.txt"])
def test_no_path_escapes_the_site_root(server, site, path):
    assert (site.parent / "secret.txt").is_file()
    resp, data = get(server, path)
    assert resp.status == 404
    assert b"outside the site" not in data


def test_folders_redirect_to_their_slash_and_are_never_listed(server):
    resp, _ = get(server, "/en")
    assert resp.status == 301 and resp.getheader("Location") == "/en/"
    resp, data = get(server, "/assets/calculator/")
    assert resp.status == 404 and b"worker." not in data


def test_plain_mode_is_http_server_as_is(site):
    class Plain(serve.Handler):
        static_host = False
    srv, _ = serve.serve_in_thread(site, handler=Plain)
    try:
        resp, data = get(srv.server_address[1], WASM_PATH, Accept_Encoding="br, gzip")
    finally:
        srv.shutdown()
        srv.server_close()
    assert data == WASM and resp.getheader("Content-Encoding") is None
    assert resp.getheader("Cache-Control") is None
    assert resp.getheader("Content-Type") == "application/wasm"


def test_accepted_encodings_reads_q_values():
    assert serve.accepted_encodings("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert serve.accepted_encodings("br;q=0, gzip;q=0.5") == {"gzip"}
    assert serve.accepted_encodings("*;q=1, gzip;q=0") == {"*", "br", "zstd"}
    assert serve.accepted_encodings("BR ; Q=1") == {"br"}
    assert serve.accepted_encodings("") == set() == serve.accepted_encodings(" , ;q=1")


def _raw(port: int, data: bytes) -> bytes:
    """Send bytes exactly as given (http.client would refuse to) and read the whole answer."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),   # over http.server's 64 KB line
    (b"garbage\r\n\r\n", b"400"),
    (b"GET / HTTP/9.9\r\n\r\n", b"505"),
    (b"GET /index%00.html HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
    (b"GET /index\x00.html HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
])
def test_malformed_requests_get_a_status_line_and_nothing_is_logged(site, request_bytes, status):
    # Before: an empty reply, and an AttributeError (or ValueError for the NUL) in the log.
    srv, _ = serve.serve_in_thread(site)
    errors = []
    srv.handle_error = lambda request, address: errors.append(address)
    try:
        answer = _raw(srv.server_address[1], request_bytes)
    finally:
        srv.shutdown()
        srv.server_close()
    assert answer.startswith(b"HTTP/1.0 " + status), answer[:200]
    assert b"Content-Security-Policy:" in answer and errors == []


def test_dot_files_are_not_served(site, server):
    (site / ".env").write_text("SECRET=1")
    try:
        for path in ("/.env", "/%2eenv", "/assets/../.env"):
            resp, body = get(server, path)
            assert resp.status == 404 and b"SECRET" not in body, path
    finally:
        (site / ".env").unlink()


def test_a_client_that_hangs_up_leaves_no_traceback(site, capsys):
    """A browser cancelling a request (a favicon, a page left early) breaks the pipe mid-reply:
    the preview server says nothing, while a real fault is still reported."""
    srv = serve.make_server(site, port=0)
    try:
        for exc, shown in ((BrokenPipeError(32, "Broken pipe"), False), (ConnectionResetError(), False),
                           (ValueError("a real fault"), True)):
            try:
                raise exc
            except Exception:
                srv.handle_error(None, ("127.0.0.1", 1))
            assert ("Traceback" in capsys.readouterr().err) is shown, exc
    finally:
        srv.server_close()
