"""archiver: capture, fix, recognise and hand over social-media evidence."""

__version__ = "0.1.0"
