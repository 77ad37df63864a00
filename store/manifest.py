"""A capture's manifest: what its timestamp tokens and its custody event vouch for.

Built from the catalog every time it is needed (at capture, when timestamping, when
auditing, when exporting), never stored, so that any later edit to a capture's row,
its artifact rows or their blob rows changes the manifest and no longer matches the
digest that was timestamped and logged.

What goes into it is an explicit list of fields per manifest version, never "every
column": a migration that adds a column must not change the manifest of a capture made
before it. A version, once released, is frozen; a capture is rebuilt under the version
its capture/import event recorded (events from before versions were recorded are 1).

Version 2 holds the same fields as version 1, with the values of credential parameters
in its URLs hidden behind a keyed digest (store.url_hiding), so that no signed file of a
bundle carries a private link's token. Version 3 adds the capture's status and what an
incomplete capture lacks (``missing``, whose URLs are hidden the same way).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from store.canonical import canonical_json
from store.catalog import Catalog
from store.url_hiding import hide_url, hide_urls_in, new_salt

CURRENT_VERSION = 3
_V1_FIELDS = (
    "id", "kind", "input_url", "final_url", "platform", "extractor", "post_id", "author", "handle",
    "title", "post_text", "post_time", "case_name", "started_at", "ended_at", "operator",
    "tool_versions", "note", "metadata",
)  # fmt: skip
CAPTURE_FIELDS: dict[int, tuple[str, ...]] = {
    1: _V1_FIELDS,
    2: _V1_FIELDS,
    3: (*_V1_FIELDS, "status", "missing"),  # migration 0005: an incomplete capture says what it lacks
}
FIRST_HIDING_VERSION = 2  # from this version on, URL credentials are hidden (store.url_hiding)
_JSON_COLUMNS = ("tool_versions", "metadata", "missing")
_URL_COLUMNS = ("input_url", "final_url")


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


def hides_credentials(catalog: Catalog, capture_id: str) -> bool:
    """Whether the capture's signed files hide URL credentials (false for version 1 captures)."""
    return recorded_version(catalog, capture_id) >= FIRST_HIDING_VERSION


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
    if version >= FIRST_HIDING_VERSION:
        _hide_credentials(row, artifacts, url_salt(catalog, capture_id))
    return {"schema": manifest_schema(version), "capture": row, "artifacts": artifacts}


def _hide_credentials(row: dict[str, Any], artifacts: list[dict[str, Any]], salt: bytes) -> None:
    for key in _URL_COLUMNS:
        row[key] = hide_url(row[key], salt)
    for key in ("metadata", "missing"):
        if key in row:
            row[key] = hide_urls_in(row[key], salt)
    for artifact in artifacts:
        artifact["source_url"] = hide_url(artifact["source_url"], salt)


def url_salt(catalog: Catalog, capture_id: str) -> bytes:
    """The capture's salt; a deleted salt row reads as empty, so the manifest no longer matches."""
    row = catalog.one("SELECT salt FROM url_salts WHERE capture_id = ?", [capture_id])
    return row["salt"] if row else b""


def add_url_salt(catalog: Catalog, capture_id: str) -> None:
    """Give a capture about to be logged its salt (inside the transaction that writes it)."""
    catalog.insert_or_ignore("url_salts", {"capture_id": capture_id, "salt": new_salt()})


def capture_manifest(catalog: Catalog, capture_id: str) -> bytes:
    return canonical_json(manifest_value(catalog, capture_id))


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
