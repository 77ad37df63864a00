"""Perceptual hashing: accuracy on real photos and footage, and hashing throughput.

Accuracy (targets: recall >= 0.95 over all edits, zero false matches among unrelated
pairs). The originals are the photos bundled with scikit-image and matplotlib, imported
into a fresh archive through the real import pipeline; every edited copy is then looked
up exactly as `archiver lookup` does. Image edits: JPEG q30, resize 1/2 and 1/4,
greyscale, brightness +25%, a small corner watermark, horizontal flip, letterbox bars.
Video originals are 60 s camera tours (pan + zoom) over disjoint sets of those photos,
made with PyAV; edits: re-encode at lower bitrate and half resolution, a 20 s clip cut at
20 s (its offset must be found), letterbox, greyscale. A false match is any match between
an item and an original it was not made from. Out of scope for now: crops of more than 5%
a side and large overlays (PDQ-style global hashes are not built for them).

Throughput (targets: >= 100 images/s for 720p JPEGs, video >= 20x real time for 720p
H.264), each against a baseline in the same run: a plain full-size Pillow decode of the
same JPEGs, and a plain PyAV decode of every frame of the same video.

    python benchmarks/hashing.py [--seconds 60] [--jpegs 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.hashing.image import hash_image_file  # noqa: E402
from archiver.hashing.lookup import lookup  # noqa: E402
from archiver.hashing.query import read_query  # noqa: E402
from archiver.hashing.video import ARCHIVE_FPS, QUERY_FPS, hash_video_file  # noqa: E402
from archiver.importing import import_files  # noqa: E402
from archiver.settings import load_config  # noqa: E402
from store import Archive  # noqa: E402
from tests.edits import IMAGE_EDITS, VIDEO_EDITS, edited_jpeg, tour_frames, video_edit, write_frames  # noqa: E402
from tests.media import photo  # noqa: E402

SKIMAGE_PHOTOS = [
    "astronaut",
    "camera",
    "chelsea",
    "coffee",
    "coins",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "retina",
    "rocket",
    "brick",
    "grass",
    "gravel",
    "clock",
    "page",
    "text",
    "colorwheel",
]  # fmt: skip  ("cat" is the same photo as "chelsea", so it is left out)
MATPLOTLIB_PHOTOS = ["grace_hopper.jpg", "Minduka_Present_Blue_Pack.png"]
TOURS = [
    ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field"],
    ["camera", "coins", "retina", "moon", "brick", "grace_hopper.jpg"],
    ["gravel", "grass", "page", "text", "Minduka_Present_Blue_Pack.png", "colorwheel"],
]
VIDEO_SIZE, VIDEO_FPS = (480, 270), 15


def load_photo(name: str) -> np.ndarray:
    if "." not in name:
        return photo(name)
    from matplotlib import cbook

    with Image.open(cbook.get_sample_data(name, asfileobj=False)) as img:
        return np.asarray(img.convert("RGB"))


def photos() -> dict[str, np.ndarray]:
    found = {name: photo(name) for name in SKIMAGE_PHOTOS}
    try:
        found.update({name: load_photo(name) for name in MATPLOTLIB_PHOTOS})
    except ImportError:
        print("matplotlib is not installed: its sample photos are left out (pip install -e .[test])")
    return found


class Bench:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.archive = Archive(folder / "archive")
        self.config = load_config(self.archive.root)

    def store(self, paths: list[Path]) -> dict[Path, str]:
        outcomes = import_files(self.archive, paths, self.config)
        return {o.path: o.capture_id for o in outcomes}

    def matched(self, path: Path) -> list[dict]:
        settings = self.config["hashing"]
        query = read_query(str(path), self.archive.catalog)
        result = lookup(
            self.archive.root,
            self.archive.catalog,
            query,
            radius=settings["max_distance"],
            min_quality=settings["min_quality"],
        )
        return result["matches"]


def image_accuracy(
    bench: Bench, images: dict[str, np.ndarray]
) -> tuple[int, int, int, int, list[str], set[str]]:
    folder = bench.folder / "images"
    folder.mkdir()
    originals = {}
    for name, pixels in images.items():
        originals[name] = folder / f"{name.replace('.', '_')}.png"
        Image.fromarray(pixels).save(originals[name])
    ids = bench.store(list(originals.values()))
    capture_of = {name: ids[path] for name, path in originals.items()}
    min_quality = bench.config["hashing"]["min_quality"]
    flat = {name for name, path in originals.items() if hash_image_file(path).quality < min_quality}
    hits = total = false = pairs = 0
    misses = []
    for name, path in originals.items():
        own = capture_of[name]
        others = set(capture_of.values()) - {own}
        matches = {m["capture_id"] for m in bench.matched(path)}
        false += len(matches & others)
        pairs += len(others)
        for edit in IMAGE_EDITS:
            copy = edited_jpeg(Image.open(path), edit, folder / f"{path.stem}-{edit.replace('/', '_')}.jpg")
            matches = {m["capture_id"] for m in bench.matched(copy)}
            total += 1
            if own in matches:
                hits += 1
            else:
                misses.append(f"{name}/{edit}")
            false += len(matches & others)
            pairs += len(others)
    return hits, total, false, pairs, misses, flat


def video_accuracy(
    bench: Bench, images: dict[str, np.ndarray], seconds: int
) -> tuple[int, int, int, int, list[str]]:
    folder = bench.folder / "videos"
    folder.mkdir()
    originals = []
    for number, tour in enumerate(TOURS):
        tour = [name for name in tour if name in images]
        originals.append(
            write_frames(
                folder / f"tour{number}.mp4",
                tour_frames(tour, seconds, VIDEO_FPS, VIDEO_SIZE, source=images),
                fps=VIDEO_FPS,
                size=VIDEO_SIZE,
            )
        )
    ids = bench.store(originals)
    hits = total = false = pairs = 0
    misses = []
    for original in originals:
        own = ids[original]
        others = set(ids.values()) - {own}
        for edit in VIDEO_EDITS:
            copy, start = video_edit(
                original, edit, folder / f"{original.stem}-{edit}.mp4", fps=VIDEO_FPS, size=VIDEO_SIZE
            )
            matches = bench.matched(copy)
            mine = [m for m in matches if m["capture_id"] == own]
            total += 1
            if mine and abs(mine[0].get("offset", 0.0) - start) <= 1.0:
                hits += 1
            else:
                misses.append(f"{original.stem}/{edit}")
            false += len({m["capture_id"] for m in matches} & others)
            pairs += len(others)
    return hits, total, false, pairs, misses


def image_throughput(images: dict[str, np.ndarray], count: int, folder: Path) -> None:
    names = list(images)
    paths = []
    for i in range(count):
        pixels = Image.fromarray(images[names[i % len(names)]])
        frame = pixels.resize((1280, 720), Image.Resampling.BILINEAR)
        if i // len(names) % 2:
            frame = frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        paths.append(folder / f"frame{i:04d}.jpg")
        frame.save(paths[-1], quality=90)
    start = time.perf_counter()
    for path in paths:
        with Image.open(path) as img:
            img.load()
    decode = time.perf_counter() - start
    start = time.perf_counter()
    for path in paths:
        hash_image_file(path)
    hashing = time.perf_counter() - start
    rate = count / hashing
    print(f"images: {rate:.0f} 720p JPEGs/s hashed (PDQ + 8 variants + pHash), target >= 100;", end="")
    print(
        f" plain full-size Pillow decode of the same files: {count / decode:.0f}/s ({decode / hashing:.2f}x)"
    )


def video_throughput(images: dict[str, np.ndarray], seconds: int, folder: Path) -> None:
    path = write_frames(
        folder / "720p.mp4",
        tour_frames(TOURS[0], seconds, 30, (1280, 720), source=images),
        fps=30,
        size=(1280, 720),
    )
    start = time.perf_counter()
    with av.open(str(path)) as container:
        for _frame in container.decode(container.streams.video[0]):
            pass
    decode = time.perf_counter() - start
    for fps in (ARCHIVE_FPS, QUERY_FPS):
        start = time.perf_counter()
        frames = hash_video_file(path, fps)
        took = time.perf_counter() - start
        print(
            f"video: 720p H.264 30 fps, {seconds} s, sampled at {fps:g} fps: {seconds / took:.1f}x real time",
            end="",
        )
        print(f" ({len(frames)} frames kept); plain PyAV decode of every frame:", end="")
        print(f" {seconds / decode:.1f}x real time")
    print("    target >= 20x real time for archived footage")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60, help="length of the video originals")
    parser.add_argument("--jpegs", type=int, default=200)
    parser.add_argument("--throughput-only", action="store_true", help="skip the accuracy part")
    args = parser.parse_args()
    images = photos()
    with tempfile.TemporaryDirectory(prefix="hashing-bench-") as tmp:
        if not args.throughput_only:
            accuracy(Path(tmp), images, args.seconds)
        image_throughput(images, args.jpegs, Path(tmp))
        video_throughput(images, 30, Path(tmp))


def accuracy(folder: Path, images: dict[str, np.ndarray], seconds: int) -> None:
    bench = Bench(folder)
    hits, total, false, pairs, misses, flat = image_accuracy(bench, images)
    print(f"images: {len(images)} photos x {len(IMAGE_EDITS)} edits:", end="")
    print(f" recall {hits}/{total} = {hits / total:.3f}", end="")
    print(f"; false matches {false} among {pairs} unrelated pairs; missed: {', '.join(misses) or 'none'}")
    v_hits, v_total, v_false, v_pairs, v_misses = video_accuracy(bench, images, seconds)
    print(f"video: {len(TOURS)} tours x {len(VIDEO_EDITS)} edits: recall {v_hits}/{v_total}", end="")
    print(f"; false matches {v_false} among {v_pairs} unrelated pairs;", end="")
    print(f" missed: {', '.join(v_misses) or 'none'}")
    all_hits, all_total = hits + v_hits, total + v_total
    print(f"overall recall {all_hits}/{all_total} = {all_hits / all_total:.3f} (target >= 0.95);", end="")
    print(f" false matches {false + v_false} (target 0)")
    skipped = len(flat) * len(IMAGE_EDITS)
    flat_hits = skipped - sum(1 for m in misses if m.split("/")[0] in flat)
    kept_hits = all_hits - flat_hits
    print(f"    without originals under the PDQ quality floor ({', '.join(sorted(flat))}):", end="")
    print(f" recall {kept_hits}/{all_total - skipped} = {kept_hits / (all_total - skipped):.3f}")
    bench.archive.close()


if __name__ == "__main__":
    main()
