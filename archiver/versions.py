"""Versions of the tools that touched a capture, recorded with it for reproducibility."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from archiver import __version__

_PACKAGES = ("yt-dlp", "requests", "warcio", "av", "pillow")


def tool_versions() -> dict[str, str]:
    found = {"archiver": __version__, "python": platform.python_version()}
    for package in _PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found
