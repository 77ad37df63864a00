"""Telling a full disk apart from other failures, wherever it surfaces.

A full disk reaches us as ``OSError(ENOSPC)`` from a file write, as SQLite's
``database or disk is full`` from a commit, or, when not even SQLite's shared-memory
file fits, as a bare ``disk I/O error`` at open. The last one also means real damage,
so it counts as a full disk only when the disk has next to no room left. yt-dlp reports
a failed write as text only ("unable to write data: [Errno 28] ..."), so the errno in
the message counts too.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# below this many free bytes, SQLite's "disk I/O error" is taken to be the full disk
NEARLY_FULL_BYTES = 256 * 1024


def free_bytes(folder: Path) -> int | None:
    """Room left for an unprivileged writer on the disk holding ``folder`` (None if unknown)."""
    for candidate in (Path(folder), *Path(folder).parents):
        if candidate.exists():
            stats = os.statvfs(candidate)
            return stats.f_bavail * stats.f_frsize
    return None


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """True when ``exc`` (or what it was raised from) says the disk holding ``folder`` is full."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if f"[Errno {errno.ENOSPC}]" in str(exc):
            return True
        if isinstance(exc, sqlite3.Error):
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
                return True
            if code == sqlite3.SQLITE_IOERR or "disk I/O error" in str(exc):
                room = free_bytes(folder) if folder is not None else None
                if room is not None and room < NEARLY_FULL_BYTES:
                    return True
        exc = exc.__cause__ or exc.__context__
    return False


def full_disk_sentence(folder: Path, doing: str) -> str:
    """One sentence for the user: what could not be done and what to do about it."""
    return f"the disk holding {folder} is full, so {doing}; free some space and run the command again"
