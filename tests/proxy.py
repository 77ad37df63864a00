"""A forwarding HTTP proxy on 127.0.0.1 that remembers every request it relayed, so a test can
see that traffic really went through it (and which client sent it)."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"}


class _Relay(BaseHTTPRequestHandler):
    """Sends each request on to the host its absolute URL names, and the answer back."""

    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, *args: object) -> None:
        pass

    def relay(self) -> None:
        self.server.seen.append((self.command, self.path, dict(self.headers.items())))
        target = urlsplit(self.path)  # a proxy is sent the absolute URL
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream.request(
            self.command, (target.path or "/") + (f"?{target.query}" if target.query else ""), headers=headers
        )
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = relay


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str, dict[str, str]]]  # (method, absolute URL, headers)


class LocalProxy:
    def __init__(self) -> None:
        self.server = _ProxyServer(("127.0.0.1", 0), _Relay)
        self.server.seen = []
        self.seen = self.server.seen
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
