"""Exported files carry no researcher credentials: derived copies, and the record of the derivation.

The archive keeps each capture's files exactly as captured; the timestamped manifest and
the custody log vouch for those originals. A bundle instead carries, for each capture's
WARC (archiver.bundle.warc_redaction) and each yt-dlp info.json (json_redaction) that
held any, a copy with cookies, authorization headers and URL tokens blanked, which has
its own SHA-256 and SHA-512 in the bag's manifests and in metadata.json.
``redactions.json`` beside the capture ties the two: per derived file the original's
SHA-256 (the one manifest.json lists) and the copy's, and what was blanked, by name,
never by value (for a WARC, per rewritten record: its id, target URI and block digest
before and after). A verifier holds the copy to that record; whoever needs the original
asks the archive for the blob with that SHA-256.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archiver.bundle.bagit_files import file_digests
from archiver.bundle.credentials import PLACEHOLDER, rules
from archiver.bundle.json_redaction import redact_json
from archiver.bundle.url_redaction import SIGNED_FILES
from archiver.bundle.warc_redaction import RedactedRecord, redact_warc
from archiver.errors import ArchiverError
from archiver.findings import Finding

REDACTIONS_SCHEMA = "archiver-bundle-redactions/1"
REDACTIONS_FILE = "redactions.json"
_CHUNK = 1 << 20


class UnreadableWarcError(ArchiverError):
    kind = "unreadable-warc"


def redact_copied_file(
    target: Path, role: str, original_sha256: str, original_size: int
) -> dict[str, Any] | None:
    """Blank credentials, in place, in a file just copied (and checked) into the bag.

    Returns the file's entry for redactions.json, or None when nothing needed blanking
    (or the file is of no kind that holds credentials): the file is then the original,
    byte for byte.
    """
    derived = target.with_name(f".{target.name}.redacted")
    if role == "warc":
        blanked = {"records": [r.as_json() for r in _redact_warc(target, derived, original_sha256)]}
    elif role == "metadata" and target.suffix == ".json":
        blanked = {"fields": redact_json(target, derived) or []}
    else:
        return None
    if not any(blanked.values()):
        derived.unlink(missing_ok=True)
        return None
    os.replace(derived, target)
    digests = file_digests(target)
    return {
        "path": f"files/{target.name}",
        "original_sha256": original_sha256,
        "original_size": original_size,
        "sha256": digests["sha256"],
        "sha512": digests["sha512"],
        "size": target.stat().st_size,
        **blanked,
    }


def _redact_warc(source: Path, target: Path, original_sha256: str) -> list[RedactedRecord]:
    try:
        return redact_warc(source, target)
    except ArchiveLoadFailed as exc:
        target.unlink(missing_ok=True)
        raise UnreadableWarcError(
            f"the WARC {original_sha256} cannot be read to blank credentials in it ({exc}); not exported"
        ) from exc


def redactions_document(
    entries: list[dict[str, Any]], urls: list[dict[str, Any]], signed_files_hide_urls: bool
) -> dict[str, Any]:
    """``urls``: the capture's own URL fields blanked in metadata.json, index.html and the WACZ.

    A capture of manifest version 1 keeps its URLs as captured in the signed files, which
    ``signed`` then says; later versions hide their credentials there (store.url_hiding).
    """
    document: dict[str, Any] = {
        "schema": REDACTIONS_SCHEMA,
        "placeholder": PLACEHOLDER,
        "rules": rules(),
        "originals": "original_sha256 names the file as captured, kept unchanged in the exporting archive",
        "files": entries,
        "urls": urls,
    }
    if urls or any(r.get("url_params") for e in entries for r in _blanks(e)):
        document["signed"] = {"files": list(SIGNED_FILES), "note": _SIGNED_NOTES[signed_files_hide_urls]}
    return document


_SIGNED_NOTES = {
    False: "these keep URLs as captured: blanking would break the timestamp and custody proofs",
    True: "these hold each credential value as HIDDEN- and a digest keyed by a salt that only the"
    " exporting archive keeps: the proofs hold and the value cannot be recovered from the bundle",
}


def _blanks(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every description of a blanked value in one derived file's entry."""
    found = [b for record in entry.get("records", []) for b in record.get("redacted", [])]
    return found + list(entry.get("fields", []))


def check_redactions(
    root: Path, folder: Path, listed: dict[str, str]
) -> tuple[dict[str, str], list[Finding]]:
    """Hold a capture's derived files to its redactions.json.

    Returns, per bag path of a derived file that holds, the SHA-256 of the original it
    was derived from (what manifest.json must list), and a finding for each that does not.
    """
    path = folder / REDACTIONS_FILE
    rel = path.relative_to(root).as_posix()
    if not path.exists():
        return {}, []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["files"] if document["schema"] == REDACTIONS_SCHEMA else None
        originals = {f"{folder.relative_to(root).as_posix()}/{e['path']}": e for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}, [Finding("redaction-unreadable", rel, "not an archiver redaction record")]
    held, findings = {}, []
    for bag_path, entry in sorted(originals.items()):
        if listed.get(bag_path) != entry.get("sha256"):
            findings.append(Finding("redaction-mismatch", bag_path, f"differs from the copy {rel} describes"))
            continue
        if "records" in entry:
            problem = _warc_problem(root / bag_path, entry["records"])
        else:
            problem = _json_problem(root / bag_path)
        if problem:
            findings.append(Finding("redaction-mismatch", bag_path, problem))
            continue
        held[bag_path] = str(entry.get("original_sha256"))
    return held, findings


def _json_problem(path: Path) -> str | None:
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return f"not readable JSON: {exc}"
    return None


def _warc_problem(path: Path, described: list[dict[str, Any]]) -> str | None:
    """Every record's digests must hold, and each rewritten record must be there as described."""
    expected = {r.get("record_id"): r.get("block_digest") for r in described if isinstance(r, dict)}
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                while record.raw_stream.read(_CHUNK):
                    pass
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                if record.digest_checker.passed is False:
                    return f"record {record_id}: {'; '.join(record.digest_checker.problems)}"
                block_digest = record.rec_headers.get_header("WARC-Block-Digest")
                if record_id in expected and expected.pop(record_id) != block_digest:
                    return f"record {record_id} is not the rewritten record described"
    except (OSError, ArchiveLoadFailed, ValueError) as exc:
        return f"not a readable WARC: {exc}"
    if expected:
        return f"{len(expected)} rewritten record(s) described are absent"
    return None
