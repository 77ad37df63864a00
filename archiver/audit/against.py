"""`archiver verify --against`: today's custody log against signed checkpoints kept elsewhere.

A rewrite that keeps the log self-consistent (events and checkpoints truncated from the
end, a capture removed whole with everything after it, every checkpoint re-signed
with a new key) passes the plain audit: nothing inside the archive remembers the old
log. A checkpoint published earlier does. For each one: its signature must hold under
the key it names; that key must be the archive's (``key-changed``); the log must still
be at least that long (``log-truncated``); and an RFC 9162 consistency proof from its
(size, root) to today's log must hold (``log-rewritten``). Tokens in the file are
checked against the configured TSA roots.

All checks share one Merkle tree over today's leaves, so many published checkpoints
cost one pass over the log plus O(log n) each.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver.audit.timestamps import token_verdict
from archiver.bundle.evidence import CHECKPOINT, CHECKPOINT_SIG, PUBLIC_KEY
from archiver.errors import UsageError
from archiver.findings import Finding
from archiver.timestamps.authorities import Authority
from store.archive_key import key_fingerprint, key_id
from store.checkpoint_file import CheckpointFileError, PublishedCheckpoint, from_statement, read_document
from store.merkle import MerkleTree, leaf_hash, verify_consistency

_MAX_FILE = 1 << 20  # a checkpoint with a few tokens is a few KiB


@dataclass
class Comparison:
    """What one published checkpoint says, and what today's log answers (for --json)."""

    source: str
    checkpoint: PublishedCheckpoint
    log_size: int = 0
    consistency_proof: list[str] = field(default_factory=list)
    holds: bool = False

    def as_json(self) -> dict[str, Any]:
        c = self.checkpoint
        return {
            "source": self.source,
            "tree_size": c.tree_size,
            "root_hash": c.root_hash,
            "time": c.time,
            "key_id": c.key_id,
            "key_fingerprint": key_fingerprint(c.public_key),
            "timestamps": [{k: t[k] for k in ("tsa", "gen_time", "serial")} for t in c.timestamps],
            "log_size": self.log_size,
            "consistency_proof": self.consistency_proof,
            "holds": self.holds,
        }


def load_published(path: Path) -> PublishedCheckpoint:
    """A published checkpoint file, or the checkpoint of a bundle (its folder, its .zip, or
    its data/custody/checkpoint.txt with the signature and public key beside it)."""
    try:
        if path.is_dir():
            return _from_bundle(lambda rel: _read(path / rel))
        if not path.is_file():
            return read_document(_read(path))  # names the problem: missing, a FIFO, a device
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                return _from_bundle(lambda rel: _read_member(zf, rel))
        if path.name == PurePosixPath(CHECKPOINT).name:
            return _from_bundle(lambda rel: _read(path.parent / PurePosixPath(rel).name))
        return read_document(_read(path))
    except CheckpointFileError as exc:
        raise UsageError(f"{path} is not a usable checkpoint: {exc}") from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"cannot read checkpoint {path}: {getattr(exc, 'strerror', None) or exc}") from exc


def compare(
    rows: list[dict[str, Any]],
    archive_key: Ed25519PublicKey | None,
    published: list[tuple[str, PublishedCheckpoint]],
    tsas: list[Authority],
) -> tuple[list[Finding], list[Comparison]]:
    tree = MerkleTree([leaf_hash(row["leaf"].encode("utf-8")) for row in rows])
    findings: list[Finding] = []
    results = []
    for source, checkpoint in published:
        result = Comparison(source, checkpoint, tree.size)
        findings += _compare_one(tree, archive_key, result, tsas)
        results.append(result)
    return findings, results


def _compare_one(
    tree: MerkleTree, archive_key: Ed25519PublicKey | None, result: Comparison, tsas: list[Authority]
) -> list[Finding]:
    c, name = result.checkpoint, f"published checkpoint {result.source}"
    if not c.signature_holds():
        return [Finding("published-checkpoint-invalid", name, "its signature does not hold under its key")]
    findings = _check_tokens(c, name, tsas)
    if archive_key is None:
        findings.append(
            Finding("archive-key-missing", name, f"signed by key {c.key_id}; the archive has no key now")
        )
    elif key_id(archive_key) != c.key_id:
        findings.append(
            Finding(
                "key-changed",
                name,
                f"signed by key {c.key_id} ({key_fingerprint(c.public_key)}); the archive's key is now "
                f"{key_id(archive_key)} ({key_fingerprint(archive_key)})",
            )
        )
    if c.tree_size > tree.size:
        findings.append(
            Finding(
                "log-truncated",
                name,
                f"it signed a log of {c.tree_size} events at {c.time}; the log now has {tree.size}: "
                "newer events were removed",
            )
        )
        return findings
    proof = tree.consistency_proof(c.tree_size) if 0 < c.tree_size < tree.size else []
    result.consistency_proof = [h.hex() for h in proof]
    result.holds = verify_consistency(c.tree_size, tree.size, bytes.fromhex(c.root_hash), tree.root(), proof)
    if not result.holds:
        findings.append(
            Finding(
                "log-rewritten",
                name,
                f"today's log of {tree.size} events does not extend the {c.tree_size} it signed at "
                f"{c.time}: events before {c.tree_size} were changed, removed or reordered",
            )
        )
    return findings


def _check_tokens(c: PublishedCheckpoint, name: str, tsas: list[Authority]) -> list[Finding]:
    by_name = {a.name: a for a in tsas}
    findings = []
    for i, stamp in enumerate(c.timestamps):
        verdict = token_verdict(c.token(i), c.statement, by_name.get(stamp["tsa"]), tsas)
        if verdict is not None:
            findings.append(Finding(verdict[0], f"{name} ({stamp['tsa']} timestamp)", verdict[1]))
    return findings


def _from_bundle(read) -> PublishedCheckpoint:
    return from_statement(read(CHECKPOINT), read(CHECKPOINT_SIG), read(PUBLIC_KEY))


def _read(path: Path) -> bytes:
    """A regular file only: opening a FIFO or a device for reading could block forever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CheckpointFileError(f"{path.name} is not a regular file")
        data = fh.read(_MAX_FILE + 1)
    if len(data) > _MAX_FILE:
        raise CheckpointFileError(f"{path.name} is far larger than any checkpoint")
    return data


def _read_member(zf: zipfile.ZipFile, rel: str) -> bytes:
    """A bag's file in a zip, whether the bag sits at the zip's top or in one folder."""
    for info in zf.infolist():
        if info.filename == rel or info.filename.split("/", 1)[-1] == rel:
            if info.file_size > _MAX_FILE:
                raise CheckpointFileError(f"{rel} is far larger than any checkpoint")
            return zf.read(info)
    raise CheckpointFileError(f"the zip holds no {rel}")
