"""Timestamp capture manifests with every configured TSA, now or later.

Network calls happen with no lock held; each token is then stored with its custody
event in one short transaction. A TSA that cannot be reached leaves the capture
untimestamped (the capture itself already succeeded) and is not asked again by this
process for a while, so an offline import of thousands of files does not wait on it
thousands of times. `archiver timestamp` asks again for everything still missing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from archiver.config import operator_name
from archiver.errors import ArchiverError
from archiver.timestamps.authorities import Authority, authorities, timeout
from archiver.timestamps.tokens import Token, request_token
from store import Archive
from store.clock import utc_now
from store.custody import append_event
from store.manifest import capture_manifest, manifest_digest

RETRY_AFTER_S = 300.0
_unreachable_until: dict[str, float] = {}


@dataclass
class StampResult:
    capture_id: str
    tsa: str
    status: str  # "stamped", "failed" or "skipped" (TSA failed moments ago)
    gen_time: str | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def stamp_captures(
    archive: Archive, capture_ids: list[str], config: dict[str, Any], *, retry_now: bool = False
) -> list[StampResult]:
    """Ask every configured TSA that has not yet stamped each capture."""
    tsas = authorities(config)
    if retry_now:
        for authority in tsas:
            _unreachable_until.pop(authority.url, None)
    results = []
    for capture_id in capture_ids:
        done = {
            r["tsa_name"]
            for r in archive.catalog.rows(
                "SELECT tsa_name FROM timestamps WHERE capture_id = ?", [capture_id]
            )
        }
        for authority in tsas:
            if authority.name not in done:
                results.append(_stamp_one(archive, capture_id, authority, config))
    return results


def pending_captures(archive: Archive, config: dict[str, Any]) -> list[str]:
    """Captures that some configured TSA has not stamped yet, oldest first."""
    names = [a.name for a in authorities(config)]
    if not names:
        return []
    marks = ", ".join("?" for _ in names)
    rows = archive.catalog.rows(
        f"""SELECT c.id FROM captures c
            WHERE (SELECT count(DISTINCT t.tsa_name) FROM timestamps t
                   WHERE t.capture_id = c.id AND t.tsa_name IN ({marks})) < ?
            ORDER BY c.started_at, c.id""",
        [*names, len(names)],
    )
    return [r["id"] for r in rows]


def is_timestamped(archive: Archive, capture_id: str) -> bool:
    row = archive.catalog.one("SELECT 1 AS yes FROM timestamps WHERE capture_id = ? LIMIT 1", [capture_id])
    return row is not None


def _stamp_one(
    archive: Archive, capture_id: str, authority: Authority, config: dict[str, Any]
) -> StampResult:
    if _unreachable_until.get(authority.url, 0.0) > time.monotonic():
        return StampResult(capture_id, authority.name, "skipped", error="unreachable moments ago")
    manifest = capture_manifest(archive.catalog, capture_id)
    requested_at = utc_now()
    try:
        token = request_token(authority, manifest, timeout(config))
    except ArchiverError as exc:
        _unreachable_until[authority.url] = time.monotonic() + RETRY_AFTER_S
        return StampResult(capture_id, authority.name, "failed", error=str(exc))
    _store(archive, capture_id, authority, manifest_digest(manifest), token, requested_at, config)
    return StampResult(capture_id, authority.name, "stamped", gen_time=token.gen_time)


def _store(
    archive: Archive,
    capture_id: str,
    authority: Authority,
    digest: str,
    token: Token,
    requested_at: str,
    config: dict[str, Any],
) -> None:
    with archive.catalog.transaction():
        archive.catalog.insert(
            "timestamps",
            {
                "capture_id": capture_id,
                "tsa_name": authority.name,
                "tsa_url": authority.url,
                "manifest_sha256": digest,
                "token": token.der,
                "chain": token.chain_pem,
                "gen_time": token.gen_time,
                "serial": token.serial,
                "requested_at": requested_at,
            },
        )
        append_event(
            archive.catalog,
            action="timestamp",
            actor=operator_name(config),
            subject=capture_id,
            hashes=[digest, token.sha256],
            detail={
                "tsa": authority.name,
                "url": authority.url,
                "gen_time": token.gen_time,
                "serial": token.serial,
            },
        )
