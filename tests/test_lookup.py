"""`archiver lookup` and `archiver dupes` on real archives of real photos and footage."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from archiver.hashing.image import hash_image_file
from archiver.ingest import CaptureRecord, IngestItem, StagedFile, ingest
from archiver.probe import MediaInfo
from store import Archive
from tests.conftest import run_archiver
from tests.edits import decoded, edited_jpeg, tour_frames, video_edit, write_frames
from tests.media import photo
from tests.test_capture import og_page

SIZE, FPS = (320, 180), 12


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> dict[str, Path]:
    """A 60 s camera tour over five photos, a 20 s clip cut from 20-40 s, and unrelated footage."""
    folder = tmp_path_factory.mktemp("footage")
    tour = ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field"]
    original = write_frames(folder / "original.mp4", tour_frames(tour, 60, FPS, SIZE), fps=FPS, size=SIZE)
    clip, _start = video_edit(original, "trimmed-20s", folder / "clip.mp4", fps=FPS, size=SIZE)
    other = ["camera", "coins", "retina", "moon"]
    unrelated = write_frames(folder / "other.mp4", tour_frames(other, 20, FPS, SIZE), fps=FPS, size=SIZE)
    return {"original": original, "clip": clip, "unrelated": unrelated}


@pytest.fixture
def astronaut(tmp_path) -> Path:
    path = tmp_path / "astronaut.jpg"
    Image.fromarray(photo("astronaut")).save(path, quality=92)
    return path


def test_edited_copies_are_found_and_the_earliest_is_first_seen(cli_json, astronaut, tmp_path):
    code, [first] = cli_json("import", str(astronaut), "--source-url", "https://t.me/early/1")
    assert code == 0
    half = edited_jpeg(Image.open(astronaut), "resize-1/2", tmp_path / "repost-half.jpg")
    code, [later] = cli_json("import", str(half), "--source-url", "https://x.com/late/status/2")
    assert code == 0
    for edit in ("jpeg-q30", "resize-1/2", "greyscale", "horizontal-flip", "letterbox"):
        query = edited_jpeg(Image.open(astronaut), edit, tmp_path / f"query-{edit.replace('/', '_')}.jpg")
        code, result = cli_json("lookup", str(query))
        assert code == 0, (edit, result)
        assert result["query"]["kind"] == "image"
        assert result["query"]["sha256"] == hashlib.sha256(query.read_bytes()).hexdigest()
        found = {m["capture_id"]: m for m in result["matches"]}
        expected_ids = {first["capture_id"], later["capture_id"]}
        if edit == "resize-1/2":  # the very same bytes as the later import
            assert found[later["capture_id"]]["match"] == "exact"
            assert result["matches"][0]["capture_id"] == later["capture_id"]
        assert set(found) == expected_ids, edit
        for m in result["matches"]:
            assert 0 <= m["distance"] <= 31 and 0 < m["score"] <= 1
            assert {"capture_id", "sha256", "match", "distance", "score", "url", "first_seen"} <= set(m)
        assert [m["capture_id"] for m in result["matches"] if m["first_seen"]] == [first["capture_id"]]
        assert found[first["capture_id"]]["url"] == "https://t.me/early/1"


def test_unrelated_photo_matches_nothing_and_exits_1(cli, cli_json, astronaut, tmp_path):
    assert cli_json("import", str(astronaut))[0] == 0
    coffee = tmp_path / "coffee.jpg"
    Image.fromarray(photo("coffee")).save(coffee)
    code, result = cli_json("lookup", str(coffee))
    assert code == 1 and result["matches"] == []
    code, out, _ = cli("lookup", str(coffee))
    assert code == 1 and "no match" in out


def test_low_structure_picture_matches_only_with_phash_agreeing(cli_json, tmp_path):
    """scikit-image's clock photo has PDQ quality 32, under PDQ's trusted floor of 50."""
    clock = tmp_path / "clock.png"
    Image.fromarray(photo("clock")).save(clock)
    assert hash_image_file(clock).quality < 50
    code, [stored] = cli_json("import", str(clock))
    assert code == 0
    for edit in ("jpeg-q30", "resize-1/2", "greyscale"):
        query = edited_jpeg(Image.open(clock), edit, tmp_path / f"clock-{edit.replace('/', '_')}.jpg")
        code, result = cli_json("lookup", str(query))
        assert code == 0 and [m["capture_id"] for m in result["matches"]] == [stored["capture_id"]], edit
    # a rotated or mirrored match needs a trustworthy PDQ: pHash cannot corroborate it
    mirrored = edited_jpeg(Image.open(clock), "horizontal-flip", tmp_path / "clock-flip.jpg")
    assert cli_json("lookup", str(mirrored))[0] == 1


def test_a_20s_clip_is_found_in_the_60s_original_with_its_offset(cli_json, footage):
    code, [original] = cli_json("import", str(footage["original"]), "--source-url", "https://t.me/chan/5")
    assert code == 0
    code, [_other] = cli_json("import", str(footage["unrelated"]))
    code, result = cli_json("lookup", str(footage["clip"]))
    assert code == 0, result
    assert result["query"]["kind"] == "video"
    [match] = result["matches"]  # the unrelated footage does not match
    assert match["capture_id"] == original["capture_id"] and match["match"] == "near"
    assert match["offset"] == pytest.approx(20.0, abs=0.75)
    assert match["time_range"]["start"] == pytest.approx(20.0, abs=1.0)
    assert match["time_range"]["end"] == pytest.approx(40.0, abs=1.5)
    assert match["first_seen"] is True and match["frames_matched"] >= 10
    # and the other way round: the long original finds a stored short clip
    code, [clip] = cli_json("import", str(footage["clip"]))
    code, result = cli_json("lookup", str(footage["original"]))
    near = next(m for m in result["matches"] if m["capture_id"] == clip["capture_id"])
    assert near["time_range"]["start"] == pytest.approx(0.0, abs=1.0)
    assert near["offset"] == pytest.approx(-20.0, abs=0.75)


def test_bad_input_exits_2_with_one_sentence(cli, tmp_path):
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20)
    text = tmp_path / "notes.txt"
    text.write_text("just words\n")
    for target in (str(corrupt), str(text), "abc123", "zz" * 32, str(tmp_path / "missing.jpg")):
        code, out, err = cli("lookup", target)
        assert code == 2, (target, out, err)
        assert err.startswith("archiver: ") and err.count("\n") == 1 and "Traceback" not in err


def test_lookup_by_stored_sha256_and_by_pdq_hex(cli_json, astronaut, tmp_path):
    _, [stored] = cli_json("import", str(astronaut))
    grey = edited_jpeg(Image.open(astronaut), "greyscale", tmp_path / "grey.jpg")
    _, [grey_capture] = cli_json("import", str(grey))
    sha = stored["artifacts"][0]["sha256"]
    code, result = cli_json("lookup", sha)
    assert code == 0 and result["query"]["source"] == "sha256"
    assert [(m["capture_id"], m["match"]) for m in result["matches"]] == [
        (stored["capture_id"], "exact"),
        (grey_capture["capture_id"], "near"),
    ]
    pdq = hash_image_file(grey).pdq_hex
    code, result = cli_json("lookup", f"pdq:{pdq}", "--max-distance", "10")
    assert code == 0 and result["query"]["source"] == "pdq"
    assert {m["capture_id"] for m in result["matches"]} >= {grey_capture["capture_id"]}
    assert all(m["distance"] <= 10 for m in result["matches"])


def test_index_persists_and_is_updated_across_processes(archive_dir, astronaut, tmp_path):
    coffee = tmp_path / "coffee.jpg"
    Image.fromarray(photo("coffee")).save(coffee)
    assert run_archiver("import", str(astronaut)).returncode == 0
    meta_path = archive_dir / "index" / "image-pdq" / "meta.json"
    first = json.loads(meta_path.read_text())
    assert first["count"] == 1
    assert run_archiver("import", str(coffee)).returncode == 0
    second = json.loads(meta_path.read_text())
    assert second["count"] == 2 and second["high_water"] > first["high_water"]
    query = edited_jpeg(Image.open(coffee), "brightness+25%", tmp_path / "bright.jpg")
    done = run_archiver("lookup", str(query), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(meta_path.read_text()) == second  # answered from the index as stored
    # an index that fell behind the catalog (or vanished) is brought level on the next lookup
    for path in meta_path.parent.glob("*"):
        path.unlink()
    done = run_archiver("lookup", str(query), "--json")
    assert done.returncode == 0 and len(json.loads(done.stdout)["matches"]) == 1
    assert json.loads(meta_path.read_text())["count"] == 2
    # a damaged index is rebuilt too: garbage meta.json, then a data file gone
    meta_path.write_text("{not json")
    assert run_archiver("lookup", str(query)).returncode == 0
    next(meta_path.parent.glob("*.codes.npy")).unlink()
    done = run_archiver("lookup", str(query), "--json")
    assert done.returncode == 0 and len(json.loads(done.stdout)["matches"]) == 1


def test_undecodable_media_is_stored_without_hashes_and_says_why(archive_dir, tmp_path):
    fake = tmp_path / "thumb.jpg"
    fake.write_bytes(b"plain bytes that a faulty probe took for a picture")
    record = CaptureRecord(id="c-undecodable", kind="import", started_at="2026-01-01T00:00:00Z",
                           operator="test", tool_versions={})  # fmt: skip
    item = IngestItem(record, [StagedFile(fake, "thumbnail", "thumb.jpg")])
    item.probed = [MediaInfo(mime="image/jpeg", kind="image")]
    with Archive(archive_dir) as archive:
        [stored] = ingest(archive, [item])
        sha = stored.artifacts[0].sha256
    db = sqlite3.connect(archive_dir / "catalog.db")
    assert db.execute("SELECT count(*) FROM captures WHERE id = 'c-undecodable'").fetchone() == (1,)
    status, detail = db.execute(
        "SELECT status, detail FROM perceptual_hash_status WHERE sha256 = ?", [sha]
    ).fetchone()
    assert status == "failed" and "could not decode" in detail
    assert db.execute("SELECT count(*) FROM image_hashes WHERE sha256 = ?", [sha]).fetchone() == (0,)


def test_dupes_groups_copies_across_captures(cli, cli_json, astronaut, footage, tmp_path):
    _, [a] = cli_json("import", str(astronaut), "--source-url", "https://t.me/early/1")
    flipped = edited_jpeg(Image.open(astronaut), "horizontal-flip", tmp_path / "flipped.jpg")
    _, [b] = cli_json("import", str(flipped), "--source-url", "https://x.com/late/status/2")
    _, [v1] = cli_json("import", str(footage["original"]))
    _, [v2] = cli_json("import", str(footage["clip"]))
    _, [_lonely] = cli_json("import", str(footage["unrelated"]))
    code, result = cli_json("dupes")
    assert code == 0
    groups = [
        {cap["capture_id"] for item in c["items"] for cap in item["captures"]} for c in result["clusters"]
    ]
    assert sorted(groups, key=len) == [
        {a["capture_id"], b["capture_id"]},
        {v1["capture_id"], v2["capture_id"]},
    ]
    pictures = next(c for c in result["clusters"] if a["capture_id"] in str(c))
    assert pictures["first_seen"]["capture_id"] == a["capture_id"]
    assert pictures["platforms"] == ["local"]
    code, out, _ = cli("dupes")
    assert code == 0 and "cluster 1" in out


def test_bundle_hashes_json_carries_perceptual_hashes(cli_json, astronaut, footage, tmp_path):
    _, [still] = cli_json("import", str(astronaut), "--case", "c")
    _, [clip] = cli_json("import", str(footage["clip"]), "--case", "c")
    code, _ = cli_json("export", "--case", "c", "-o", str(tmp_path / "bundle"))
    assert code == 0
    captures = tmp_path / "bundle" / "data" / "captures"
    hashes = json.loads((captures / still["capture_id"] / "hashes.json").read_text())
    [entry] = hashes["files"].values()
    assert entry["perceptual"]["pdq"] == hash_image_file(astronaut).pdq_hex
    assert entry["perceptual"]["quality"] == 100 and len(entry["perceptual"]["pdq_dihedral"]) == 8
    hashes = json.loads((captures / clip["capture_id"] / "hashes.json").read_text())
    [entry] = hashes["files"].values()
    frames = entry["perceptual"]["frames"]
    assert len(frames) >= 30 and frames[0]["t"] == 0.0 and len(frames[0]["pdq"]) == 64


def test_capture_hashes_video_and_thumbnail_and_lookup_finds_them(
    site, media, cli_json, archive_dir, tmp_path
):
    site.add("/m/v.mp4", media["mp4"].read_bytes(), "video/mp4")
    site.add("/m/t.jpg", media["jpeg"].read_bytes(), "image/jpeg")
    html = og_page("Convoy", title="Convoy", image=site.url("/m/t.jpg"), video=site.url("/m/v.mp4"))
    url = site.add("/p/convoy", html, "text/html")
    code, [captured] = cli_json("capture", url)
    assert code == 0, captured
    db = sqlite3.connect(archive_dir / "catalog.db")
    thumb_sha = next(a["sha256"] for a in captured["artifacts"] if a["role"] == "thumbnail")
    video_sha = next(a["sha256"] for a in captured["artifacts"] if a["role"] == "media")
    assert db.execute("SELECT count(*) FROM image_hashes WHERE sha256 = ?", [thumb_sha]).fetchone() == (8,)
    assert (
        db.execute("SELECT count(*) FROM video_frame_hashes WHERE sha256 = ?", [video_sha]).fetchone()[0] >= 3
    )
    grey = edited_jpeg(Image.open(media["jpeg"]), "greyscale", tmp_path / "grey-thumb.jpg")
    code, result = cli_json("lookup", str(grey))
    assert code == 0
    [match] = result["matches"]
    assert (match["capture_id"], match["role"], match["url"]) == (captured["capture_id"], "thumbnail", url)


def test_a_still_taken_from_footage_finds_the_video_and_the_moment(cli_json, footage, tmp_path):
    _, [stored] = cli_json("import", str(footage["original"]))
    still = tmp_path / "still.png"
    frames = decoded(footage["original"], 25.0, 25.05)
    Image.fromarray(next(iter(frames))).save(still)
    code, result = cli_json("lookup", str(still))
    assert code == 0
    [match] = result["matches"]
    assert match["capture_id"] == stored["capture_id"] and match["kind"] == "video"
    assert match["time_range"]["start"] == pytest.approx(25.0, abs=1.0)
