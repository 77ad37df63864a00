"""The payload of a bag: each capture's files as captured, plus metadata.json and hashes.json.

Blobs are copied with SHA-256 and SHA-512 computed in the same pass; a blob whose
SHA-256 no longer matches the catalog is damaged, and is never exported as evidence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.errors import ArchiverError
from store import Archive
from store.perceptual import perceptual_summary
from store.queries import capture_detail
from store.streams import fan_out

METADATA_SCHEMA = "archiver-bundle-capture/1"
HASHES_SCHEMA = "archiver-bundle-hashes/1"
_CAPTURE_FIELDS = (
    "id", "kind", "input_url", "final_url", "platform", "extractor", "post_id", "author", "handle", "title",
    "post_text", "post_time", "case_name", "started_at", "ended_at", "operator", "note", "tool_versions",
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


def write_capture(archive: Archive, capture_id: str, bag: Path) -> CapturePayload:
    detail = capture_detail(archive.catalog, capture_id)
    folder = bag / "data" / "captures" / capture_id
    (folder / "files").mkdir(parents=True)
    payload = CapturePayload(capture_id, folder, detail)
    artifacts = []
    for artifact in detail["artifacts"]:
        relative = f"files/{artifact['name']}"
        digests, size = copy_blob(archive, artifact["sha256"], folder / relative)
        payload.digests[_bag_path(bag, folder / relative)] = digests
        payload.sizes[_bag_path(bag, folder / relative)] = size
        artifacts.append(
            {
                "path": relative,
                "role": artifact["role"],
                "sha256": artifact["sha256"],
                "size": artifact["size"],
                "mime": artifact["mime"],
                "kind": artifact["kind"],
                "source_url": artifact["source_url"],
                **{k: artifact[k] for k in _MEDIA_FIELDS if artifact.get(k) is not None},
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
        perceptual = perceptual_summary(archive.catalog, a["sha256"])
        if perceptual is not None:
            hashes["files"][a["path"]]["perceptual"] = perceptual
    add_json(payload, bag, "metadata.json", metadata)
    add_json(payload, bag, "hashes.json", hashes)
    return payload


def add_json(payload: CapturePayload, bag: Path, name: str, value: Any) -> Path:
    """Write a JSON file into the capture's folder and account for it in the manifests."""
    path = payload.folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    path.write_bytes(data)
    payload.digests[_bag_path(bag, path)] = {
        a: hashlib.new(a, data).hexdigest() for a in ("sha256", "sha512")
    }
    payload.sizes[_bag_path(bag, path)] = len(data)
    return path


def copy_blob(archive: Archive, sha256: str, target: Path) -> tuple[dict[str, str], int]:
    hashers = {"sha256": hashlib.sha256(), "sha512": hashlib.sha512()}
    try:
        with archive.blobs.open(sha256) as src, open(target, "wb") as dst:
            size = fan_out(src, [hashers["sha256"].update, hashers["sha512"].update, dst.write])
    except FileNotFoundError as exc:
        raise DamagedBlobError(f"blob {sha256} is missing from the archive; run `archiver verify`") from exc
    digests = {name: h.hexdigest() for name, h in hashers.items()}
    if digests["sha256"] != sha256:
        raise DamagedBlobError(f"blob {sha256} no longer matches its hash; run `archiver verify`")
    return digests, size


def _bag_path(bag: Path, path: Path) -> str:
    return path.relative_to(bag).as_posix()
