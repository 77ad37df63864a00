"""Still images: PDQ with its quality and 8 dihedral variants, plus a 64-bit pHash.

PDQ (Meta's 256-bit DCT hash) survives re-encoding, resizing and colour changes; the
dihedral variants (rotations and flips, computed from the same DCT in one pass) let a
mirrored or rotated re-upload match. pHash is a cheap second opinion kept alongside,
computed by imagehash exactly as partners' tools compute it (its first call imports
SciPy's DCT, about 0.14 s, paid only by a command that hashes a picture).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imagehash
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


def phash_hex(img: Image.Image) -> str:
    """imagehash's 64-bit pHash as 16 hex digits, the form the catalog stores.

    Archives hashed before imagehash was called directly (a numpy copy of it) hold the same
    bits for every photograph; only a picture whose low DCT frequencies are exactly zero
    (a synthetic checkerboard) can differ, where rounding decides ties with the median, and
    then by fewer bits than pHash agreement allows (tests/test_hashing.py)."""
    return str(imagehash.phash(img))


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
