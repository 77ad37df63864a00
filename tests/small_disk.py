"""Real mounts inside the test's folder (need root): a small tmpfs for ENOSPC tests, and a
read-only view of a folder for the read-only media tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    """Skips the test where mounting is not allowed; unmounts lazily, as a child may still hold a file."""
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a small tmpfs here (needs root): {mounted.stderr.decode(errors='replace').strip()}"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


@contextmanager
def read_only_view(source: Path, mount_point: Path) -> Iterator[Path]:
    """``source`` bind-mounted read-only at ``mount_point``: writes fail with EROFS even for root,
    which ignores file permissions, so this is what a write-protected disk looks like."""
    mount_point.mkdir()
    steps = (
        ["mount", "--bind", str(source), str(mount_point)],
        ["mount", "-o", "remount,ro,bind", str(mount_point)],
    )
    for n, step in enumerate(steps):
        done = subprocess.run(step, capture_output=True)
        if done.returncode != 0:
            if n:
                subprocess.run(["umount", str(mount_point)], check=False)
            why = done.stderr.decode(errors="replace").strip()
            pytest.skip(f"cannot make a read-only bind mount here (needs root): {why}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)
