"""A capture's manifest: what its timestamp tokens and its custody event vouch for.

Built from the catalog every time it is needed (at capture, when timestamping, when
auditing, when exporting), never stored, so that any later edit to a capture's row,
its artifact rows or their blob rows changes the manifest and no longer matches the
digest that was timestamped and logged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from store.canonical import canonical_json
from store.catalog import Catalog

SCHEMA = "archiver-capture-manifest/1"
_JSON_COLUMNS = ("tool_versions", "metadata")


class UnknownCaptureError(LookupError):
    pass


def manifest_value(catalog: Catalog, capture_id: str) -> dict[str, Any]:
    row = catalog.one("SELECT * FROM captures WHERE id = ?", [capture_id])
    if row is None:
        raise UnknownCaptureError(capture_id)
    for key in _JSON_COLUMNS:
        row[key] = json.loads(row[key]) if row.get(key) else None
    artifacts = catalog.rows(
        """SELECT a.name, a.role, a.sha256, a.source_url, b.size, b.mime, b.kind
           FROM artifacts a LEFT JOIN blobs b ON b.sha256 = a.sha256
           WHERE a.capture_id = ? ORDER BY a.name""",
        [capture_id],
    )
    return {"schema": SCHEMA, "capture": row, "artifacts": artifacts}


def capture_manifest(catalog: Catalog, capture_id: str) -> bytes:
    return canonical_json(manifest_value(catalog, capture_id))


def manifest_digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
