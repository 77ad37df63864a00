"""`archiver verify [BUNDLE]`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.audit.against import Comparison, compare, load_published
from archiver.audit.archive import audit_archive, record_audit
from archiver.bundle.verify import BundleVerdict, verify_bundle
from archiver.cliutil import (
    CatalogCorruptError,
    archive_option,
    archive_root,
    friendly_errors,
    json_option,
    open_archive,
    open_reader,
    print_json,
)
from archiver.errors import UsageError
from archiver.findings import WARNINGS, Finding, failed, report_json
from archiver.progress import download_progress
from archiver.settings import load_config
from archiver.timestamps.authorities import authorities
from store.archive import writable
from store.custody import custody_rows
from store.queries import total_blob_bytes


@click.command("verify")
@click.argument("bundle", required=False, type=click.Path(path_type=Path), metavar="[BUNDLE]")
@click.option("--against", "against", multiple=True, type=click.Path(path_type=Path), metavar="CHECKPOINT",
              help="A checkpoint published earlier (`archiver checkpoint publish`) or an old bundle "
              "(folder, .zip or its data/custody/checkpoint.txt): today's log must extend it, "
              "under the same key. Repeatable.")  # fmt: skip
@click.option("--tsa-roots", "tsa_roots", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help="With BUNDLE: also trust these TSA root certificates (PEM or DER) besides the "
              "[timestamp] config's and the system store. Roots the bundle ships are never trusted. "
              "Repeatable.")  # fmt: skip
@click.option("--expect-key", "expect_key", metavar="ID|FINGERPRINT",
              help="With BUNDLE: the archive key's id or SHA256: fingerprint as the archive published "
              "it; a bundle signed by any other key is the finding key-mismatch.")  # fmt: skip
@archive_option
@json_option
@friendly_errors
def verify_command(
    bundle: Path | None,
    against: tuple[Path, ...],
    tsa_roots: tuple[Path, ...],
    expect_key: str | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Audit the whole archive, or check an evidence bundle offline.

    Without BUNDLE: re-hashes every blob, checks the catalog against the blobs and the
    custody log, verifies every timestamp token against the configured TSA roots, and
    recomputes the custody log's Merkle roots against its signed checkpoints. The audit
    is itself logged, unless the archive is on read-only media (then nothing is written).

    With BUNDLE (a bag folder or .zip, no archive needed): completeness and checksums,
    the signature and timestamp over the tag manifest, every capture's timestamp tokens
    and custody inclusion proofs against the signed checkpoint, metadata against files.

    With --against: also proves, for each checkpoint kept outside the archive, that
    today's custody log extends it (an RFC 9162 consistency proof) and is signed by the
    same key. Only such a copy reveals a log truncated from its end, a newest capture
    removed whole, or a new key that re-signed every checkpoint (findings log-truncated,
    log-rewritten, key-changed). Never creates or replaces the archive key.

    Exit status 0 when everything holds, 1 with a list of findings, 2 on bad input.

    \b
    Examples:
      archiver verify --json
      archiver verify aleppo-bundle.zip
      archiver verify --against checkpoint-2026-11-30.json --against old-bundle.zip
    """
    if bundle is not None and against:
        raise UsageError("--against checks the archive's log; it cannot be combined with a BUNDLE")
    if bundle is None and (tsa_roots or expect_key):
        raise UsageError("--tsa-roots and --expect-key check a BUNDLE; name one")
    published = [(str(path), load_published(path)) for path in against]
    comparisons: list[Comparison] = []
    verdict: BundleVerdict | None = None
    if bundle is not None:
        verdict = verify_bundle(bundle, load_config(None), tsa_roots, expect_key)
        findings = verdict.findings
    else:
        if not (archive_root(archive_dir) / "catalog.db").is_file():
            raise UsageError(f"there is no archive at {archive_root(archive_dir)}")
        logged = writable(archive_root(archive_dir))  # on read-only media the audit cannot be logged
        try:
            archive = open_archive(archive_dir, writes=False) if logged else open_reader(archive_dir)
        except CatalogCorruptError as exc:
            _print([Finding(exc.kind, "catalog.db", str(exc))], None, None, as_json)
            sys.exit(1)
        with archive:
            config = load_config(archive.root)
            with download_progress(enabled=not as_json) as progress:
                total, seen = total_blob_bytes(archive.catalog), [0]

                def done(size: int) -> None:
                    seen[0] += size
                    if progress is not None:
                        progress("verifying blobs", seen[0], total)

                findings = audit_archive(archive, config, done)
            if published:
                more, comparisons = compare(
                    custody_rows(archive.catalog),
                    archive.key.public_key_on_disk(),
                    published,
                    authorities(config),
                )
                findings += more
            if logged:
                record_audit(archive, findings, config)
            else:
                click.echo("archiver: the archive is read-only, so this audit was not logged", err=True)
    _print(findings, comparisons if against else None, verdict, as_json)
    sys.exit(1 if failed(findings) else 0)


def _print(
    findings: list[Finding],
    comparisons: list[Comparison] | None,
    verdict: BundleVerdict | None,
    as_json: bool,
) -> None:
    if as_json:
        extra = {} if comparisons is None else {"against": [c.as_json() for c in comparisons]}
        print_json({**(verdict.as_json() if verdict else report_json(findings)), **extra})
        return
    if verdict is not None:
        _print_key(verdict)
    for c in comparisons or []:
        extends = "extends it" if c.holds else "does NOT extend it"
        click.echo(
            f"against {c.source}: {c.checkpoint.tree_size} events, root {c.checkpoint.root_hash}, "
            f"key {c.checkpoint.key_id}; today's log of {c.log_size} events {extends}"
        )
    for finding in findings:
        warning = "warning: " if finding.kind in WARNINGS else ""
        click.echo(f"{finding.kind:<28} {finding.object}: {warning}{finding.detail}")
    if failed(findings):
        click.echo(f"{len(findings)} finding(s)")
    else:
        click.echo("ok: everything holds" + (f", with {len(findings)} warning(s)" if findings else ""))


def _print_key(verdict: BundleVerdict) -> None:
    """The bundle carries its own public key, so a forger's key verifies too: only a comparison
    with the key the archive published (or --expect-key) ties the bundle to that archive."""
    if verdict.key_id is None:
        return
    click.echo(f"signed by archive key {verdict.key_id}")
    click.echo(f"  fingerprint {verdict.key_fingerprint}")
    click.echo("  compare it with the key the archive published (or pass --expect-key) before relying on it")
