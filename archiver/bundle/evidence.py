"""What makes a bundle evidence rather than a copy: per capture, the manifest that was
timestamped, its RFC 3161 tokens with their certificates, its custody events with
inclusion proofs; for the bundle, the signed checkpoint those proofs lead to, the
archive's public key, and the export's own custody event.

The export event is logged (and a checkpoint signed) before the bag's manifests are
written, so that the bundle can carry the proof of its own export; an export from
read-only media carries ``export-unlogged.json`` instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.bundle.payload import CapturePayload, add_bytes, add_json
from archiver.errors import UsageError
from archiver.records import CustodyEvent
from archiver.settings import operator_name
from archiver.timestamps.authorities import authorities
from store import Archive
from store.clock import utc_now
from store.custody import append_event, checkpoint_statement, events, latest_checkpoint, write_checkpoint
from store.manifest import capture_manifest, manifest_digest
from store.merkle import MerkleTree

CUSTODY_SCHEMA = "archiver-bundle-custody/1"
CUSTODY_DIR = "data/custody"
CHECKPOINT = f"{CUSTODY_DIR}/checkpoint.txt"
CHECKPOINT_SIG = f"{CUSTODY_DIR}/checkpoint.sig"
PUBLIC_KEY = f"{CUSTODY_DIR}/archive-public-key.pem"
EXPORT_EVENT = f"{CUSTODY_DIR}/export-event.json"
EXPORT_UNLOGGED = f"{CUSTODY_DIR}/export-unlogged.json"
UNLOGGED_SCHEMA = "archiver-export-unlogged/1"
ROOTS_DIR = "data/tsa-roots"


def add_capture_evidence(archive: Archive, payload: CapturePayload, bag: Path) -> str:
    """manifest.json and timestamps/ of one capture; returns the manifest's SHA-256."""
    manifest = capture_manifest(archive.catalog, payload.capture_id)
    add_bytes(payload, bag, "manifest.json", manifest)
    rows = archive.catalog.rows(
        """SELECT t.id, t.tsa_name, t.tsa_url, t.token, t.chain, t.gen_time, t.serial, b.document AS batch
           FROM timestamps t LEFT JOIN timestamp_batches b ON b.sha256 = t.batch_sha256
           WHERE t.capture_id = ? ORDER BY t.id""",
        [payload.capture_id],
    )
    for row in rows:
        stem = f"timestamps/{row['tsa_name']}-{row['id']}"
        add_bytes(payload, bag, f"{stem}.tsr", row["token"])
        add_bytes(payload, bag, f"{stem}-chain.pem", row["chain"].encode("ascii"))
        if row["batch"] is not None:  # one token for many captures: it covers this list of manifests
            add_bytes(payload, bag, f"{stem}.batch.json", row["batch"])
        facts = {k: row[k] for k in ("tsa_name", "tsa_url", "gen_time", "serial")}
        payload.timestamps.append({**facts, "file": f"{stem}.tsr"})
    return manifest_digest(manifest)


