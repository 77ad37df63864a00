"""Real media for the replay server: H.264 clips and JPEG photos, encoded on the spot.

They are made from seeded smooth colour fields rather than taken from a photo library,
so the demo needs nothing beyond archiver's own dependencies. A clip pans across a
field larger than the frame, so consecutive frames differ the way camera footage does.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image


def colour_field(seed: int, width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(9, 12, 3), dtype=np.uint8)
    smooth = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    grain = rng.integers(-12, 13, size=(height, width, 3))
    return np.clip(np.asarray(smooth, dtype=np.int16) + grain, 0, 255).astype(np.uint8)


def write_photo(path: Path, seed: int, size: tuple[int, int] = (640, 480)) -> Path:
    Image.fromarray(colour_field(seed, *size)).save(path, "JPEG", quality=88)
    return path


def write_clip(
    path: Path, seed: int, *, seconds: float = 3.0, fps: int = 12, size: tuple[int, int] = (320, 240)
) -> Path:
    width, height = size
    field = colour_field(seed, width * 2, height)
    frames = max(int(seconds * fps), 2)
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            x = width * i // (frames - 1)
            crop = np.ascontiguousarray(field[:, x : x + width])
            for packet in stream.encode(av.VideoFrame.from_ndarray(crop, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_media(path: Path, spec: dict) -> Path:
    """One item of a recording's media table: {"kind": "video"|"photo", "seed": N, ...}."""
    if spec["kind"] == "video":
        return write_clip(path, int(spec["seed"]), seconds=float(spec.get("seconds", 3.0)))
    if spec["kind"] == "photo":
        return write_photo(path, int(spec["seed"]))
    raise ValueError(f"unknown media kind {spec['kind']!r}")


def reupload(source: Path, target: Path, *, start: float, seconds: float, size: tuple[int, int]) -> Path:
    """What a re-upload elsewhere looks like: an excerpt of ``source``, downscaled and re-encoded."""
    width, height = size
    with av.open(str(source)) as original, av.open(str(target), "w", format="mp4") as container:
        video = original.streams.video[0]
        stream = container.add_stream("libx264", rate=video.average_rate or 12)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "30"}
        for frame in original.decode(video):
            at = float(frame.time or 0.0)
            if at < start:
                continue
            if at >= start + seconds:
                break
            pixels = frame.to_ndarray(width=width, height=height, format="rgb24")
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return target
