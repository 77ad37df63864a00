"""Video: PDQ of frames sampled at a fixed rate, each with its time in seconds.

Only the frames that will be hashed are converted (to a small RGB picture by the
decoder's scaler); decoding runs on every core, skips frames no other frame refers to
and skips the deblocking filter, which is what keeps 720p H.264 above 20x real time. Consecutive frames that
hash almost the same (a static shot) are kept once: they add nothing to matching.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

from archiver.hashing.canonical import DECODE_SIZE, canonical
from archiver.hashing.image import hamming, pdq_of

ARCHIVE_FPS = 2.0  # frames per second kept for archived footage
QUERY_FPS = 4.0  # denser for a query, so its frames land close to the archived ones
SAME_FRAME_BITS = 8  # consecutive frames this close are one shot held still


@dataclass(frozen=True)
class FrameHash:
    t: float  # seconds from the start of the video stream
    pdq: bytes
    quality: int

    def as_json(self) -> dict[str, object]:
        return {"t": round(self.t, 3), "pdq": self.pdq.hex(), "quality": self.quality}


def hash_video_file(path: Path, fps: float = ARCHIVE_FPS) -> list[FrameHash]:
    """Frame hashes at ``fps``; raises av.error.FFmpegError (or ValueError) on undecodable video."""
    kept: list[FrameHash] = []
    for t, rgb in sample_frames(path, fps):
        pdq, quality = pdq_of(np.asarray(canonical(Image.fromarray(rgb))))
        if kept and hamming(kept[-1].pdq, pdq) <= SAME_FRAME_BITS:
            continue
        kept.append(FrameHash(round(t, 3), pdq, quality))
    if not kept:
        raise ValueError(f"{path.name} has no decodable video frame")
    return kept


def sample_frames(path: Path, fps: float) -> Iterator[tuple[float, np.ndarray]]:
    """The first frame at or after every 1/fps seconds, plus every keyframe (they tend to start a
    new shot), scaled down to at most DECODE_SIZE px."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.skip_frame = "NONREF"
        # the deblocking filter smooths block edges a 64x64 hash never sees; skipping it
        # saves about a quarter of H.264 decoding time
        stream.codec_context.options = {"skip_loop_filter": "all"}
        start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
        step, next_t = 1.0 / fps, 0.0
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            t = float(frame.pts * stream.time_base) - start
            if t + 1e-6 < next_t and not frame.key_frame:
                continue
            yield t, _small_rgb(frame)
            next_t = max(next_t, (int(t / step + 1e-6) + 1) * step)


def _small_rgb(frame: av.VideoFrame) -> np.ndarray:
    scale = min(1.0, DECODE_SIZE / max(frame.width, frame.height))
    width, height = max(2, round(frame.width * scale)), max(2, round(frame.height * scale))
    return frame.to_ndarray(format="rgb24", width=width, height=height)
