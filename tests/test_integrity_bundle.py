"""Bundle verification under attack: a stripped seal, a capture removed or planted, trust
anchors shipped by the bundle itself, an unexpected archive key, malformed bags."""

from __future__ import annotations

import shutil
from pathlib import Path

import bagit
import pytest

from tests import test_bundle_verify
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
