"""`archiver import`, `show`, `list` and `search` on a real archive."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from store import Archive


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_folder_recursively_with_source_and_note(tmp_path, media, cli_json, archive_dir):
    folder = tmp_path / "footage"
    (folder / "day2").mkdir(parents=True)
    clip = folder / "clip.mp4"
    clip.write_bytes(media["mp4"].read_bytes())
    still = folder / "day2" / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    code, results = cli_json(
        "import",
        str(folder),
        "--source-url",
        "https://example.org/post/42",
        "--note",
        "from a partner",
        "--case",
        "c1",
    )
    assert code == 0
    assert [r["status"] for r in results] == ["ok", "ok"]
    assert all(r["url"] is None and r["error"] is None for r in results)
    assert {r["artifacts"][0]["sha256"] for r in results} == {sha(clip), sha(still)}
    kinds = {r["artifacts"][0]["kind"] for r in results}
    assert kinds == {"video", "image"}
    archive = Archive(archive_dir)
    for r in results:
        blob = archive.blobs.path(r["artifacts"][0]["sha256"])
        assert not blob.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        kept = archive.catalog.one("SELECT sha512 FROM blob_sha512 WHERE sha256 = ?", [blob.name])
        assert kept["sha512"] == hashlib.sha512(blob.read_bytes()).hexdigest()
    row = archive.catalog.one("SELECT * FROM captures WHERE id = ?", [results[0]["capture_id"]])
    assert (
        row["kind"] == "import"
        and row["note"] == "from a partner"
        and row["final_url"] == "https://example.org/post/42"
    )


def test_corrupt_file_fails_alone_and_others_land(tmp_path, media, cli_json, archive_dir):
    good = tmp_path / "good.jpg"
    good.write_bytes(media["jpeg"].read_bytes())
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(media["mp4"].read_bytes()[:600])
    code, results = cli_json("import", str(good), str(bad))
    assert code == 1
    by_path = {Path(r["path"]).name: r for r in results}
    assert by_path["good.jpg"]["status"] == "ok"
    assert by_path["bad.mp4"]["status"] == "failed" and "cannot be decoded" in by_path["bad.mp4"]["error"]
    assert Archive(archive_dir).orphan_blobs() == []


def test_hostile_names_on_disk_are_stored_safely(tmp_path, media, cli_json):
    weird = tmp_path / "a\x1b[2J\nname;rm -rf ~.jpg"
    weird.write_bytes(media["jpeg"].read_bytes())
    code, [result] = cli_json("import", str(weird))
    assert code == 0
    name = result["artifacts"][0]["name"]
    assert name.isprintable() and "/" not in name and "\n" not in name


def test_missing_path_is_a_usage_error(cli, tmp_path):
    code, _, err = cli("import", str(tmp_path / "nope.mp4"))
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_empty_folder_is_a_usage_error(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = cli("import", str(tmp_path / "empty"))
    assert code == 2 and "no files found" in err and "Traceback" not in err


def test_show_list_search(tmp_path, media, cli, cli_json, site):
    clip = tmp_path / "citadel.mp4"
    clip.write_bytes(media["mp4"].read_bytes())
    _, [imported] = cli_json(
        "import", str(clip), "--note", "flag raised over the citadel", "--case", "aleppo"
    )
    cid = imported["capture_id"]
    _, [failed] = cli_json("capture", site.url("/missing"))

    code, detail = cli_json("show", cid[:-2])
    assert code == 0 and detail["id"] == cid and detail["artifacts"][0]["sha256"] == sha(clip)
    assert detail["artifacts"][0]["width"] == 320
    code, out, _ = cli("show", cid)
    assert code == 0 and sha(clip) in out
    code, failed_detail = cli_json("show", failed["capture_id"])
    assert code == 0 and failed_detail["status"] == "failed" and "404" in failed_detail["error"]
    code, _, err = cli("show", "no-such-id")
    assert code == 1 and "no capture" in err

    _, rows = cli_json("list")
    assert [r["capture_id"] for r in rows] == [cid]
    _, rows = cli_json("list", "--failed")
    assert {r["status"] for r in rows} == {"ok", "failed"}
    _, rows = cli_json("list", "--case", "other")
    assert rows == []

    code, rows = cli_json("search", "citadel flag")
    assert code == 0 and [r["capture_id"] for r in rows] == [cid]
    code, rows = cli_json("search", 'bogus "quote: syntax')
    assert code == 1 and rows == []
