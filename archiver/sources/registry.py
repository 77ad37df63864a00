"""The sources registry: who a report means when it names "Osetin" or "War Translated".

The shipped list lives in config/sources.toml; `archiver sources add` writes to the
archive's own ARCHIVE/sources.toml, whose entries replace shipped ones of the same name.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from archiver.errors import UsageError
from archiver.platforms import registry
from archiver.platforms.urls import normalize_url
from archiver.shipped import CONFIG_DIR

SHIPPED_FILE = CONFIG_DIR / "sources.toml"
ARCHIVE_FILE_NAME = "sources.toml"
_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


@dataclass
class Source:
    name: str
    platform: str
    aliases: list[str] = field(default_factory=list)
    handle: str | None = None
    url: str | None = None
    notes: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "aliases": self.aliases,
            "platform": self.platform,
            "handle": self.handle,
            "url": self.url,
            "notes": self.notes,
        }


def make_source(
    name: str,
    platform: str,
    *,
    aliases: list[str] | None = None,
    handle: str | None = None,
    url: str | None = None,
    notes: str = "",
) -> Source:
    """Validate one entry; the URL is derived from the handle when not given."""
    name = name.strip()
    if not name:
        raise UsageError("a source needs a name")
    if platform not in registry.names():
        raise UsageError(
            f"source {name!r}: unknown platform {platform!r}; use one of {', '.join(registry.names())}"
        )
    handle = (handle or "").strip().lstrip("@") or None
    if handle is not None and not _HANDLE.match(handle):
        raise UsageError(f"source {name!r}: {handle!r} does not look like a handle")
    if url:
        try:
            url = normalize_url(url)
        except ValueError as exc:
            raise UsageError(f"source {name!r}: {exc}") from exc
        generic = registry.fallback().name  # a feed or page on any host can list any platform's posts
        if generic != platform and registry.platform_of(url) not in (platform, generic):
            raise UsageError(f"source {name!r}: {url} is not an address on {platform}")
    elif handle:
        url = registry.named(platform).profile_url(handle)
    return Source(name, platform, list(aliases or []), handle, url, notes.strip())


def load_registry(archive_root: Path | None = None) -> list[Source]:
    by_name: dict[str, Source] = {}
    files = [SHIPPED_FILE] + ([archive_root / ARCHIVE_FILE_NAME] if archive_root else [])
    for path in files:
        for source in read_sources(path):
            by_name[source.name.casefold()] = source
    return list(by_name.values())


def read_sources(path: Path) -> list[Source]:
    if not path.is_file():
        return []
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"sources file {path} is not valid TOML: {exc}") from exc
    sources = []
    for entry in data.get("source", []):
        if not isinstance(entry, dict) or "name" not in entry or "platform" not in entry:
            raise UsageError(f"sources file {path}: every [[source]] needs a name and a platform")
        sources.append(
            make_source(
                str(entry["name"]),
                str(entry["platform"]),
                aliases=[str(a) for a in entry.get("aliases", [])],
                handle=entry.get("handle"),
                url=entry.get("url"),
                notes=str(entry.get("notes", "")),
            )
        )
    return sources


def find_source(sources: list[Source], name: str) -> Source:
    wanted = name.strip().lstrip("@").casefold()
    for source in sources:
        keys = {source.name.casefold(), *(a.casefold() for a in source.aliases)}
        if source.handle:
            keys.add(source.handle.casefold())
        if wanted in keys:
            return source
    raise UsageError(f"no source named {name!r} in the registry; see `archiver sources list`")


def append_source(archive_root: Path, source: Source) -> Path:
    """Add one entry to the archive's registry file, refusing a name that is taken."""
    path = archive_root / ARCHIVE_FILE_NAME
    if any(s.name.casefold() == source.name.casefold() for s in read_sources(path)):
        raise UsageError(f"a source named {source.name!r} is already in {path}")
    lines = ["", "[[source]]", f"name = {_toml_string(source.name)}"]
    lines.append("aliases = [" + ", ".join(_toml_string(a) for a in source.aliases) + "]")
    lines.append(f"platform = {_toml_string(source.platform)}")
    for key in ("handle", "url"):
        value = getattr(source, key)
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    lines.append(f"notes = {_toml_string(source.notes)}")
    archive_root.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return path


def _toml_string(value: str) -> str:
    # a JSON string is a valid TOML basic string (same escapes)
    return json.dumps(value, ensure_ascii=False)
