"""The production configurations run for real: Debian's nginx with brotli_static
(deploy/nginx/) and Debian's Caddy (deploy/caddy/Caddyfile).

A small site on disk (as tests/test_serve.py) served by each, started from the repository's
files (tests/nginx.py, tests/caddy.py); the browser calculator and search tests also run
against them (the `site_url` fixture's parameters). Here: types, pre-compressed files, caching,
headers, 404s, malformed requests, and that each agrees with the preview server.
"""

from __future__ import annotations

import gzip
import socket

import pytest

from sitegen import serve
from tests import caddy, nginx
from tests.raw_http import get

PRODUCTION = ("nginx", "caddy")
RUNNERS = {"nginx": nginx, "caddy": caddy}

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
    """{"dev": port, "nginx": port, "caddy": port}, all serving `site`."""
    for runner in RUNNERS.values():
        reason = runner.available()
        if reason:
            pytest.fail(f"{reason} (./dev test installs it)")
    dev, _ = serve.serve_in_thread(site)
    try:
        with nginx.running(site, tmp_path_factory.mktemp("nginx-prefix")) as n_url, \
                caddy.running(site, tmp_path_factory.mktemp("caddy-prefix")) as c_url:
            yield {"dev": dev.server_address[1], "nginx": _port(n_url), "caddy": _port(c_url)}
    finally:
        dev.shutdown()
        dev.server_close()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].strip("/"))




def test_the_csp_is_the_pages_policy():
    text = nginx.HEADERS.read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{serve.csp_policy()}" always;' in text
    assert f'Content-Security-Policy "{serve.csp_policy()}"' in caddy.CONF.read_text(encoding="utf-8")


@pytest.mark.parametrize("server", PRODUCTION)
def test_security_headers_and_no_version(ports, server):
    resp, body = get(ports[server], "/")
    assert resp.status == 200 and body.startswith(b"<!doctype html>")
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert resp.getheader("Content-Security-Policy") == serve.csp_policy()
    for name, value in serve.SECURITY_HEADERS:
        assert resp.getheader(name) == value, name
    assert resp.getheader("Cache-Control") == "no-cache"
    assert resp.getheader("Server") in ("nginx", None)   # no version (server_tokens off; Caddy's removed)


@pytest.mark.parametrize("server, accept, encoding", [
    ("nginx", "br, gzip", "br"), ("nginx", "zstd, br, gzip", "br"),   # Debian's nginx has no zstd module
    ("caddy", "br, gzip", "br"), ("caddy", "zstd, br, gzip", "zstd"),
    ("nginx", "gzip", "gzip"), ("caddy", "gzip", "gzip"), ("nginx", "", None), ("caddy", "", None),
])
def test_wasm_type_and_precompressed_copies(ports, server, accept, encoding):
    path = f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm"
    resp, body = get(ports[server], path, Accept_Encoding=accept) if accept else get(ports[server], path)
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "application/wasm"
    assert resp.getheader("Content-Encoding") == encoding
    if encoding:
        assert resp.getheader("Vary") == "Accept-Encoding"
    assert resp.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert resp.getheader("Content-Security-Policy") == serve.csp_policy()   # in every location
    want = {"br": b"brotli bytes", "zstd": b"zstd bytes", "gzip": gzip.compress(WASM, mtime=0), None: WASM}
    assert body == want[encoding]


@pytest.mark.parametrize("server", PRODUCTION)
@pytest.mark.parametrize("path, cache", [
    (f"/assets/pyodide/{DIGEST}/pyodide.mjs", "public, max-age=31536000, immutable"),
    ("/assets/calculator/worker.0123abcd4567.js", "public, max-age=31536000, immutable"),
    ("/assets/stylesheets/main.57a0d79d.min.css", "public, max-age=31536000, immutable"),
    ("/assets/calculator/calculator.js", "no-cache"),
    ("/data/versions.json", "no-cache"),
])
def test_caching_follows_content_names(ports, server, path, cache):
    resp, _ = get(ports[server], path)
    assert resp.status == 200 and resp.getheader("Cache-Control") == cache
    if path.endswith(".mjs"):
        assert _essence(resp.getheader("Content-Type")) == "text/javascript"


