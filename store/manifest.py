"""A capture's manifest: what its timestamp tokens and its custody event vouch for.

Built from the catalog every time it is needed (at capture, when timestamping, when
auditing, when exporting), never stored, so that any later edit to a capture's row,
its artifact rows or their blob rows changes the manifest and no longer matches the
digest that was timestamped and logged.

What goes into it is an explicit list of fields per manifest version, never "every
column": a migration that adds a column must not change the manifest of a capture made
before it. A version, once released, is frozen; a capture is rebuilt under the version
its capture/import event recorded (events from before versions were recorded are 1).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from store.canonical import canonical_json
from store.catalog import Catalog

CURRENT_VERSION = 2
_V1_FIELDS = (
    "id", "kind", "input_url", "final_url", "platform", "extractor", "post_id", "author", "handle",
    "title", "post_text", "post_time", "case_name", "started_at", "ended_at", "operator",
    "tool_versions", "note", "metadata",
)  # fmt: skip
CAPTURE_FIELDS: dict[int, tuple[str, ...]] = {
    1: _V1_FIELDS,
    2: (*_V1_FIELDS, "status", "missing"),  # migration 0005: an incomplete capture says what it lacks
}
_JSON_COLUMNS = ("tool_versions", "metadata", "missing")


class UnknownCaptureError(LookupError):
    pass


class UnknownManifestVersionError(ValueError):
    """The event names a manifest version this archiver does not know: a newer archiver wrote it."""


def manifest_schema(version: int) -> str:
    return f"archiver-capture-manifest/{version}"


def recorded_version(catalog: Catalog, capture_id: str) -> int:
    """The version the capture's own event vouches under; a capture not yet logged gets today's."""
    event = catalog.one(
        """SELECT detail FROM custody_events WHERE subject = ? AND action IN ('capture', 'import')
           ORDER BY seq LIMIT 1""",
        [capture_id],
    )
    if event is None:
        return CURRENT_VERSION
    return json.loads(event["detail"]).get("manifest_version", 1)


def manifest_value(catalog: Catalog, capture_id: str) -> dict[str, Any]:
    version = recorded_version(catalog, capture_id)
    fields = CAPTURE_FIELDS.get(version)
    if fields is None:
        raise UnknownManifestVersionError(f"capture {capture_id} uses manifest version {version}")
    row = catalog.one(f"SELECT {', '.join(fields)} FROM captures WHERE id = ?", [capture_id])
    if row is None:
        raise UnknownCaptureError(capture_id)
    for key in _JSON_COLUMNS:
        if key in row:  # an older version's manifest has no key it did not list
            row[key] = json.loads(row[key]) if row[key] else None
    artifacts = catalog.rows(
        """SELECT a.name, a.role, a.sha256, a.source_url, b.size, b.mime, b.kind
           FROM artifacts a LEFT JOIN blobs b ON b.sha256 = a.sha256
           WHERE a.capture_id = ? ORDER BY a.name""",
        [capture_id],
    )
    return {"schema": manifest_schema(version), "capture": row, "artifacts": artifacts}


def capture_manifest(catalog: Catalog, capture_id: str) -> bytes:
    return canonical_json(manifest_value(catalog, capture_id))


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
