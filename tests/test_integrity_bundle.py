"""Bundle verification under attack: a stripped seal, a capture removed or planted, trust
anchors shipped by the bundle itself, an unexpected archive key, malformed bags."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives import serialization

from tests import test_bundle_verify
from tests.conftest import run_archiver
from tests.test_bundle_verify import verify

exported = test_bundle_verify.exported  # the sealed two-capture bundle those tests tamper with

SEAL = ("tagmanifest-sha256.txt", "tagmanifest-sha256.txt.sig", "tagmanifest-sha256.txt.local.tsr")


def _strip_seal(bag: Path) -> None:
    """What a forger does after editing: re-manifest as bagit does, then drop the seal."""
    bagit.Bag(str(bag)).save(manifests=True)
    for name in SEAL:
        (bag / name).unlink()
    assert bagit.Bag(str(bag)).validate()


@pytest.mark.parametrize("edited", ["index.html", "VERIFY.md", "bag-info.txt", "data/archive.wacz"])
def test_an_edited_file_with_its_seal_stripped_is_seal_missing(exported, cli_json, edited):
    bag, _ = exported
    with (bag / edited).open("a", encoding="utf-8") as fh:
        fh.write("\nForged-Note: the archive vouches for this\n")
    _strip_seal(bag)
    code, found = verify(cli_json, bag)
    assert code == 1 and ("seal-missing", "tagmanifest-sha256.txt") in found


def test_a_missing_signature_alone_is_seal_missing(exported, cli_json):
    bag, _ = exported
    (bag / "tagmanifest-sha256.txt.sig").unlink()
    code, found = verify(cli_json, bag)
    assert code == 1 and ("seal-missing", "tagmanifest-sha256.txt.sig") in found


def test_a_whole_capture_deleted_and_remanifested_is_named(exported, cli_json):
    bag, ids = exported
    shutil.rmtree(bag / "data" / "captures" / ids[1])
    _strip_seal(bag)
    code, found = verify(cli_json, bag)
    assert code == 1
    assert ("seal-missing", "tagmanifest-sha256.txt") in found
    assert ("capture-missing", f"data/captures/{ids[1]}") in found


def test_a_capture_not_in_the_export_event_is_unlisted(exported, cli_json):
    bag, ids = exported
    shutil.copytree(bag / "data" / "captures" / ids[1], bag / "data" / "captures" / "planted")
    code, found = verify(cli_json, bag)
    assert code == 1 and ("capture-unlisted", "data/captures/planted") in found


def _verify_elsewhere(bag: Path, tmp_path: Path, *args: str) -> tuple[int, dict]:
    """`archiver verify` on a machine that has never heard of the bundle's TSA."""
    config = tmp_path / "no-tsa.toml"
    config.write_text("[timestamp]\ntsa = []\n")
    env = {"ARCHIVER_CONFIG": str(config)}
    done = run_archiver("verify", str(bag), *args, "--json", env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_token_chaining_only_to_a_root_the_bundle_ships_is_untrusted(exported, local_tsa, tmp_path):
    bag, ids = exported
    code, report = _verify_elsewhere(bag, tmp_path)
    kinds = {(f["kind"], f["object"]) for f in report["findings"]}
    assert code == 1
    assert ("timestamp-untrusted", "tagmanifest-sha256.txt.local.tsr") in kinds
    assert {k for k, _ in kinds} == {"timestamp-untrusted"}, kinds
    assert len(kinds) == 1 + len(ids)  # the seal's token and each capture's
    code, report = _verify_elsewhere(bag, tmp_path, "--tsa-roots", str(local_tsa.ca_pem))
    assert code == 0, report


def _published_identity(bag: Path) -> tuple[str, str]:
    """The key id and fingerprint computed here from the PEM, as a reader of VERIFY.md would."""
    key = serialization.load_pem_public_key((bag / "data/custody/archive-public-key.pem").read_bytes())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(raw).hexdigest(), "SHA256:" + hashlib.sha256(der).hexdigest()


def test_the_signing_key_is_always_printed_and_expect_key_checks_it(exported, cli, cli_json):
    bag, _ = exported
    key_id, fingerprint = _published_identity(bag)
    code, out, _ = cli("verify", str(bag))
    assert code == 0 and key_id in out and fingerprint in out and "compare it with the key" in out
    code, report = cli_json("verify", str(bag))
    assert (report["key_id"], report["key_fingerprint"]) == (key_id, fingerprint)
    for expected in (key_id, fingerprint, fingerprint.lower()):
        assert cli_json("verify", str(bag), "--expect-key", expected)[0] == 0
    code, found = cli_json("verify", str(bag), "--expect-key", "SHA256:" + "0" * 64)
    assert code == 1 and [f["kind"] for f in found["findings"]] == ["key-mismatch"]
    code, _, err = cli("verify", "--expect-key", key_id)
    assert code == 2 and "BUNDLE" in err


def _rewrite_json(path: Path, change) -> None:
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


def _zip(bag: Path) -> Path:
    target = bag.with_name("bundle.zip")
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, f"bundle/{path.relative_to(bag).as_posix()}")
    return target


