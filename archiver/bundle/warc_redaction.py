"""Copy a WARC with the researcher's credentials blanked (see archiver.bundle.credentials).

Only what must change changes. A record with nothing to blank is copied as its original
bytes (for a .warc.gz, its original gzip member), so its offset may move but its content
does not. A record that is rewritten keeps its id, WARC headers and payload byte for byte;
only blanked values differ, and its Content-Length and WARC-Block-Digest are recomputed
(with the algorithm and encoding the original used). WARC-Payload-Digest still holds: an
HTTP payload is never altered, only the header lines above it.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper

from archiver.bundle.credentials import redact_header, redact_url

_HTTP_RECORDS = ("request", "response", "revisit")
_URL_FIELDS = ("WARC-Target-URI", "WARC-Refers-To-Target-URI")
_HEAD_LIMIT = 1 << 20  # an HTTP header block larger than this is not parsed (and not altered)
_SPOOL_IN_MEMORY = 16 << 20
_CHUNK = 1 << 16


@dataclass
class RedactedRecord:
    """One rewritten record, described by names and digests only, never by a blanked value."""

    record_id: str
    record_type: str
    target_uri: str  # as it reads after redaction
    redacted: list[dict[str, Any]]
    original_block_digest: str | None
    block_digest: str | None
    payload_digest: str | None  # unchanged by redaction

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def redact_warc(source: Path, target: Path) -> list[RedactedRecord]:
    """Write ``source`` to ``target`` with credentials blanked; returns the records rewritten."""
    rewritten: list[RedactedRecord] = []
    with open(source, "rb") as fh, open(source, "rb") as raw, open(target, "wb") as out:
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        records = ArchiveIterator(fh, no_record_parse=True)
        copied_to = 0
        for record in records:
            planned = _plan(record)
            if planned is None:
                continue  # the iterator reads past it; it is copied with the span it belongs to
            with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as block:
                described = _rewrite(record, *planned, block)
                start = records.get_record_offset()
                _copy_span(raw, out, copied_to, start)
                _write_record(out, record.rec_headers, block, gzipped)
            copied_to = records.offset  # where the next record starts
            rewritten.append(described)
        _copy_span(raw, out, copied_to, None)
    return rewritten


def _plan(record: Any) -> tuple[bytes, list[dict[str, Any]]] | None:
    """Blank URL tokens in the record's WARC headers (in place) and credentials in its HTTP
    header block; returns the start of the new block and what was blanked, or None when
    nothing was (then only the unchanged header block has been read)."""
    warc = record.rec_headers
    redacted: list[dict[str, Any]] = []
    for field in _URL_FIELDS:
        value = warc.get_header(field)
        url, params = redact_url(value) if value else (value, [])
        if params:
            warc.replace_header(field, url)
            redacted.append({"warc_header": field, "url_params": params})
    head, rest = b"", b""
    content_type = warc.get_header("Content-Type") or ""
    if record.rec_type in _HTTP_RECORDS and content_type.startswith("application/http"):
        head, rest = _read_head(record.raw_stream)
        head, http_redacted = _redact_http_head(head, is_request=record.rec_type == "request")
        redacted += http_redacted
    return (head + rest, redacted) if redacted else None


def _rewrite(record: Any, start: bytes, redacted: list[dict[str, Any]], block: IO[bytes]) -> RedactedRecord:
    """Spool the record's new block into ``block`` and fix its length and block digest."""
    warc = record.rec_headers
    block.write(start)
    shutil.copyfileobj(record.raw_stream, block, _CHUNK)
    length = block.tell()
    original_digest = warc.get_header("WARC-Block-Digest")
    new_digest = _digest_like(original_digest, block) if original_digest else None
    if new_digest:
        warc.replace_header("WARC-Block-Digest", new_digest)
    warc.replace_header("Content-Length", str(length))
    block.seek(0)
    return RedactedRecord(
        record_id=warc.get_header("WARC-Record-ID") or "",
        record_type=record.rec_type,
        target_uri=warc.get_header("WARC-Target-URI") or "",
        redacted=redacted,
        original_block_digest=original_digest,
        block_digest=new_digest,
        payload_digest=warc.get_header("WARC-Payload-Digest"),
    )


def _read_head(stream: IO[bytes]) -> tuple[bytes, bytes]:
    """The HTTP header block (through its blank line) and whatever was read past it.

    An unterminated or oversized header block comes back as b"" with every byte read in
    ``rest``: it is then kept unparsed rather than guessed at.
    """
    data = b""
    while len(data) < _HEAD_LIMIT:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        data += chunk
        ends = [i + len(mark) for mark in (b"\r\n\r\n", b"\n\n") if (i := data.find(mark)) >= 0]
        if ends:
            end = min(ends)
            return data[:end], data[end:]
    return b"", data


def _redact_http_head(head: bytes, *, is_request: bool) -> tuple[bytes, list[dict[str, Any]]]:
    """Blank credentials in an HTTP header block, byte for byte elsewhere (read as Latin-1)."""
    if not head:
        return head, []
    lines = head.decode("latin-1").split("\n")
    redacted: list[dict[str, Any]] = []
    if is_request:
        method, space, rest = lines[0].partition(" ")
        uri, space2, version = rest.partition(" ")
        uri, params = redact_url(uri)
        if params:
            lines[0] = f"{method}{space}{uri}{space2}{version}"
            redacted.append({"request_line": True, "url_params": params})
    kept, dropping = lines[:1], False
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and line.strip():  # a folded continuation of the previous header
            if not dropping:
                kept.append(line)
            continue
        dropping = False
        name, colon, value = line.partition(":")
        changed = redact_header(name.strip(), value.strip()) if colon and name.strip() else None
        if changed is not None:
            new_value, description = changed
            ending = "\r" if line.endswith("\r") else ""
            lead = value[: len(value) - len(value.lstrip(" \t"))]
            line = f"{name}:{lead}{new_value}{ending}"
            redacted.append(description)
            dropping = True
        kept.append(line)
    return "\n".join(kept).encode("latin-1"), redacted


def _digest_like(original: str, block: IO[bytes]) -> str:
    """A digest of ``block`` in the original's algorithm and encoding (warcio writes base32 SHA-1)."""
    algorithm, _, value = original.partition(":")
    try:
        hasher = hashlib.new(algorithm.lower())
    except ValueError:
        hasher = hashlib.sha256()
        algorithm = "sha256"
    block.seek(0)
    while chunk := block.read(_CHUNK):
        hasher.update(chunk)
    digest = hasher.digest()
    as_base32 = base64.b32encode(digest).decode("ascii")
    return f"{algorithm}:{as_base32 if len(value) == len(as_base32) else digest.hex()}"


def _write_record(out: IO[bytes], headers: StatusAndHeaders, block: IO[bytes], gzipped: bool) -> None:
    target: Any = GzippingWrapper(out) if gzipped else out
    target.write(headers.to_bytes(encoding="utf-8"))
    while chunk := block.read(_CHUNK):
        target.write(chunk)
    target.write(b"\r\n\r\n")
    target.flush()


def _copy_span(source: IO[bytes], out: IO[bytes], start: int, end: int | None) -> None:
    """Copy source[start:end] (to its end when ``end`` is None) as it is."""
    source.seek(start)
    remaining = None if end is None else end - start
    while remaining is None or remaining > 0:
        chunk = source.read(_CHUNK if remaining is None else min(_CHUNK, remaining))
        if not chunk:
            break
        out.write(chunk)
        if remaining is not None:
            remaining -= len(chunk)
