"""archiver: capture, fix, recognise and hand over social-media evidence."""

from archiver import recording_hook as _recording_hook

# The WARC recording layer must load before any HTTP client (see recording_hook).
_recording_hook.install()

__version__ = "0.1.0"
