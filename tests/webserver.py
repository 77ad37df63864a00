"""A small threaded HTTP server on 127.0.0.1 with per-path behaviour, for capture tests.

pytest-httpserver serves one request at a time; here slow or endless responses in one
test do not hold up another, and headers can be as hostile as a real server's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the response starts
    chunk_delay: float = 0.0  # seconds between 64 KiB chunks of the body
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class TestSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._serve(head=True)

            def do_GET(self) -> None:
                self._serve(head=False)

            def _serve(self, head: bool) -> None:
                path = self.path.split("?", 1)[0]
                site.hits[path] = site.hits.get(path, 0) + 1
                route = site.routes.get(path) or Route(status=404, body=b"not found")
                if route.handler is not None:
                    route.handler(self)
                    return
                time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in {"Content-Length": str(len(route.body)), **route.headers}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if head:
                        return
                    for start in range(0, len(route.body), 65536):
                        self.wfile.write(route.body[start : start + 65536])
                        if route.chunk_delay:
                            self.wfile.flush()
                            time.sleep(route.chunk_delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes = b"", content_type: str | None = None, **kwargs) -> str:
        route = Route(body=body, **kwargs)
        if content_type:
            route.headers.setdefault("Content-Type", content_type)
        self.routes[path] = route
        return self.url(path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
