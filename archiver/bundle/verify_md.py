"""VERIFY.md: how anyone can check this bundle, with archiver or with standard tools alone."""

from __future__ import annotations

from archiver.bundle.payload import HASHES_SCHEMA, METADATA_SCHEMA

_INTRO = """# How to verify this evidence bundle

This folder is a BagIt 1.0 bag (RFC 8493) made by archiver. It holds captured social-media
posts and media exactly as they were served, and everything needed to check, offline, that
none of it has changed since it was bagged.

## The quick way

If you have archiver installed:

    archiver verify {bag_name}

It checks completeness and every checksum, that no file was added or removed, that each
capture's metadata agrees with its files{extra_checks}. Exit status 0 means the bundle holds;
1 lists each problem found.

## With standard tools only

Run these from inside the bundle folder (`{bag_name}/`):

1. **Every payload file is intact.** Each line of the manifests is `CHECKSUM  PATH`, the
   format `sha256sum` and `sha512sum` read:

       sha256sum -c manifest-sha256.txt
       sha512sum -c manifest-sha512.txt

   Every line must say `OK`.

2. **The bag's own description files are intact** (this covers the manifests, bag-info.txt,
   index.html and this file):

       sha256sum -c tagmanifest-sha256.txt

3. **Nothing was added.** List the payload and compare it with the manifest; the two
   counts must be equal, and `Payload-Oxum` in bag-info.txt (bytes.files) must match:

       find data -type f | wc -l
       wc -l < manifest-sha256.txt
"""

_SCHEMAS = f"""
## What the payload holds

`data/captures/<capture id>/` for each capture:

- `files/`: the captured files byte for byte: media as served, page HTML, the WARC of every
  HTTP exchange made during the capture, thumbnails, platform metadata (`*.info.json`).
- `metadata.json` (schema `{METADATA_SCHEMA}`): `capture` (id, kind, input and final URL,
  platform, extractor, post id, author, handle, title, post text, post time, case, capture
  start and end in UTC from the capturing machine's clock, operator, note, tool versions),
  `platform_metadata` (selected fields the platform reported), and `artifacts`, one entry per
  file with its `path` (relative to the capture folder), `role`, `sha256`, `size`, `mime`,
  `kind` and, for media, width, height, duration and codecs.
- `hashes.json` (schema `{HASHES_SCHEMA}`): SHA-256, SHA-512 and size of every file, and
  perceptual hashes of images and video frames where they were computed.

`data/archive.wacz`: the captures' WARCs as a WACZ package; open it in ReplayWeb.page
(offline) to see the captured pages as they were served.

`index.html`: a readable report of everything above; it loads nothing from the network.

Times: capture start and end are the capturing machine's clock, in UTC. They are not proof
of time by themselves; trusted time comes from RFC 3161 timestamp tokens where present.
"""


def render_verify_md(bag_name: str, extra_checks: str = "", extra_sections: str = "") -> str:
    return _INTRO.format(bag_name=bag_name, extra_checks=extra_checks) + extra_sections + _SCHEMAS
