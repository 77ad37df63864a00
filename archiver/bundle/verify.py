"""`archiver verify BUNDLE`: everything a bundle claims, checked with no archive at hand.

In order: the bag itself (completeness, checksums, metadata against files); the seal
(Ed25519 signature and RFC 3161 tokens over the tag manifest); the signed custody
checkpoint; then per capture its custody inclusion proofs, its manifest against its
files and its custody events, and its timestamp tokens against its manifest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bagit
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archiver.bundle.check import UNUSABLE, check_bag, opened_bundle
from archiver.bundle.evidence import EXPORT_EVENT, EXPORT_UNLOGGED, PUBLIC_KEY, ROOTS_DIR, UNLOGGED_SCHEMA
from archiver.bundle.proofs import (
    Checkpoint,
    check_checkpoint,
    check_custody_file,
    logged_manifest_digests,
    logged_token_digests,
    sha256_file,
)
from archiver.bundle.redaction import check_redactions
from archiver.bundle.seal import SEALED, SIGNATURE
from archiver.findings import WARNINGS, Finding, report_json
from archiver.timestamps.authorities import Authority, authorities
from archiver.timestamps.tokens import TokenError, check_token
from archiver.timestamps.trust import read_roots, system_roots
from store.archive_key import key_fingerprint, key_id, load_public_pem, signature_holds

_TOKEN_KINDS = {"other-data": "timestamp-mismatch", "no-root": "timestamp-unverifiable"}
_UNTRUSTED = "chains only to a root shipped inside the bundle, which anyone forging it could ship"


@dataclass(frozen=True)
class Trust:
    """The anchors the verifier brings: configured TSAs, --tsa-roots files, the system store."""

    authorities: list[Authority]
    roots: list[x509.Certificate]

    @classmethod
    def of(cls, config: dict[str, Any], tsa_roots: tuple[Path, ...]) -> Trust:
        return cls(authorities(config), [*read_roots(tsa_roots), *system_roots()])


@dataclass(frozen=True)
class BundleVerdict:
    """The findings, and the key that signed the bundle, to be compared with the published one."""

    findings: list[Finding]
    key_id: str | None
    key_fingerprint: str | None

    def as_json(self) -> dict[str, Any]:
        return {**report_json(self.findings), "key_id": self.key_id, "key_fingerprint": self.key_fingerprint}


def verify_bundle(
    path: Path, config: dict[str, Any], tsa_roots: tuple[Path, ...] = (), expect_key: str | None = None
) -> BundleVerdict:
    """``expect_key``: the archive key's id or fingerprint as the archive published it."""
    trust = Trust.of(config, tsa_roots)
    with opened_bundle(path, config) as root:
        findings = check_bag(root)
        if any(f.kind in UNUSABLE for f in findings):
            return BundleVerdict(findings, None, None)
        key, key_findings = _public_key(root)
        findings += key_findings
        identity = (key_id(key), key_fingerprint(key)) if key is not None else (None, None)
        findings += _expected_key(identity, expect_key)
        findings += _check_seal(root, key, trust)
        checkpoint, checkpoint_findings = check_checkpoint(root, key)
        findings += checkpoint_findings
        export_events, export_findings = _export_record(root, checkpoint)
        findings += export_findings
        export_findings = [f for f in export_findings if f.kind not in WARNINGS]
        listed = dict(bagit.Bag(str(root)).payload_entries())
        listed = {path: digests.get("sha256") for path, digests in listed.items()}
        captures = root / "data" / "captures"
        folders = sorted(p for p in captures.iterdir() if p.is_dir()) if captures.is_dir() else []
        if checkpoint is not None and not export_findings:
            findings += _captures_against_export(export_events, [f.name for f in folders])
        for folder in folders:
            findings += _check_capture(root, folder, checkpoint, listed, trust)
    return BundleVerdict(findings, *identity)


