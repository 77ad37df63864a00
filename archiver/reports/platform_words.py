"""What in a report's text points at a platform, as the platform registry describes it.

Bare links (``t.me/rybar/123`` with no scheme), "<Platform> account <handle>" phrases
and the words near an @handle that say where it lives all come from the platforms'
own descriptions, so a platform added to the registry is found in reports too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.platforms import registry

_URL_TAIL = r"/[^\s<>\"'`{}|\\^]+"
_SUBDOMAINS = ("www.", "m.", "mobile.")


@dataclass(frozen=True)
class PlatformWords:
    bare_url: re.Pattern[str]  # a link to a platform's host written without a scheme
    named_handle: re.Pattern[str]  # "Telegram channel rybar", "X account osint_1"
    handle_words: dict[str, str]  # each word of those phrases -> its platform's name
    cues: list[tuple[str, re.Pattern[str]]]  # platform name, words that name it in a sentence

    @classmethod
    def from_registry(cls) -> PlatformWords:
        platforms = registry.all_platforms()
        hosts = sorted({_bare(h) for h in registry.all_host_spellings()}, key=len, reverse=True)
        bare_url = re.compile(
            r"(?<![\w@/.:-])(?:(?:www|m|mobile)\.)?(?:"
            + "|".join(re.escape(h) for h in hosts)
            + ")"
            + _URL_TAIL,
            re.IGNORECASE,
        )
        words = {word: p.name for p in platforms for word in p.handle_words}
        named_handle = re.compile(
            r"\b(?P<platform>" + "|".join(re.escape(w) for w in words) + r")\s+"
            r"(?P<what>account|channel|handle|user|profile)\s+(?!@)(?P<handle>[A-Za-z0-9_]{3,32})\b"
        )
        cues = [(p.name, p.cue) for p in platforms if p.cue is not None]
        return cls(bare_url, named_handle, words, cues)


def _bare(host: str) -> str:
    """The host without the subdomain prefix the bare-link pattern already allows for."""
    for prefix in _SUBDOMAINS:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host
