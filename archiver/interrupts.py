"""Ctrl-C as a clean stop: never swallowed by a finalizer, never cutting a cleanup short."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

REDELIVERY_S = 0.05
# callbacks Python runs where an exception cannot propagate, besides every __del__:
# importlib's weakref callback that drops a module lock once an import is done
_CALLBACKS = {("<frozen importlib._bootstrap>", "cb")}


def ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGINT handler: KeyboardInterrupt, except inside a finalizer, where it is sent again shortly.

    A KeyboardInterrupt raised while a ``__del__`` or a weakref callback runs (warcio leaves
    temporary files for the garbage collector; importlib drops module locks) cannot
    propagate: Python prints "Exception ignored in ..." with a traceback and drops it, so
    the command would go on as if never interrupted.
    """
    if not _deferred(frame):
        raise KeyboardInterrupt


def _deferred(frame: FrameType | None) -> bool:
    """Inside a finalizer, have the signal sent again once it is likely done; True if so."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or (code.co_filename, code.co_name) in _CALLBACKS:
            threading.Timer(REDELIVERY_S, os.kill, (os.getpid(), signal.SIGINT)).start()
            return True
        frame = frame.f_back
    return False


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
        if not fired and not _deferred(frame):
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
