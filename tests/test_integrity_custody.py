"""Issue 9, custody log: rewrites only a copy held elsewhere can reveal, and a key that
reading commands never make or replace.

Each attack is done for real on a real archive (SQLite edits around the append-only
triggers, a new Ed25519 key written into keys/), first shown to pass the plain
`archiver verify`, then caught by `archiver verify --against` with the published
checkpoint or an old bundle.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store.archive_key import key_id
from store.custody import checkpoint_statement
from store.merkle import RootBuilder, leaf_hash
from tests.conftest import run_archiver
from tests.media import write_jpeg

PUBLISHED_KEYS = [
    "schema",
    "tree_size",
    "root_hash",
    "time",
    "key_id",
    "key_fingerprint",
    "public_key",
    "statement",
    "signature",
    "timestamps",
]


def db(archive_dir: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)
    for table in ("custody_events", "checkpoints"):
        for verb in ("update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    return conn


def count(archive_dir: Path, table: str) -> int:
    with sqlite3.connect(archive_dir / "catalog.db") as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def kinds(report: dict) -> set[str]:
    return {f["kind"] for f in report["findings"]}


@pytest.fixture
def two_imports(cli_json, tmp_path) -> list[str]:
    ids = []
    for name in ("coffee", "astronaut"):
        code, [imported] = cli_json("import", str(write_jpeg(tmp_path / f"{name}.jpg", name)))
        assert code == 0, imported
        ids.append(imported["capture_id"])
    return ids


def publish(cli_json, path: Path, *extra: str) -> dict:
    code, summary = cli_json("checkpoint", "publish", "-o", str(path), *extra)
    assert code == 0, summary
    return json.loads(path.read_text())


def verify_against(cli_json, *paths: Path) -> tuple[int, dict]:
    args = [a for p in paths for a in ("--against", str(p))]
    return cli_json("verify", *args)


# --- the key: made only by writers, only before anything was signed ---------------------------


def test_verify_with_keys_deleted_reports_it_and_makes_no_key(two_imports, cli, cli_json, archive_dir):
    shutil.rmtree(archive_dir / "keys")
    code, report = cli_json("verify")
    assert code == 1 and "archive-key-missing" in kinds(report)
    for command in (["log"], ["list"], ["show", two_imports[0]], ["verify"]):
        cli(*command)
    assert not (archive_dir / "keys").exists()


def test_a_writer_refuses_rather_than_mint_a_new_key(two_imports, archive_dir, tmp_path):
    shutil.rmtree(archive_dir / "keys")
    events, captures = count(archive_dir, "custody_events"), count(archive_dir, "captures")
    result = run_archiver("import", str(write_jpeg(tmp_path / "chelsea.jpg", "chelsea")))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "archive key is missing" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (archive_dir / "keys").exists()
    assert (count(archive_dir, "custody_events"), count(archive_dir, "captures")) == (events, captures)


def test_a_writer_refuses_a_key_that_did_not_sign_the_log(two_imports, cli, archive_dir, tmp_path):
    private = archive_dir / "keys" / "archive-ed25519.key"
    private.chmod(0o600)
    private.write_bytes(_new_key_pem())
    (archive_dir / "keys" / "archive-ed25519.pub.pem").unlink()
    events = count(archive_dir, "custody_events")
    code, _, err = cli("note", two_imports[0], "seen")
    assert code == 1 and "is not the one that signed checkpoint" in err
    assert count(archive_dir, "custody_events") == events


def test_the_first_writer_of_a_new_archive_makes_the_key(cli_json, archive_dir, tmp_path):
    code, _ = cli_json("import", str(write_jpeg(tmp_path / "coffee.jpg")))
    assert code == 0 and (archive_dir / "keys" / "archive-ed25519.key").is_file()
    assert (archive_dir / "keys" / "archive-ed25519.pub.pem").is_file()


# --- checkpoint publish ----------------------------------------------------------------------------


def test_published_checkpoint_is_signed_stamped_and_checkable_with_stock_tools(
    two_imports, cli_json, archive_dir, tmp_path, local_tsa
):
    doc = publish(cli_json, tmp_path / "c.json", "--timestamp")
    assert list(doc) == PUBLISHED_KEYS and doc["schema"] == "archiver-checkpoint/1"
    assert doc["tree_size"] == count(archive_dir, "custody_events") - 1  # the stamp came after it
    statement = doc["statement"].encode("ascii")
    assert statement == checkpoint_statement(doc["tree_size"], doc["root_hash"], doc["time"], doc["key_id"])
    key = serialization.load_pem_public_key(doc["public_key"].encode())
    key.verify(bytes.fromhex(doc["signature"]), statement)
    assert doc["key_id"] == key_id(key)
    pem = tmp_path / "key.pem"
    pem.write_text(doc["public_key"])
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pem, "-outform", "DER"], capture_output=True)
    assert doc["key_fingerprint"] == f"SHA256:{hashlib.sha256(der.stdout).hexdigest()}"
    [stamp] = doc["timestamps"]
    (tmp_path / "statement.txt").write_bytes(statement)
    (tmp_path / "token.tsr").write_bytes(base64.b64decode(stamp["token"]))
    checked = subprocess.run(
        ["openssl", "ts", "-verify", "-data", tmp_path / "statement.txt", "-in", tmp_path / "token.tsr",
         "-CAfile", local_tsa.ca_pem],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    code, report = verify_against(cli_json, tmp_path / "c.json")
    assert code == 0 and report["ok"], report
    [against] = report["against"]
    assert against["holds"] and against["tree_size"] == doc["tree_size"]
    assert against["timestamps"][0]["tsa"] == "local"


def test_publish_prints_by_default_and_never_overwrites(two_imports, cli, tmp_path):
    code, out, _ = cli("checkpoint", "publish")
    assert code == 0 and json.loads(out)["schema"] == "archiver-checkpoint/1"
    target = tmp_path / "c.json"
    target.write_text("kept")
    code, _, err = cli("checkpoint", "publish", "-o", str(target))
    assert code == 2 and "never overwritten" in err and target.read_text() == "kept"


def test_publish_without_an_archive_is_a_usage_error(cli, archive_dir):
    code, _, err = cli("checkpoint", "publish")
    assert code == 2 and "there is no archive" in err and not archive_dir.exists()


def test_verify_against_a_file_that_is_not_a_checkpoint(two_imports, cli, tmp_path):
    for content in (b"{}", b"\xff\xfe", b'{"schema": "archiver-checkpoint/1", "tree_size": "3"}'):
        (tmp_path / "bad.json").write_bytes(content)
        code, _, err = cli("verify", "--against", str(tmp_path / "bad.json"))
        assert code == 2 and "is not a usable checkpoint" in err and "Traceback" not in err
    code, _, err = cli("verify", "--against", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read checkpoint" in err


def test_verify_against_a_fifo_does_not_hang(two_imports, cli_json, archive_dir, tmp_path):
    fifo = tmp_path / "checkpoint.json"
    os.mkfifo(fifo)
    bundle = tmp_path / "bundle"
    assert cli_json("export", two_imports[0], "-o", str(bundle))[0] == 0
    planted = bundle / "data" / "custody" / "checkpoint.sig"
    planted.unlink()
    os.mkfifo(planted)
    for target in (fifo, bundle):
        result = run_archiver("verify", "--against", str(target), timeout=60)
        assert result.returncode == 2 and "not a regular file" in result.stderr, result.stderr


def test_against_and_a_bundle_do_not_mix(two_imports, cli, tmp_path):
    code, _, err = cli("verify", str(tmp_path), "--against", str(tmp_path))
    assert code == 2 and "cannot be combined" in err


def test_a_forged_published_checkpoint_is_a_finding(two_imports, cli_json, tmp_path):
    doc = publish(cli_json, tmp_path / "c.json")
    doc["signature"] = "00" * 64
    (tmp_path / "forged.json").write_text(json.dumps(doc))
    code, report = verify_against(cli_json, tmp_path / "forged.json")
    assert code == 1 and kinds(report) == {"published-checkpoint-invalid"}


def test_commands_have_examples(cli):
    for command in (["checkpoint"], ["checkpoint", "publish"], ["verify"]):
        code, out, _ = cli(*command, "--help")
        assert code == 0 and "Example" in out
    assert "--against" in cli("verify", "--help")[1]


# --- the attacks -----------------------------------------------------------------------------------


def test_truncating_the_log_from_its_end(two_imports, cli_json, archive_dir, tmp_path):
    code, _ = cli_json("note", two_imports[1], "Geolocated.")
    assert code == 0
    published = tmp_path / "c.json"
    doc = publish(cli_json, published)
    with db(archive_dir) as conn:
        seq = conn.execute("SELECT seq FROM custody_events WHERE action = 'note'").fetchone()[0]
        _truncate(conn, seq)
    code, report = verify_against(cli_json, published)
    assert code == 1 and kinds(report) == {"log-truncated"}
    assert report["against"][0]["log_size"] < doc["tree_size"]
    code, report = cli_json("verify")
    assert code == 0, report  # nothing inside the archive remembers the note


def test_truncating_then_appending_until_the_log_is_long_again(two_imports, cli_json, archive_dir, tmp_path):
    published = tmp_path / "c.json"
    doc = publish(cli_json, published)
    with db(archive_dir) as conn:
        seq = conn.execute(
            "SELECT min(seq) FROM custody_events WHERE subject = ?", [two_imports[1]]
        ).fetchone()[0]
        _truncate(conn, seq + 1)
        conn.execute("DELETE FROM timestamps WHERE capture_id = ?", [two_imports[1]])
    for i in range(doc["tree_size"]):
        assert cli_json("note", two_imports[1], f"filler {i}")[0] == 0
    assert cli_json("verify")[0] == 0
    code, report = verify_against(cli_json, published)
    assert code == 1 and kinds(report) == {"log-rewritten"}


def test_removing_the_newest_capture_whole(two_imports, cli_json, archive_dir, tmp_path):
    published = tmp_path / "c.json"
    publish(cli_json, published)
    victim = two_imports[1]
    with db(archive_dir) as conn:
        first = conn.execute("SELECT min(seq) FROM custody_events WHERE subject = ?", [victim]).fetchone()[0]
        shas = [r[0] for r in conn.execute("SELECT sha256 FROM artifacts WHERE capture_id = ?", [victim])]
        _truncate(conn, first)
        conn.execute("DELETE FROM timestamps WHERE capture_id = ?", [victim])
        conn.execute("DELETE FROM artifacts WHERE capture_id = ?", [victim])
        conn.execute("DELETE FROM url_salts WHERE capture_id = ?", [victim])
        conn.execute("DELETE FROM captures WHERE id = ?", [victim])
        for sha in shas:
            for table in ("image_hashes", "perceptual_hash_status", "blob_sha512", "blobs"):
                conn.execute(f"DELETE FROM {table} WHERE sha256 = ?", [sha])
    for sha in shas:
        path = archive_dir / "blobs" / sha[:2] / sha[2:4] / sha
        path.chmod(0o644)
        path.unlink()
    code, report = verify_against(cli_json, published)
    assert code == 1 and kinds(report) == {"log-truncated"}
    code, report = cli_json("verify")
    assert code == 0, report


def test_swapping_the_key_and_re_signing_every_checkpoint(two_imports, cli_json, archive_dir, tmp_path):
    published = tmp_path / "c.json"
    old = publish(cli_json, published)
    new_key = _replace_key(archive_dir)
    with db(archive_dir) as conn:
        _re_sign_all(conn, new_key)
    code, report = cli_json("verify")
    assert code == 0, report
    code, report = verify_against(cli_json, published)
    assert code == 1 and kinds(report) == {"key-changed"}
    [finding] = report["findings"]
    assert old["key_id"] in finding["detail"] and key_id(new_key.public_key()) in finding["detail"]


def test_rewriting_an_old_event_with_the_key_in_hand(two_imports, cli_json, archive_dir, tmp_path):
    """Whoever holds the key can rewrite the log and re-sign it; a published copy still tells."""
    code, _ = cli_json("note", two_imports[0], "Seen at the north gate.")
    published = tmp_path / "c.json"
    publish(cli_json, published)
    key = serialization.load_pem_private_key(
        (archive_dir / "keys" / "archive-ed25519.key").read_bytes(), password=None
    )
    with db(archive_dir) as conn:
        seq, leaf = conn.execute("SELECT seq, leaf FROM custody_events WHERE action = 'note'").fetchone()
        event = json.loads(leaf)
        event["detail"]["text"] = "Seen at the south gate."
        new_leaf = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        conn.execute(
            "UPDATE custody_events SET detail = ?, leaf = ?, leaf_hash = ? WHERE seq = ?",
            [json.dumps(event["detail"]), new_leaf, leaf_hash(new_leaf.encode()).hex(), seq],
        )
        _re_sign_all(conn, key)
    code, report = cli_json("verify")
    assert code == 0, report
    code, report = verify_against(cli_json, published)
    assert code == 1 and kinds(report) == {"log-rewritten"}


def test_a_stamped_checkpoint_lets_plain_verify_see_a_key_swap(two_imports, cli_json, archive_dir, tmp_path):
    """The stamp is logged: a later re-signing no longer gives the statement the TSA saw."""
    publish(cli_json, tmp_path / "c.json", "--timestamp")
    code, report = cli_json("verify")
    assert code == 0, report
    with db(archive_dir) as conn:
        _re_sign_all(conn, _replace_key(archive_dir))
    code, report = cli_json("verify")
    assert code == 1 and kinds(report) == {"checkpoint-rewritten"}, report


@pytest.mark.parametrize("form", ["folder", "zip", "checkpoint.txt"])
def test_an_old_bundle_serves_as_the_published_checkpoint(form, two_imports, cli_json, archive_dir, tmp_path):
    bundle = tmp_path / "old-bundle"
    code, _ = cli_json("export", two_imports[0], "-o", str(bundle))
    assert code == 0
    against = {
        "folder": bundle,
        "zip": _zipped(bundle, tmp_path / "old-bundle.zip"),
        "checkpoint.txt": bundle / "data" / "custody" / "checkpoint.txt",
    }[form]
    code, report = verify_against(cli_json, against)
    assert code == 0 and report["against"][0]["holds"], report
    with db(archive_dir) as conn:
        seq = conn.execute("SELECT seq FROM custody_events WHERE action = 'export'").fetchone()[0]
        _truncate(conn, seq)
    code, report = verify_against(cli_json, against)
    assert code == 1 and kinds(report) == {"log-truncated"}
    assert cli_json("verify")[0] == 0


def test_several_published_checkpoints_each_get_a_verdict(two_imports, cli_json, archive_dir, tmp_path):
    first = tmp_path / "first.json"
    publish(cli_json, first)
    assert cli_json("note", two_imports[0], "later")[0] == 0
    second = tmp_path / "second.json"
    publish(cli_json, second)
    code, report = verify_against(cli_json, first, second)
    assert code == 0 and [a["holds"] for a in report["against"]] == [True, True]
    assert report["against"][0]["consistency_proof"]  # a real proof, not just equal roots


# --- helpers that play the attacker ---------------------------------------------------------------


def _truncate(conn: sqlite3.Connection, size: int) -> None:
    """Keep the first ``size`` events and only the checkpoints that sign no more than those."""
    conn.execute("DELETE FROM custody_events WHERE seq >= ?", [size])
    conn.execute("DELETE FROM checkpoints WHERE tree_size > ?", [size])


def _new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _replace_key(archive_dir: Path) -> Ed25519PrivateKey:
    pem = _new_key_pem()
    private = archive_dir / "keys" / "archive-ed25519.key"
    private.chmod(0o600)
    private.write_bytes(pem)
    key = serialization.load_pem_private_key(pem, password=None)
    (archive_dir / "keys" / "archive-ed25519.pub.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key


def _re_sign_all(conn: sqlite3.Connection, key: Ed25519PrivateKey) -> None:
    """Recompute every checkpoint's root from the log as it now is and sign it with ``key``."""
    leaves = [bytes.fromhex(r[0]) for r in conn.execute("SELECT leaf_hash FROM custody_events ORDER BY seq")]
    kid = key_id(key.public_key())
    for cid, size, time in conn.execute("SELECT id, tree_size, time FROM checkpoints").fetchall():
        root = RootBuilder().extend(leaves[:size]).root().hex()
        signature = key.sign(checkpoint_statement(size, root, time, kid)).hex()
        conn.execute(
            "UPDATE checkpoints SET root_hash = ?, key_id = ?, signature = ? WHERE id = ?",
            [root, kid, signature, cid],
        )


def _zipped(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, f"{folder.name}/{path.relative_to(folder)}")
    return target


def test_a_later_checkpoint_over_a_shorter_log_is_inconsistent(two_imports, cli_json, archive_dir):
    """Kept when the audit stopped re-proving every pair of checkpoints (issue 13)."""
    key = serialization.load_pem_private_key(
        (archive_dir / "keys" / "archive-ed25519.key").read_bytes(), password=None
    )
    with db(archive_dir) as conn:
        leaf = bytes.fromhex(conn.execute("SELECT leaf_hash FROM custody_events WHERE seq = 0").fetchone()[0])
        kid, time = key_id(key.public_key()), "2030-01-01T00:00:00Z"
        signature = key.sign(checkpoint_statement(1, leaf.hex(), time, kid)).hex()
        conn.execute(
            "INSERT INTO checkpoints (tree_size, root_hash, time, key_id, signature) VALUES (1, ?, ?, ?, ?)",
            [leaf.hex(), time, kid, signature],
        )
    code, report = cli_json("verify")
    assert code == 1 and kinds(report) == {"checkpoint-inconsistent"}
