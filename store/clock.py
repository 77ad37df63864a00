"""Local-clock timestamps, always UTC with an explicit offset, ISO 8601."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str = "") -> str:
    """Sortable, readable identifier: UTC second plus 32 random bits."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{prefix}{stamp}-{secrets.token_hex(4)}"
