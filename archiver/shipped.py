"""Where the files archiver ships with live, in a checkout and in an installed wheel alike.

config/ and seeds/ sit at the top of the repository; archiver/_shipped links to them, and
the wheel carries them there (pyproject's package-data), so one lookup through
importlib.resources finds them however archiver was installed. Paths, not Traversables:
the settings loader, the TSA root list and the demo hand them to code that opens files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_dir(package: str, *parts: str) -> Path:
    found = resources.files(package).joinpath(*parts)
    if not isinstance(found, Path):
        raise RuntimeError(f"archiver must run from an unpacked install; {package} is inside an archive")
    return found


CONFIG_DIR = _package_dir("archiver", "_shipped", "config")
SEEDS_DIR = _package_dir("archiver", "_shipped", "seeds")
DEMO_RECORDINGS_DIR = _package_dir("archiver.demo", "recordings")
