"""The production configuration (deploy/nginx/) run for real: Debian's nginx with brotli_static.

A small site on disk (as tests/test_serve.py) served by nginx started from the repository's
config (tests/nginx.py); the browser calculator and search tests also run against it (the
`site_url` fixture's "nginx" parameter). Here: types, pre-compressed files, caching, headers,
404s, and that nginx and the preview server agree.
"""

from __future__ import annotations

import gzip
import http.client
import socket

import pytest

from sitegen import serve
from tests import nginx

DIGEST = "0123456789abcdef"
WASM = b"\0asm\1\0\0\0" + bytes(range(256)) * 40
NOT_FOUND_PAGE = "<!doctype html><title>not found</title><p>zc-404</p>"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = tmp_path_factory.mktemp("nginx-site") / "site"
    runtime = site / "assets" / "pyodide" / DIGEST
    runtime.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>home</title>" + "<p>text</p>" * 200)
    (site / "404.html").write_text(NOT_FOUND_PAGE)
    (site / "en").mkdir()
    (site / "en" / "index.html").write_text("<!doctype html><title>en</title>")
    (site / "data").mkdir()                                  # a folder with no index.html
    (site / "data" / "versions.json").write_text('{"notices": []}')
    (site / ".env").write_text("SECRET=1")
    (runtime / "pyodide.asm.wasm").write_bytes(WASM)
    (runtime / "pyodide.asm.wasm.zst").write_bytes(b"zstd bytes")
    (runtime / "pyodide.asm.wasm.br").write_bytes(b"brotli bytes")   # neither server decodes
    (runtime / "pyodide.asm.wasm.gz").write_bytes(gzip.compress(WASM, mtime=0))
    (runtime / "pyodide.mjs").write_text("export const x = 1;\n")
    calc = site / "assets" / "calculator"
    calc.mkdir(parents=True)
    (calc / "worker.0123abcd4567.js").write_text("self.onmessage = () => {};\n")
    (calc / "calculator.js").write_text("(() => {})();\n")
    theme = site / "assets" / "stylesheets"
    theme.mkdir(parents=True)
    (theme / "main.57a0d79d.min.css").write_text("body{}")
    return site


@pytest.fixture(scope="module")
def ports(site, tmp_path_factory):
    """(nginx port, preview server port), both serving `site`."""
    reason = nginx.available()
    if reason:
        pytest.fail(f"{reason} (./dev test installs it)")
    dev, _ = serve.serve_in_thread(site)
    try:
        with nginx.running(site, tmp_path_factory.mktemp("nginx-prefix")) as url:
            yield int(url.rsplit(":", 1)[1].strip("/")), dev.server_address[1]
    finally:
        dev.shutdown()
        dev.server_close()


def get(port, path, method="GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name.replace("_", "-"), value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_the_csp_is_the_pages_policy():
    text = nginx.HEADERS.read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{serve.csp_policy()}" always;' in text


def test_security_headers_and_no_version(ports):
    resp, body = get(ports[0], "/")
    assert resp.status == 200 and body.startswith(b"<!doctype html>")
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert resp.getheader("Content-Security-Policy") == serve.csp_policy()
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    assert resp.getheader("Referrer-Policy") == "no-referrer"
    assert resp.getheader("X-Frame-Options") == "SAMEORIGIN"
    assert resp.getheader("Cache-Control") == "no-cache"
    assert resp.getheader("Server") == "nginx"                   # server_tokens off


def test_wasm_type_and_precompressed_copies(ports):
    path = f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm"
    for accept, encoding, body_want in (("br, gzip", "br", b"brotli bytes"),
                                        ("gzip", "gzip", None), ("", None, WASM)):
        resp, body = get(ports[0], path, Accept_Encoding=accept) if accept else get(ports[0], path)
        assert resp.status == 200
        assert resp.getheader("Content-Type") == "application/wasm"
        assert resp.getheader("Content-Encoding") == encoding
        assert resp.getheader("Vary") == "Accept-Encoding"
        assert resp.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        assert resp.getheader("Content-Security-Policy") == serve.csp_policy()  # in every location
        assert (gzip.decompress(body) if encoding == "gzip" else body) == (body_want or WASM)


@pytest.mark.parametrize("path, cache", [
    (f"/assets/pyodide/{DIGEST}/pyodide.mjs", "public, max-age=31536000, immutable"),
    ("/assets/calculator/worker.0123abcd4567.js", "public, max-age=31536000, immutable"),
    ("/assets/stylesheets/main.57a0d79d.min.css", "public, max-age=31536000, immutable"),
    ("/assets/calculator/calculator.js", "no-cache"),
    ("/data/versions.json", "no-cache"),
])
def test_caching_follows_content_names(ports, path, cache):
    resp, _ = get(ports[0], path)
    assert resp.status == 200 and resp.getheader("Cache-Control") == cache
    if path.endswith(".mjs"):
        assert resp.getheader("Content-Type") == "text/javascript"


@pytest.mark.parametrize("path", ["/missing", "/data/", "/assets/", "/.env", "/404.html"])
def test_not_found_is_the_sites_404_page_and_no_listing(ports, path):
    resp, body = get(ports[0], path)
    assert resp.status == 404
    assert body.decode() == NOT_FOUND_PAGE
    assert resp.getheader("Content-Security-Policy") == serve.csp_policy()
    assert b"Index of" not in body and b"SECRET" not in body


def test_folder_without_slash_redirects_relatively(ports):
    resp, _ = get(ports[0], "/en")
    assert resp.status == 301 and resp.getheader("Location") == "/en/"


def test_revalidation_answers_304(ports):
    resp, _ = get(ports[0], "/en/")
    again, body = get(ports[0], "/en/", If_None_Match=resp.getheader("ETag"))
    assert again.status == 304 and body == b""


@pytest.mark.parametrize("raw, status", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
    (b"garbage\r\n\r\n", b"400"),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"505"),
    (b"GET /index%00.html HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
])
def test_malformed_requests(ports, raw, status):
    with socket.create_connection(("127.0.0.1", ports[0]), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.split(b" ", 2)[1] == status, answer[:200]


def _essence(content_type: str | None) -> str:
    # Debian's mime.types still says application/javascript for .js (RFC 9239 prefers text/…);
    # redefining it in zhengce.conf would make `nginx -t` warn of a duplicate. Browsers treat
    # both alike.
    essence = (content_type or "").split(";")[0]
    return "text/javascript" if essence == "application/javascript" else essence


@pytest.mark.parametrize("path, accept", [
    ("/", ""), ("/en/", "gzip"), (f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm", "br, gzip"),
    (f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm", "gzip"), ("/assets/calculator/worker.0123abcd4567.js", ""),
    ("/assets/stylesheets/main.57a0d79d.min.css", ""), ("/missing", ""), ("/en", ""),
])
def test_nginx_and_the_preview_server_agree(ports, path, accept):
    """What a reader's browser depends on is the same in preview and in production."""
    answers = []
    for port in ports:
        resp, _ = get(port, path, Accept_Encoding=accept) if accept else get(port, path)
        location = resp.getheader("Location")
        answers.append((resp.status, resp.getheader("Content-Encoding"), resp.getheader("Cache-Control"),
                        resp.getheader("Content-Security-Policy"),
                        [resp.getheader(name) for name, _ in serve.SECURITY_HEADERS],
                        _essence(resp.getheader("Content-Type")) if resp.status == 200 else None,
                        location and location.rsplit("/", 2)[-2]))
    assert answers[0] == answers[1]
    if path == "/missing":
        assert all(get(port, path)[1].decode() == NOT_FOUND_PAGE for port in ports)
