"""Timestamps, the custody log and `archiver verify`: a real archive, a real local TSA, then tampering.

Each kind of tampering must be caught and named (which blob, which row, which event,
which token), and a clean archive must verify clean.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from archiver.audit.archive import audit_archive
from archiver.settings import load_config
from archiver.timestamps.authorities import Authority
from archiver.timestamps.tokens import request_token
from store import Archive
from store.catalog import Catalog
from store.custody import log_failed_attempt
from store.manifest import capture_manifest
from tests.media import write_jpeg
from tests.tsa import LocalTSA, tsa_config


@pytest.fixture
def archived(site, media, cli_json, tmp_path) -> dict[str, str]:
    """One web capture (page + video + WARC) and one import, both stamped by the local TSA."""
    site.add("/v/clip.mp4", media["mp4"].read_bytes(), "video/mp4")
    html = b"<html><head><title>Citadel</title></head><body><video src='/v/clip.mp4'></video></body></html>"
    code, [captured] = cli_json("capture", site.add("/post/7", html, "text/html"))
    assert code == 0 and captured["timestamped"] is True, captured
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    code, [imported] = cli_json("import", str(still), "--note", "from a partner")
    assert code == 0 and imported["timestamped"] is True, imported
    video = next(a["sha256"] for a in captured["artifacts"] if a["role"] == "media")
    return {"capture": captured["capture_id"], "import": imported["capture_id"], "video": video}


def verify(cli_json) -> tuple[int, set[tuple[str, str]], dict]:
    code, report = cli_json("verify")
    assert set(report) == {"ok", "findings"}
    assert report["ok"] == (code == 0)
    return code, {(f["kind"], f["object"]) for f in report["findings"]}, report


def db(archive_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)


def blob_path(archive_dir: Path, sha: str) -> Path:
    return archive_dir / "blobs" / sha[:2] / sha[2:4] / sha


def test_clean_archive_verifies_and_the_audit_is_logged(archived, cli_json, archive_dir):
    code, found, _ = verify(cli_json)
    assert code == 0 and found == set()
    code, log = cli_json("log")
    actions = [(e["action"], e["subject"]) for e in log["events"]]
    assert ("capture", archived["capture"]) in actions and ("import", archived["import"]) in actions
    assert ("timestamp", archived["capture"]) in actions and ("timestamp", archived["import"]) in actions
    assert actions[-1] == ("verify", "archive")
    assert [e["seq"] for e in log["events"]] == list(range(len(log["events"])))
    assert log["checkpoint"]["tree_size"] == len(log["events"])
    key = archive_dir / "keys" / "archive-ed25519.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (archive_dir / "keys" / "archive-ed25519.pub.pem").is_file()
    capture_event = next(e for e in log["events"] if e["subject"] == archived["capture"])
    assert archived["video"] in capture_event["hashes"]


def test_flipped_byte_in_a_blob(archived, cli_json, archive_dir):
    path = blob_path(archive_dir, archived["video"])
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, found, report = verify(cli_json)
    assert code == 1 and ("blob-corrupt", archived["video"]) in found
    detail = next(f["detail"] for f in report["findings"] if f["kind"] == "blob-corrupt")
    assert archived["capture"] in detail


def test_deleted_blob(archived, cli_json, archive_dir):
    blob_path(archive_dir, archived["video"]).unlink()
    code, found, _ = verify(cli_json)
    assert code == 1 and ("blob-missing", archived["video"]) in found


def test_extra_blob_file(archived, cli_json, archive_dir):
    sha = "ab" * 32
    path = blob_path(archive_dir, sha)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"planted")
    code, found, _ = verify(cli_json)
    assert code == 1 and ("blob-extra", sha) in found


def test_edited_catalog_rows(archived, cli_json, archive_dir):
    with db(archive_dir) as conn:
        conn.execute("UPDATE blobs SET mime = 'image/png' WHERE sha256 = ?", [archived["video"]])
        conn.execute("UPDATE captures SET title = 'Something else' WHERE id = ?", [archived["import"]])
    code, found, report = verify(cli_json)
    assert code == 1
    assert ("catalog-row-edited", archived["capture"]) in found
    assert ("catalog-row-edited", archived["import"]) in found
    detail = next(
        f["detail"]
        for f in report["findings"]
        if f["kind"] == "catalog-row-edited" and f["object"] == archived["capture"]
    )
    assert "mime is 'image/png', logged 'video/mp4'" in detail
    assert any(kind == "timestamp-mismatch" and archived["import"] in obj for kind, obj in found)


def test_edited_blob_size(archived, cli_json, archive_dir):
    with db(archive_dir) as conn:
        conn.execute("UPDATE blobs SET size = size + 1 WHERE sha256 = ?", [archived["video"]])
    code, found, _ = verify(cli_json)
    assert ("catalog-row-edited", f"blobs/{archived['video']}") in found


def _event(conn: sqlite3.Connection, subject: str, action: str) -> tuple[int, str]:
    return conn.execute(
        "SELECT seq, leaf FROM custody_events WHERE subject = ? AND action = ?", [subject, action]
    ).fetchone()


def test_careless_rewrite_of_a_custody_event(archived, cli_json, archive_dir):
    with db(archive_dir) as conn:
        conn.execute("DROP TRIGGER custody_events_no_update")
        seq, _ = _event(conn, archived["import"], "import")
        conn.execute("UPDATE custody_events SET actor = 'someone else' WHERE seq = ?", [seq])
    code, found, _ = verify(cli_json)
    assert code == 1 and ("custody-event-rewritten", f"custody event {seq}") in found


def test_careful_rewrite_of_a_custody_event_breaks_the_signed_root(archived, cli_json, archive_dir):
    """Leaf, leaf hash and columns all rewritten consistently: only the signed checkpoints tell."""
    from store.merkle import leaf_hash

    with db(archive_dir) as conn:
        conn.execute("DROP TRIGGER custody_events_no_update")
        seq, leaf = _event(conn, archived["import"], "import")
        event = json.loads(leaf)
        event["actor"] = "someone else"
        new_leaf = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        conn.execute(
            "UPDATE custody_events SET actor = ?, leaf = ?, leaf_hash = ? WHERE seq = ?",
            ["someone else", new_leaf, leaf_hash(new_leaf.encode()).hex(), seq],
        )
    code, found, _ = verify(cli_json)
    assert code == 1
    # the signed checkpoints bound the rewrite to the events one command added
    assert any(kind == "custody-event-rewritten" and names_event(obj, seq) for kind, obj in found), found


def names_event(obj: str, seq: int) -> bool:
    """'custody event 7' or 'custody events 6 to 7'."""
    numbers = [int(w) for w in obj.split() if w.isdigit()]
    return numbers[0] <= seq <= numbers[-1] and numbers[-1] - numbers[0] <= 2


def test_removed_custody_event(archived, cli_json, archive_dir):
    with db(archive_dir) as conn:
        conn.execute("DROP TRIGGER custody_events_no_delete")
        seq, _ = _event(conn, archived["capture"], "timestamp")
        conn.execute("DELETE FROM custody_events WHERE seq = ?", [seq])
    code, found, _ = verify(cli_json)
    assert code == 1 and ("custody-event-missing", f"custody event {seq}") in found


def test_log_refuses_edits_through_sql(archived, archive_dir):
    with db(archive_dir) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM custody_events")


def _swap_token(archive_dir: Path, capture_id: str, der: bytes) -> int:
    with db(archive_dir) as conn:
        row_id = conn.execute("SELECT id FROM timestamps WHERE capture_id = ?", [capture_id]).fetchone()[0]
        conn.execute("UPDATE timestamps SET token = ? WHERE id = ?", [der, row_id])
    return row_id


def test_token_from_a_different_tsa_key(archived, cli_json, archive_dir, tmp_path):
    rogue = LocalTSA(tmp_path / "rogue", name="Rogue TSA")
    try:
        catalog = Catalog(archive_dir / "catalog.db")
        manifest = capture_manifest(catalog, archived["capture"])
        catalog.close()
        token = request_token(Authority("rogue", rogue.url, (rogue.ca_pem,)), manifest, 5)
    finally:
        rogue.close()
    row_id = _swap_token(archive_dir, archived["capture"], token.der)
    code, found, _ = verify(cli_json)
    name = f"timestamp {row_id} (local, capture {archived['capture']})"
    assert code == 1 and ("timestamp-invalid", name) in found and ("timestamp-row-edited", name) in found


def test_token_over_a_different_manifest(archived, cli_json, archive_dir, local_tsa):
    token = request_token(Authority("local", local_tsa.url, (local_tsa.ca_pem,)), b'{"other":"manifest"}', 5)
    row_id = _swap_token(archive_dir, archived["capture"], token.der)
    code, found, _ = verify(cli_json)
    assert (
        code == 1
        and ("timestamp-mismatch", f"timestamp {row_id} (local, capture {archived['capture']})") in found
    )


def test_deleted_token(archived, cli_json, archive_dir):
    with db(archive_dir) as conn:
        conn.execute("DELETE FROM timestamps WHERE capture_id = ?", [archived["import"]])
    code, found, _ = verify(cli_json)
    assert code == 1 and ("timestamp-missing", f"capture {archived['import']}") in found


def test_unreachable_tsa_does_not_fail_the_capture(site, media, cli_json, local_tsa, tmp_path, monkeypatch):
    offline = tmp_path / "offline.toml"
    offline.write_text(tsa_config({"local": local_tsa}, unreachable=True))
    monkeypatch.setenv("ARCHIVER_CONFIG", str(offline))
    code, [result] = cli_json("capture", site.add("/p.jpg", media["jpeg"].read_bytes(), "image/jpeg"))
    assert code == 0 and result["status"] == "ok" and result["timestamped"] is False
    assert cli_json("show", result["capture_id"])[1]["timestamps"] == []
    code, report = cli_json("timestamp")
    assert code == 1 and report["stamped"] == 0 and report["failed"] == 1
    online = tmp_path / "online.toml"
    online.write_text(tsa_config({"local": local_tsa}))
    monkeypatch.setenv("ARCHIVER_CONFIG", str(online))
    code, report = cli_json("timestamp")
    assert code == 0 and report["stamped"] == 1 and report["results"][0]["capture_id"] == result["capture_id"]
    code, report = cli_json("timestamp")
    assert code == 0 and report["results"] == []
    [stamp] = cli_json("show", result["capture_id"])[1]["timestamps"]
    assert stamp["tsa_name"] == "local" and stamp["gen_time"] and stamp["serial"]
    code, found, _ = verify(cli_json)
    assert code == 0, found


def test_token_of_a_tsa_without_roots_is_kept_and_reported_unverifiable(
    site, media, cli_json, local_tsa, tmp_path, monkeypatch
):
    config = tmp_path / "noroot.toml"
    config.write_text(f'[timestamp]\n[[timestamp.tsa]]\nname = "bare"\nurl = "{local_tsa.url}"\nroots = []\n')
    monkeypatch.setenv("ARCHIVER_CONFIG", str(config))
    code, [result] = cli_json("capture", site.add("/p.jpg", media["jpeg"].read_bytes(), "image/jpeg"))
    assert code == 0 and result["timestamped"] is True
    code, found, report = verify(cli_json)
    assert code == 1 and [f["kind"] for f in report["findings"]] == ["timestamp-unverifiable"]


def test_note_is_logged_against_the_capture(archived, cli, cli_json):
    code, event = cli_json("note", archived["capture"][:20], "Geolocated to the north gate.")
    assert code == 0 and event["action"] == "note" and event["subject"] == archived["capture"]
    code, log = cli_json("log", archived["capture"])
    assert [e["action"] for e in log["events"]][-1] == "note"
    assert all(e["subject"] == archived["capture"] for e in log["events"])
    code, _, err = cli("note", "no-such-capture", "text")
    assert code == 1 and "no capture with id" in err
    code, found, _ = verify(cli_json)
    assert code == 0, found


def test_verify_without_an_archive_is_a_usage_error(cli, archive_dir):
    code, _, err = cli("verify")
    assert code == 2 and "there is no archive" in err and not archive_dir.exists()


def test_commands_have_examples(cli):
    for command in ("log", "note", "timestamp", "verify"):
        code, out, _ = cli(command, "--help")
        assert code == 0 and "Example" in out


def test_a_folder_import_costs_each_tsa_one_request(media, cli_json, archive_dir, local_tsa, tmp_path):
    folder = tmp_path / "footage"
    folder.mkdir()
    for i, name in enumerate(("coffee", "astronaut", "chelsea")):
        write_jpeg(folder / f"{i}.jpg", name)
    before = local_tsa.requests
    code, imported = cli_json("import", str(folder))
    assert code == 0 and all(i["timestamped"] for i in imported)
    assert local_tsa.requests == before + 1
    code, found, _ = verify(cli_json)
    assert code == 0, found
    with db(archive_dir) as conn:
        conn.execute("UPDATE captures SET title = 'renamed' WHERE id = ?", [imported[1]["capture_id"]])
        row_id = conn.execute(
            "SELECT id FROM timestamps WHERE capture_id = ?", [imported[1]["capture_id"]]
        ).fetchone()[0]
    code, found, _ = verify(cli_json)
    name = f"timestamp {row_id} (local, capture {imported[1]['capture_id']})"
    assert ("timestamp-mismatch", name) in found
    assert not any(imported[0]["capture_id"] in obj for _, obj in found)


def test_catching_up_stamps_every_pending_capture_in_one_request(
    media, cli_json, local_tsa, tmp_path, monkeypatch
):
    offline = tmp_path / "offline.toml"
    offline.write_text(tsa_config({"local": local_tsa}, unreachable=True))
    monkeypatch.setenv("ARCHIVER_CONFIG", str(offline))
    for name in ("coffee", "chelsea"):
        code, [result] = cli_json("import", str(write_jpeg(tmp_path / f"{name}.jpg", name)))
        assert code == 0 and result["timestamped"] is False
    monkeypatch.setenv("ARCHIVER_CONFIG", str(tmp_path / "online.toml"))
    (tmp_path / "online.toml").write_text(tsa_config({"local": local_tsa}))
    before = local_tsa.requests
    code, report = cli_json("timestamp")
    assert code == 0 and report["stamped"] == 2 and local_tsa.requests == before + 1
    code, found, _ = verify(cli_json)
    assert code == 0, found


def test_captures_made_before_the_custody_log_are_adopted_once(archived, cli_json, archive_dir):
    """An archive from before migration 0004: its captures get one 'adopted' event each."""
    with db(archive_dir) as conn:
        for table in ("custody_events", "checkpoints", "timestamps", "timestamp_batches", "blob_sha512"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0004_custody'")
    for key in (archive_dir / "keys").iterdir():
        key.unlink()
    code, log = cli_json("log")
    assert code == 0
    adopted = {e["subject"] for e in log["events"] if e["detail"].get("adopted")}
    assert adopted == {archived["capture"], archived["import"]}
    code, found, _ = verify(cli_json)
    assert code == 0, found
    code, report = cli_json("timestamp")
    assert code == 0 and report["stamped"] == 2


def test_audit_waits_for_a_writer_between_blob_and_row(archived, archive_dir):
    """A writer has put a blob but not yet committed its row: the audit must not see half of it."""
    writer, auditor = Archive(archive_dir), Archive(archive_dir)
    found: list = []
    with writer.write_lock():
        blob = writer.blobs.put_bytes(b"what the server answered")
        audit = threading.Thread(
            target=lambda: found.extend(audit_archive(auditor, load_config(archive_dir)))
        )
        audit.start()
        audit.join(timeout=1.0)
        assert audit.is_alive()  # waiting for the writer to commit
        with writer.catalog.transaction():
            writer.catalog.insert(
                "blobs",
                {
                    "sha256": blob.sha256,
                    "size": blob.size,
                    "mime": "application/warc",
                    "kind": "data",
                    "first_stored_at": "2026-01-01T00:00:00Z",
                },
            )
            writer.catalog.insert(
                "failed_attempts",
                {
                    "id": "attempt-1",
                    "url": "http://example.invalid/",
                    "started_at": "2026-01-01T00:00:00Z",
                    "ended_at": "2026-01-01T00:00:01Z",
                    "error_kind": "fetch",
                    "error": "gone",
                    "operator": "test",
                    "tool_versions": "{}",
                    "warc_sha256": blob.sha256,
                },
            )
            log_failed_attempt(writer.catalog, "attempt-1")
    audit.join()
    writer.close()
    auditor.close()
    assert found == []
