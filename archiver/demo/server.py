"""A local server on 127.0.0.1 that answers with recorded platform responses.

A recording is a folder with ``routes.json``: for each original URL (plus, where it
matters, the method and query parameters) the status, headers and body the platform
served, and a table of media files generated on start. A route marked ``"once"`` answers
only the first matching request (a platform that refuses once, then serves); one with
``"cookie": NAME`` only a request that carries that cookie (a logged-in browser). Requests arrive in the form
``/<host><path>?<query>`` made by archiver.demo.replay; anything not in the recording gets
a 404 that says so, so a test never passes on an answer nobody recorded.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from archiver.demo.media import write_media
from archiver.errors import UsageError


@dataclass
class Route:
    host: str
    path: str
    method: str = "GET"
    query: dict[str, str] = field(default_factory=dict)  # parameters that must be present, equal
    contains: str = ""  # text the raw query must contain (for JSON-in-query APIs)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_file: Path | None = None
    once: bool = False
    cookie: str = ""  # a cookie the request must carry

    def specificity(self) -> tuple[bool, int]:
        return self.once, len(self.query) + bool(self.contains) + bool(self.cookie)

    def matches(self, method: str, query: str, cookies: str = "") -> bool:
        params = dict(parse_qsl(query, keep_blank_values=True))
        return (
            method == self.method
            and all(params.get(k) == v for k, v in self.query.items())
            and self.contains in query
            and (not self.cookie or f"{self.cookie}=" in cookies)
        )


def load_recording(folder: Path, media_dir: Path) -> list[Route]:
    """Read ``routes.json`` from ``folder``; media it names are generated into ``media_dir``."""
    try:
        spec = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read the recording in {folder}: {exc}") from exc
    media_dir.mkdir(parents=True, exist_ok=True)
    media = {}
    for name, item in spec.get("media", {}).items():
        target = media_dir / name
        if not target.exists():
            write_media(target, item)
        media[name] = target
    return [_route(entry, folder, media) for entry in spec["routes"]]


def _route(entry: dict[str, Any], folder: Path, media: dict[str, Path]) -> Route:
    parts = urlsplit(entry["url"])
    route = Route(
        host=parts.netloc,
        path=parts.path or "/",
        method=entry.get("method", "GET"),
        query={k: str(v) for k, v in entry.get("query", {}).items()},
        contains=entry.get("contains", ""),
        status=int(entry.get("status", 200)),
        headers=dict(entry.get("headers", {})),
        once=bool(entry.get("once", False)),
        cookie=entry.get("cookie", ""),
    )
    if "file" in entry:
        route.body_file = folder / entry["file"]
    elif "media" in entry:
        route.body_file = media[entry["media"]]
    elif "json" in entry:
        route.body = json.dumps(entry["json"], ensure_ascii=False).encode()
        route.headers.setdefault("Content-Type", "application/json; charset=utf-8")
    else:
        route.body = entry.get("text", "").encode()
    return route


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a browser, a cancelled download) is normal here, not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Hit:
    method: str
    url: str  # in its original form, https://<host><path>?<query>
    status: int
    headers: dict[str, str]


class ReplayServer:
    """Serves one or more recordings until closed; ``hits`` lists every request it answered."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.hits: list[Hit] = []
        self._spent: set[int] = set()  # ids of "once" routes already served
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self, "GET")

            def do_HEAD(self) -> None:
                server._answer(self, "HEAD")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server._answer(self, "POST")

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, host: str, path: str, method: str, query: str, cookies: str = "") -> Route | None:
        lookup = "GET" if method == "HEAD" else method
        with self._lock:
            candidates = [
                r
                for r in self.routes
                if r.host == host
                and r.path == path
                and r.matches(lookup, query, cookies)
                and id(r) not in self._spent
            ]
            candidates.sort(key=Route.specificity, reverse=True)
            if not candidates:
                return None
            if candidates[0].once:
                self._spent.add(id(candidates[0]))
            return candidates[0]

    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        target = urlsplit(handler.path)
        host, _, rest = target.path.lstrip("/").partition("/")
        path = "/" + rest
        route = self.find(host, path, method, target.query, handler.headers.get("Cookie", ""))
        status = route.status if route else 404
        original = f"https://{host}{path}" + (f"?{target.query}" if target.query else "")
        self.hits.append(Hit(method, original, status, dict(handler.headers.items())))
        if route is None:
            body = f"not in the recording: {method} https://{host}{path}".encode()
            headers = {"Content-Type": "text/plain; charset=utf-8"}
        else:
            body = route.body_file.read_bytes() if route.body_file else route.body
            headers = dict(route.headers)
            if "Location" in headers:
                headers["Location"] = self._rewrite_location(headers["Location"])
        try:
            handler.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                handler.send_header(name, value)
            handler.end_headers()
            if method != "HEAD":
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _rewrite_location(self, location: str) -> str:
        parts = urlsplit(location)
        if not parts.netloc:
            return location
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.base}/{parts.netloc}{parts.path}{query}"
