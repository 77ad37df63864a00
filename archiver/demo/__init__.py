"""The offline demo: a replay server of recorded platform responses, and the walk-through."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # archiver.shipped imports this package on every start-up: keep it light
    import requests


def replaying(config: dict[str, Any], session: requests.Session) -> AbstractContextManager[None]:
    """Send this fetch's traffic to the replay server the settings name (``[platforms] replay``,
    set by `archiver demo` and the tests); with none, a real fetch, and the replay harness
    is not even imported."""
    server = (config.get("platforms", {}).get("replay") or "").rstrip("/")
    if not server:
        return nullcontext()
    from archiver.demo.replay import replay_to

    return replay_to(server, session)
