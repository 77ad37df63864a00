"""What is known about a post, shared by fetch results and the capture records made from them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(kw_only=True)
class PostFacts:
    final_url: str | None = None
    platform: str | None = None
    extractor: str | None = None
    post_id: str | None = None
    author: str | None = None
    handle: str | None = None
    title: str | None = None
    post_text: str | None = None
    post_time: str | None = None  # ISO 8601, UTC where the platform gives a time
    metadata: dict[str, Any] | None = None

    def post_facts(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(PostFacts)}


def missing_summary(missing: list[dict[str, str]]) -> str:
    """What an incomplete capture lacks, in one line: "no video (too big for ...)"."""
    return "; ".join(f"no {item['what']} ({item['reason']})" for item in missing)
