"""Perceptual hashing: the same picture or footage recognised after re-encoding, resizing or mirroring.

canonical.py prepares pixels one fixed way, image.py and video.py hash them, ingest_hook.py
stores the hashes with a capture, match.py answers "where have we seen this?", dupes.py
groups the archive's near-duplicates.
"""
