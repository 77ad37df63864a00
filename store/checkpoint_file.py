"""A signed checkpoint as a file kept outside the archive: its word on the log at one moment.

Whoever controls the archive folder can rewrite the log and re-sign every checkpoint,
or truncate both from their end; nothing inside the folder can tell. A copy of one
signed tree head held elsewhere (mailed to a colleague, committed to a public
repository, RFC 3161 timestamped) can: today's log must still extend it, and be
signed by the same key. Stable format, version 1 (``schema``), UTF-8 JSON::

    {
      "schema": "archiver-checkpoint/1",
      "tree_size": 42,                  # events the checkpoint covers
      "root_hash": "<hex>",             # RFC 9162 Merkle root of those events
      "time": "2026-12-03T07:00:00Z",   # when the archive signed it (its own clock)
      "key_id": "<hex>",                # SHA-256 of the raw 32-byte Ed25519 public key
      "key_fingerprint": "SHA256:<hex>",# SHA-256 of public_key's DER (openssl pkey -outform DER)
      "public_key": "-----BEGIN PUBLIC KEY-----...",
      "statement": "archiver custody checkpoint v1\\n...",  # the exact bytes signed
      "signature": "<hex>",             # Ed25519 over statement
      "timestamps": [                   # RFC 3161 tokens over statement, possibly none
        {"tsa": "...", "url": "...", "gen_time": "...", "serial": "...", "token": "<base64 DER>"}
      ]
    }

``statement`` is redundant with the fields above it (it is rebuilt from them and must
match) so that ``openssl ts -verify -data`` and any Ed25519 tool can check the file
without knowing how it is built.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from store.archive_key import key_fingerprint, key_id, load_public_pem, public_pem, signature_holds
from store.custody import STATEMENT_HEADER, checkpoint_statement

SCHEMA = "archiver-checkpoint/1"
_TOKEN_FIELDS = ("tsa", "url", "gen_time", "serial", "token")


class CheckpointFileError(ValueError):
    """Not a checkpoint this version can read; ``str()`` says what is wrong."""


@dataclass(frozen=True)
class PublishedCheckpoint:
    tree_size: int
    root_hash: str
    time: str
    key_id: str
    public_key: Ed25519PublicKey
    signature: bytes
    timestamps: tuple[dict[str, str], ...] = ()

    @property
    def statement(self) -> bytes:
        return checkpoint_statement(self.tree_size, self.root_hash, self.time, self.key_id)

    def signature_holds(self) -> bool:
        """Signed by the key it names; whether that key is the archive's is the reader's question."""
        return key_id(self.public_key) == self.key_id and signature_holds(
            self.public_key, self.statement, self.signature
        )

    def token(self, index: int) -> bytes:
        return base64.b64decode(self.timestamps[index]["token"])


def checkpoint_document(
    checkpoint: dict[str, Any], public_key: Ed25519PublicKey, timestamps: list[dict[str, str]]
) -> dict[str, Any]:
    """The published form of one ``checkpoints`` row, keys in the documented order."""
    statement = checkpoint_statement(
        checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["time"], checkpoint["key_id"]
    )
    return {
        "schema": SCHEMA,
        "tree_size": checkpoint["tree_size"],
        "root_hash": checkpoint["root_hash"],
        "time": checkpoint["time"],
        "key_id": checkpoint["key_id"],
        "key_fingerprint": key_fingerprint(public_key),
        "public_key": public_pem(public_key).decode("ascii"),
        "statement": statement.decode("ascii"),
        "signature": checkpoint["signature"],
        "timestamps": [{k: t[k] for k in _TOKEN_FIELDS} for t in timestamps],
    }


def read_document(data: bytes) -> PublishedCheckpoint:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CheckpointFileError("not a JSON checkpoint file") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise CheckpointFileError(f"not an {SCHEMA} file")
    try:
        checkpoint = PublishedCheckpoint(
            tree_size=_size(doc["tree_size"]),
            root_hash=_hex(doc["root_hash"], 32),
            time=_ascii_line(doc["time"]),
            key_id=_hex(doc["key_id"], 32),
            public_key=load_public_pem(doc["public_key"].encode("ascii")),
            signature=bytes.fromhex(doc["signature"]),
            timestamps=tuple(_timestamp(t) for t in doc["timestamps"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeEncodeError) as exc:
        raise CheckpointFileError(f"a field is missing or has the wrong type ({exc})") from exc
    if doc.get("statement") != checkpoint.statement.decode("ascii"):
        raise CheckpointFileError("its statement does not match its fields")
    return checkpoint


def from_statement(statement: bytes, signature: bytes, public_key_pem: bytes) -> PublishedCheckpoint:
    """A checkpoint as bundles carry it: the statement, its signature and the public key as files."""
    fields = statement_fields(statement)
    if fields is None:
        raise CheckpointFileError("not an archiver custody checkpoint statement")
    try:
        key = load_public_pem(public_key_pem)
    except ValueError as exc:
        raise CheckpointFileError("the public key beside it is unreadable") from exc
    checkpoint = PublishedCheckpoint(
        int(fields["tree_size"]), fields["root"], fields["time"], fields["key"], key, signature
    )
    if checkpoint.statement != statement:
        raise CheckpointFileError("not an archiver custody checkpoint statement")
    return checkpoint


def statement_fields(statement: bytes) -> dict[str, str] | None:
    """tree_size, root, time and key of a checkpoint statement, or None if it is not one."""
    try:
        lines = statement.decode("ascii").splitlines()
        fields = dict(line.split(": ", 1) for line in lines[1:])
        _size(int(fields["tree_size"]))
        _hex(fields["root"], 32)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return fields if lines[:1] == [STATEMENT_HEADER] and {"key", "time"} <= set(fields) else None


def _size(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("tree_size must be a whole number")
    return value


def _hex(value: Any, length: int) -> str:
    if not isinstance(value, str) or len(bytes.fromhex(value)) != length or value != value.lower():
        raise ValueError(f"expected {length} bytes as lowercase hex")
    return value


def _ascii_line(value: Any) -> str:
    if not isinstance(value, str) or not value.isascii() or "\n" in value:
        raise TypeError("time must be one line of ASCII")
    return value


def _timestamp(entry: Any) -> dict[str, str]:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in _TOKEN_FIELDS):
        raise TypeError("each timestamp needs tsa, url, gen_time, serial and token as text")
    try:
        base64.b64decode(entry["token"], validate=True)
    except binascii.Error as exc:
        raise ValueError("a timestamp token is not base64") from exc
    return {k: entry[k] for k in _TOKEN_FIELDS}