@pytest.mark.parametrize("server", PRODUCTION)
@pytest.mark.parametrize("path", ["/missing", "/data/", "/assets/", "/.env", "/404.html",
                                  f"/assets/pyodide/{DIGEST}/missing.js"])
def test_not_found_is_the_sites_404_page_and_no_listing(ports, server, path):
    resp, body = get(ports[server], path)
    if path == "/404.html" and server == "caddy":
        assert resp.status == 200 and body.decode() == NOT_FOUND_PAGE   # Caddy has no "internal"
        return
    assert resp.status == 404
    assert body.decode() == NOT_FOUND_PAGE
    assert resp.getheader("Content-Security-Policy") == serve.csp_policy()
    assert resp.getheader("Cache-Control") == "no-cache"            # a 404 is never cached for a year
    assert resp.getheader("Server") in ("nginx", None)
    assert b"Index of" not in body and b"SECRET" not in body


@pytest.mark.parametrize("server", PRODUCTION)
def test_folder_without_slash_redirects_relatively(ports, server):
    resp, _ = get(ports[server], "/en")
    assert resp.status in (301, 308) and resp.getheader("Location") == "/en/"


@pytest.mark.parametrize("server", PRODUCTION)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "TRACE"])
def test_only_get_and_head(ports, server, method):
    resp, body = get(ports[server], "/", method=method)
    assert resp.status == 405 and b"<title>home</title>" not in body


@pytest.mark.parametrize("server", PRODUCTION)
def test_revalidation_answers_304(ports, server):
    resp, _ = get(ports[server], "/en/")
    again, body = get(ports[server], "/en/", If_None_Match=resp.getheader("ETag"))
    assert again.status == 304 and body == b""


@pytest.mark.parametrize("server", PRODUCTION)
@pytest.mark.parametrize("raw, statuses", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {b"414", b"400"}),  # Go reads 1 MB lines
    (b"garbage\r\n\r\n", {b"400"}),
    (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", {b"505", b"400"}),
    (b"GET /index%00.html HTTP/1.1\r\nHost: x\r\n\r\n", {b"400", b"404"}),
    (b"GET /index\x00.html HTTP/1.1\r\nHost: x\r\n\r\n", {b"400"}),
])
def test_malformed_requests(ports, server, raw, statuses):
    with socket.create_connection(("127.0.0.1", ports[server]), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 ") and answer.split(b" ", 2)[1] in statuses, answer[:200]


def _essence(content_type: str | None) -> str:
    # Debian's mime.types still says application/javascript for .js (RFC 9239 prefers text/…);
    # redefining it in zhengce.conf would make `nginx -t` warn of a duplicate. Browsers treat
    # both alike.
    essence = (content_type or "").split(";")[0]
    return "text/javascript" if essence == "application/javascript" else essence


@pytest.mark.parametrize("server", PRODUCTION)
@pytest.mark.parametrize("path, accept", [
    ("/", ""), ("/en/", "gzip"), (f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm", "br, gzip"),
    (f"/assets/pyodide/{DIGEST}/pyodide.asm.wasm", "gzip"), ("/assets/calculator/worker.0123abcd4567.js", ""),
    ("/assets/stylesheets/main.57a0d79d.min.css", ""), ("/missing", ""), ("/en", ""),
])
def test_production_and_the_preview_server_agree(ports, server, path, accept):
    """What a reader's browser depends on is the same in preview and in production."""
    answers = []
    for port in (ports["dev"], ports[server]):
        resp, body = get(port, path, Accept_Encoding=accept) if accept else get(port, path)
        location = resp.getheader("Location")
        answers.append(("redirect" if resp.status in (301, 308) else resp.status,
                        resp.getheader("Content-Encoding"), resp.getheader("Cache-Control"),
                        resp.getheader("Content-Security-Policy"),
                        [resp.getheader(name) for name, _ in serve.SECURITY_HEADERS],
                        _essence(resp.getheader("Content-Type")) if resp.status == 200 else None,
                        location, body if resp.status in (200, 404) else None))
    assert answers[0] == answers[1]