def _bad_crc(bag: Path) -> Path:
    target = _zip(bag)
    data = bytearray(target.read_bytes())
    at = data.index(b"BagIt-Version")  # stored uncompressed: flip a byte of bagit.txt's content
    data[at] ^= 0x20
    target.write_bytes(bytes(data))
    return target


def _non_utf8_name(bag: Path) -> Path:
    folder = os.fsencode(bag / "data" / "captures")
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"planted")
    return bag


def _fifo(bag: Path) -> Path:
    os.mkfifo(next((bag / "data" / "captures").iterdir()) / "files" / "pipe")
    return bag


def _fifo_for(name: str):
    def plant(bag: Path) -> Path:
        (bag / name).unlink()
        os.mkfifo(bag / name)
        return bag

    return plant


def _first_capture(bag: Path, name: str) -> Path:
    return next((bag / "data" / "captures").iterdir()) / name


MALFORMED = {
    "bagit.txt not UTF-8": lambda bag: (
        (bag / "bagit.txt").write_bytes(b"BagIt-Version: 1.0\n\xff\xfe\n") or bag
    ),
    "bag-info not UTF-8": lambda bag: (bag / "bag-info.txt").write_bytes(b"Contact-Name: \xff\xfe\n") or bag,
    "manifest not UTF-8": lambda bag: (bag / "manifest-sha256.txt").write_bytes(b"\xff\xfe  data/x\n") or bag,
    "zip with a bad CRC": _bad_crc,
    "metadata.json a list": lambda bag: _first_capture(bag, "metadata.json").write_text("[]") or bag,
    "metadata.json artifact without path": lambda bag: (
        _rewrite_json(_first_capture(bag, "metadata.json"), lambda m: {**m, "artifacts": [{"sha256": 5}]})
        or bag
    ),
    "hashes.json files a list": lambda bag: (
        _rewrite_json(_first_capture(bag, "hashes.json"), lambda h: {**h, "files": []}) or bag
    ),
    "manifest.json a list": lambda bag: _first_capture(bag, "manifest.json").write_text("[1]") or bag,
    "manifest.json capture a string": lambda bag: (
        _rewrite_json(
            _first_capture(bag, "manifest.json"), lambda m: {**m, "capture": "x", "artifacts": {"a": 1}}
        )
        or bag
    ),
    "custody.json events of numbers": lambda bag: (
        _rewrite_json(_first_capture(bag, "custody.json"), lambda c: {**c, "events": [1, "two"]}) or bag
    ),
    "custody.json a list": lambda bag: _first_capture(bag, "custody.json").write_text("[]") or bag,
    "export event detail a list": lambda bag: (
        _rewrite_json(
            bag / "data/custody/export-event.json", lambda c: {**c, "events": [{"seq": "x", "leaf": 3}]}
        )
        or bag
    ),
    "file name not UTF-8": _non_utf8_name,
    "FIFO in a capture": _fifo,
    "FIFO as bag-info.txt": _fifo_for("bag-info.txt"),
    "FIFO as the tag manifest": _fifo_for("tagmanifest-sha256.txt"),
    "FIFO as checkpoint": _fifo_for("data/custody/checkpoint.txt"),
}


