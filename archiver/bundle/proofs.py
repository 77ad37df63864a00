"""A bundle's custody evidence, checked offline: the signed checkpoint, then each event's
inclusion proof against it, then what the events say against the files beside them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver.bundle.evidence import CHECKPOINT, CHECKPOINT_SIG, CUSTODY_SCHEMA
from archiver.findings import Finding
from store.archive_key import key_id, signature_holds
from store.checkpoint_file import statement_fields
from store.merkle import leaf_hash, verify_inclusion
from store.streams import digest_file


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root: bytes


def check_checkpoint(root: Path, key: Ed25519PublicKey | None) -> tuple[Checkpoint | None, list[Finding]]:
    try:
        statement = (root / CHECKPOINT).read_bytes()
        signature = (root / CHECKPOINT_SIG).read_bytes()
    except OSError:
        return None, [Finding("checkpoint-missing", CHECKPOINT, "the signed custody checkpoint is absent")]
    fields = statement_fields(statement)
    if fields is None:
        return None, [Finding("checkpoint-unreadable", CHECKPOINT, "not an archiver custody checkpoint")]
    checkpoint = Checkpoint(int(fields["tree_size"]), bytes.fromhex(fields["root"]))
    if key is None:
        return checkpoint, []  # reported once, as a missing key
    if fields["key"] != key_id(key) or not signature_holds(key, statement, signature):
        return checkpoint, [
            Finding("checkpoint-signature-invalid", CHECKPOINT, "not signed by the bundle's archive key")
        ]
    return checkpoint, []


def check_custody_file(
    root: Path, rel: str, checkpoint: Checkpoint | None
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Verify every event's inclusion proof; returns the events that hold, parsed."""
    try:
        data = json.loads((root / rel).read_text(encoding="utf-8"))
        entries = data["events"] if data["schema"] == CUSTODY_SCHEMA else None
    except (OSError, ValueError, KeyError, TypeError):
        entries = None
    if not isinstance(entries, list):
        return [], [Finding("custody-unreadable", rel, "missing or not an archiver custody file")]
    if checkpoint is None:
        return [], []
    proven, findings = [], []
    for entry in entries:
        name = f"{rel} event {entry.get('seq') if isinstance(entry, dict) else '?'}"
        try:
            leaf = entry["leaf"].encode("utf-8")
            event = json.loads(leaf)
            proof = [bytes.fromhex(h) for h in entry["inclusion_proof"]]
            holds = event["seq"] == entry["seq"] and verify_inclusion(
                entry["seq"], checkpoint.tree_size, leaf_hash(leaf), proof, checkpoint.root
            )
        except (KeyError, ValueError, TypeError, AttributeError):
            holds = False
        if holds:
            proven.append(event)
        else:
            findings.append(
                Finding("custody-proof-invalid", name, "the event is not in the log the checkpoint signed")
            )
    return proven, findings


def logged_manifest_digests(events: list[dict[str, Any]]) -> set[str]:
    return {
        e["detail"].get("manifest_sha256")
        for e in events
        if e.get("action") in ("capture", "import") and isinstance(e.get("detail"), dict)
    }


def logged_token_digests(events: list[dict[str, Any]]) -> set[str]:
    return {
        e["hashes"][1]
        for e in events
        if e.get("action") == "timestamp" and isinstance(e.get("hashes"), list) and len(e["hashes"]) > 1
    }


def sha256_file(path: Path) -> str:
    return digest_file(path)[0]["sha256"]