def _export_record(root: Path, checkpoint: Checkpoint | None) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The proven export event, or, for a bundle made from read-only media, the record of an
    export that was never logged (signed with the bag, but absent from the archive's log)."""
    unlogged = root / EXPORT_UNLOGGED
    if (root / EXPORT_EVENT).exists() or not unlogged.is_file():
        return check_custody_file(root, EXPORT_EVENT, checkpoint)
    try:
        record = json.loads(unlogged.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        record = None
    if not isinstance(record, dict) or record.get("schema") != UNLOGGED_SCHEMA:
        return [], [Finding("custody-mismatch", EXPORT_UNLOGGED, "the unlogged export record is unreadable")]
    note = "this export is not in the archive's custody log (it was made from read-only media)"
    return [record], [Finding("export-unlogged", EXPORT_UNLOGGED, note)]


def _captures_against_export(events: list[dict[str, Any]], present: list[str]) -> list[Finding]:
    """The proven export event names the captures exported; a capture removed whole, or one
    planted with its own files and manifests, leaves the bag self-consistent but not this list."""
    exported = next((e["detail"] for e in events if e.get("action") == "export"), None)
    captures = exported.get("captures") if isinstance(exported, dict) else None
    if not isinstance(captures, list) or not all(isinstance(c, str) for c in captures):
        return [Finding("custody-mismatch", EXPORT_EVENT, "no proven export event lists the captures")]
    findings = [
        Finding("capture-missing", f"data/captures/{c}", "the export event lists it, the bag lacks it")
        for c in sorted(set(captures) - set(present))
    ]
    findings += [
        Finding("capture-unlisted", f"data/captures/{c}", "in the bag, but the export event does not list it")
        for c in sorted(set(present) - set(captures))
    ]
    return findings


def _expected_key(identity: tuple[str | None, str | None], expected: str | None) -> list[Finding]:
    """Either form the archive may have published counts: the key id or the SHA256: fingerprint."""
    if expected is None or expected.strip().lower() in {str(i).lower() for i in identity if i}:
        return []
    return [Finding("key-mismatch", PUBLIC_KEY, f"signed by key {identity[0]}, not the expected {expected}")]


def _public_key(root: Path) -> tuple[Ed25519PublicKey | None, list[Finding]]:
    try:
        return load_public_pem((root / PUBLIC_KEY).read_bytes()), []
    except (OSError, ValueError):
        return None, [Finding("key-missing", PUBLIC_KEY, "the archive's public key is absent or unreadable")]


def _check_seal(root: Path, key: Ed25519PublicKey | None, trust: Trust) -> list[Finding]:
    """Without its signed tag manifest a bag vouches for nothing: anyone can edit and re-manifest it."""
    sealed = root / SEALED
    if not sealed.is_file():
        return [Finding("seal-missing", SEALED, "the sealed tag manifest is absent, so nothing is signed")]
    data = sealed.read_bytes()
    findings = []
    signature = root / SIGNATURE
    if not signature.is_file():
        findings.append(Finding("seal-missing", SIGNATURE, "the tag manifest is not signed"))
    elif key is not None and not signature_holds(key, data, signature.read_bytes()):
        findings.append(
            Finding("signature-invalid", SIGNATURE, f"{SEALED} is not what the archive key signed")
        )
    for token in sorted(root.glob(f"{SEALED}.*.tsr")):
        tsa = token.name[len(SEALED) + 1 : -len(".tsr")]
        findings += _check_token(root, token, data, tsa, trust)
    return findings


def _check_capture(
    root: Path, folder: Path, checkpoint: Checkpoint | None, listed: dict[str, str], trust: Trust
) -> list[Finding]:
    rel = folder.relative_to(root).as_posix()
    events, findings = check_custody_file(root, f"{rel}/custody.json", checkpoint)
    manifest_path = folder / "manifest.json"
    try:
        manifest = manifest_path.read_bytes()
        value = json.loads(manifest)
    except (OSError, ValueError):
        value = None
    if not _manifest_shape(value):
        return [*findings, Finding("metadata-unreadable", f"{rel}/manifest.json", "missing or malformed")]
    originals, redaction_findings = check_redactions(root, folder, listed)
    findings += redaction_findings  # a derived WARC stands for the original manifest.json lists:
    findings += _manifest_against_files(rel, folder, value, {**listed, **originals})
    if checkpoint is not None and sha256_file(manifest_path) not in logged_manifest_digests(events):
        findings.append(
            Finding(
                "custody-mismatch", f"{rel}/manifest.json", "no proven custody event records this manifest"
            )
        )
    logged_tokens = logged_token_digests(events)
    for token in sorted((folder / "timestamps").glob("*.tsr")):
        token_rel = token.relative_to(root).as_posix()
        if checkpoint is not None and sha256_file(token) not in logged_tokens:
            findings.append(
                Finding("timestamp-unlogged", token_rel, "no proven custody event records this token")
            )
        covered, problem = _covered(token, folder.name, manifest)
        if problem is not None:
            findings.append(Finding("timestamp-mismatch", token_rel, problem))
            continue
        findings += _check_token(root, token, covered, token.stem.rsplit("-", 1)[0], trust)
    return findings


def _covered(token: Path, capture_id: str, manifest: bytes) -> tuple[bytes, str | None]:
    """The manifest, or the batch document beside the token when one token stamped many captures."""
    batch = token.with_name(f"{token.stem}.batch.json")
    if not batch.is_file():
        return manifest, None
    document = batch.read_bytes()
    try:
        listed = json.loads(document)["manifests"].get(capture_id)
    except (ValueError, KeyError, AttributeError, TypeError):
        return b"", f"{batch.name} is unreadable"
    if listed != hashlib.sha256(manifest).hexdigest():
        return b"", f"{batch.name} lists another manifest for this capture"
    return document, None


def _manifest_shape(value: Any) -> bool:
    """What _manifest_against_files reads: a capture object and a list of artifact objects."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("capture", {}), dict)
        and isinstance(value.get("artifacts", []), list)
        and all(isinstance(a, dict) for a in value.get("artifacts", []))
    )


def _manifest_against_files(
    rel: str, folder: Path, manifest: dict[str, Any], listed: dict[str, str]
) -> list[Finding]:
    """The timestamped manifest must name the capture and the very files the bag lists.

    Compared with the bag's SHA-256 manifest rather than by hashing again: check_bag has
    already held every file to that manifest, and named any file that differs.
    """
    if manifest.get("capture", {}).get("id") != folder.name:
        return [Finding("metadata-mismatch", f"{rel}/manifest.json", "describes another capture")]
    findings = []
    for artifact in manifest.get("artifacts", []):
        path = f"{rel}/files/{artifact.get('name')}"
        if listed.get(path) != artifact.get("sha256"):
            findings.append(Finding("metadata-mismatch", path, "differs from manifest.json"))
    return findings


def _check_token(root: Path, token: Path, message: bytes, tsa: str, trust: Trust) -> list[Finding]:
    """Only the verifier's roots count; one the bag ships is tried afterwards, to say why not."""
    rel = token.relative_to(root).as_posix()
    configured = next((a for a in trust.authorities if a.name == tsa), None)
    roots = [*(configured.root_certificates() if configured else []), *trust.roots]
    intermediates = configured.intermediate_certificates() if configured else []
    der = token.read_bytes()
    try:
        check_token(der, message, roots, intermediates)
    except TokenError as exc:
        if exc.reason in ("untrusted", "no-root") and _holds(der, message, root / ROOTS_DIR / f"{tsa}.pem"):
            return [Finding("timestamp-untrusted", rel, f"{_UNTRUSTED} (--tsa-roots FILE trusts one)")]
        return [Finding(_TOKEN_KINDS.get(exc.reason, "timestamp-invalid"), rel, str(exc))]
    return []


def _holds(der: bytes, message: bytes, shipped: Path) -> bool:
    try:
        check_token(der, message, Authority("shipped", "", (shipped,)).root_certificates())
    except (TokenError, ValueError):
        return False
    return True
