"""Bundle verification under attack: a stripped seal, a capture removed or planted, trust
anchors shipped by the bundle itself, an unexpected archive key, malformed bags."""

from __future__ import annotations

import hashlib
import json
import shutil
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


@pytest.mark.parametrize("edited", ["index.html", "VERIFY.md", "bag-info.txt"])
def test_an_edited_tag_file_with_its_seal_stripped_is_seal_missing(exported, cli_json, edited):
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
