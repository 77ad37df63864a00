"""One module per platform: the hosts it owns, its canonical URLs, how a post is fetched and
how an account lists its posts. The registry (registry.py) finds the platform for a URL,
a host or a name, so the rest of archiver never asks "is this X?" itself.
"""