def add_custody(
    archive: Archive,
    payloads: list[CapturePayload],
    shared: CapturePayload,
    bag: Path,
    bundle_id: str,
    manifest_digests: list[str],
    config: dict[str, Any],
) -> list[dict[str, Any]]:
    """Log the export, sign a checkpoint, write every proof; returns the bundle's timeline.

    From an archive on read-only media nothing can be logged: the bundle carries the latest
    checkpoint already signed and, in place of its export event, ``export-unlogged.json``,
    which `verify` reports so that nobody mistakes the export for a logged one.
    """
    export = {
        "action": "export",
        "actor": operator_name(config),
        "subject": bundle_id,
        "hashes": sorted(set(manifest_digests)),
        "detail": {"captures": [p.capture_id for p in payloads]},
    }
    export_seq = None if archive.readonly else _log_export(archive, export)
    checkpoint = latest_checkpoint(archive.catalog)
    if checkpoint is None:
        raise UsageError(f"the archive {archive.root} has no signed checkpoint to prove its custody log with")
    size = checkpoint["tree_size"]
    logged = [e for e in events(archive.catalog) if e.seq < size]
    tree = MerkleTree([bytes.fromhex(e.leaf_hash) for e in logged])
    for payload in payloads:
        mine = [e for e in logged if e.subject == payload.capture_id]
        add_json(payload, bag, "custody.json", _custody_file(mine, tree))
        payload.custody = mine
    timeline = [e for p in payloads for e in p.custody]
    unlogged_entry = []
    if export_seq is None:
        unlogged = {"schema": UNLOGGED_SCHEMA, **export, "time": utc_now(), "reason": _UNLOGGED_WHY}
        add_json(shared, bag, "export-unlogged.json", unlogged)
        why = f"NOT in the custody log: {unlogged['reason']} ({EXPORT_UNLOGGED})"
        unlogged_entry = [
            {"time": unlogged["time"], "action": "export", "actor": unlogged["actor"], "detail": why}
        ]
    else:
        export_row = next(e for e in logged if e.seq == export_seq)
        add_json(shared, bag, "export-event.json", _custody_file([export_row], tree))
        timeline.append(export_row)
    statement = checkpoint_statement(size, checkpoint["root_hash"], checkpoint["time"], checkpoint["key_id"])
    add_bytes(shared, bag, "checkpoint.txt", statement)
    add_bytes(shared, bag, "checkpoint.sig", bytes.fromhex(checkpoint["signature"]))
    add_bytes(shared, bag, "archive-public-key.pem", archive.key.public_pem)
    sealed = {
        "time": checkpoint["time"],
        "action": "checkpoint",
        "actor": f"archive key {checkpoint['key_id'][:16]}…",
        "detail": f"signed the log of {size} events, Merkle root {checkpoint['root_hash']} ({CHECKPOINT})",
    }
    entries = [_timeline_entry(e) for e in sorted(timeline, key=lambda e: e.seq)]
    return [*entries, *unlogged_entry, sealed]


def _log_export(archive: Archive, export: dict[str, Any]) -> int:
    """The export event, and a checkpoint that covers it; returns its sequence number."""
    with archive.catalog.transaction():
        event = append_event(archive.catalog, **export)
    write_checkpoint(archive.catalog, archive.key)
    return event.seq


_UNLOGGED_WHY = "the archive was on read-only media, so this export could not be logged in its custody log"


def add_tsa_roots(
    payloads: list[CapturePayload], roots: CapturePayload, bag: Path, config: dict[str, Any]
) -> None:
    """The configured roots of the TSAs that stamped these captures, for `openssl ts -verify -CAfile`."""
    used = {t["tsa_name"] for p in payloads for t in p.timestamps}
    for authority in authorities(config):
        pem = b"".join(path.read_bytes() for path in authority.roots if path.is_file())
        if authority.name in used and pem:
            add_bytes(roots, bag, f"{authority.name}.pem", pem)


def _custody_file(logged: list[CustodyEvent], tree: MerkleTree) -> dict[str, Any]:
    return {
        "schema": CUSTODY_SCHEMA,
        "checkpoint": CHECKPOINT,
        "tree_size": tree.size,
        "events": [
            {
                "seq": e.seq,
                "leaf": e.leaf,
                "leaf_hash": e.leaf_hash,
                "inclusion_proof": [h.hex() for h in tree.inclusion_proof(e.seq)],
            }
            for e in logged
        ],
    }


def _timeline_entry(event: CustodyEvent) -> dict[str, Any]:
    d = event.detail
    if event.action == "timestamp":
        detail = f"RFC 3161 token from {d.get('tsa')}, genTime {d.get('gen_time')}"
    elif event.action == "note":
        detail = d.get("text", "")
    elif event.action == "export":
        detail = f"exported as {event.subject}"
    else:
        detail = f"{event.subject}: manifest {d.get('manifest_sha256', '')}"
    return {
        "time": event.time,
        "action": event.action,
        "actor": event.actor,
        "detail": f"event {event.seq}, {detail}",
    }
