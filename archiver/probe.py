"""What a file is: MIME type from its bytes, and media facts (size, duration, codecs).

The type comes from the content, not from the name or the server's Content-Type,
because both lie. Only bytes with a recognised media signature are handed to
ffmpeg: its format guessing takes random data for audio often enough to mislabel
unknown files as media. A file whose bytes claim to be an image or video but cannot be
decoded is reported as corrupt rather than stored as if it were footage.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
from PIL import UnidentifiedImageError

from archiver.errors import CorruptMediaError
from archiver.pixel_limit import TooManyPixels, opened_image

_MAGIC: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"WARC/", "application/warc"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"FLV\x01", "video/x-flv"),
    (0, b"\x00\x00\x01\xba", "video/mpeg"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "video/x-ms-asf"),
    (0, b".RMF", "application/vnd.rn-realmedia"),
]


@dataclass
class MediaInfo:
    mime: str
    kind: str  # image, video, audio, html, document, data
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    frame_rate: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    container: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return {
            "mime": self.mime,
            "kind": self.kind,
            "width": self.width,
            "height": self.height,
            "duration": self.duration,
            "frame_rate": self.frame_rate,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "container": self.container,
            "media_info": json.dumps(self.extra, sort_keys=True) if self.extra else None,
        }


def sniff_mime(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    for offset, magic, mime in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return _gzip_inner(path) if mime == "application/gzip" else mime
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1"):
            return "image/heic"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "video/mp2t"
    return _sniff_text(head)


def _gzip_inner(path: Path) -> str:
    """A gzipped WARC is a WARC; any other gzip stays gzip."""
    try:
        with gzip.open(path, "rb") as fh:
            inner = fh.read(5)
    except (OSError, EOFError):
        return "application/gzip"
    return "application/warc" if inner == b"WARC/" else "application/gzip"


def _sniff_text(head: bytes) -> str:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the 4096-byte boundary is still text
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    if "\x00" in text:
        return "application/octet-stream"
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:1024]:
        return "text/html"
    if lowered.startswith(("{", "[")):
        return "application/json"
    if lowered.startswith("<?xml") or lowered.startswith("<svg"):
        return "image/svg+xml" if "<svg" in lowered[:2048] else "application/xml"
    if lowered.startswith("webvtt"):
        return "text/vtt"
    return "text/plain"


def probe(path: Path) -> MediaInfo:
    """Identify ``path`` and, for media, read its properties; raise on undecodable media."""
    mime = sniff_mime(path)
    if mime.startswith("image/") and mime != "image/svg+xml":
        return _probe_image(path, mime)
    if mime.startswith(("video/", "audio/")) or mime == "application/vnd.rn-realmedia":
        info = _probe_av(path, mime)
        if info is None:
            raise CorruptMediaError(f"{path.name} looks like {mime} but cannot be decoded")
        return info
    kind = {"text/html": "html", "application/pdf": "document"}.get(mime, "data")
    return MediaInfo(mime=mime, kind=kind)


def _probe_image(path: Path, mime: str) -> MediaInfo:
    try:
        with opened_image(path) as img:
            width, height = img.size
            fmt = img.format
            img.load()  # decodes every byte: truncated files fail here, not at hashing time
            frames = getattr(img, "n_frames", 1)
    except TooManyPixels as exc:
        return MediaInfo(mime=mime, kind="image", extra={"not_decoded": str(exc)})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptMediaError(f"{path.name} looks like {mime} but is not a readable image ({exc})") from exc
    extra = {"format": fmt}
    if frames > 1:
        extra["frames"] = frames
    return MediaInfo(mime=mime, kind="image", width=width, height=height, container=fmt, extra=extra)


def _probe_av(path: Path, mime: str) -> MediaInfo | None:
    try:
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            audio = next(iter(container.streams.audio), None)
            if video is None and audio is None:
                return None
            if video is not None:
                _decode_one_frame(container, video)
            duration = _duration(container, video or audio)
            fmt = container.format.name
    except (av.error.FFmpegError, StopIteration, UnicodeDecodeError, ValueError):
        return None
    kind = "video" if video is not None else "audio"
    info = MediaInfo(mime=mime, kind=kind, duration=duration, container=fmt)
    if video is not None:
        info.width = video.codec_context.width
        info.height = video.codec_context.height
        info.video_codec = video.codec_context.name
        rate = video.average_rate or video.guessed_rate
        info.frame_rate = round(float(rate), 3) if rate else None
    if audio is not None:
        info.audio_codec = audio.codec_context.name
    return info


def _decode_one_frame(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> None:
    for _frame in container.decode(stream):
        return
    raise ValueError("no decodable video frame")


def _duration(container: av.container.InputContainer, stream) -> float | None:
    if container.duration:
        return round(container.duration / av.time_base, 3)
    if stream is not None and stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base), 3)
    return None
