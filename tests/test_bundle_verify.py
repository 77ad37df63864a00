"""`archiver verify BUNDLE`: a sealed bundle from a real archive and a real local TSA, checked
with no archive at hand, by archiver and by the standard tools VERIFY.md names; then tampered."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import bagit
import pytest

from tests.media import write_jpeg


@pytest.fixture
def exported(site, media, cli_json, tmp_path) -> tuple[Path, list[str]]:
    site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    html = b"<html><head><title>Citadel</title></head><body><video src='/v/clip.mp4'></video></body></html>"
    _, [captured] = cli_json("capture", site.add("/post/7", html, "text/html"), "--case", "aleppo")
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    _, [imported] = cli_json("import", str(still), "--case", "aleppo")
    ids = [captured["capture_id"], imported["capture_id"]]
    cli_json("note", ids[0], "Geolocated to the citadel's north gate.")
    out = tmp_path / "bundle"
    code, result = cli_json("export", "--case", "aleppo", "-o", str(out))
    assert code == 0, result
    return out, ids


def verify(cli_json, bag: Path) -> tuple[int, set[tuple[str, str]]]:
    code, report = cli_json("verify", str(bag))
    assert set(report) == {"ok", "findings", "key_id", "key_fingerprint"} and report["ok"] == (code == 0)
    return code, {(f["kind"], f["object"]) for f in report["findings"]}


def openssl(*args: str, cwd: Path) -> str:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    return done.stdout + done.stderr


def signature_holds(bag: Path, message: str, signature: str) -> bool:
    """The VERIFY.md command: Ed25519 with openssl pkeyutl and the bundle's public key."""
    key = "data/custody/archive-public-key.pem"
    out = openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        key,
        "-rawin",
        "-in",
        message,
        "-sigfile",
        signature,
        cwd=bag,
    )
    return "Signature Verified Successfully" in out


def token_holds(bag: Path, data: str, token: str) -> bool:
    """The VERIFY.md command: openssl ts -verify against the TSA root the bundle ships."""
    out = openssl(
        "ts", "-verify", "-data", data, "-in", token, "-CAfile", "data/tsa-roots/local.pem", cwd=bag
    )
    return "Verification: OK" in out


def test_sealed_bundle_verifies_with_archiver_and_with_standard_tools(exported, cli_json, archive_dir):
    bag, ids = exported
    code, found = verify(cli_json, bag)
    assert code == 0, found
    assert bagit.Bag(str(bag)).validate()
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest-sha256.txt"], cwd=bag).returncode == 0
    assert signature_holds(bag, "tagmanifest-sha256.txt", "tagmanifest-sha256.txt.sig")
    assert signature_holds(bag, "data/custody/checkpoint.txt", "data/custody/checkpoint.sig")
    assert token_holds(bag, "tagmanifest-sha256.txt", "tagmanifest-sha256.txt.local.tsr")
    for capture_id in ids:
        [token] = (bag / "data" / "captures" / capture_id / "timestamps").glob("*.tsr")
        assert token_holds(bag, f"data/captures/{capture_id}/manifest.json", str(token))
    custody = json.loads((bag / f"data/captures/{ids[0]}/custody.json").read_text())
    actions = [json.loads(e["leaf"])["action"] for e in custody["events"]]
    assert actions == ["capture", "timestamp", "note"]
    export = json.loads((bag / "data/custody/export-event.json").read_text())
    assert json.loads(export["events"][0]["leaf"])["action"] == "export"
    report = (bag / "index.html").read_text()
    assert "Custody timeline" in report and "Trusted timestamps" in report and "north gate" in report
    assert "openssl ts -verify" in (bag / "VERIFY.md").read_text()
    code, log = cli_json("log")
    assert log["events"][-1]["action"] == "export"


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


def test_one_payload_byte_changed(exported, cli_json):
    bag, ids = exported
    target = bag / "data" / "captures" / ids[1] / "files" / "still.jpg"
    _flip(target)
    code, found = verify(cli_json, bag)
    assert code == 1 and ("payload-changed", target.relative_to(bag).as_posix()) in found


