"""What a channel's or account's own page says about it, as a channel snapshot records it.

Each platform's adapter reads these from its own page (telegram_channel.py, x.py); the
snapshot keeps them in the capture's metadata under ``channel`` and compares them with
the previous snapshot (archiver/sources/snapshot.py), so they share one shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ChannelFacts:
    channel: str  # the channel or account name
    state: str  # "public"; Telegram also "no-preview" (card only) and "not-found"
    title: str | None = None
    description: str | None = None
    subscribers: str | None = None  # subscribers or followers as shown, "48.2K"
    subscriber_count: int | None = None  # that number, as precise as shown
    counters: dict[str, str] = field(default_factory=dict)  # photos, videos, following, posts...
    avatar_url: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
