"""A token in the captured URL itself is blanked in every exported copy a reader sees.

Real captures from a site on 127.0.0.1 of a page and a video whose URLs carry ``token=``
and ``auth=`` (a private link's) beside a CDN signature ``sig=`` (kept: evidence, not
the researcher's); then every byte of the bundle is searched, down into the WACZ's
index and WARCs, and the bundle must still verify clean.
"""

from __future__ import annotations

import json

from tests.test_integrity_redaction import every_byte

TOKEN, AUTH, SIGNATURE = "share-token-4c1d9e", "auth-value-7a22b0", "cdn-sig-90f1e3"
SIGNED = {"manifest.json", "custody.json"}  # their proofs cover the URL as captured


def holders(bundle, secret: str) -> set[str]:
    """Names of the bundle files holding ``secret`` (a file inside the WACZ counts as the WACZ)."""
    return {
        path.relative_to(bundle).as_posix()
        for path in bundle.rglob("*")
        if path.is_file()
        for _, data in every_byte(path.name, path.read_bytes())
        if secret.encode() in data
    }


def test_url_tokens_are_blanked_everywhere_but_the_signed_files(site, media, archive_dir, cli_json, tmp_path):
    query = f"?token={TOKEN}&auth={AUTH}&sig={SIGNATURE}&post=7"
    page = site.add(
        "/post.html", b"<html><head><title>A post</title></head><body>text</body></html>", "text/html"
    )
    clip = site.add("/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    code, captured = cli_json("capture", page + query, clip + query)
    assert code == 0, captured
    ids = [c["capture_id"] for c in captured]
    bundle = tmp_path / "bundle"
    code, result = cli_json("export", *ids, "-o", str(bundle))
    assert code == 0, result

    for secret in (TOKEN, AUTH):
        leaked = holders(bundle, secret)
        assert {p.rsplit("/", 1)[-1] for p in leaked} <= SIGNED, leaked
    assert "data/archive.wacz" in holders(bundle, SIGNATURE)  # a signed CDN link stays as served
    for capture_id in ids:
        folder = bundle / "data" / "captures" / capture_id
        redactions = json.loads((folder / "redactions.json").read_text())
        assert {"field": "input_url", "url_params": ["token", "auth"]} in redactions["urls"]
        assert redactions["signed"]["files"] == sorted(SIGNED, reverse=True)
        metadata = json.loads((folder / "metadata.json").read_text())
        assert metadata["capture"]["input_url"].endswith(
            f"?token=REDACTED&auth=REDACTED&sig={SIGNATURE}&post=7"
        )
    code, report = cli_json("verify", str(bundle))
    assert code == 0 and report["ok"], report["findings"]
