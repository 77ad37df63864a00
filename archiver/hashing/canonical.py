"""The one fixed preprocessing every picture and video frame goes through before PDQ.

Hashes only compare well when both sides were prepared identically, so this is the
single place that decides it: black borders (letterbox and pillarbox bars) are
trimmed, and the rest is scaled to 64x64 with one symmetric filter.

64x64 is what PDQ reduces every picture to anyway. Doing that step here, with a filter
that treats left and right alike, makes PDQ's own downscaling a no-op, so that the
dihedral variants it derives from the DCT are exact: a mirrored copy then matches its
original's flip variant closely, where PDQ's own box filters leave it 25-50 bits apart.
Our hashes therefore differ by a few bits from reference PDQ run on the full picture.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from archiver.pixel_limit import opened_image

CANONICAL_SIZE = 64
# JPEG draft decoding keeps at least this many pixels on the long side, so trimming has
# room to find bar edges precisely.
DECODE_SIZE = 256
# Luma spread (0-255) a border line may show and still count as a bar: JPEG noise on a
# black bar stays well under it, a dark but real scene does not.
BAR_TOLERANCE = 10.0
# Only near-black edges count as bars: a flat sky or wall, which brightening can push to
# white, is content, and trimming it on one copy but not the other would break matching.
DARK = 40
# Never trim more than this share of either dimension: a picture that is "all border"
# (a blank frame, a sky) keeps its pixels and simply hashes with low quality.
MAX_TRIM = 0.45


def open_canonical(path: Path) -> Image.Image:
    """Decode a still at the smallest size the hash needs (JPEG draft mode), then canonicalise it."""
    with opened_image(path) as img:
        width, height = img.size
        scale = DECODE_SIZE / max(width, height, 1)
        img.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
        ImageOps.exif_transpose(img, in_place=True)
        return canonical(img.convert("RGB"))


def canonical(img: Image.Image) -> Image.Image:
    """Trim solid borders from an RGB image and scale it to CANONICAL_SIZE square."""
    top, bottom, left, right = content_box(np.asarray(img.convert("L")))
    if (top, bottom, left, right) != (0, img.height, 0, img.width):
        img = img.crop((left, top, right, bottom))
    return fit(img)


def fit(img: Image.Image) -> Image.Image:
    return img.resize((CANONICAL_SIZE, CANONICAL_SIZE), Image.Resampling.BILINEAR)


def content_box(luma: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the picture inside any solid bars along its edges."""
    height, width = luma.shape
    top, bottom = _solid_run(luma, height), height - _solid_run(luma[::-1], height)
    left, right = _solid_run(luma.T, width), width - _solid_run(luma.T[::-1], width)
    if bottom - top < 8 or right - left < 8:
        return 0, height, 0, width
    return top, bottom, left, right


def _solid_run(lines: np.ndarray, extent: int) -> int:
    """How many leading lines are a black bar: flat, and as dark as the first line."""
    limit = int(extent * MAX_TRIM)
    if limit == 0 or np.ptp(lines[0]) > 2 * BAR_TOLERANCE:
        return 0  # the usual case, decided from one line
    head = lines[:limit].astype(np.int16)
    edge = float(np.median(head[0]))
    if edge > DARK:
        return 0
    flat = (np.ptp(head, axis=1) <= 2 * BAR_TOLERANCE) & (np.abs(head.mean(axis=1) - edge) <= BAR_TOLERANCE)
    breaks = np.flatnonzero(~flat)
    return int(breaks[0]) if len(breaks) else len(head)
