"""The custody log against itself and its signed checkpoints.

Three layers, each catching what the previous cannot: a row whose columns no longer
give its stored leaf (a careless edit); seq numbers with a gap (a deleted event); and
Merkle roots recomputed from the leaves that no longer match the roots the archive key
signed (a careful rewrite that fixed up every column and hash but cannot re-sign).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver.findings import Finding
from store.custody import checkpoint_signature_holds, leaf_bytes
from store.merkle import RootBuilder, leaf_hash


def check_custody(
    rows: list[dict[str, Any]], checkpoints: list[dict[str, Any]], public_key: Ed25519PublicKey | None
) -> list[Finding]:
    findings: list[Finding] = []
    hashes: list[bytes] = []
    expected = 0
    for row in rows:
        if row["seq"] != expected:
            missing = f"{expected}" if row["seq"] == expected + 1 else f"{expected} to {row['seq'] - 1}"
            findings.append(
                Finding("custody-event-missing", f"custody event {missing}", "removed from the log")
            )
        expected = row["seq"] + 1
        leaf = row["leaf"].encode("utf-8")
        if leaf_bytes(row) != leaf or leaf_hash(leaf).hex() != row["leaf_hash"]:
            findings.append(
                Finding(
                    "custody-event-rewritten",
                    f"custody event {row['seq']}",
                    "its fields no longer give the logged leaf",
                )
            )
        hashes.append(leaf_hash(leaf))
    findings += _check_checkpoints(hashes, checkpoints, public_key)
    return findings


def _check_checkpoints(
    hashes: list[bytes], checkpoints: list[dict[str, Any]], public_key: Ed25519PublicKey | None
) -> list[Finding]:
    findings: list[Finding] = []
    if checkpoints and public_key is None:
        return [Finding("archive-key-missing", "keys/", "checkpoints exist but the archive key does not")]
    roots = _roots_at(hashes, {c["tree_size"] for c in checkpoints})
    last_good: dict[str, Any] | None = None
    for checkpoint in checkpoints:
        name = f"checkpoint {checkpoint['id']}"
        if not checkpoint_signature_holds(checkpoint, public_key):
            findings.append(Finding("checkpoint-signature-invalid", name, "not signed by this archive's key"))
            continue
        size = checkpoint["tree_size"]
        if size > len(hashes):
            findings.append(
                Finding(
                    "custody-truncated", name, f"signed a log of {size} events; the log now has {len(hashes)}"
                )
            )
            continue
        if roots[size] != checkpoint["root_hash"]:
            since = last_good["tree_size"] if last_good else 0
            where = f"custody event {since}" if size - since == 1 else f"custody events {since} to {size - 1}"
            findings.append(
                Finding(
                    "custody-event-rewritten",
                    where,
                    f"the log no longer reproduces the root signed in {name}",
                )
            )
            continue
        # Both roots are prefixes of one leaf list, so the newer extends the older exactly when
        # it is no smaller: no consistency proof (a rehash per pair, quadratic) is needed here.
        if last_good is not None and size < last_good["tree_size"]:
            findings.append(
                Finding("checkpoint-inconsistent", name, f"does not extend checkpoint {last_good['id']}")
            )
        last_good = checkpoint
    return findings


def _roots_at(hashes: list[bytes], sizes: set[int]) -> dict[int, str]:
    builder = RootBuilder()
    roots = {0: builder.root().hex()} if 0 in sizes else {}
    for leaf in hashes:
        builder.append(leaf)
        if builder.size in sizes:
            roots[builder.size] = builder.root().hex()
    return roots
