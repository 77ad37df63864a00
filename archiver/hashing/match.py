"""Near-duplicate matching: which stored pictures and videos look like the query, and where.

Pictures match when any dihedral variant of the query's PDQ lies within the radius of a
stored picture's PDQ (or of a stored video frame: a still taken from footage). Videos
match when enough query frames find stored frames *at one consistent time offset*; a
handful of similar frames scattered in time is a coincidence, a run of them is the same
footage, and the offset says where the query sits in the stored video.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from archiver.hashing.video import ARCHIVE_FPS, FrameHash
from archiver.records import NearMatch
from store.catalog import Catalog
from store.hashindex import HashIndex
from store.perceptual import FRAMES, IMAGES, frame_rows, image_rows, open_index, video_durations

UNRELATED_BITS = 128  # the expected PDQ distance between two unrelated pictures
# Offsets of matched frame pairs that agree within this many seconds are one alignment:
# stored frames are 1/ARCHIVE_FPS apart, so a query frame lands up to that far from one.
OFFSET_WINDOW = 1.0 / ARCHIVE_FPS + 0.5
MIN_FRAMES = 3  # matched query frames needed (fewer only when the query has fewer)
MIN_SHARE = 0.25  # of the query frames that overlap the stored video in time


# PDQ's authors advise against trusting hashes of quality under 50 (flat, low-texture
# pictures such as a clock face on a plain wall). Down to WEAK_QUALITY such a picture may
# still match, but only unrotated and only when the independent 64-bit pHash agrees too
# (unrelated photos sit about 32 pHash bits apart; copies of one picture under 20).
WEAK_QUALITY = 30
PHASH_AGREEMENT = 22


def _phash_agrees(a: str, b: str | None) -> bool:
    if not a or not b:
        return False
    return (int(a, 16) ^ int(b, 16)).bit_count() <= PHASH_AGREEMENT


class Matcher:
    """Searches an archive's indexes; opened once, used for many queries (lookup, dupes)."""

    def __init__(self, root: Path, catalog: Catalog, *, radius: int, min_quality: int) -> None:
        self.catalog = catalog
        self.radius = radius
        self.min_quality = min_quality
        self.images = open_index(root, catalog, IMAGES)
        self.frames = open_index(root, catalog, FRAMES)

    def similar_images(self, variants: list[bytes], quality: int, phash: str) -> list[NearMatch]:
        """Stored pictures (and video frames) close to any variant of one picture."""
        if quality < WEAK_QUALITY or not variants:
            return []
        best: dict[str, NearMatch] = {}
        for variant, row, distance in self._hits(self.images, image_rows, variants, WEAK_QUALITY):
            weak = min(quality, row["quality"]) < self.min_quality
            if weak and not (variant == 0 and _phash_agrees(phash, row["phash"])):
                continue
            _keep_best(best, NearMatch(row["sha256"], distance, _score(distance), "image", variant))
        if quality < self.min_quality:
            return sorted(best.values(), key=lambda m: (m.distance, m.sha256))
        for variant, row, distance in self._hits(self.frames, frame_rows, variants):
            t = float(row["t"])
            _keep_best(best, NearMatch(row["sha256"], distance, _score(distance), "video", variant, (t, t)))
        return sorted(best.values(), key=lambda m: (m.distance, m.sha256))

    def images_near(self, codes: list[bytes]) -> list[tuple[int, str]]:
        """(position in ``codes``, stored picture) for every stored picture near one of them."""
        return [(q, row["sha256"]) for q, row, _distance in self._hits(self.images, image_rows, codes)]

    def similar_videos(self, frames: list[FrameHash]) -> list[NearMatch]:
        """Stored videos that share a run of frames with these, at one time offset."""
        usable = [f for f in frames if f.quality >= self.min_quality]
        if not usable:
            return []
        pairs: dict[str, dict[int, tuple[int, float]]] = defaultdict(dict)  # sha -> query frame -> best
        for q, row, distance in self._hits(self.frames, frame_rows, [f.pdq for f in usable]):
            known = pairs[row["sha256"]].get(q)
            if known is None or distance < known[0]:
                pairs[row["sha256"]][q] = (distance, float(row["t"]))
        durations = video_durations(self.catalog, list(pairs))
        found = [align(sha, usable, best, durations.get(sha)) for sha, best in pairs.items()]
        return sorted((m for m in found if m is not None), key=lambda m: (-m.score, m.distance, m.sha256))

    def _hits(
        self,
        index: HashIndex,
        fetch: Callable[[Catalog, list[int]], dict[int, dict[str, Any]]],
        codes: list[bytes],
        floor: int | None = None,
    ) -> Iterator[tuple[int, dict[str, Any], int]]:
        """(query position, stored row, distance) for hits whose stored hash is good enough to trust."""
        floor = self.min_quality if floor is None else floor
        hits = index.search(codes, self.radius)
        rows = fetch(self.catalog, hits.ids.tolist())
        for q, row_id, distance in zip(
            hits.query.tolist(), hits.ids.tolist(), hits.distance.tolist(), strict=True
        ):
            row = rows.get(row_id)
            if row is not None and row["quality"] >= floor:
                yield q, row, distance


def align(
    sha256: str, query: list[FrameHash], best: dict[int, tuple[int, float]], stored_duration: float | None
) -> NearMatch | None:
    """The time offset most query frames agree on, if enough of them do."""
    pairs = sorted((t_stored - query[q].t, q, distance, t_stored) for q, (distance, t_stored) in best.items())
    offsets = np.array([p[0] for p in pairs])
    ends = np.searchsorted(offsets, offsets + OFFSET_WINDOW, side="right")
    start = int(np.argmax(ends - np.arange(len(offsets))))
    window = pairs[start : ends[start]]
    matched = len(window)
    offset = float(np.median([p[0] for p in window]))
    span_end = stored_duration if stored_duration else max(p[3] for p in window)
    overlapping = [f for f in query if -OFFSET_WINDOW <= f.t + offset <= span_end + OFFSET_WINDOW]
    share = matched / max(1, len(overlapping))
    if matched < min(MIN_FRAMES, len(query)) or share < MIN_SHARE:
        return None
    distance = int(np.median([p[2] for p in window]))
    stored_times = [p[3] for p in window]
    query_times = [query[p[1]].t for p in window]
    return NearMatch(
        sha256,
        distance,
        min(1.0, share) * _score(distance),
        "video",
        time_range=(min(stored_times), max(stored_times)),
        query_range=(min(query_times), max(query_times)),
        offset=offset,
        frames_matched=matched,
    )


def _keep_best(best: dict[str, NearMatch], match: NearMatch) -> None:
    known = best.get(match.sha256)
    if known is None or match.distance < known.distance:
        best[match.sha256] = match


def _score(distance: int) -> float:
    """1 for identical hashes, 0 at the distance unrelated pictures typically have."""
    return max(0.0, 1.0 - float(distance) / UNRELATED_BITS)
