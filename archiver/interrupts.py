"""Ctrl-C that starts a cleanup cannot also abandon it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def interrupt_once() -> Iterator[None]:
    """Inside this block the first Ctrl-C raises KeyboardInterrupt and later ones are ignored.

    People press Ctrl-C twice. The second one used to land in the `except` that removes a
    half-built export (or while it waited for the copying threads), stopping the removal
    half-way and leaving the partial folder behind for good. Cleanup is short and bounded,
    so letting it finish is better than honouring the second key press. Off the main
    thread, or where Ctrl-C is already ignored, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def first_only(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if not fired:
            fired = True
            raise KeyboardInterrupt

    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, first_only)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
