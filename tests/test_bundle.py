"""`archiver export` and offline bundle checks: a real bag from a real archive, then tampering."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import bagit
import pytest

from archiver.bundle.check import check_bag, opened_bundle
from archiver.settings import load_config


@pytest.fixture
def exported(site, media, cli_json, tmp_path) -> tuple[Path, list[str]]:
    site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    html = b"<html><head><title>Citadel</title></head><body><video src='/v/clip.mp4'></video></body></html>"
    page = site.add("/post/7", html, "text/html")
    _, [captured] = cli_json("capture", page, "--case", "aleppo")
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    _, [imported] = cli_json("import", str(still), "--case", "aleppo")
    out = tmp_path / "bundle"
    code, result = cli_json("export", "--case", "aleppo", "-o", str(out))
    assert code == 0, result
    return out, [captured["capture_id"], imported["capture_id"]]


def kinds(findings) -> set[tuple[str, str]]:
    return {(f.kind, f.object) for f in findings}


def test_export_is_a_valid_bag_with_every_file(exported, media):
    bag_dir, ids = exported
    assert bagit.Bag(str(bag_dir)).validate()  # the reference implementation agrees
    assert check_bag(bag_dir) == []
    info = bagit.Bag(str(bag_dir)).info
    for field in (
        "Source-Organization",
        "External-Identifier",
        "Bagging-Date",
        "Payload-Oxum",
        "Bag-Software-Agent",
    ):
        assert info[field]
    video_sha = hashlib.sha256(media["mp4"].read_bytes()).hexdigest()
    metadata = json.loads((bag_dir / "data" / "captures" / ids[0] / "metadata.json").read_text())
    media_entry = next(a for a in metadata["artifacts"] if a["role"] == "media")
    assert media_entry["sha256"] == video_sha
    copied = bag_dir / "data" / "captures" / ids[0] / media_entry["path"]
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == video_sha
    hashes = json.loads((bag_dir / "data" / "captures" / ids[0] / "hashes.json").read_text())
    assert hashes["files"][media_entry["path"]]["sha512"] == hashlib.sha512(copied.read_bytes()).hexdigest()
    with zipfile.ZipFile(bag_dir / "data" / "archive.wacz") as wacz:
        names = set(wacz.namelist())
        assert {
            "datapackage.json",
            "datapackage-digest.json",
            "indexes/index.cdxj",
            "pages/pages.jsonl",
        } <= names
        assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
        assert "/v/clip.mp4" in wacz.read("indexes/index.cdxj").decode()
    report = (bag_dir / "index.html").read_text()
    assert video_sha in report and "http://" not in report.split("<body>")[0]
    assert "sha256sum -c manifest-sha256.txt" in (bag_dir / "VERIFY.md").read_text()


def test_one_changed_payload_byte_is_named(exported):
    bag_dir, ids = exported
    target = next((bag_dir / "data" / "captures" / ids[1] / "files").iterdir())
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    rel = target.relative_to(bag_dir).as_posix()
    assert ("payload-changed", rel) in kinds(check_bag(bag_dir))


def test_changed_byte_with_remanifested_bag_is_still_caught(exported):
    bag_dir, ids = exported
    target = next((bag_dir / "data" / "captures" / ids[1] / "files").iterdir())
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    bag = bagit.Bag(str(bag_dir))
    bag.save(manifests=True)  # what `bagit` does after an edit: manifests and tag manifests redone
    assert bagit.Bag(str(bag_dir)).validate()  # the bag alone no longer shows the edit...
    rel = target.relative_to(bag_dir).as_posix()
    assert ("metadata-mismatch", rel) in kinds(check_bag(bag_dir))  # ...but the capture's metadata does


def test_removed_file_is_named(exported):
    bag_dir, ids = exported
    target = bag_dir / "data" / "captures" / ids[0] / "metadata.json"
    target.unlink()
    found = kinds(check_bag(bag_dir))
    assert ("payload-missing", target.relative_to(bag_dir).as_posix()) in found


def test_added_file_is_named(exported):
    bag_dir, ids = exported
    extra = bag_dir / "data" / "captures" / ids[0] / "files" / "planted.jpg"
    extra.write_bytes(b"not evidence")
    found = kinds(check_bag(bag_dir))
    assert ("payload-added", extra.relative_to(bag_dir).as_posix()) in found
    assert ("oxum-mismatch", "bag-info.txt") in found


def test_edited_tag_file_is_named(exported):
    bag_dir, _ = exported
    with open(bag_dir / "bag-info.txt", "a") as fh:
        fh.write("Source-Organization: someone else\n")
    assert ("tag-file-changed", "bag-info.txt") in kinds(check_bag(bag_dir))


def test_zip_export_checks_the_same(site, media, cli_json, tmp_path):
    url = site.add("/p.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    _, [captured] = cli_json("capture", url)
    out = tmp_path / "bundle.zip"
    code, result = cli_json("export", captured["capture_id"], "-o", str(out))
    assert code == 0 and Path(result["path"]) == out and zipfile.is_zipfile(out)
    with opened_bundle(out, load_config(None)) as root:
        assert check_bag(root) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial left behind


def test_export_errors_are_sentences(cli, tmp_path, exported):
    bag_dir, _ = exported
    code, _, err = cli("export", "--case", "aleppo", "-o", str(bag_dir))
    assert code == 2 and "already exists" in err
    code, _, err = cli("export", "--case", "nope", "-o", str(tmp_path / "x"))
    assert code == 1 and "no captures in case" in err
    code, _, err = cli("export", "-o", str(tmp_path / "y"))
    assert code == 2 and "name the captures" in err
