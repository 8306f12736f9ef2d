"""Run Debian's nginx from the repository's configuration (deploy/nginx/) for tests.

The server block is used as shipped (tests/caddy.py does the same for Caddy); only what a deployment sets itself is swapped: the listen
lines (a free loopback port), the root (the built site) and the snippet's path (this checkout's).
Everything nginx writes (pid, logs, temp files) goes under a temporary prefix, so nothing of the
system's nginx is touched and no root rights are needed (as root, workers run as root too, so
that they can read the test's private temporary folders).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "deploy" / "nginx" / "zhengce.conf"
HEADERS = ROOT / "deploy" / "nginx" / "zhengce-headers.conf"
NGINX = Path("/usr/sbin/nginx")
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME = Path("/etc/nginx/mime.types")


def available() -> str | None:
    """Why nginx cannot run here, or None (./dev test installs both packages)."""
    if not CONF.is_file():
        return f"{CONF} missing"
    for path, package in ((NGINX, "nginx"), (BROTLI, "libnginx-mod-http-brotli-static"), (MIME, "nginx")):
        if not path.exists():
            return f"{path} missing: apt-get install {package}"
    return None


def server_block(site: Path, port: int) -> str:
    """deploy/nginx/zhengce.conf with the deployment-specific lines replaced (each exactly once)."""
    text = CONF.read_text(encoding="utf-8")
    swaps = [
        (r"(?m)^    listen 80;\n    listen \[::\]:80;\n", f"    listen 127.0.0.1:{port};\n"),
        (r"(?m)^    root /var/www/zhengce;$", f"    root {site};"),
        (r"include /etc/nginx/snippets/zhengce-headers\.conf;", f"include {HEADERS};"),
    ]
    for pattern, replacement in swaps:
        text, count = re.subn(pattern, lambda _m, r=replacement: r, text)
        assert count >= 1, f"{CONF}: no line matches {pattern!r}; update tests/nginx.py with the config"
    return text


def main_config(site: Path, port: int, prefix: Path) -> str:
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temps = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"load_module {BROTLI};\n{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} warn;\ndaemon off;\n"
            "events { worker_connections 128; }\n"
            f"http {{\n    access_log {prefix / 'access.log'};\n{temps}    sendfile on;\n"
            + server_block(site, port) + "}\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(site: Path, prefix: Path):
    """Serve `site` with nginx on a loopback port; yields the base URL ("http://127.0.0.1:N/")."""
    prefix.mkdir(parents=True, exist_ok=True)
    for attempt in range(5):  # another process may take the free port before nginx binds it
        port = _free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(main_config(Path(site).resolve(), port, prefix), encoding="utf-8")
        base = [str(NGINX), "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
        check = subprocess.run([*base, "-t", "-q"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        proc = subprocess.Popen(base,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if _wait_listening(proc, port):
            break
        proc.kill()
        proc.wait()
    else:
        raise RuntimeError(f"nginx did not start: {(prefix / 'error.log').read_text(errors='replace')[-2000:]}")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()  # SIGTERM: the master stops its workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _wait_listening(proc: subprocess.Popen, port: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False
