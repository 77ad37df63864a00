"""Migration 0010: one random salt per capture, keying the digests that stand for URL
credentials in its signed manifest and custody event (manifest version 2 on; see
store.url_hiding). Kept only in the archive: a bundle never carries it.

Frozen.
"""

from __future__ import annotations

STATEMENTS = (
    """
        CREATE TABLE url_salts (
            capture_id TEXT PRIMARY KEY REFERENCES captures(id),
            salt BLOB NOT NULL             -- 32 random bytes
        )""",
)
