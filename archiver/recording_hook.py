"""Load the HTTP recording layer just before the first HTTP client, and not before.

warcio records by replacing ``http.client.HTTPConnection``, and urllib3 (under requests
and yt-dlp) subclasses whatever that class is when it is first imported; so the recording
layer must be in place before any of them loads. Importing it up front costs every
command warcio's import (about a third of `archiver --help`), though most commands never
open a connection. This finder waits for the first import of an HTTP client and loads
the recording layer right before it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Sequence
from types import ModuleType

# The packages that subclass or bind http.client's connection class when they load. Not
# http.client itself: the layer imports it, and a finder may not load the very module it
# is asked for (the import under way would then run it a second time, unpatched).
HTTP_CLIENTS = frozenset({"urllib3", "requests", "yt_dlp"})
_RECORDING_LAYER = "archiver.warc_recording"


class _LoadRecordingFirst(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if name in HTTP_CLIENTS:
            uninstall()  # before importing: the recording layer imports http.client itself
            importlib.import_module(_RECORDING_LAYER)
        return None  # the normal finders load the module asked for


_FINDER = _LoadRecordingFirst()


def install() -> None:
    """Arm the finder, or load the layer at once if an HTTP client is already imported."""
    if HTTP_CLIENTS & set(sys.modules):
        importlib.import_module(_RECORDING_LAYER)
    elif _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
