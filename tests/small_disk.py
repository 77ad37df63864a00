"""A real small disk for ENOSPC tests: a tmpfs mounted inside the test's folder (needs root)."""

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
