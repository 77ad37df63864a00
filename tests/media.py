"""Real media for tests: H.264 video and JPEG stills made from scikit-image's bundled photos."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image
from skimage import data


def photo(name: str = "astronaut") -> np.ndarray:
    image = getattr(data, name)()
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return image[..., :3].astype(np.uint8)


def write_jpeg(path: Path, name: str = "coffee", quality: int = 90) -> Path:
    Image.fromarray(photo(name)).save(path, "JPEG", quality=quality)
    return path


def write_mp4(path: Path, *, seconds: float = 2.0, fps: int = 24, size: tuple[int, int] = (320, 240),
              name: str = "astronaut") -> Path:  # fmt: skip
    """A clip panning across a real photo, so frames differ the way camera footage does."""
    source = photo(name)
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        frames = int(seconds * fps)
        span_x = source.shape[1] - width
        for i in range(frames):
            x = int(span_x * i / max(frames - 1, 1))
            crop = np.ascontiguousarray(source[:height, x : x + width])
            for packet in stream.encode(av.VideoFrame.from_ndarray(crop, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
