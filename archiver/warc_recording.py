"""Record every HTTP exchange this process makes into a WARC, safely for interleaved connections.

warcio's ``capture_http`` gives all connections of a thread one shared recorder, so two
exchanges that overlap (yt-dlp opening a redirect target before closing the previous
response, a dropped response closed later by the garbage collector) mix or truncate each
other's records. Here each connection gets a recorder of its own; they share the writer
and its lock, so records are still written whole, one pair at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from warcio.capture_http import RecordingHTTPConnection, RecordingStream, RequestRecorder, capture_http
from warcio.warcwriter import WARCWriter

_shared_init = RecordingHTTPConnection.__init__


def _init_with_own_recorder(self: RecordingHTTPConnection, *args: object, **kwargs: object) -> None:
    _shared_init(self, *args, **kwargs)
    shared = self.recorder
    if shared is not None:
        own = RequestRecorder(shared.writer, shared.filter_func, record_ip=shared.record_ip)
        own.lock = shared.lock
        self.recorder = own  # the response factory reads self.recorder when a response arrives


RecordingHTTPConnection.__init__ = _init_with_own_recorder
if not hasattr(RecordingStream, "closed"):
    # yt-dlp's urllib handler asks the stream under a response whether it is closed.
    RecordingStream.closed = property(lambda self: self.fp is None or self.fp.closed)


@contextmanager
def recording_http(writer: WARCWriter) -> Iterator[WARCWriter]:
    import urllib3.connection

    if not issubclass(urllib3.connection.HTTPConnection, RecordingHTTPConnection):
        raise RuntimeError("urllib3 was imported before warcio; HTTP exchanges would go unrecorded")
    with capture_http(writer) as recorded:
        yield recorded
