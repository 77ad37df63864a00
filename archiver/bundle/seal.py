"""Seal a finished bag: an Ed25519 signature and RFC 3161 tokens over its tag manifest.

The tag manifest lists the digest of every manifest, and the manifests list every
payload file, so one signature and one token cover the whole bag. Regenerating the
manifests after an edit (what `bagit` does) changes the tag manifest and breaks both.
The seal files sit beside the tag manifest, outside it (they cannot list themselves).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.errors import ArchiverError
from archiver.timestamps.authorities import authorities, timeout
from archiver.timestamps.tokens import request_token
from store import Archive

SEALED = "tagmanifest-sha256.txt"
SIGNATURE = f"{SEALED}.sig"


def token_name(tsa: str) -> str:
    return f"{SEALED}.{tsa}.tsr"


def seal_bag(archive: Archive, bag: Path, config: dict[str, Any]) -> list[str]:
    """Sign, then ask each TSA for a token; returns the names of the TSAs that answered."""
    data = (bag / SEALED).read_bytes()
    (bag / SIGNATURE).write_bytes(archive.key.sign(data))
    stamped = []
    for authority in authorities(config):
        try:
            token = request_token(authority, data, timeout(config))
        except ArchiverError:
            continue  # a bundle made offline is still signed; its captures carry their own tokens
        (bag / token_name(authority.name)).write_bytes(token.der)
        stamped.append(authority.name)
    return stamped
