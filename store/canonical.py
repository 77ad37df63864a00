"""Canonical JSON: the one byte form in which records are hashed, signed and timestamped.

Sorted keys, no insignificant whitespace, UTF-8: the same value always gives the same
bytes, so a digest computed today can be recomputed from the catalog years later.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
