"""`archiver dupes`: the archive's pictures and videos grouped into near-duplicate clusters.

Every stored picture is searched against the picture index (all eight variants, so
mirrored copies join), every stored video against the frame index with the same
time-offset rule as a lookup; matches are joined transitively (union-find). A cluster is
reported when its files appeared in at least two captures, with the earliest appearance
and every platform and account that posted it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from archiver.hashing.lookup import appeared_at, earliest
from archiver.hashing.match import Matcher
from archiver.hashing.video import FrameHash
from archiver.records import Appearance
from store.catalog import Catalog
from store.perceptual import appearances, frame_hashes_of, hashed_blobs, hashed_videos, picture_codes

BATCH = 256  # pictures searched per index call


def find_clusters(matcher: Matcher) -> list[dict[str, Any]]:
    catalog = matcher.catalog
    parent: dict[str, str] = {}
    for a, b in [*_image_pairs(matcher), *_video_pairs(matcher)]:
        _union(parent, a, b)
    hashed = hashed_blobs(catalog)
    groups: dict[str, list[str]] = defaultdict(list)
    for sha in hashed:
        groups[_find(parent, sha)].append(sha)
    clusters = [_describe(catalog, shas) for shas in groups.values()]
    clusters = [c for c in clusters if c is not None]
    clusters.sort(key=lambda c: (-c["capture_count"], c["first_seen"]["captured_at"]))
    for number, cluster in enumerate(clusters, 1):
        cluster["cluster"] = number
    return clusters


def _image_pairs(matcher: Matcher) -> list[tuple[str, str]]:
    rows = picture_codes(matcher.catalog, matcher.min_quality)
    pairs = []
    for start in range(0, len(rows), BATCH):
        block = rows[start : start + BATCH]
        for q, match in matcher.images_near([code for _sha, code in block]):
            if match != block[q][0]:
                pairs.append((block[q][0], match))
    return pairs


def _video_pairs(matcher: Matcher) -> list[tuple[str, str]]:
    videos = hashed_videos(matcher.catalog)
    pairs = []
    for sha in videos:
        frames = [FrameHash(t, code, quality) for t, code, quality in frame_hashes_of(matcher.catalog, sha)]
        pairs += [(sha, m.sha256) for m in matcher.similar_videos(frames) if m.sha256 != sha]
    return pairs


def _describe(catalog: Catalog, shas: list[str]) -> dict[str, Any] | None:
    seen = appearances(catalog, shas)
    first = earliest(seen)
    if first is None or len({a.capture_id for a in seen}) < 2:
        return None
    items: dict[str, dict[str, Any]] = {}
    for appearance in sorted(seen, key=appeared_at):
        item = items.setdefault(
            appearance.sha256, {"sha256": appearance.sha256, "kind": appearance.kind, "captures": []}
        )
        item["captures"].append({k: getattr(appearance, k) for k in _CAPTURE_KEYS})
    return {
        "cluster": 0,
        "capture_count": len({a.capture_id for a in seen}),
        "first_seen": first.as_json(),
        "platforms": sorted({a.platform for a in seen if a.platform}),
        "accounts": sorted({_account(a) for a in seen if a.author or a.handle}),
        "items": list(items.values()),
    }


_CAPTURE_KEYS = ("capture_id", "role", "url", "platform", "author", "handle", "captured_at", "post_time")


def _account(appearance: Appearance) -> str:
    who = appearance.handle or appearance.author or ""
    return f"{appearance.platform}:{who}" if appearance.platform else who


def _find(parent: dict[str, str], x: str) -> str:
    root = x
    while parent.get(root, root) != root:
        root = parent[root]
    while parent.get(x, x) != root:
        parent[x], x = root, parent[x]
    return root


def _union(parent: dict[str, str], a: str, b: str) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
