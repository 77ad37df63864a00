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
  HTTP exchange made during the capture, thumbnails, platform metadata (`*.info.json`);
  those that held the researcher's credentials as copies without them (`redactions.json`).
- `metadata.json` (schema `{METADATA_SCHEMA}`): `capture` (id, kind, input and final URL,
  platform, extractor, post id, author, handle, title, post text, post time, case, capture
  start and end in UTC from the capturing machine's clock, operator, note, tool versions),
  `platform_metadata` (selected fields the platform reported), and `artifacts`, one entry per
  file with its `path` (relative to the capture folder), `role`, `sha256`, `size`, `mime`,
  `kind` and, for media, width, height, duration and codecs; for a redacted copy, the
  copy's `sha256` and `size`, and the original's in `derived_from`.
- `redactions.json`, when present: which files are copies with the researcher's
  credentials blanked, and what the originals were (see above).
- `hashes.json` (schema `{HASHES_SCHEMA}`): SHA-256, SHA-512 and size of every file, and
  perceptual hashes of images and video frames where they were computed.
- `manifest.json`: the capture's manifest exactly as it was timestamped (canonical JSON:
  the capture's catalog row and each file's name, role, SHA-256, size and type).
- `timestamps/<TSA>-<n>.tsr`: RFC 3161 timestamp responses over manifest.json, with the
  certificates each carries in `<TSA>-<n>-chain.pem`.
- `custody.json`: the capture's custody events with their inclusion proofs.

`data/custody/`: the signed checkpoint (`checkpoint.txt`, `checkpoint.sig`), the archive's
public key, and the export's own custody event. `data/tsa-roots/`: root certificates of
the time-stamping authorities, as configured in the exporting archive.

`data/archive.wacz`: the captures' WARCs as a WACZ package; open it in ReplayWeb.page
(offline) to see the captured pages as they were served.

`index.html`: a readable report of everything above; it loads nothing from the network.

Times: capture start and end are the capturing machine's clock, in UTC. They are not proof
of time by themselves; trusted time comes from RFC 3161 timestamp tokens where present.
"""


_CHECKS = """, the signature and the trusted timestamps over the tag manifest, every
capture's timestamp tokens against its manifest, and every custody event's inclusion
proof against the signed checkpoint"""

_SEAL = """
4. **The bag was sealed by the archive and has not been re-manifested since.** The tag
   manifest is signed with the archive's Ed25519 key (OpenSSL 3):

       openssl pkeyutl -verify -pubin -inkey data/custody/archive-public-key.pem \\
         -rawin -in tagmanifest-sha256.txt -sigfile tagmanifest-sha256.txt.sig

   It must print `Signature Verified Successfully`. A bag without `tagmanifest-sha256.txt`
   and its `.sig` is not sealed: anyone can edit and re-manifest it, so it proves nothing.
   The key travels inside the bundle, so also check that it is the archive's published
   key (`archiver verify` prints its id and fingerprint; `--expect-key` checks it): its id is

       openssl pkey -pubin -in data/custody/archive-public-key.pem -outform DER | tail -c 32 | sha256sum

   and must equal the key id the archive's operator published elsewhere.

5. **Trusted time of the whole bag** (when a time-stamping authority answered at export):
   for each `tagmanifest-sha256.txt.<TSA>.tsr`,

       openssl ts -verify -data tagmanifest-sha256.txt -in tagmanifest-sha256.txt.<TSA>.tsr \\
         -CAfile data/tsa-roots/<TSA>.pem

   must print `Verification: OK`; `openssl ts -reply -in tagmanifest-sha256.txt.<TSA>.tsr -text`
   shows the authority's time (`Time stamp:`). The roots in `data/tsa-roots/` come with
   the bundle, so whoever made it chose them: compare each with the root the authority
   publishes, or give that one as `-CAfile`. `archiver verify` trusts only roots from its
   own configuration, `--tsa-roots FILE` or the system store.

6. **Trusted time of each capture.** `data/captures/<id>/manifest.json` lists the SHA-256
   of every file of the capture and its metadata; it is what was timestamped at capture:

       openssl ts -verify -data data/captures/<id>/manifest.json \\
         -in data/captures/<id>/timestamps/<TSA>-<n>.tsr -CAfile data/tsa-roots/<TSA>.pem \\
         -untrusted data/captures/<id>/timestamps/<TSA>-<n>-chain.pem

   Then check that the files are those the manifest lists: each `"sha256"` in
   manifest.json must equal `sha256sum data/captures/<id>/files/<name>`.

   When `<TSA>-<n>.batch.json` sits beside a token, one request stamped several captures
   at once and the token covers that file instead: give it as `-data`, then check that
   it lists this capture's id with the output of `sha256sum data/captures/<id>/manifest.json`.

7. **Chain of custody.** `data/custody/checkpoint.txt` is the archive's signed custody log
   head (number of events and Merkle root):

       openssl pkeyutl -verify -pubin -inkey data/custody/archive-public-key.pem \\
         -rawin -in data/custody/checkpoint.txt -sigfile data/custody/checkpoint.sig

   Each capture's `custody.json` lists its events (capture, timestamps, notes) as the
   exact leaf bytes of the log, each with an RFC 9162 inclusion proof: hashing the leaf
   as SHA-256(0x00 || leaf) and combining it with the proof's hashes as RFC 9162 section
   2.1.3.2 describes must give the root in checkpoint.txt. `archiver verify` does this;
   any RFC 9162 (Certificate Transparency) library can too. `data/custody/export-event.json`
   proves the same way that this export was itself logged.
"""


_REDACTED = """
## Credentials removed from {count} file(s)

The WARCs archiver records hold every HTTP header it sent and received, and yt-dlp's
`*.info.json` the cookies it sent, including the researcher's login cookies. In this
bundle, each capture folder with a `redactions.json` holds copies of those files with the
credentials blanked: the values of `Cookie` and `Set-Cookie` cookies, of `Authorization`,
`Proxy-Authorization` and `X-CSRF-Token`, and of login tokens in URLs (`access_token=` and
the others `redactions.json` lists under `rules`) read `REDACTED`; every name is kept.
Nothing else differs: in a WARC, record ids, dates and payloads are those recorded, and
each rewritten record's Content-Length and WARC-Block-Digest are recomputed, so the copy
is a valid WARC (the WACZ is built from it).

The originals, as captured and timestamped, are kept unchanged in the archive that
exported this bundle. So for a redacted file, step 6 compares differently:

- `sha256sum data/captures/<id>/files/<name>` equals the `sha256` that `redactions.json`
  lists for it (and the line in manifest-sha256.txt);
- the `original_sha256` listed beside it equals the `"sha256"` that manifest.json (the
  timestamped file) lists for that name: the archive holds the blob with that hash.

`redactions.json` names what was blanked (names only, never values): for a WARC, per
rewritten record, its WARC-Record-ID, target URI and block digest before and after.
"""


def render_verify_md(bag_name: str, redacted_files: int = 0) -> str:
    redacted = _REDACTED.format(count=redacted_files) if redacted_files else ""
    return _INTRO.format(bag_name=bag_name, extra_checks=_CHECKS) + _SEAL + redacted + _SCHEMAS
