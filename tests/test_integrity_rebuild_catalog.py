"""`archiver rebuild-catalog`: what a lost catalog leaves recoverable, and nothing more claimed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tests.conftest import run_archiver


def blob_files(archive_dir: Path) -> set[str]:
    return {p.name for p in (archive_dir / "blobs").glob("??/??/*")}


def drop_catalog(archive_dir: Path) -> None:
    for path in archive_dir.glob("catalog.db*"):
        path.unlink()


def made_archive(site, media, cli_json, tmp_path) -> dict:
    """Two captures (a clip and a picture, each with its WARC) and two imports."""
    clip = site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    picture = site.add("/img/coffee.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    for url in (clip, picture):
        code, captured = cli_json("capture", url)
        assert code == 0, captured
    note = tmp_path / "statement.txt"
    note.write_text("witness statement\n")
    code, imported = cli_json("import", str(note), str(media["jpeg"]))
    assert code == 0, imported
    code, listed = cli_json("list")
    assert len(listed) == 4
    return {"listed": listed}


def test_a_lost_catalog_is_rebuilt_from_the_blobs(site, media, cli_json, cli, archive_dir, tmp_path):
    made_archive(site, media, cli_json, tmp_path)
    blobs = blob_files(archive_dir)
    drop_catalog(archive_dir)

    code, report = cli_json("rebuild-catalog")
    assert code == 0, report
    assert report["recovered"] == {
        "captures": len(blobs),
        "blobs": len(blobs),
        "bytes": sum((archive_dir / "blobs" / b[:2] / b[2:4] / b).stat().st_size for b in blobs),
    }
    assert report["not_recovered"] == {"corrupt_blobs": []}
    assert report["previous_catalog"] is None
    assert any("custody log" in lost for lost in report["lost"])
    assert blob_files(archive_dir) == blobs  # nothing added, nothing removed

    code, audit = cli_json("verify")
    assert code == 0 and audit == {"ok": True, "findings": []}, audit

    code, found = cli_json("lookup", str(media["jpeg"]))
    assert code == 0 and found["matches"][0]["match"] == "exact"
    code, shown = cli_json("show", found["matches"][0]["capture_id"])
    assert code == 0 and "recovered" in shown["note"]
    code, log = cli_json("log")
    rebuilt = [e for e in log["events"] if e["action"] == "note" and e["subject"] == "archive"]
    assert [e["detail"]["event"] for e in rebuilt] == ["catalog-rebuilt"]
    assert rebuilt[0]["detail"]["recovered_blobs"] == len(blobs)
    warcs = [a for c in cli_json("list")[1] for a in cli_json("show", c["capture_id"])[1]["artifacts"]]
    assert sum(a["role"] == "warc" for a in warcs) == 2  # kept apart: exports redact their cookies


def test_rebuild_never_replaces_a_catalog_with_rows(site, media, cli_json, archive_dir, tmp_path):
    made_archive(site, media, cli_json, tmp_path)
    before = (archive_dir / "catalog.db").read_bytes()
    result = run_archiver("rebuild-catalog", "--archive", str(archive_dir))
    assert result.returncode == 2 and "never replaces" in result.stderr and "Traceback" not in result.stderr
    assert (archive_dir / "catalog.db").read_bytes() == before


def test_an_unreadable_catalog_is_kept_aside_and_corrupt_blobs_are_named(
    site, media, cli_json, archive_dir, tmp_path
):
    made_archive(site, media, cli_json, tmp_path)
    for path in archive_dir.glob("catalog.db-*"):
        path.unlink()
    garbage = os.urandom(8192)
    (archive_dir / "catalog.db").write_bytes(garbage)
    damaged = sorted(blob_files(archive_dir))[0]
    path = archive_dir / "blobs" / damaged[:2] / damaged[2:4] / damaged
    os.chmod(path, 0o644)
    path.write_bytes(b"not what was stored")

    code, report = cli_json("rebuild-catalog")
    assert code == 0, report
    assert report["not_recovered"] == {"corrupt_blobs": [damaged]}
    kept = Path(report["previous_catalog"])
    assert kept.parent == archive_dir and kept.read_bytes() == garbage
    with sqlite3.connect(archive_dir / "catalog.db") as db:
        assert db.execute("SELECT count(*) FROM blobs WHERE sha256 = ?", [damaged]).fetchone() == (0,)
    code, audit = cli_json("verify")
    assert code == 1 and {f["kind"] for f in audit["findings"]} == {"blob-extra"}  # the damaged file


def test_rebuild_of_a_folder_without_blobs_is_one_sentence(tmp_path):
    result = run_archiver("rebuild-catalog", "--archive", str(tmp_path / "none"))
    assert result.returncode == 2 and "no archive at" in result.stderr
    assert not (tmp_path / "none").exists()
