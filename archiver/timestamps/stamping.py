"""Timestamp capture manifests with every configured TSA, now or later.

One capture: the token covers its manifest directly. Several at once (a folder import,
or `archiver timestamp` catching up): one token per TSA covers a batch document that
lists each capture's manifest digest, so an import of thousands of files costs each
TSA one request, not thousands (public TSAs ask scripts to space their requests).

Network calls happen with no lock held; tokens are then stored with their custody
events in one short transaction. A TSA that cannot be reached leaves the captures
untimestamped (they already succeeded) and is not asked again by this run for a
while; `archiver timestamp` asks again for everything still missing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from archiver.errors import ArchiverError
from archiver.settings import operator_name, run_of
from archiver.timestamps.authorities import Authority, authorities, timeout
from archiver.timestamps.tokens import Token, request_token
from store import Archive
from store.canonical import canonical_json
from store.clock import utc_now
from store.custody import append_event
from store.manifest import capture_manifest, manifest_digest

BATCH_SCHEMA = "archiver-timestamp-batch/1"
BATCH_SIZE = 500
RETRY_AFTER_S = 300.0


@dataclass
class StampResult:
    capture_id: str
    tsa: str
    status: str  # "stamped", "failed" or "skipped" (TSA failed moments ago)
    gen_time: str | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def batch_document(manifests: dict[str, str]) -> bytes:
    """What one token over several captures covers: capture id -> manifest SHA-256."""
    return canonical_json({"schema": BATCH_SCHEMA, "manifests": manifests})


def stamp_captures(
    archive: Archive, capture_ids: list[str], config: dict[str, Any], *, retry_now: bool = False
) -> list[StampResult]:
    """Ask every configured TSA that has not yet stamped them to stamp these captures."""
    results = []
    for authority in authorities(config):
        if retry_now:
            run_of(config).tsa_backoff.forget(authority.url)
        todo = [c for c in capture_ids if not _stamped_by(archive, c, authority.name)]
        for start in range(0, len(todo), BATCH_SIZE):
            results += _stamp(archive, todo[start : start + BATCH_SIZE], authority, config)
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


def _stamped_by(archive: Archive, capture_id: str, tsa_name: str) -> bool:
    row = archive.catalog.one(
        "SELECT 1 AS yes FROM timestamps WHERE capture_id = ? AND tsa_name = ? LIMIT 1",
        [capture_id, tsa_name],
    )
    return row is not None


def _stamp(
    archive: Archive, capture_ids: list[str], authority: Authority, config: dict[str, Any]
) -> list[StampResult]:
    backoff = run_of(config).tsa_backoff
    if backoff.resting(authority.url):
        return [
            StampResult(c, authority.name, "skipped", error="unreachable moments ago") for c in capture_ids
        ]
    manifests = {c: capture_manifest(archive.catalog, c) for c in capture_ids}
    digests = {c: manifest_digest(m) for c, m in manifests.items()}
    batch = batch_document(digests) if len(capture_ids) > 1 else None
    requested_at = utc_now()
    try:
        token = request_token(authority, batch or manifests[capture_ids[0]], timeout(config))
    except ArchiverError as exc:
        backoff.rest(authority.url, RETRY_AFTER_S)
        return [StampResult(c, authority.name, "failed", error=str(exc)) for c in capture_ids]
    _store(archive, digests, batch, authority, token, requested_at, config)
    return [StampResult(c, authority.name, "stamped", gen_time=token.gen_time) for c in capture_ids]


def _store(
    archive: Archive,
    digests: dict[str, str],
    batch: bytes | None,
    authority: Authority,
    token: Token,
    requested_at: str,
    config: dict[str, Any],
) -> None:
    catalog = archive.catalog
    batch_sha = hashlib.sha256(batch).hexdigest() if batch else None
    with catalog.transaction():
        if batch is not None:
            catalog.insert_or_ignore("timestamp_batches", {"sha256": batch_sha, "document": batch})
        for capture_id, digest in digests.items():
            catalog.insert(
                "timestamps",
                {
                    "capture_id": capture_id,
                    "tsa_name": authority.name,
                    "tsa_url": authority.url,
                    "manifest_sha256": digest,
                    "batch_sha256": batch_sha,
                    "token": token.der,
                    "chain": token.chain_pem,
                    "gen_time": token.gen_time,
                    "serial": token.serial,
                    "requested_at": requested_at,
                },
            )
            detail = {"tsa": authority.name, "url": authority.url, "gen_time": token.gen_time}
            append_event(
                catalog,
                action="timestamp",
                actor=operator_name(config),
                subject=capture_id,
                hashes=[digest, token.sha256, *([batch_sha] if batch_sha else [])],
                detail={**detail, "serial": token.serial, "batch_sha256": batch_sha},
            )
