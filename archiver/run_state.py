"""What one command run accumulates while it works: host pacing, TSA back-off, the browser.

A run is one command (`archiver capture A B C`, a sources sync, a demo); its state is made
when the command loads its settings and dies with them, so two runs in one process (the
tests' CliRunner, a library caller) never inherit each other's pauses, skipped TSAs or a
browser. Nothing here is created on import.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from typing import Any


class HostPacing:
    """When each host may next be asked, shared by every thread of the run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_turn: dict[str, float] = {}

    def reserve(self, host: str, interval: float) -> float:
        """Book the host's next turn; returns how many seconds the caller must wait for it."""
        with self._lock:
            now = time.monotonic()
            ready = self._next_turn.get(host, 0.0) + interval
            self._next_turn[host] = max(now, ready)
        return max(0.0, ready - now)


class TsaBackoff:
    """TSAs that did not answer, and until when this run leaves them alone."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def resting(self, url: str) -> bool:
        return self._until.get(url, 0.0) > time.monotonic()

    def rest(self, url: str, seconds: float) -> None:
        self._until[url] = time.monotonic() + seconds

    def forget(self, url: str) -> None:
        self._until.pop(url, None)


class RunState:
    def __init__(self) -> None:
        self.pacing = HostPacing()
        self.tsa_backoff = TsaBackoff()
        self.browsers: dict[str, Any] = {}  # executable -> a running Chromium
        self.cookie_jars: dict[str, Any] = {}  # --cookies-from-browser spec -> its jar, read once
        self._closers: list[tuple[Callable[..., None], tuple[Any, ...]]] = []

    def on_close(self, shut_down: Callable[..., None], *args: Any) -> None:
        """Call ``shut_down(*args)`` when the run ends: at close(), which the CLI calls when
        the command returns, or at exit for a library caller that never closes."""
        if not self._closers:
            atexit.register(self.close)
        self._closers.append((shut_down, args))

    def close(self) -> None:
        closers, self._closers = self._closers, []
        if closers:
            atexit.unregister(self.close)  # only this run's: bound methods compare by instance
        self.browsers.clear()
        for shut_down, args in reversed(closers):
            shut_down(*args)
