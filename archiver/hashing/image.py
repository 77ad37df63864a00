"""Still images: PDQ with its quality and 8 dihedral variants, plus a 64-bit pHash.

PDQ (Meta's 256-bit DCT hash) survives re-encoding, resizing and colour changes; the
dihedral variants (rotations and flips, computed from the same DCT in one pass) let a
mirrored or rotated re-upload match. pHash is a cheap second opinion kept alongside: the
same values as imagehash.phash, computed here with one matrix product because importing
imagehash's SciPy DCT alone costs a quarter of a second of every `archiver lookup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image

from archiver.hashing.canonical import open_canonical

# pdqhash.compute_dihedral returns the hashes in this order.
VARIANTS = ("original", "rotate90", "rotate180", "rotate270", "flip_x", "flip_y", "flip_plus1", "flip_minus1")
PDQ_BYTES = 32


@dataclass(frozen=True)
class ImageHashes:
    pdq: list[bytes]  # one 32-byte hash per entry of VARIANTS
    quality: int  # PDQ's own 0-100 measure of how much structure the picture has
    phash: str  # 16 hex digits

    @property
    def pdq_hex(self) -> str:
        return self.pdq[0].hex()

    def as_json(self) -> dict[str, object]:
        return {"algorithm": "pdq", "pdq": self.pdq_hex, "quality": self.quality, "phash": self.phash}


def hash_image_file(path: Path) -> ImageHashes:
    return hash_canonical(open_canonical(path))


def hash_canonical(img: Image.Image) -> ImageHashes:
    """Hash an image that already went through the canonical preprocessing."""
    rgb = np.ascontiguousarray(np.asarray(img.convert("RGB")))
    vectors, quality = pdqhash.compute_dihedral(rgb)
    return ImageHashes(pdq=[pack_bits(v) for v in vectors], quality=int(quality), phash=phash_hex(img))


_PHASH_SIDE = 32
# DCT-II basis (unnormalised, like scipy.fftpack.dct): row k, column n = cos(pi k (2n + 1) / 2N)
_DCT = np.cos(np.pi * np.outer(np.arange(_PHASH_SIDE), 2 * np.arange(_PHASH_SIDE) + 1) / (2 * _PHASH_SIDE))


def phash_hex(img: Image.Image) -> str:
    """64-bit perceptual hash: signs of the 8x8 lowest DCT frequencies of a 32x32 grey copy
    against their median, as 16 hex digits (identical to ``str(imagehash.phash(img))``)."""
    grey = np.asarray(
        img.convert("L").resize((_PHASH_SIDE, _PHASH_SIDE), Image.Resampling.LANCZOS), dtype=float
    )
    low = (_DCT @ grey @ _DCT.T)[:8, :8]
    return np.packbits(low > np.median(low)).tobytes().hex()


def pdq_of(rgb: np.ndarray) -> tuple[bytes, int]:
    """PDQ of one canonical RGB array, no variants: what a video frame needs."""
    vector, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return pack_bits(vector), int(quality)


def pack_bits(vector: np.ndarray) -> bytes:
    """pdqhash's 256 0/1 values, most significant first, as the 32 bytes of PDQ's hex form."""
    return np.packbits(vector.astype(np.uint8)).tobytes()


def parse_pdq_hex(text: str) -> bytes | None:
    """A PDQ hash written as 64 hex digits, or None when ``text`` is not one."""
    text = text.strip().lower()
    if len(text) != 2 * PDQ_BYTES:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def hamming(a: bytes, b: bytes) -> int:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).bit_count()
