"""The payload of a bag: each capture's files as captured, plus metadata.json and hashes.json.

Blobs are copied with SHA-256 and SHA-512 computed in the same pass; a blob whose
SHA-256 no longer matches the catalog is damaged, and is never exported as evidence.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.bundle.redaction import REDACTIONS_FILE, redact_copied_file, redactions_document
from archiver.bundle.url_redaction import redact_detail
from archiver.errors import ArchiverError
from archiver.records import CustodyEvent
from store import Archive
from store.streams import hash_mapped

METADATA_SCHEMA = "archiver-bundle-capture/1"
HASHES_SCHEMA = "archiver-bundle-hashes/1"
_CAPTURE_FIELDS = (
    "id", "kind", "input_url", "final_url", "platform", "extractor", "post_id", "author", "handle", "title",
    "post_text", "post_time", "case_name", "started_at", "ended_at", "operator", "note", "tool_versions",
    "status", "missing",
)  # fmt: skip
_MEDIA_FIELDS = ("width", "height", "duration", "video_codec", "audio_codec")


class DamagedBlobError(ArchiverError):
    kind = "damaged-blob"


@dataclass
class CapturePayload:
    capture_id: str
    folder: Path  # data/captures/<id>
    detail: dict[str, Any]
    digests: dict[str, dict[str, str]] = field(default_factory=dict)  # bag-relative path -> digests
    sizes: dict[str, int] = field(default_factory=dict)
    timestamps: list[dict[str, Any]] = field(default_factory=list)  # for the report
    custody: list[CustodyEvent] = field(default_factory=list)  # events, for the report
    redactions: list[dict[str, Any]] = field(default_factory=list)  # derived files, see bundle.redaction


def write_capture(
    archive: Archive,
    detail: dict[str, Any],
    bag: Path,
    known_sha512: dict[str, str],
    perceptual: dict[str, dict[str, Any] | None],
    signed_files_hide_urls: bool,
) -> CapturePayload:
    """Copy one capture's files and describe them; touches blobs only, so captures can be
    written side by side (``detail``, the SHA-512s already known, the perceptual hashes and
    whether its manifest hides URL credentials are read from the catalog beforehand, by the
    caller, on the catalog's own thread)."""
    capture_id = detail["id"]
    folder = bag / "data" / "captures" / capture_id
    (folder / "files").mkdir(parents=True)
    detail, blanked_urls = redact_detail(detail)  # as metadata.json, index.html and the WACZ show it
    payload = CapturePayload(capture_id, folder, detail)
    artifacts = []
    for artifact in detail["artifacts"]:
        relative = f"files/{artifact['name']}"
        digests, size = copy_blob(
            archive, artifact["sha256"], folder / relative, known_sha512.get(artifact["sha256"])
        )
        derived = _redacted(artifact, folder / relative, size)
        if derived is not None:  # the bag holds a copy with credentials blanked, not the original
            payload.redactions.append(derived)
            digests, size = {a: derived[a] for a in ("sha256", "sha512")}, derived["size"]
        payload.digests[_bag_path(bag, folder / relative)] = digests
        payload.sizes[_bag_path(bag, folder / relative)] = size
        artifacts.append(
            {
                "path": relative,
                "role": artifact["role"],
                "sha256": digests["sha256"],
                "size": size,
                "mime": artifact["mime"],
                "kind": artifact["kind"],
                "source_url": artifact["source_url"],
                **{k: artifact[k] for k in _MEDIA_FIELDS if artifact.get(k) is not None},
                **({"derived_from": _original(artifact)} if derived is not None else {}),
            }
        )
    metadata = {
        "schema": METADATA_SCHEMA,
        "capture": {k: detail.get(k) for k in _CAPTURE_FIELDS},
        "platform_metadata": detail.get("metadata"),
        "artifacts": artifacts,
    }
    hashes = {
        "schema": HASHES_SCHEMA,
        "files": {
            a["path"]: {**payload.digests[_bag_path(bag, folder / a["path"])], "size": a["size"]}
            for a in artifacts
        },
    }
    for a in artifacts:
        if perceptual.get(a["sha256"]) is not None:
            hashes["files"][a["path"]]["perceptual"] = perceptual[a["sha256"]]
    if payload.redactions or blanked_urls:
        add_json(
            payload,
            bag,
            REDACTIONS_FILE,
            redactions_document(payload.redactions, blanked_urls, signed_files_hide_urls),
        )
    add_json(payload, bag, "metadata.json", metadata)
    add_json(payload, bag, "hashes.json", hashes)
    return payload


def _redacted(artifact: dict[str, Any], copied: Path, size: int) -> dict[str, Any] | None:
    """A capture's WARC and yt-dlp's info.json may hold the researcher's credentials: the bag
    gets a copy without them."""
    return redact_copied_file(copied, artifact["role"], artifact["sha256"], size)


def _original(artifact: dict[str, Any]) -> dict[str, Any]:
    """What a derived file was made from: the original, as the timestamped manifest lists it."""
    return {"sha256": artifact["sha256"], "size": artifact["size"], "redactions": REDACTIONS_FILE}


def add_json(payload: CapturePayload, bag: Path, name: str, value: Any) -> Path:
    """Write a JSON file into the capture's folder and account for it in the manifests."""
    data = (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    return add_bytes(payload, bag, name, data)


def add_bytes(payload: CapturePayload, bag: Path, name: str, data: bytes) -> Path:
    """Write exact bytes into the capture's folder and account for them in the manifests."""
    path = payload.folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    payload.digests[_bag_path(bag, path)] = {
        a: hashlib.new(a, data).hexdigest() for a in ("sha256", "sha512")
    }
    payload.sizes[_bag_path(bag, path)] = len(data)
    return path


def copy_blob(
    archive: Archive, sha256: str, target: Path, sha512: str | None = None
) -> tuple[dict[str, str], int]:
    """Copy a blob, checking its SHA-256 on the way; SHA-512 too unless already known.

    The kernel copies (shutil uses sendfile) on one thread while this one hashes the
    blob straight from the page cache (mapped, not read into a buffer), so an export
    costs about one hashing pass.
    """
    names = ("sha256",) if sha512 else ("sha256", "sha512")
    source = archive.blobs.path(sha256)
    copy_errors: list[OSError] = []
    copier = threading.Thread(target=_kernel_copy, args=(source, target, copy_errors))
    hashers = [hashlib.new(name) for name in names]
    try:
        with archive.blobs.open(sha256) as src:
            copier.start()
            size = hash_mapped(src, hashers)
    except FileNotFoundError as exc:
        raise DamagedBlobError(f"blob {sha256} is missing from the archive; run `archiver verify`") from exc
    finally:
        if copier.is_alive():
            copier.join()
    if copy_errors:
        raise copy_errors[0]
    digests = {name: h.hexdigest() for name, h in zip(names, hashers, strict=True)}
    if digests["sha256"] != sha256:
        raise DamagedBlobError(f"blob {sha256} no longer matches its hash; run `archiver verify`")
    return {"sha256": sha256, "sha512": sha512 or digests["sha512"]}, size


def _kernel_copy(source: Path, target: Path, errors: list[OSError]) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        errors.append(exc)


def _bag_path(bag: Path, path: Path) -> str:
    return path.relative_to(bag).as_posix()
