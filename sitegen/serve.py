"""Serve a built site over HTTP on loopback, with the types and headers a static host would send.

- `.wasm` must be `application/wasm` (or Pyodide never starts; V8 also caches compiled wasm only
  for a streamed `application/wasm` response).
- Pre-compressed copies written at build time (`x.zst`, `x.br`, `x.gz` beside `x`) are sent
  instead of `x` when the request's Accept-Encoding allows, in that order of preference, with the
  original's Content-Type (only the runtime's wasm and snapshot have a .zst: see pyodide_bundle).
- Cache-Control: content-named files (the Pyodide runtime under its digest, the worker, the
  theme's hashed bundles) are immutable for a year; everything else, HTML included, is
  revalidated on every use (`no-cache`; Last-Modified makes that a 304).
- The Content-Security-Policy header repeats the pages' own `<meta>` policy, adding what a meta
  policy cannot say (frame-ancestors).
Paths are resolved by http.server's translate_path, which drops `..` and other non-name
components: nothing outside the site root is reachable. Malformed requests get http.server's own
answers (400, 414, 505; a NUL in the path, which no file name can hold, 400) — headers here must
not assume a request line was parsed.

This is a preview server. Production is a real web server: deploy/nginx/ (see README).
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import http.server
import mimetypes
import os
import re
import sys
import threading
import urllib.parse
from http import HTTPStatus
from pathlib import Path

import yaml

CONFIG = Path(__file__).resolve().parent.parent / "mkdocs.yml"
TYPES = {
    ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
    ".json": "application/json", ".xml": "application/xml", ".css": "text/css",
    ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".zip": "application/zip",
    ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream", ".pagefind": "application/octet-stream",
    ".whl": "application/zip", ".tar": "application/x-tar", ".gz": "application/gzip",
    ".br": "application/octet-stream", ".zst": "application/zstd", ".woff2": "font/woff2",
    ".bin": "application/octet-stream",
}
ENCODINGS = (("zstd", ".zst"), ("br", ".br"), ("gzip", ".gz"))   # preference order
IMMUTABLE = re.compile(
    r"/assets/pyodide/[0-9a-f]{8,}/"                         # the runtime, named by its digest
    r"|/assets/calculator/worker\.[0-9a-f]{8,}\.js$"         # the worker, named by its digest
    r"|/assets/(?:javascripts|stylesheets)/[\w.-]+\.[0-9a-f]{8}\.min\.(?:js|css)$")  # the theme's
LONG_CACHE = "public, max-age=31536000, immutable"
# As deploy/nginx/zhengce-headers.conf (tests/test_web_servers.py compares the two servers' answers).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "SAMEORIGIN"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)


def csp_policy() -> str:
    policy = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["extra"]["zc_csp"]
    return policy + "; frame-ancestors 'self'"


def accepted_encodings(header: str) -> set[str]:
    """Content codings an Accept-Encoding header allows (q > 0); `*` allows any not named."""
    allowed, refused = set(), set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        (allowed if q > 0 else refused).add(name)
    if "*" in allowed:
        allowed |= {name for name, _ in ENCODINGS} - refused
    return allowed - refused


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**mimetypes.types_map, **TYPES, "": "application/octet-stream"}
    csp = ""
    vary = False         # the file answered has pre-compressed siblings
    static_host = True   # False: plain http.server (no pre-compressed files, no Cache-Control)
    # http.server assumes HTTP/0.9 until the request line parses, and HTTP/0.9 answers have no
    # status line: a garbage or HTTP/9.9 request line got a bare HTML body instead of 400/505.
    default_request_version = "HTTP/1.0"

    def send_head(self):
        self.vary = False
        if "\0" in urllib.parse.unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "NUL in the path")
            return None
        if any(part.startswith(".") for part in urllib.parse.unquote(self.path.split("?", 1)[0]).split("/")):
            self.send_error(HTTPStatus.NOT_FOUND)  # dot-files (.git, .env) are never part of the site
            return None
        if not self.static_host:
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()   # redirects a directory without its "/", or 404
        accepted = accepted_encodings(self.headers.get("Accept-Encoding", ""))
        variants = [(name, path + ext) for name, ext in ENCODINGS if os.path.isfile(path + ext)]
        encoding, body = next(((n, p) for n, p in variants if n in accepted), (None, path))
        f = open(body, "rb")
        try:
            stat = os.fstat(f.fileno())
            self.vary = bool(variants)
            if self._not_modified(stat.st_mtime):
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.end_headers()
                f.close()
                return None
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(path))
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(stat.st_size))
            self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
            self.end_headers()
            return f
        except BaseException:
            f.close()
            raise

    def _not_modified(self, mtime: float) -> bool:
        if "If-Modified-Since" not in self.headers or "If-None-Match" in self.headers:
            return False
        try:
            since = email.utils.parsedate_to_datetime(self.headers["If-Modified-Since"])
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=datetime.timezone.utc)
        modified = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).replace(microsecond=0)
        return modified <= since

    def send_error(self, code, message=None, explain=None):
        """The site's own 404.html for "not found", as the production config sends it."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not self.static_host or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.vary = False
        self.path = "/404.html"  # for Cache-Control: no-cache
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):  # a static host lists no folders
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def end_headers(self):
        if self.static_host:
            if self.vary:
                self.send_header("Vary", "Accept-Encoding")
            # An error before the request line was parsed (414, 505, garbage) has no path yet.
            url_path = urllib.parse.unquote(urllib.parse.urlsplit(getattr(self, "path", "")).path)
            self.send_header("Cache-Control", LONG_CACHE if IMMUTABLE.search(url_path) else "no-cache")
        self.send_header("Content-Security-Policy", self.csp)
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # quiet: one line per request is noise in tests
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes the connection mid-reply (a cancelled favicon, a page left early)
        is not an error of the server: say nothing rather than print a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, *,
                handler: type[Handler] = Handler) -> http.server.ThreadingHTTPServer:
    """A server bound to (host, port); port 0 picks a free one (see `server.server_address`).

    `handler`: Handler or a subclass (benchmarks count bytes, or turn `static_host` off)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir}/index.html: build the site first (python build.py build)")
    bound = functools.partial(type("SiteHandler", (handler,), {"csp": csp_policy()}), directory=str(site_dir))
    return _Server((host, port), bound)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(site_dir, host, port)
    print(f"Serving {site_dir} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(site_dir: Path, host: str = "127.0.0.1", port: int = 0, *, handler: type[Handler] = Handler):
    """Start serving in a daemon thread; returns (server, base_url). Stop with server.shutdown()."""
    server = make_server(site_dir, host, port, handler=handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
