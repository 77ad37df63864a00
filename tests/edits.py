"""The edits a re-upload typically goes through, applied to real photos and real footage.

Used by the tests and by benchmarks/hashing.py, so both measure the same things. Crops of
more than 5% a side and large overlays are out of scope for PDQ-style matching.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

from tests.media import photo


def _jpeg_q30(img: Image.Image) -> tuple[Image.Image, int]:
    return img, 30


def _half(img: Image.Image) -> tuple[Image.Image, int]:
    return img.resize((img.width // 2, img.height // 2), Image.Resampling.LANCZOS), 85


def _quarter(img: Image.Image) -> tuple[Image.Image, int]:
    return img.resize((img.width // 4, img.height // 4), Image.Resampling.LANCZOS), 85


def _greyscale(img: Image.Image) -> tuple[Image.Image, int]:
    return img.convert("L").convert("RGB"), 85


def _brighter(img: Image.Image) -> tuple[Image.Image, int]:
    return ImageEnhance.Brightness(img).enhance(1.25), 85


def _watermark(img: Image.Image) -> tuple[Image.Image, int]:
    """A channel logo: a translucent white plate with text, 10% x 5% of the picture."""
    w, h = img.size
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    box = (int(w * 0.88), int(h * 0.94), w - 6, h - 6)
    draw.rectangle(box, fill=(255, 255, 255, 110))
    draw.text((box[0] + 3, box[1] + 2), "@ch", fill=(200, 0, 0, 255))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"), 85


def _mirrored(img: Image.Image) -> tuple[Image.Image, int]:
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 85


def _letterboxed(img: Image.Image) -> tuple[Image.Image, int]:
    bar = img.height // 5
    out = Image.new("RGB", (img.width, img.height + 2 * bar), (0, 0, 0))
    out.paste(img, (0, bar))
    return out, 85


IMAGE_EDITS: dict[str, Callable[[Image.Image], tuple[Image.Image, int]]] = {
    "jpeg-q30": _jpeg_q30,
    "resize-1/2": _half,
    "resize-1/4": _quarter,
    "greyscale": _greyscale,
    "brightness+25%": _brighter,
    "corner-watermark": _watermark,
    "horizontal-flip": _mirrored,
    "letterbox": _letterboxed,
}


def edited_jpeg(source: Image.Image, edit: str, path: Path) -> Path:
    img, quality = IMAGE_EDITS[edit](source)
    img.save(path, "JPEG", quality=quality)
    return path


# --- video ---------------------------------------------------------------------------


def tour_frames(
    photos: list[str],
    seconds: float,
    fps: int,
    size: tuple[int, int],
    source: dict[str, np.ndarray] | None = None,
):
    """A camera moving over real photos: each photo gets an equal share of the time, panned and
    zoomed, so consecutive seconds differ as handheld footage does. ``source`` supplies photos
    by name (default: scikit-image's)."""
    width, height = size
    total = int(seconds * fps)
    per_photo = total // len(photos)
    for index, name in enumerate(photos):
        picture = Image.fromarray(source[name] if source else photo(name))
        for i in range(per_photo):
            progress = i / max(per_photo - 1, 1)
            zoom = 1.0 - 0.35 * progress  # the crop shrinks: the camera zooms in
            crop_w = min(picture.width, int(picture.height * width / height)) * zoom
            crop_h = crop_w * height / width
            x = (picture.width - crop_w) * (0.5 + 0.5 * np.sin(2 * np.pi * progress + index))
            y = (picture.height - crop_h) * progress
            box = (x, y, x + crop_w, y + crop_h)
            yield np.asarray(picture.resize(size, Image.Resampling.BILINEAR, box=box))


def write_frames(
    path: Path, frames, *, fps: int, size: tuple[int, int], crf: int = 23, gray: bool = False
) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        for rgb in frames:
            if gray:
                rgb = np.repeat(np.asarray(Image.fromarray(rgb).convert("L"))[..., None], 3, axis=2)
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            ):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def decoded(path: Path, start: float = 0.0, end: float | None = None):
    """The RGB frames of a video between two times, for re-encoding edits."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            if t + 1e-6 < start or (end is not None and t >= end - 1e-6):
                continue
            yield frame.to_ndarray(format="rgb24")


def _letterbox_frames(frames, size: tuple[int, int]):
    width, height = size
    inner = (width, (height * 3 // 4) // 2 * 2)
    top = (height - inner[1]) // 2
    for rgb in frames:
        canvas = np.zeros((height, width, 3), dtype=np.uint8)
        canvas[top : top + inner[1]] = np.asarray(
            Image.fromarray(rgb).resize(inner, Image.Resampling.BILINEAR)
        )
        yield canvas


def video_edit(
    original: Path, edit: str, path: Path, *, fps: int, size: tuple[int, int]
) -> tuple[Path, float]:
    """Make one edited copy of ``original``; returns it and where it starts in the original."""
    if edit == "reencode-low":
        small = (size[0] // 2 // 2 * 2, size[1] // 2 // 2 * 2)
        frames = (
            np.asarray(Image.fromarray(f).resize(small, Image.Resampling.BILINEAR)) for f in decoded(original)
        )
        return write_frames(path, frames, fps=fps, size=small, crf=38), 0.0
    if edit == "trimmed-20s":
        return write_frames(path, decoded(original, 20.0, 40.0), fps=fps, size=size, crf=28), 20.0
    if edit == "letterbox":
        return write_frames(path, _letterbox_frames(decoded(original), size), fps=fps, size=size), 0.0
    if edit == "greyscale":
        return write_frames(path, decoded(original), fps=fps, size=size, gray=True), 0.0
    raise ValueError(edit)


VIDEO_EDITS = ("reencode-low", "trimmed-20s", "letterbox", "greyscale")
