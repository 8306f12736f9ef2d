"""One HTTP request exactly as written (no Accept-Encoding added, the path sent as given), for the
server tests: the preview server (test_serve.py) and the production configs (test_web_servers.py)."""

from __future__ import annotations

import http.client


def get(port, path, method="GET", **headers):
    """(response, body) of `method path` on 127.0.0.1:port; header names use _ for -."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name.replace("_", "-"), value)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body
