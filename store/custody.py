"""The custody log: an append-only list of events, each a leaf of an RFC 9162 Merkle tree.

An event says who did what to which capture, when, and names the SHA-256 digests it
concerns. It is written in the same transaction as the rows it records, so the log
never says something happened that the catalog does not hold, or the reverse. After a
command has added events, a checkpoint (tree size, root hash, time) is signed with the
archive key; a later rewrite of any event no longer reproduces the signed roots.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from store.archive_key import ArchiveKey, key_id, signature_holds
from store.canonical import canonical_json
from store.catalog import Catalog
from store.clock import utc_now
from store.manifest import CURRENT_VERSION, add_url_salt, capture_manifest, manifest_digest, manifest_value
from store.merkle import RootBuilder, leaf_hash
from store.records import CustodyEvent

ACTIONS = ("capture", "import", "timestamp", "export", "verify", "note")
STATEMENT_HEADER = "archiver custody checkpoint v1"


def leaf_bytes(event: dict[str, Any]) -> bytes:
    """The leaf an event row stands for; recomputed from its columns when auditing."""
    hashes = event["hashes"] if isinstance(event["hashes"], list) else json.loads(event["hashes"])
    detail = event["detail"] if isinstance(event["detail"], dict) else json.loads(event["detail"])
    return canonical_json(
        {
            "seq": event["seq"],
            "time": event["time"],
            "actor": event["actor"],
            "action": event["action"],
            "subject": event["subject"],
            "hashes": hashes,
            "detail": detail,
        }
    )


def append_event(
    catalog: Catalog,
    *,
    action: str,
    actor: str,
    subject: str,
    hashes: list[str],
    detail: dict[str, Any],
) -> CustodyEvent:
    """Add one event; the caller's open transaction is what makes it atomic with its rows."""
    if action not in ACTIONS:
        raise ValueError(f"unknown custody action {action!r}")
    if not catalog.db.conn.in_transaction:
        raise RuntimeError("custody events are written inside the transaction of what they record")
    seq = catalog.db.execute("SELECT coalesce(max(seq) + 1, 0) FROM custody_events").fetchone()[0]
    event = {
        "seq": seq,
        "time": utc_now(),
        "actor": actor,
        "action": action,
        "subject": subject,
        "hashes": hashes,
        "detail": detail,
    }
    leaf = leaf_bytes(event)
    logged = CustodyEvent(**event, leaf=leaf.decode("utf-8"), leaf_hash=leaf_hash(leaf).hex())
    catalog.insert("custody_events", dataclasses.asdict(logged))
    return logged


def log_capture(catalog: Catalog, capture_id: str) -> CustodyEvent:
    """The event for a capture or import just written: its manifest digest and every file's.

    Its URL is the manifest's, credentials hidden as there: the event is signed bytes too.
    """
    add_url_salt(catalog, capture_id)
    manifest = manifest_value(catalog, capture_id)
    digest = manifest_digest(capture_manifest(catalog, capture_id))
    capture = manifest["capture"]
    files = [{k: a[k] for k in ("name", "role", "sha256", "size", "mime")} for a in manifest["artifacts"]]
    return append_event(
        catalog,
        action=capture["kind"],
        actor=capture["operator"],
        subject=capture_id,
        hashes=[digest, *sorted({a["sha256"] for a in files})],
        detail={
            "manifest_sha256": digest,
            "manifest_version": CURRENT_VERSION,
            "url": capture.get("final_url") or capture.get("input_url"),
            "artifacts": files,
        },
    )


def log_failed_attempt(catalog: Catalog, attempt_id: str) -> CustodyEvent:
    row = catalog.one("SELECT * FROM failed_attempts WHERE id = ?", [attempt_id])
    return append_event(
        catalog,
        action="capture",
        actor=row["operator"],
        subject=attempt_id,
        hashes=[row["warc_sha256"]] if row["warc_sha256"] else [],
        detail={
            "status": "failed",
            "url": row["url"],
            "error_kind": row["error_kind"],
            "error": row["error"],
        },
    )


