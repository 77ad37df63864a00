"""Persistence for the evidence archive: blobs, catalog, hash index, custody log.

This package never imports `archiver`; any program can open an archive with it alone.
"""

from store.archive import Archive
from store.blobs import BlobInfo, BlobStore

__all__ = ["Archive", "BlobInfo", "BlobStore"]
