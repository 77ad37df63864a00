"""Perceptual hashes of real photos and real footage: values, edits that must match, pairs that must not."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pdqhash
import pytest
import skimage.data
from PIL import Image

from archiver.hashing.canonical import content_box
from archiver.hashing.image import hamming, hash_image_file, pack_bits
from archiver.hashing.match import PHASH_AGREEMENT
from archiver.hashing.video import hash_video_file
from store.hashindex import HashIndex
from tests.edits import IMAGE_EDITS, edited_jpeg, write_frames
from tests.media import photo, write_mp4

PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry")


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    paths = {}
    for name in PHOTOS:
        paths[name] = folder / f"{name}.png"
        Image.fromarray(photo(name)).save(paths[name])
    return paths


def test_pdq_and_phash_values_of_real_photos(originals):
    astronaut = hash_image_file(originals["astronaut"])
    coffee = hash_image_file(originals["coffee"])
    assert astronaut.pdq_hex == "2d2f5af3a856c529679ca3d6526ba836d4196c81c6dd04de0a26f855fc99b724"
    assert astronaut.phash == "c2924c5532bddfc8"
    assert coffee.pdq_hex == "4c629e779a66364cb98338668026f26c21a679f61eb6e1f8c799a7f63c8299e0"
    assert (astronaut.quality, coffee.quality) == (100, 100)
    assert len(astronaut.pdq) == 8 and len(set(astronaut.pdq)) == 8
    # our canonical 64x64 input stays close to Meta's reference PDQ of the full-size photo
    reference, _ = pdqhash.compute(photo("astronaut"))
    assert hamming(astronaut.pdq[0], pack_bits(reference)) <= 24


@pytest.mark.parametrize("edit", list(IMAGE_EDITS))
def test_every_listed_edit_stays_within_radius(originals, edit, tmp_path):
    for name in ("astronaut", "coffee", "chelsea"):
        original = hash_image_file(originals[name])
        copy = hash_image_file(edited_jpeg(Image.open(originals[name]), edit, tmp_path / f"{name}.jpg"))
        distance = min(hamming(original.pdq[0], variant) for variant in copy.pdq)
        assert distance <= 31, (name, edit, distance)


def test_unrelated_photos_are_far_apart_in_every_orientation(originals):
    hashes = {name: hash_image_file(path) for name, path in originals.items()}
    for a, b in itertools.combinations(PHOTOS, 2):
        closest = min(hamming(hashes[a].pdq[0], variant) for variant in hashes[b].pdq)
        assert closest > 60, (a, b, closest)


def test_black_bars_are_trimmed_but_a_flat_light_sky_is_not():
    picture = photo("astronaut")
    boxed = np.zeros((700, 600, 3), dtype=np.uint8)
    boxed[94:606, 44:556] = picture
    luma = np.asarray(Image.fromarray(boxed).convert("L"))
    top, bottom, left, right = content_box(luma)
    assert abs(top - 94) <= 2 and abs(bottom - 606) <= 2 and abs(left - 44) <= 2 and abs(right - 556) <= 2
    sky = np.full((300, 400), 200, dtype=np.uint8)
    sky[150:] = np.asarray(Image.fromarray(photo("coffee")).convert("L").resize((400, 150)))
    assert content_box(sky) == (0, 300, 0, 400)


def test_video_frames_carry_times_and_a_held_shot_is_kept_once(tmp_path):
    clip = write_mp4(tmp_path / "pan.mp4", seconds=3.0, fps=24)
    frames = hash_video_file(clip, 2.0)
    assert [f.t for f in frames][:6] == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5], abs=0.05)
    assert all(len(f.pdq) == 32 and f.quality >= 50 for f in frames)
    still = photo("coffee")[:240, :320]
    held = write_frames(tmp_path / "held.mp4", (still for _ in range(72)), fps=24, size=(320, 240))
    assert len(hash_video_file(held, 2.0)) == 1


def test_undecodable_video_raises(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(5000))
    with pytest.raises((av.error.FFmpegError, ValueError, OSError)):
        hash_video_file(broken)


def test_index_radius_search_is_exact_against_a_full_scan(tmp_path):
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 256, (70_000, 32), dtype=np.uint8)  # over the tail limit: chunk tables
    ids = np.arange(len(codes), dtype=np.int64) + 1000
    index = HashIndex(tmp_path / "idx")
    with index.writing():
        index.rebuild(ids, codes, int(ids[-1]))
    queries = codes[:40].copy()
    for i, row in enumerate(queries):
        for bit in rng.choice(256, 5 + i, replace=False):  # 5..44 bits away from row i
            row[bit // 8] ^= 1 << (bit % 8)
    for radius in (20, 31, 47, 60):
        hits = HashIndex(tmp_path / "idx").search(queries, radius)
        words_q = queries.view(np.uint64)
        full = np.bitwise_count(words_q[:, None, :] ^ codes.view(np.uint64)[None]).sum(axis=2)
        expected = {(int(q), int(ids[r])) for q, r in zip(*np.nonzero(full <= radius), strict=True)}
        assert {(int(q), int(i)) for q, i in zip(hits.query, hits.ids, strict=True)} == expected
        assert {(i, 1000 + i) for i in range(40) if 5 + i <= radius} <= expected


# pHash values that archives made before pHash came from imagehash hold (a numpy copy of it
# then): scikit-image pictures resized and converted, then through the canonical preprocessing.
STORED_BEFORE_IMAGEHASH = [
    ("astronaut", 640, "RGBA", "c2924c5532bddfc8"),
    ("astronaut", 123, "L", "c2924c5532bddfc8"),
    ("camera", 640, "P", "bff1c1c0434e8cbc"),
    ("camera", 123, "RGBA", "bff1c1c0434e8cbc"),
    ("coffee", 640, "L", "bb8320376c0f3637"),
    ("coffee", 123, "P", "bb8320376c0f3637"),
    ("chelsea", 640, "RGBA", "b15fe6465121175e"),
    ("chelsea", 123, "L", "b15fe6465121175e"),
    ("rocket", 640, "P", "c0371bec1be51267"),
    ("rocket", 123, "RGBA", "c0371bec1be51267"),
    ("moon", 640, "L", "a3d9765014369c77"),
    ("moon", 123, "P", "a3d9761214369c77"),
]


SIZES = {640: (640, 360), 123: (123, 77)}


def _stored_form(tmp_path, name: str, width: int, mode: str) -> str:
    path = tmp_path / f"{name}-{width}-{mode}.png"
    Image.fromarray(getattr(skimage.data, name)()).resize(SIZES[width]).convert(mode).save(path)
    return hash_image_file(path).phash


@pytest.mark.parametrize(("name", "width", "mode", "stored"), STORED_BEFORE_IMAGEHASH)
def test_phash_is_bit_for_bit_what_older_archives_stored(tmp_path, name, width, mode, stored):
    assert _stored_form(tmp_path, name, width, mode) == stored


def test_phash_on_exact_ties_stays_within_agreement(tmp_path):
    """A checkerboard's low frequencies are exactly zero, the median too: rounding, not the
    picture, decided those bits before; they still agree with what imagehash gives."""
    for width, mode, stored in [(640, "L", "d7d500fd05d5a05d"), (123, "P", "d5d5aad50055aa5d")]:
        now = _stored_form(tmp_path, "checkerboard", width, mode)
        assert (int(now, 16) ^ int(stored, 16)).bit_count() <= PHASH_AGREEMENT


def test_exif_orientation_is_applied_before_hashing(tmp_path):
    upright = Image.fromarray(photo("coffee"))
    upright.save(tmp_path / "upright.jpg", quality=95)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; viewers rotate it back by 90 degrees
    upright.rotate(90, expand=True).save(tmp_path / "stored-turned.jpg", quality=95, exif=exif.tobytes())
    a, b = hash_image_file(tmp_path / "upright.jpg"), hash_image_file(tmp_path / "stored-turned.jpg")
    assert hamming(a.pdq[0], b.pdq[0]) <= 8
