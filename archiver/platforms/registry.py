"""Which platform a URL, a host or a name belongs to.

Every module of this package that lists platforms in a module-level ``PLATFORMS`` is
found here on first use, so a new platform is one new file (plus its recordings): no
list to edit, no branch to add. When two platforms claim the same name or host, the
lower ``rank`` wins, so a dedicated adapter replaces a site served by yt-dlp alone.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import archiver.platforms
from archiver.errors import UsageError
from archiver.platforms.base import Platform

_found: list[Platform] = []
_extra: list[Platform] = []
# Built on first use and again after each change of _extra: reports ask for every link.
_ordered: list[Platform] = []
_by_host: dict[str, Platform] = {}


def _discover() -> list[Platform]:
    """Import every module of the package once and collect what their ``PLATFORMS`` list."""
    if not _found:
        for module in pkgutil.iter_modules(archiver.platforms.__path__, "archiver.platforms."):
            _found.extend(getattr(importlib.import_module(module.name), "PLATFORMS", []))
    return _found


def all_platforms() -> list[Platform]:
    """Each platform once by name, in order of rank (within a rank, registered ones first,
    then in order of discovery)."""
    if not _ordered:
        by_name: dict[str, Platform] = {}
        for platform in sorted([*_extra, *_discover()], key=lambda p: p.rank):
            by_name.setdefault(platform.name, platform)
        _ordered.extend(by_name.values())
        for platform in reversed(_ordered):  # the first platform to claim a host keeps it
            _by_host.update(dict.fromkeys(platform.hosts, platform))
    return _ordered


@contextmanager
def registered(platform: Platform) -> Iterator[Platform]:
    """Add a platform defined outside this package for the length of a block, ahead of the
    others of its rank (a plug-in, or a test proving that one class is all a new platform needs)."""
    _extra.insert(0, platform)
    _forget()
    try:
        yield platform
    finally:
        _extra.remove(platform)
        _forget()


def _forget() -> None:
    _ordered.clear()
    _by_host.clear()


def names() -> list[str]:
    return [p.name for p in all_platforms()]


def named(name: str) -> Platform:
    for platform in all_platforms():
        if platform.name == name:
            return platform
    raise UsageError(f"unknown platform {name!r}; use one of {', '.join(names())}")


def fallback() -> Platform:
    """The generic web: the platform of every host nobody owns, and the last capture step."""
    return all_platforms()[-1]  # the highest rank sorts last


def owner_of_host(host: str) -> Platform | None:
    """The platform that owns ``host`` (any of its spellings), None for the generic web."""
    all_platforms()
    return _by_host.get(host)


def owner_of_url(url: str) -> Platform | None:
    return owner_of_host(urlsplit(url).hostname or "")


def platform_of(url: str) -> str:
    """The platform name of a URL; the generic web's for a host no platform owns."""
    return (owner_of_url(url) or fallback()).name


def all_host_spellings() -> list[str]:
    """Every host any platform owns, longest first (for finding bare links in text)."""
    return sorted({h for p in all_platforms() for h in p.hosts}, key=len, reverse=True)
