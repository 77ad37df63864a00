"""Build an evidence bundle: payload, WACZ, report, VERIFY.md, manifests, then publish.

The bag is built in a hidden folder beside OUT and renamed (or zipped, then renamed)
into place only when complete, so an interrupted export never leaves a partial bundle
where a complete one is expected; one that a SIGKILL left is removed by the next export
into the same folder (build_folder.py).
"""

from __future__ import annotations

import os
import secrets
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.bundle.bagit_files import (
    DECLARATION,
    file_digests,
    write_bag_info,
    write_manifests,
    write_tag_manifests,
)
from archiver.bundle.build_folder import build_name, sweep_dead_builds
from archiver.bundle.evidence import CUSTODY_DIR, ROOTS_DIR, add_capture_evidence, add_custody, add_tsa_roots
from archiver.bundle.payload import CapturePayload, write_capture
from archiver.bundle.report import render_report
from archiver.bundle.seal import seal_bag
from archiver.bundle.verify_md import render_verify_md
from archiver.bundle.wacz import write_wacz
from archiver.errors import UsageError
from archiver.interrupts import interrupt_once
from archiver.platforms.base import ProgressCallback
from archiver.settings import operator_name
from store import Archive
from store.clock import utc_now
from store.digests import known_sha512, remember_sha512
from store.manifest import hides_credentials
from store.perceptual import perceptual_summary
from store.queries import capture_detail

COPY_WORKERS = 2


@dataclass
class ExportResult:
    path: Path
    bundle_id: str
    capture_ids: list[str]
    payload_files: int
    payload_bytes: int

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "bundle_id": self.bundle_id,
            "capture_ids": self.capture_ids,
            "payload_files": self.payload_files,
            "payload_bytes": self.payload_bytes,
        }


def export_bundle(
    archive: Archive,
    capture_ids: list[str],
    out: Path,
    config: dict[str, Any],
    *,
    progress: ProgressCallback | None = None,
) -> ExportResult:
    out = out.expanduser()
    if out.exists():
        raise UsageError(f"{out} already exists; choose a new name")
    if not out.parent.is_dir():
        raise UsageError(f"folder {out.parent} does not exist")
    sweep_dead_builds(out.parent)
    zipped = out.suffix.lower() == ".zip"
    bag_name = out.stem if zipped else out.name
    build = out.parent / build_name(out.name)
    with interrupt_once():  # a second Ctrl-C cannot cut the cleanup short
        try:
            build.mkdir()  # inside the try: a Ctrl-C landing as mkdir returns still removes the folder
            result = _build(archive, capture_ids, build, bag_name, config, progress)
            if zipped:
                _zip_folder(build, out, bag_name)
            else:
                os.rename(build, out)
        except BaseException as exc:
            if not isinstance(exc, FileExistsError) or exc.filename != str(build):  # never another's folder
                shutil.rmtree(build, ignore_errors=True)
            raise
    result.path = out
    return result


def _build(
    archive: Archive,
    capture_ids: list[str],
    bag: Path,
    bag_name: str,
    config: dict[str, Any],
    progress: ProgressCallback | None,
) -> ExportResult:
    created = utc_now()
    bundle_id = f"archiver-bundle-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    payloads = _write_captures(archive, capture_ids, bag, progress)
    manifest_digests = [add_capture_evidence(archive, payload, bag) for payload in payloads]
    shared = CapturePayload("custody", bag / CUSTODY_DIR, {})
    roots = CapturePayload("tsa-roots", bag / ROOTS_DIR, {})
    timeline = add_custody(archive, payloads, shared, bag, bundle_id, manifest_digests, config)
    add_tsa_roots(payloads, roots, bag, config)
    digests: dict[str, dict[str, str]] = {}
    sizes: dict[str, int] = {}
    for payload in [*payloads, shared, roots]:
        digests.update(payload.digests)
        sizes.update(payload.sizes)
    _add_wacz(bag, payloads, created, bundle_id, digests, sizes)

    (bag / "bagit.txt").write_text(DECLARATION, encoding="utf-8")
    manifests = write_manifests(bag, digests)
    bag_info = [
        ("Source-Organization", config.get("export", {}).get("organization") or operator_name(config)),
        ("Contact-Name", operator_name(config)),
        ("External-Identifier", bundle_id),
        ("External-Description", f"Evidence bundle of {len(payloads)} capture(s) exported by archiver"),
        ("Bagging-Date", created[:10]),
        ("Bagging-Time", created),
        ("Payload-Oxum", f"{sum(sizes.values())}.{len(sizes)}"),
        ("Bag-Software-Agent", f"archiver {__version__}"),
    ]
    tag_files = [bag / "bagit.txt", write_bag_info(bag, bag_info), *manifests]
    report = bag / "index.html"
    report.write_text(render_report(bag_info, payloads, custody=timeline), encoding="utf-8")
    verify_md = bag / "VERIFY.md"
    redacted = sum(len(p.redactions) for p in payloads)
    verify_md.write_text(render_verify_md(bag_name, redacted), encoding="utf-8")
    write_tag_manifests(bag, [*tag_files, report, verify_md])
    seal_bag(archive, bag, config)
    return ExportResult(bag, bundle_id, capture_ids, len(sizes), sum(sizes.values()))