def test_changed_byte_in_a_remanifested_bag_breaks_the_signature(exported, cli_json):
    bag, ids = exported
    target = bag / "data" / "captures" / ids[1] / "files" / "still.jpg"
    _flip(target, at=100)
    bagit.Bag(str(bag)).save(manifests=True)  # manifests and tag manifests regenerated, as bagit does
    assert bagit.Bag(str(bag)).validate()
    code, found = verify(cli_json, bag)
    assert code == 1
    assert ("signature-invalid", "tagmanifest-sha256.txt.sig") in found
    assert ("timestamp-mismatch", "tagmanifest-sha256.txt.local.tsr") in found
    assert ("metadata-mismatch", target.relative_to(bag).as_posix()) in found


def test_file_removed(exported, cli_json):
    bag, ids = exported
    target = bag / "data" / "captures" / ids[0] / "manifest.json"
    target.unlink()
    code, found = verify(cli_json, bag)
    assert code == 1 and ("payload-missing", target.relative_to(bag).as_posix()) in found


def test_file_added(exported, cli_json):
    bag, ids = exported
    extra = bag / "data" / "captures" / ids[0] / "files" / "planted.jpg"
    extra.write_bytes(b"not evidence")
    code, found = verify(cli_json, bag)
    assert code == 1 and ("payload-added", extra.relative_to(bag).as_posix()) in found


def test_timestamp_token_swapped(exported, cli_json):
    bag, ids = exported
    [mine] = (bag / "data" / "captures" / ids[0] / "timestamps").glob("*.tsr")
    [other] = (bag / "data" / "captures" / ids[1] / "timestamps").glob("*.tsr")
    shutil.copyfile(other, mine)  # a genuine token from the same TSA, over another capture
    code, found = verify(cli_json, bag)
    rel = mine.relative_to(bag).as_posix()
    assert code == 1
    assert ("timestamp-mismatch", rel) in found and ("timestamp-unlogged", rel) in found


def test_custody_event_altered(exported, cli_json):
    bag, ids = exported
    path = bag / "data" / "captures" / ids[0] / "custody.json"
    custody = json.loads(path.read_text())
    note = custody["events"][-1]
    leaf = json.loads(note["leaf"])
    leaf["detail"]["text"] = "Geolocated somewhere else."
    note["leaf"] = json.dumps(leaf, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(json.dumps(custody))
    code, found = verify(cli_json, bag)
    rel = path.relative_to(bag).as_posix()
    assert code == 1 and ("custody-proof-invalid", f"{rel} event {note['seq']}") in found


def test_zip_bundle_verifies_and_bad_input_is_a_usage_error(exported, cli, cli_json, tmp_path):
    _, ids = exported
    out = tmp_path / "again.zip"
    code, _ = cli_json("export", ids[1], "-o", str(out))
    assert code == 0
    code, found = verify(cli_json, out)
    assert code == 0, found
    code, _, err = cli("verify", str(tmp_path / "nope.zip"))
    assert code == 2 and "does not exist" in err


def test_batch_stamped_imports_verify_and_their_batch_document_is_checked(media, cli_json, tmp_path):
    folder = tmp_path / "footage"
    folder.mkdir()
    for name in ("coffee", "chelsea"):
        write_jpeg(folder / f"{name}.jpg", name)
    code, imported = cli_json("import", str(folder), "--case", "batch")
    assert code == 0
    bag = tmp_path / "batch-bundle"
    assert cli_json("export", "--case", "batch", "-o", str(bag))[0] == 0
    code, found = verify(cli_json, bag)
    assert code == 0, found
    first = f"data/captures/{imported[0]['capture_id']}"
    [token] = (bag / first / "timestamps").glob("*.tsr")
    batch = token.with_name(f"{token.stem}.batch.json")
    assert token_holds(bag, batch.relative_to(bag).as_posix(), token.relative_to(bag).as_posix())
    listed = json.loads(batch.read_text())["manifests"][imported[0]["capture_id"]]
    assert listed == hashlib.sha256((bag / first / "manifest.json").read_bytes()).hexdigest()
    other = json.loads(batch.read_text())
    other["manifests"][imported[0]["capture_id"]] = "0" * 64
    batch.write_text(json.dumps(other))
    code, found = verify(cli_json, bag)
    assert code == 1 and ("timestamp-mismatch", token.relative_to(bag).as_posix()) in found
