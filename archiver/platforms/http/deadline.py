"""An overall deadline for one fetch, whatever pace the server keeps.

Socket timeouts bound each wait for the next bytes, not the whole download: a server
that sends one byte every few seconds keeps every wait short and the capture running
forever. yt-dlp reads pages and media through its own HTTP stack, where no deadline can
be passed in, so the deadline is a timer signal (SIGALRM) that interrupts whatever
blocking read is under way, in requests, urllib3 or yt-dlp alike. The exception it raises
derives from BaseException so that no library's ``except Exception`` retries past it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from archiver.errors import FetchError


class _DeadlinePassed(BaseException):
    pass


def _interrupt(_signum: int, _frame: object) -> None:
    raise _DeadlinePassed


@contextmanager
def fetch_deadline(seconds: float, url: str) -> Iterator[None]:
    """Raise FetchError when the block is still fetching after ``seconds``.

    Signals only reach the main thread; elsewhere the block runs under its socket
    timeouts alone.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _DeadlinePassed:
        host = urlsplit(url).hostname or url
        raise FetchError(
            f"{host} was still sending after the {seconds:g}-second deadline for one download ({url})"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