@pytest.mark.parametrize("damage", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_bundle_is_a_sentence_or_a_finding_never_a_traceback_or_hang(exported, damage):
    bag, _ = exported
    target = damage(bag)
    done = run_archiver("verify", str(target), timeout=60, errors="replace")
    assert done.returncode in (1, 2), done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 1, done.stderr  # one sentence, or findings on stdout


def test_a_zip_unpacking_past_the_limit_is_refused_before_extraction(exported, tmp_path):
    bag, _ = exported
    (bag / "data" / "zeros.bin").write_bytes(bytes(5_000_000))  # deflates to a few kilobytes
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, f"bundle/{path.relative_to(bag).as_posix()}")
    assert target.stat().st_size < 1_000_000
    done = run_archiver("verify", str(target), env={"ARCHIVER_MAX_UNPACKED_BYTES": "1000000"}, timeout=60)
    assert done.returncode == 2 and "more than the 1000000 allowed" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    done = run_archiver("verify", str(target), env={"ARCHIVER_MAX_UNPACKED_BYTES": "lots"}, timeout=60)
    assert done.returncode == 2 and "must be a number of bytes" in done.stderr
    done = run_archiver("verify", str(target), env={"ARCHIVER_MAX_UNPACK_RATIO": "2"}, timeout=60)
    assert done.returncode == 2 and "more than 2 times its size" in done.stderr, done.stderr
    done = run_archiver("verify", str(target), timeout=60)
    assert done.returncode == 1 and "payload-added" in done.stdout  # unpacked and checked as usual


def test_the_zip_limits_come_from_the_config_and_are_checked(exported, tmp_path):
    bag, _ = exported
    target = tmp_path / "bundle.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(bag.rglob("*")):
            if path.is_file():
                zf.write(path, f"bundle/{path.relative_to(bag).as_posix()}")
    base = Path(os.environ["ARCHIVER_CONFIG"]).read_text()  # the local TSA's settings

    def verify_with(setting: str, **env: str) -> subprocess.CompletedProcess:
        config = tmp_path / "limits.toml"
        config.write_text(f"{base}\n[verify]\n{setting}\n")
        return run_archiver("verify", str(target), env={"ARCHIVER_CONFIG": str(config), **env}, timeout=60)

    done = verify_with("max_unpacked_bytes = 1000")
    assert done.returncode == 2 and "more than the 1000 allowed" in done.stderr, done.stderr
    done = verify_with("max_unpacked_bytes = 1000", ARCHIVER_MAX_UNPACKED_BYTES="100000000")
    assert done.returncode == 0, done.stdout + done.stderr  # the variable overrides the file
    done = verify_with('max_unpack_ratio = "lots"')
    assert done.returncode == 2 and "verify.max_unpack_ratio must be a number" in done.stderr, done.stderr
    for bad in ("max_unpack_ratio = 0", "max_unpacked_bytes = 2.5"):
        done = verify_with(bad)
        assert done.returncode == 2 and "[verify] max_unpack" in done.stderr and "above 0" in done.stderr, bad
        assert len(done.stderr.strip().splitlines()) == 1


def test_an_unreadable_tsa_roots_file_is_a_sentence(exported, cli, tmp_path):
    bag, _ = exported
    garbage = tmp_path / "roots.pem"
    garbage.write_bytes(b"not a certificate")
    for path in (garbage, tmp_path / "absent.pem"):
        code, _, err = cli("verify", str(bag), "--tsa-roots", str(path))
        assert code == 2 and str(path) in err and len(err.strip().splitlines()) == 1, err
