"""Every stored timestamp token: valid, from a trusted TSA, over the capture's manifest as it is now,
and the very token the custody log recorded."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from archiver.findings import Finding
from archiver.records import CustodyEvent
from archiver.timestamps.authorities import Authority
from archiver.timestamps.checkpoints import is_checkpoint_stamp
from archiver.timestamps.tokens import TokenError, check_token
from store.catalog import Catalog
from store.manifest import UnknownCaptureError, capture_manifest, manifest_digest

_KINDS = {
    "other-data": "timestamp-mismatch",
    "untrusted": "timestamp-invalid",
    "unreadable": "timestamp-invalid",
    "refused": "timestamp-invalid",
    "no-root": "timestamp-unverifiable",
}


def check_timestamps(catalog: Catalog, events: list[CustodyEvent], tsas: list[Authority]) -> list[Finding]:
    logged = {
        (e.subject, e.hashes[1])
        for e in events
        if e.action == "timestamp" and len(e.hashes) > 1 and not is_checkpoint_stamp(e)
    }
    by_name = {a.name: a for a in tsas}
    rows = catalog.rows("SELECT * FROM timestamps ORDER BY id")
    stored = {(r["capture_id"], hashlib.sha256(r["token"] or b"").hexdigest()) for r in rows}
    findings = [
        Finding("timestamp-missing", f"capture {capture_id}", f"the custody log records token {token[:16]}…")
        for capture_id, token in sorted(logged - stored)
    ]
    verdicts: dict[tuple[str, str, str], tuple[str, str] | None] = {}
    for row in rows:
        name = f"timestamp {row['id']} ({row['tsa_name']}, capture {row['capture_id']})"
        token_sha = hashlib.sha256(row["token"] or b"").hexdigest()
        if (row["capture_id"], token_sha) not in logged:
            findings.append(
                Finding("timestamp-row-edited", name, "this token is not the one the custody log recorded")
            )
        try:
            manifest = capture_manifest(catalog, row["capture_id"])
        except UnknownCaptureError:
            findings.append(Finding("capture-missing", name, "the token's capture is not in the catalog"))
            continue
        message, problem = _covered(catalog, row, manifest)
        if problem is not None:
            findings.append(Finding("timestamp-mismatch", name, problem))
            continue
        key = (token_sha, hashlib.sha256(message).hexdigest(), row["tsa_name"])
        if key not in verdicts:  # a batch token is checked once, not once per capture it covers
            verdicts[key] = token_verdict(row["token"], message, by_name.get(row["tsa_name"]), tsas)
        if verdicts[key] is not None:
            kind, detail = verdicts[key]
            findings.append(Finding(kind, name, detail))
    return findings


def _covered(catalog: Catalog, row: dict[str, Any], manifest: bytes) -> tuple[bytes, str | None]:
    """The bytes the token must cover: the manifest, or the batch document that lists it."""
    if row.get("batch_sha256") is None:
        return manifest, None
    found = catalog.one("SELECT document FROM timestamp_batches WHERE sha256 = ?", [row["batch_sha256"]])
    if found is None:
        return b"", "the batch document this token covers is missing"
    try:
        listed = json.loads(found["document"])["manifests"].get(row["capture_id"])
    except (ValueError, KeyError, AttributeError):
        return b"", "the batch document this token covers is unreadable"
    if listed != manifest_digest(manifest):
        return b"", "the batch this token covers lists another manifest for this capture"
    return found["document"], None


def token_verdict(
    der: bytes, message: bytes, authority: Authority | None, tsas: list[Authority]
) -> tuple[str, str] | None:
    """(finding kind, sentence) when the token fails, None when it holds; an unknown TSA's
    token is tried against every configured root."""
    roots = authority.root_certificates() if authority else [c for a in tsas for c in a.root_certificates()]
    intermediates = authority.intermediate_certificates() if authority else []
    try:
        check_token(der, message, roots, intermediates)
    except TokenError as exc:
        return _KINDS.get(exc.reason, "timestamp-invalid"), str(exc)
    return None
