"""Tests against recorded platform responses: a replay server and an archive configured to use it."""

from __future__ import annotations

from pathlib import Path

from archiver.demo.server import ReplayServer, Route, load_recording

RECORDINGS = Path(__file__).resolve().parent / "recordings"
DEMO_RECORDING = Path(__file__).resolve().parent.parent / "archiver" / "demo" / "recordings" / "aleppo"


def start_replay(media_dir: Path, extra: list[Route] | None = None) -> ReplayServer:
    """The demo's recording plus the test recording, with ``extra`` routes first in line."""
    routes = load_recording(RECORDINGS / "platforms", media_dir) + load_recording(DEMO_RECORDING, media_dir)
    return ReplayServer([*(extra or []), *routes])


def configure(
    archive_dir: Path, server: ReplayServer, *, cookies_file: Path | None = None, pause: str = "default = 0.0"
) -> None:
    """ARCHIVE/config.toml sending every request to ``server``, by default with no pauses between requests."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "[platforms]",
        f'replay = "{server.base}"',
        f"min_interval = {{ {pause} }}",
        "backoff = 0.2",
        "[screenshot]",  # these tests are about parsing and pacing; screenshots are tested apart
        "enabled = false",
    ]
    if cookies_file is not None:
        lines += ["[fetch]", f'cookies_file = "{cookies_file}"']
    (archive_dir / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
