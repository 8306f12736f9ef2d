"""Run Debian's Caddy from the repository's configuration (deploy/caddy/Caddyfile) for tests.

As tests/nginx.py: the file as shipped, with the site address (a free loopback port) and the root
swapped, a global block that turns the admin endpoint off, and every file Caddy writes under a
temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests.nginx import ROOT, _free_port, _wait_listening

CONF = ROOT / "deploy" / "caddy" / "Caddyfile"
CADDY = Path("/usr/bin/caddy")


def available() -> str | None:
    if not CONF.is_file():
        return f"{CONF} missing"
    if not CADDY.exists():
        return f"{CADDY} missing: apt-get install caddy"
    return None


def caddyfile(site: Path, port: int) -> str:
    text = CONF.read_text(encoding="utf-8")
    swaps = [(r"(?m)^:80 \{$", f":{port} {{\n\tbind 127.0.0.1"),  # any Host, as on :80
             (r"(?m)^\troot \* /var/www/zhengce$", f"\troot * {site}")]
    for pattern, replacement in swaps:
        text, count = re.subn(pattern, lambda _m, r=replacement: r, text)
        assert count == 1, f"{CONF}: no line matches {pattern!r}; update tests/caddy.py with the config"
    return "{\n\tadmin off\n}\n\n" + text


@contextmanager
def running(site: Path, prefix: Path):
    """Serve `site` with Caddy on a loopback port; yields the base URL."""
    prefix.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(prefix), "XDG_DATA_HOME": str(prefix / "data"),
           "XDG_CONFIG_HOME": str(prefix / "config")}
    for _attempt in range(5):
        port = _free_port()
        conf = prefix / "Caddyfile"
        conf.write_text(caddyfile(Path(site).resolve(), port), encoding="utf-8")
        log = (prefix / "caddy.log").open("ab")
        proc = subprocess.Popen([str(CADDY), "run", "--adapter", "caddyfile", "--config", str(conf)],
                                stdout=log, stderr=log, env=env)
        if _wait_listening(proc, port):
            break
        proc.kill()
        proc.wait()
        log.close()
    else:
        raise RuntimeError(f"caddy did not start: {(prefix / 'caddy.log').read_text(errors='replace')[-2000:]}")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
