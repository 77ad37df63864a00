"""The cap on how many pixels archiver decodes from one picture.

A PNG of a hundred kilobytes can declare 30000x30000 pixels; decoding it takes gigabytes
and minutes. Pillow's own guard only raises at twice its limit and merely warns below,
so the limit is set here once for the whole process, at half the configured cap, which
makes Pillow refuse anything over the cap itself: in ``Image.open`` and in every later
frame of an animation, for every format. A refused picture is still evidence: import and
capture keep its bytes and digests and record why it has no perceptual hash.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

DEFAULT_MAX_PIXELS = 64_000_000
_cap = DEFAULT_MAX_PIXELS


class TooManyPixels(ValueError):
    """A picture larger than the cap: not decoded, so neither probed in depth nor hashed."""


def set_cap(max_pixels: int) -> None:
    global _cap
    _cap = max_pixels
    Image.MAX_IMAGE_PIXELS = max(1, max_pixels // 2)


def configure(config: dict[str, Any]) -> None:
    """Apply ``[hashing] max_image_pixels`` (validated by archiver.settings)."""
    set_cap(int(config["hashing"].get("max_image_pixels", DEFAULT_MAX_PIXELS)))


@contextmanager
def opened_image(path: Path) -> Iterator[Image.Image]:
    """``Image.open`` for a with-block; a picture over the cap, whether its header says so
    or a later frame does while the block decodes, raises TooManyPixels in one sentence."""
    try:
        with Image.open(path) as img:
            if img.width * img.height > _cap:
                raise too_many(path)
            yield img
    except Image.DecompressionBombError as exc:
        raise too_many(path) from exc


def too_many(path: Path) -> TooManyPixels:
    return TooManyPixels(
        f"{path.name} declares more than {_cap:,} pixels, the limit set by [hashing] max_image_pixels"
    )


# Pictures between half the cap and the cap would print Pillow's warning on stderr; the
# cap, not the warning, is what protects us.
warnings.simplefilter("ignore", Image.DecompressionBombWarning)
set_cap(DEFAULT_MAX_PIXELS)
