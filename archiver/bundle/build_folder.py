"""Hidden build folders beside an export's OUT, named after the process that owns them.

An export builds its bag in ``.OUT.partial-PID-START-BOOT-TOKEN`` and renames it into
place when complete. A SIGKILL (or power cut) skips every cleanup, so the name records
who owns the folder: the next export into the same parent removes the folders whose
owner is gone, and never one whose owner still runs (a stopped or slow export keeps
its folder). PID alone is not enough, as PIDs are reused: the process's start time
(from /proc, in clock ticks since boot) and the boot id tell a reused PID from the owner.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

_UNKNOWN_BOOT = "0" * 32
_NAME = re.compile(r"^\..+\.partial-(\d+)-(\d+)-([0-9a-f]{32})-[0-9a-f]{8}$")


def build_name(name: str) -> str:
    """The hidden name for building ``name``, unique and owned by this process."""
    pid = os.getpid()
    start = _process_start(pid)
    return f".{name}.partial-{pid}-{start or 0}-{_boot_id() or _UNKNOWN_BOOT}-{secrets.token_hex(4)}"


def sweep_dead_builds(parent: Path) -> list[Path]:
    """Remove the build folders (and partial zips) in ``parent`` whose owner is dead."""
    removed = []
    for entry in parent.iterdir():
        match = _NAME.match(entry.name)
        if match is None or _owner_alive(int(match[1]), int(match[2]), match[3]):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _owner_alive(pid: int, start: int, boot: str) -> bool:
    """Only a certainly dead owner counts as dead: without /proc, every owner is alive."""
    here = _boot_id()
    if here is None:
        return True
    if boot != here:
        return False  # built before the last reboot
    stat = process_stat(pid)
    if stat is None:
        return False
    state, started = stat
    return state not in ("Z", "X") and started == start  # a zombie is killed but not yet reaped


def _process_start(pid: int) -> int | None:
    stat = process_stat(pid)
    return None if stat is None else stat[1]


def process_stat(pid: int) -> tuple[str, int] | None:
    """State and start time of a process; the command name in parentheses may hold spaces."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])  # fields 3 and 22 of proc(5)


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip().replace("-", "")
    except OSError:
        return None
