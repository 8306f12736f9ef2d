"""Serve a built site over HTTP on loopback, with the types and headers a static host would send.

`.wasm` must be `application/wasm` (or Pyodide never starts); the Content-Security-Policy header
repeats the pages' own `<meta>` policy, adding what a meta policy cannot say (frame-ancestors).
"""

from __future__ import annotations

import functools
import http.server
import mimetypes
import threading
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
    ".br": "application/octet-stream", ".woff2": "font/woff2",
}


def csp_policy() -> str:
    policy = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["extra"]["zc_csp"]
    return policy + "; frame-ancestors 'self'"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**mimetypes.types_map, **TYPES, "": "application/octet-stream"}
    csp = ""

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def log_message(self, format, *args):  # quiet: one line per request is noise in tests
        pass


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server bound to (host, port); port 0 picks a free one (see `server.server_address`)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir}/index.html: build the site first (python build.py build)")
    handler = functools.partial(type("SiteHandler", (Handler,), {"csp": csp_policy()}),
                                directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(site_dir, host, port)
    print(f"Serving {site_dir} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(site_dir: Path, host: str = "127.0.0.1", port: int = 0):
    """Start serving in a daemon thread; returns (server, base_url). Stop with server.shutdown()."""
    server = make_server(site_dir, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
