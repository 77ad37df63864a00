"""Read commands on read-only media, on folders that hold no archive, and on a broken catalog.

Issue 9/14: reading must never write (no lock file, no staging folder, no checkpoint, no
audit event), must work where nothing can be written, must never create an archive, and a
damaged catalog is one sentence with exit 2, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_archiver
from tests.small_disk import read_only_view

READERS = (["list"], ["search", "coffee"], ["dupes"], ["log"], ["show", "20260101"], ["lookup", "0" * 64])


def state(folder: Path) -> dict[str, str]:
    """Every file under the folder with the SHA-256 of its bytes: what 'left as it was' means."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        for path in sorted(folder.rglob("*"))
    }


def ok(*args: str) -> dict:
    result = run_archiver(*args, "--json", timeout=120)
    assert result.returncode == 0, (args, result.stderr)
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def one_sentence(result) -> str:
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    return line


@pytest.fixture(scope="module")
def made_archive(tmp_path_factory) -> Path:
    """An archive with a picture and a clip imported and a note logged, closed cleanly."""
    from tests.media import write_jpeg, write_mp4

    folder = tmp_path_factory.mktemp("made")
    root = folder / "archive"
    picture = write_jpeg(folder / "coffee.jpg")
    clip = write_mp4(folder / "clip.mp4")
    for path in (picture, clip):
        ok("import", str(path), "--archive", str(root))
    first = ok("list", "--archive", str(root))
    assert len(first) == 2, first
    run_archiver("note", first[0]["capture_id"], "checked by hand", "--archive", str(root), check=True)
    return root


def test_read_commands_work_on_read_only_media_and_change_nothing(made_archive, tmp_path):
    source = tmp_path / "copy"
    shutil.copytree(made_archive, source)
    before = state(source)
    with read_only_view(source, tmp_path / "ro") as ro:
        archive = ["--archive", str(ro)]
        listed = ok("list", *archive)
        assert len(listed) == 2
        capture_id = listed[0]["capture_id"]
        shown = ok("show", capture_id, *archive)
        assert shown["id"] == capture_id and shown["artifacts"]
        assert [hit["title"] for hit in ok("search", "coffee", *archive)] == ["coffee.jpg"]
        sha = shown["artifacts"][0]["sha256"]
        assert ok("lookup", sha, *archive)["matches"]
        by_picture = ok("lookup", str(made_archive.parent / "coffee.jpg"), *archive)["matches"]
        assert by_picture[0]["match"] == "exact"
        assert len(ok("log", *archive)["events"]) >= 3
        assert ok("log", capture_id, *archive)["events"]
        dupes = run_archiver("dupes", "--json", *archive, timeout=120)
        assert dupes.returncode == 1 and json.loads(dupes.stdout) == {"clusters": []}  # none: exit 1
        verify = run_archiver("verify", "--json", *archive, timeout=120)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert json.loads(verify.stdout) == {"ok": True, "findings": []}
        assert "not logged" in verify.stderr
        elsewhere = tmp_path / "bundle"
        exported = ok("export", *(c["capture_id"] for c in listed), "-o", str(elsewhere), *archive)
        assert sorted(exported["capture_ids"]) == sorted(c["capture_id"] for c in listed)
    assert state(source) == before  # not one byte or file added, even beside the catalog
    unlogged = json.loads((elsewhere / "data/custody/export-unlogged.json").read_text())
    assert unlogged["subject"] == exported["bundle_id"]
    assert not (elsewhere / "data/custody/export-event.json").exists()
    verdict = run_archiver("verify", str(elsewhere), "--json", timeout=120)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr  # a warning, not a failed check
    report = json.loads(verdict.stdout)
    assert report["ok"] and [(f["kind"], f["object"]) for f in report["findings"]] == [
        ("export-unlogged", "data/custody/export-unlogged.json")
    ]
    told = run_archiver("verify", str(elsewhere), timeout=120).stdout
    assert "warning: this export is not in the archive's custody log" in told and "1 warning(s)" in told


def test_read_only_open_writes_nothing_on_writable_storage_either(made_archive, tmp_path):
    source = tmp_path / "copy"
    shutil.copytree(made_archive, source)
    (source / ".write.lock").unlink()
    shutil.rmtree(source / "staging")
    before = state(source)
    for args in READERS:
        result = run_archiver(*args, "--archive", str(source), timeout=120)
        assert result.returncode in (0, 1), (args, result.stderr)
    after = state(source)
    assert {k: v for k, v in after.items() if not k.startswith("catalog.db-")} == before


@pytest.mark.parametrize("args", [*READERS, ["verify"], ["export", "x", "-o", "out-bundle"]])
def test_a_read_command_never_creates_an_archive(tmp_path, args):
    missing = tmp_path / "nothing-here"
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (missing, empty):
        result = run_archiver(*args, "--archive", str(folder), cwd=tmp_path, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert "no archive at" in one_sentence(result)
    assert not missing.exists()
    assert list(empty.iterdir()) == []
    assert not (tmp_path / "out-bundle").exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_corrupt_catalog_is_one_sentence_for_every_reader(made_archive, tmp_path, damage):
    source = tmp_path / "copy"
    shutil.copytree(made_archive, source)
    catalog = source / "catalog.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{catalog}{suffix}").unlink(missing_ok=True)
    size = catalog.stat().st_size
    if damage == "truncate":
        os.truncate(catalog, size // 2)
    else:
        catalog.write_bytes(os.urandom(size))
    before = state(source)
    for args in READERS:
        result = run_archiver(*args, "--archive", str(source), timeout=60)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        line = one_sentence(result)
        assert "catalog" in line and "corrupt" in line, (args, line)
    assert state(source) == before


@pytest.mark.parametrize("stale", ["behind the catalog", "absent"])
def test_lookup_on_read_only_media_rebuilds_a_stale_index_elsewhere(made_archive, tmp_path, stale):
    from tests.media import write_jpeg

    source = tmp_path / "copy"
    shutil.copytree(made_archive, source)
    older_index = tmp_path / "older-index"
    shutil.copytree(source / "index", older_index)
    rocket = write_jpeg(tmp_path / "rocket.jpg", "rocket")
    ok("import", str(rocket), "--archive", str(source))
    shutil.rmtree(source / "index")
    if stale == "behind the catalog":  # the index as it was before the last import
        shutil.copytree(older_index, source / "index")
    before = state(source)
    scratch = set(Path(tempfile.gettempdir()).glob("archiver-index-*"))
    with read_only_view(source, tmp_path / "ro") as ro:
        [match, *_] = ok("lookup", str(rocket), "--archive", str(ro))["matches"]
        assert match["match"] == "exact"
    assert state(source) == before
    assert set(Path(tempfile.gettempdir()).glob("archiver-index-*")) == scratch  # and nothing left in /tmp
