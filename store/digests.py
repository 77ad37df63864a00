"""SHA-512 of blobs, computed when they are stored (or, for blobs stored before that, by
their first export): bundles list SHA-512 beside SHA-256, and a blob's bytes never change.

An export still re-hashes SHA-256 while copying (a damaged blob is never exported); only
the second, slower digest comes from here.
"""

from __future__ import annotations

from store.catalog import Catalog


def known_sha512(catalog: Catalog, sha256s: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(sha256s), 500):
        chunk = sha256s[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = catalog.db.execute(f"SELECT sha256, sha512 FROM blob_sha512 WHERE sha256 IN ({marks})", chunk)
        found.update(dict(rows.fetchall()))
    return found


def remember_sha512(catalog: Catalog, digests: dict[str, str]) -> None:
    """``digests`` maps SHA-256 to SHA-512 of blobs just hashed in full."""
    if not digests:
        return
    with catalog.transaction():
        for sha256, sha512 in digests.items():
            catalog.insert_or_ignore("blob_sha512", {"sha256": sha256, "sha512": sha512})
