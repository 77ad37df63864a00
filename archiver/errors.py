"""Errors a user can act on. Each carries one plain sentence; the CLI prints it, never a traceback."""

from __future__ import annotations


class ArchiverError(Exception):
    """Base: ``str(error)`` is the sentence shown to the user."""

    kind = "error"
    exit_code = 1


class UsageError(ArchiverError):
    kind = "usage"
    exit_code = 2


class FetchError(ArchiverError):
    """The remote side failed us: DNS, refused, HTTP error status, timeout, too large."""

    kind = "fetch"


class HTTPStatusError(FetchError):
    """The server answered with an error status: a refusal (4xx) or its own trouble (5xx)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class NothingArchivableError(ArchiverError):
    kind = "nothing-archivable"


class CorruptMediaError(ArchiverError):
    kind = "corrupt-media"


class DiskFullError(ArchiverError):
    """The archive's own disk ran out of room: our side failed, not the server's."""

    kind = "disk-full"
