"""`archiver verify BUNDLE`: everything a bundle claims, checked with no archive at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.bundle.check import check_bag, opened_bundle
from archiver.findings import Finding


def verify_bundle(path: Path, config: dict[str, Any]) -> list[Finding]:
    with opened_bundle(path) as root:
        return check_bag(root)
