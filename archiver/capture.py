"""Capture one URL: fetch into a private staging folder while recording every HTTP
exchange into a WARC, then hand the files to the store in one step.

A capture either lands whole or not at all. A failure is itself recorded (URL, time,
error, and the WARC of what the server did answer) because "it was already gone on
day X" is evidence too.
"""

from __future__ import annotations

import gc
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.warcwriter import WARCWriter

from archiver import pixel_limit
from archiver.demo import replaying
from archiver.errors import ArchiverError, NothingArchivableError, UsageError
from archiver.failed_attempt import Attempt, as_failure, record_failed_attempt
from archiver.ingest import (
    CaptureRecord,
    IngestItem,
    StagedFile,
    StoredArtifact,
    ingest,
    probe_files,
)
from archiver.page_text import page_file_text
from archiver.platforms.base import FetchContext, FetchResult, ProgressCallback
from archiver.platforms.chain import fetch_chain
from archiver.platforms.http.deadline import fetch_deadline
from archiver.platforms.http.session import make_session
from archiver.screenshot import ScreenshotUnavailable, take_screenshot
from archiver.settings import operator_name
from archiver.terminal import shorten
from archiver.timestamps.stamping import is_timestamped, stamp_captures
from archiver.url_check import url_problem
from archiver.versions import tool_versions
from archiver.warc_recording import recording_http
from store import Archive
from store.clock import new_id, utc_now


@dataclass
class CaptureOutcome:
    capture_id: str
    url: str
    status: str  # "ok", "incomplete" (kept, but lacking what ``missing`` names) or "failed"
    error: str | None = None
    error_kind: str | None = None
    artifacts: list[StoredArtifact] = field(default_factory=list)
    record: CaptureRecord | None = None
    timestamped: bool | None = None  # None for a failed attempt

    @property
    def missing(self) -> list[dict[str, str]]:
        return self.record.missing if self.record is not None else []

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "capture_id": self.capture_id,
            "status": self.status,
            "url": self.url,
            "error": self.error,
            "missing": self.missing,
            "artifacts": [a.as_json() for a in self.artifacts],
            "timestamped": self.timestamped,
        }
        if self.record is not None:
            for key in (
                "final_url",
                "platform",
                "author",
                "handle",
                "title",
                "post_time",
                "started_at",
                "ended_at",
                "note",
            ):
                data[key] = getattr(self.record, key)
        return data


def check_url(url: str) -> str:
    problem = url_problem(url.strip())
    if problem:
        raise UsageError(f"{shorten(url)!r} is not an http(s) URL archiver can fetch: {problem}")
    return url.strip()


def capture_url(
    archive: Archive,
    url: str,
    config: dict[str, Any],
    *,
    case_name: str | None = None,
    progress: ProgressCallback | None = None,
    note: str | None = None,
) -> CaptureOutcome:
    url = check_url(url)
    pixel_limit.configure(config)
    capture_id = new_id()
    started = utc_now()
    versions = tool_versions()
    with archive.staging(capture_id) as workdir:
        warc_path = workdir / f"{capture_id}.warc.gz"
        try:
            result = _fetch_recording(url, workdir, warc_path, config, versions, progress)
            record = CaptureRecord(
                id=capture_id,
                kind="capture",
                started_at=started,
                operator=operator_name(config),
                tool_versions=versions,
                input_url=url,
                case_name=case_name,
                note=note,
                status="incomplete" if result.missing else "ok",
                missing=result.missing,
                page_text=_page_text(result.files),
                **result.post_facts(),
            )
            files = [*result.files, StagedFile(warc_path, "warc", warc_path.name)]
            # its own staging folder, so a store that fails takes its new blobs away at once
            with archive.staging(f"{capture_id}-store"):
                item = ingest(archive, [IngestItem(record, files)])[0]
        except (ArchiverError, OSError, sqlite3.Error) as exc:
            failure = as_failure(exc, archive)
            attempt = Attempt(capture_id, url, case_name, started, warc_path, operator_name(config), versions)
            record_failed_attempt(archive, attempt, failure)
            return CaptureOutcome(capture_id, url, "failed", str(failure), failure.kind)
    stamp_captures(archive, [capture_id], config)  # after the store, with no lock held
    timestamped = is_timestamped(archive, capture_id)
    return CaptureOutcome(
        capture_id,
        url,
        item.record.status,
        artifacts=item.artifacts,
        record=item.record,
        timestamped=timestamped,
    )


def _page_text(files: list[StagedFile]) -> str | None:
    """The visible text of the capture's page(s), for the search."""
    texts = [page_file_text(f.path) for f in files if f.role == "page"]
    return " ".join(t for t in texts if t) or None


def _fetch_recording(
    url: str,
    workdir: Path,
    warc_path: Path,
    config: dict[str, Any],
    versions: dict[str, str],
    progress: ProgressCallback | None,
) -> FetchResult:
    """Run the capture steps for ``url`` (platforms/chain.py) with all HTTP traffic of this process
    recorded to ``warc_path``."""
    ctx = FetchContext(config=config, session=make_session(config), progress=progress)
    with open(warc_path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(warc_path.name, _warcinfo(versions)))
        with recording_http(writer), ctx.session, replaying(config, ctx.session):
            for fetcher in fetch_chain(url):
                attempt_dir = workdir / fetcher.name.replace(":", "_")
                attempt_dir.mkdir()
                try:
                    with fetch_deadline(ctx.deadline, url):
                        result = fetcher.fetch(url, attempt_dir, ctx)
                finally:
                    _close_stray_responses()
                if result is not None:
                    # probe here so a corrupt essential file fails while the WARC is still open
                    probe_files(result.files)
                    _add_screenshot(result, workdir, ctx)
                    result.missing = ctx.missing
                    return result
    raise NothingArchivableError(f"nothing archivable was found at {url}")


def _close_stray_responses() -> None:
    """Finalise responses a fetcher dropped without closing, while the WARC is still open.

    A response is written to the WARC when it is closed; one that yt-dlp's extractors let
    go is closed only when the garbage collector reaches it, which could be after the
    capture has closed its WARC, losing the record.
    """
    gc.collect()


def _add_screenshot(result: FetchResult, workdir: Path, ctx: FetchContext) -> None:
    """Render the captured page while the WARC still records; a missing browser is noted, not fatal."""
    pages = [f for f in result.files if f.role == "page"]
    if not pages or not ctx.config.get("screenshot", {}).get("enabled", True):
        return
    target = workdir / "screenshot.png"
    try:
        take_screenshot(pages[0].source_url or result.final_url, target, ctx.session, ctx.config)
    except ScreenshotUnavailable as exc:
        result.metadata = {**(result.metadata or {}), "screenshot_error": str(exc)}
        return
    result.files.append(StagedFile(target, "screenshot", target.name, pages[0].source_url))


def _warcinfo(versions: dict[str, str]) -> dict[str, str]:
    software = ", ".join(f"{name}/{version}" for name, version in versions.items())
    return {"software": software, "format": "WARC File Format 1.1", "description": "archiver capture"}
