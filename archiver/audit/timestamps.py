"""Every stored timestamp token: valid, from a trusted TSA, over the capture's manifest as it is now,
and the very token the custody log recorded."""

from __future__ import annotations

import hashlib
from typing import Any

from archiver.findings import Finding
from archiver.timestamps.authorities import Authority
from archiver.timestamps.tokens import TokenError, check_token
from store.catalog import Catalog
from store.manifest import UnknownCaptureError, capture_manifest

_KINDS = {
    "other-data": "timestamp-mismatch",
    "untrusted": "timestamp-invalid",
    "unreadable": "timestamp-invalid",
    "refused": "timestamp-invalid",
    "no-root": "timestamp-unverifiable",
}


def check_timestamps(catalog: Catalog, events: list[dict[str, Any]], tsas: list[Authority]) -> list[Finding]:
    logged = {
        (e["subject"], e["hashes"][1]) for e in events if e["action"] == "timestamp" and len(e["hashes"]) > 1
    }
    by_name = {a.name: a for a in tsas}
    findings = []
    for row in catalog.rows("SELECT * FROM timestamps ORDER BY id"):
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
        authority = by_name.get(row["tsa_name"])
        roots = (
            authority.root_certificates() if authority else [c for a in tsas for c in a.root_certificates()]
        )
        intermediates = authority.intermediate_certificates() if authority else []
        try:
            check_token(row["token"], manifest, roots, intermediates)
        except TokenError as exc:
            findings.append(Finding(_KINDS.get(exc.reason, "timestamp-invalid"), name, str(exc)))
    return findings
