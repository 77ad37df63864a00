"""Content-addressed, immutable blob storage keyed by SHA-256.

Blobs live at ``blobs/ab/cd/abcd...``. A blob is written to a temporary file in the
same filesystem, made durable, renamed into place and made read-only, so a reader
never sees a partial blob under its final name and identical bytes are kept once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from store.durable import fsync_dir
from store.streams import fan_out

_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    path: Path
    created: bool  # False when identical bytes were already stored
    sha512: str  # computed in the same pass: bundles list both, and this saves exports a re-read


class BlobStore:
    def __init__(self, root: Path, *, create: bool = True) -> None:
        """``create=False`` for readers: a read-only archive has no room for the temp folder."""
        self.root = Path(root)
        self.tmp = self.root / ".incoming"
        if create:
            self.tmp.mkdir(parents=True, exist_ok=True)
        # told each new blob's digest before it gets its final name (see store.journal)
        self.on_new_blob: Callable[[str], None] | None = None

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def iter_hashes(self) -> Iterator[str]:
        """Every stored blob's hash, by walking the fan-out folders (not the catalog)."""
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for second in sorted(first.glob("[0-9a-f][0-9a-f]")):
                for blob in sorted(second.iterdir()):
                    yield blob.name

    def put_file(self, source: Path, *, durable: bool = True) -> BlobInfo:
        """Copy ``source`` in while hashing it, in one pass over its bytes.

        SHA-256, SHA-512 and the write run side by side (see store.streams), so storing
        costs about as much as the slower hash alone. With
        ``durable=False`` the caller promises to call :meth:`sync` before it records
        the blob anywhere, which lets a batch of small files share one flush.
        """
        fd, tmp_name = _mkstemp(self.tmp)
        tmp = Path(tmp_name)
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                hasher, long_hasher = hashlib.sha256(), hashlib.sha512()
                size = fan_out(src, [hasher.update, long_hasher.update, dst.write])
                digest = hasher.hexdigest()
                if durable:
                    dst.flush()
                    os.fsync(dst.fileno())
            return self._settle(tmp, digest, size, durable, long_hasher.hexdigest())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_bytes(self, data: bytes, *, durable: bool = True) -> BlobInfo:
        digest, long_digest = hashlib.sha256(data).hexdigest(), hashlib.sha512(data).hexdigest()
        if self.exists(digest):
            return BlobInfo(digest, len(data), self.path(digest), False, long_digest)
        fd, tmp_name = _mkstemp(self.tmp)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as dst:
                dst.write(data)
                if durable:
                    dst.flush()
                    os.fsync(dst.fileno())
            return self._settle(tmp, digest, len(data), durable, long_digest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _settle(self, tmp: Path, digest: str, size: int, durable: bool, sha512: str) -> BlobInfo:
        final = self.path(digest)
        if final.is_file():
            tmp.unlink()
            return BlobInfo(digest, size, final, False, sha512)
        final.parent.mkdir(parents=True, exist_ok=True)
        if self.on_new_blob is not None:
            self.on_new_blob(digest)
        os.chmod(tmp, _READ_ONLY)
        os.replace(tmp, final)
        if durable:
            fsync_dir(final.parent)
        return BlobInfo(digest, size, final, True, sha512)

    def sync(self) -> None:
        """Flush every pending write of this filesystem (for ``durable=False`` batches)."""
        os.sync()

    def remove(self, sha256: str) -> None:
        """Delete a blob; only recovery and explicit pruning may call this."""
        path = self.path(sha256)
        if path.exists():
            os.chmod(path, stat.S_IWUSR | _READ_ONLY)
            path.unlink()

    def open(self, sha256: str):
        return open(self.path(sha256), "rb")

    def clear_incoming(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True, exist_ok=True)


def _mkstemp(folder: Path) -> tuple[int, str]:
    return tempfile.mkstemp(dir=folder, prefix="blob-")
