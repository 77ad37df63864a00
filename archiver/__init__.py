"""archiver: capture, fix, recognise and hand over social-media evidence."""

# warcio records HTTP by replacing http.client's connection class, and urllib3 (under
# requests and yt-dlp) subclasses whatever that class is when urllib3 is first imported:
# the recording layer must therefore load before anything that imports requests.
from archiver import warc_recording as _warc_recording  # noqa: F401

__version__ = "0.1.0"
