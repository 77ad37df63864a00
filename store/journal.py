"""Which blobs one write attempt created, kept durable in that attempt's staging folder.

Recovery may only remove blobs that a crashed attempt itself wrote. A blob with no
catalog row is not proof of that (a lost catalog makes every blob look so), so each
attempt appends a new blob's digest here, and flushes it to disk, before the blob is
renamed into place: whatever ends the attempt, its own new blobs are known.
"""

from __future__ import annotations

import os
from pathlib import Path

JOURNAL_NAME = "new-blobs.journal"


class BlobJournal:
    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / JOURNAL_NAME

    def record(self, sha256: str) -> None:
        """Called before the blob gets its final name; durable before this returns."""
        with open(self.path, "a", encoding="ascii") as fh:
            fh.write(sha256 + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def digests(self) -> list[str]:
        """Complete lines only: a line cut short by a crash names no blob that was renamed."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.split("\n") if len(line) == 64]
