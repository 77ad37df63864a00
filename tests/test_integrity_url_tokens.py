"""A token in the captured URL itself is in no exported file, signed ones included.

Real captures from a site on 127.0.0.1 of a page and a video whose URLs carry ``token=``
and ``auth=`` (a private link's) beside a CDN signature ``sig=`` (kept: evidence, not
the researcher's); then every byte of the bundle is searched, down into the WACZ's
index and WARCs, and the bundle must still verify clean. The signed files (manifest
and custody events) hold a salted digest instead; captures of manifest version 1 keep
the token there, and the bundle says so.
"""

from __future__ import annotations

import json
import sqlite3

import store.custody
import store.manifest
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


QUERY = f"?token={TOKEN}&auth={AUTH}&sig={SIGNATURE}&post=7"


def _capture_and_export(site, media, cli_json, tmp_path):
    page = site.add(
        "/post.html", b"<html><head><title>A post</title></head><body>text</body></html>", "text/html"
    )
    clip = site.add("/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    code, captured = cli_json("capture", page + QUERY, clip + QUERY)
    assert code == 0, captured
    ids = [c["capture_id"] for c in captured]
    bundle = tmp_path / "bundle"
    code, result = cli_json("export", *ids, "-o", str(bundle))
    assert code == 0, result
    return ids, bundle


def test_url_tokens_are_in_no_exported_file(site, media, archive_dir, cli_json, tmp_path):
    ids, bundle = _capture_and_export(site, media, cli_json, tmp_path)

    assert holders(bundle, TOKEN) == set() and holders(bundle, AUTH) == set()
    assert "data/archive.wacz" in holders(bundle, SIGNATURE)  # a signed CDN link stays as served
    hidden_inputs = set()
    for capture_id in ids:
        folder = bundle / "data" / "captures" / capture_id
        redactions = json.loads((folder / "redactions.json").read_text())
        assert {"field": "input_url", "url_params": ["token", "auth"]} in redactions["urls"]
        assert redactions["signed"]["files"] == sorted(SIGNED, reverse=True)
        assert "HIDDEN-" in redactions["signed"]["note"]
        metadata = json.loads((folder / "metadata.json").read_text())
        assert metadata["capture"]["input_url"].endswith(
            f"?token=REDACTED&auth=REDACTED&sig={SIGNATURE}&post=7"
        )
        signed_url = json.loads((folder / "manifest.json").read_text())["capture"]["input_url"]
        assert signed_url.count("=HIDDEN-") == 2 and signed_url.endswith(f"&sig={SIGNATURE}&post=7")
        leaves = [json.loads(e["leaf"]) for e in json.loads((folder / "custody.json").read_text())["events"]]
        assert "=HIDDEN-" in next(leaf["detail"]["url"] for leaf in leaves if leaf["action"] == "capture")
        hidden_inputs.add(signed_url.split("&sig=")[0])
    assert len(hidden_inputs) == 2  # one salt per capture: equal tokens do not look equal
    code, report = cli_json("verify", str(bundle))
    assert code == 0 and report["ok"], report["findings"]


def test_an_edited_token_or_a_lost_salt_is_a_changed_row(site, media, archive_dir, cli_json, tmp_path):
    ids, _ = _capture_and_export(site, media, cli_json, tmp_path)
    db = sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)
    db.execute(
        "UPDATE captures SET input_url = replace(input_url, ?, 'forged') WHERE id = ?", [TOKEN, ids[0]]
    )
    db.execute("DELETE FROM url_salts WHERE capture_id = ?", [ids[1]])
    db.close()
    code, report = cli_json("verify")
    assert code == 1
    edited = {f["object"] for f in report["findings"] if f["kind"] == "catalog-row-edited"}
    assert edited == set(ids)


def test_version_1_captures_keep_their_token_in_the_signed_files_and_say_so(
    site, media, archive_dir, cli_json, tmp_path, monkeypatch
):
    monkeypatch.setattr(store.manifest, "CURRENT_VERSION", 1)
    monkeypatch.setattr(store.custody, "CURRENT_VERSION", 1)
    ids, bundle = _capture_and_export(site, media, cli_json, tmp_path)

    assert {p.rsplit("/", 1)[-1] for p in holders(bundle, TOKEN)} == SIGNED
    for capture_id in ids:
        redactions = json.loads((bundle / "data" / "captures" / capture_id / "redactions.json").read_text())
        assert "as captured" in redactions["signed"]["note"]
    code, report = cli_json("verify", str(bundle))
    assert code == 0 and report["ok"], report["findings"]