def _write_captures(
    archive: Archive, capture_ids: list[str], bag: Path, progress: ProgressCallback | None
) -> list[CapturePayload]:
    """Copy captures two at a time: SHA-512 is the slowest part of an export, and each
    copy hashes in threads that release the GIL, so a second capture uses the other cores."""
    details = [capture_detail(archive.catalog, capture_id) for capture_id in capture_ids]
    hidden = {capture_id: hides_credentials(archive.catalog, capture_id) for capture_id in capture_ids}
    blobs = sorted({a["sha256"] for d in details for a in d["artifacts"]})
    known = known_sha512(archive.catalog, blobs)
    perceptual = {sha: perceptual_summary(archive.catalog, sha) for sha in blobs}
    payloads: list[CapturePayload] = []
    pool = ThreadPoolExecutor(max_workers=COPY_WORKERS)
    try:
        for payload in pool.map(
            lambda d: write_capture(archive, d, bag, known, perceptual, hidden[d["id"]]), details
        ):
            payloads.append(payload)
            if progress is not None:
                progress("exporting", len(payloads), len(capture_ids))
    finally:
        # after a Ctrl-C or a failed copy, the captures not yet started are dropped (a `with`
        # block would copy them all first), and the running ones finish before cleanup
        # removes the folder they write into
        pool.shutdown(wait=True, cancel_futures=True)
    hashed = {
        a["sha256"]: payload.digests[f"data/captures/{payload.capture_id}/files/{a['name']}"]["sha512"]
        for payload in payloads
        for a in payload.detail["artifacts"]
        if not any(r["original_sha256"] == a["sha256"] for r in payload.redactions)  # not that blob's
    }
    if not archive.readonly:  # a cache only: on read-only media the next export hashes again
        remember_sha512(archive.catalog, {k: v for k, v in hashed.items() if k not in known})
    return payloads


def _add_wacz(
    bag: Path,
    payloads: list[CapturePayload],
    created: str,
    bundle_id: str,
    digests: dict[str, dict[str, str]],
    sizes: dict[str, int],
) -> None:
    warcs, pages = [], []
    for payload in payloads:
        for artifact in payload.detail["artifacts"]:
            if artifact["role"] == "warc":
                warcs.append(payload.folder / "files" / artifact["name"])
        url = payload.detail.get("final_url") or payload.detail.get("input_url")
        if url and payload.detail["kind"] == "capture":
            ts = payload.detail["started_at"]
            pages.append({"url": url, "ts": ts, "title": payload.detail.get("title") or url})
    if not warcs:
        return
    target = bag / "data" / "archive.wacz"
    write_wacz(target, warcs, pages, created, bundle_id)
    relative = target.relative_to(bag).as_posix()
    digests[relative] = file_digests(target)
    sizes[relative] = target.stat().st_size


def _zip_folder(folder: Path, target: Path, bag_name: str) -> None:
    partial = target.with_name(build_name(target.name))
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zf.write(path, f"{bag_name}/{path.relative_to(folder).as_posix()}")
        shutil.rmtree(folder)  # before the rename: once the zip is in place, nothing is left to fail
        os.rename(partial, target)
    except BaseException:  # a full disk or Ctrl-C half-way: no hidden partial zip stays beside OUT
        partial.unlink(missing_ok=True)
        raise