def events(catalog: Catalog, subject: str | None = None) -> list[CustodyEvent]:
    where, params = ("WHERE subject = ?", [subject]) if subject else ("", [])
    return [
        CustodyEvent(
            seq=row["seq"],
            time=row["time"],
            actor=row["actor"],
            action=row["action"],
            subject=row["subject"],
            hashes=json.loads(row["hashes"]),
            detail=json.loads(row["detail"]),
            leaf=row["leaf"],
            leaf_hash=row["leaf_hash"],
        )
        for row in catalog.rows(f"SELECT * FROM custody_events {where} ORDER BY seq", params)
    ]


def custody_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """The log's rows as stored (leaf text included), for audits that recompute its hashes."""
    return catalog.rows("SELECT * FROM custody_events ORDER BY seq")


def leaf_hashes(catalog: Catalog) -> list[bytes]:
    return [
        bytes.fromhex(r[0]) for r in catalog.db.execute("SELECT leaf_hash FROM custody_events ORDER BY seq")
    ]


def checkpoints(catalog: Catalog) -> list[dict[str, Any]]:
    return catalog.rows("SELECT * FROM checkpoints ORDER BY id")


def checkpoint_statement(tree_size: int, root_hash: str, time: str, key_id: str) -> bytes:
    """The exact bytes a checkpoint signature covers (also shipped in bundles as a file)."""
    return (
        f"{STATEMENT_HEADER}\ntree_size: {tree_size}\nroot: {root_hash}\ntime: {time}\nkey: {key_id}\n"
    ).encode("ascii")


class SigningKeyRefusedError(Exception):
    """The archive cannot sign: its key is gone (or another) while checkpoints name the old one."""


def prepare_signing_key(catalog: Catalog, key: ArchiveKey) -> None:
    """Before a command writes: make sure its checkpoint will be signed by the archive's key.

    A key may be made only while no checkpoint has been signed: after that, a new key
    would sign whatever log is on disk, and a restored or rewritten log would look as
    trustworthy as the original. Losing the key must stop writes, not silently start a
    second chain of trust.
    """
    last = latest_checkpoint(catalog)
    if last is None:
        key.create()
        return
    if not key.exists:
        raise SigningKeyRefusedError(
            f"the archive key is missing from {key.folder}, yet checkpoint {last['id']} was signed with "
            f"key {last['key_id'][:16]}…; restore keys/ from a backup rather than let a new key sign "
            "this log"
        )
    if key.key_id != last["key_id"]:
        raise SigningKeyRefusedError(
            f"the key in {key.folder} ({key.key_id[:16]}…) is not the one that signed checkpoint "
            f"{last['id']} ({last['key_id'][:16]}…); restore the original keys/ before writing"
        )
    key.create()  # publishes a missing public key file beside the private one


def needs_checkpoint(catalog: Catalog) -> bool:
    size = catalog.db.execute("SELECT count(*) FROM custody_events").fetchone()[0]
    last = catalog.db.execute("SELECT tree_size FROM checkpoints ORDER BY id DESC LIMIT 1").fetchone()
    return size > (last[0] if last else 0)


def write_checkpoint(catalog: Catalog, key: ArchiveKey) -> dict[str, Any] | None:
    """Sign the current tree head, unless the latest checkpoint already covers it."""
    if not needs_checkpoint(catalog):
        return None
    with catalog.transaction():
        if not needs_checkpoint(catalog):
            return None
        hashes = leaf_hashes(catalog)
        root = RootBuilder().extend(hashes).root().hex()
        time = utc_now()
        statement = checkpoint_statement(len(hashes), root, time, key.key_id)
        row = {
            "tree_size": len(hashes),
            "root_hash": root,
            "time": time,
            "key_id": key.key_id,
            "signature": key.sign(statement).hex(),
        }
        row["id"] = catalog.insert("checkpoints", row)
    return row


def latest_checkpoint(catalog: Catalog) -> dict[str, Any] | None:
    return catalog.one("SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1")


def checkpoint_signature_holds(checkpoint: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    statement = checkpoint_statement(
        checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["time"], checkpoint["key_id"]
    )
    try:
        signature = bytes.fromhex(checkpoint["signature"])
    except ValueError:
        return False
    return checkpoint["key_id"] == key_id(public_key) and signature_holds(public_key, statement, signature)
