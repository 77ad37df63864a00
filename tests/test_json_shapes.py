"""The documented JSON shapes of lookup, dupes, log and verify are a contract: their keys, in order.

`--json` output is printed with its keys in insertion order, so moving a command onto typed
records must give back exactly these keys in exactly this order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PIL import Image

from tests.edits import edited_jpeg
from tests.media import photo

APPEARANCE = ["capture_id", "role", "url", "platform", "author", "handle", "captured_at", "post_time"]
MATCH_HEAD = ["capture_id", "sha256", "match", "kind", "role", "distance", "score"]
MATCH_TAIL = ["url", "platform", "author", "handle", "title", "captured_at", "post_time", "first_seen"]
FIRST_SEEN = [
    "sha256", "role", "name", "capture_id", "url", "platform", "author", "handle", "captured_at",
    "post_time", "title", "kind",
]  # fmt: skip
EVENT = ["seq", "time", "actor", "action", "subject", "hashes", "detail"]


def _two_copies(cli_json, tmp_path: Path) -> tuple[Path, list[str]]:
    original = tmp_path / "astronaut.jpg"
    Image.fromarray(photo("astronaut")).save(original, quality=92)
    flipped = edited_jpeg(Image.open(original), "horizontal-flip", tmp_path / "flipped.jpg")
    ids = []
    for path, url in ((original, "https://t.me/early/1"), (flipped, "https://x.com/late/status/2")):
        code, [done] = cli_json("import", str(path), "--source-url", url)
        assert code == 0, done
        ids.append(done["capture_id"])
    return original, ids


def test_lookup_dupes_and_log_keep_their_keys_in_order(cli_json, tmp_path):
    original, ids = _two_copies(cli_json, tmp_path)
    code, result = cli_json("lookup", str(original))
    assert code == 0 and list(result) == ["query", "matches"]
    exact, near = result["matches"]
    assert exact["match"] == "exact" and near["match"] == "near"
    assert list(exact) == MATCH_HEAD + MATCH_TAIL
    assert list(near) == [*MATCH_HEAD, "variant", *MATCH_TAIL]

    code, dupes = cli_json("dupes")
    [cluster] = dupes["clusters"]
    assert list(cluster) == ["cluster", "capture_count", "first_seen", "platforms", "accounts", "items"]
    assert list(cluster["first_seen"]) == FIRST_SEEN
    assert [list(c) for item in cluster["items"] for c in item["captures"]] == [APPEARANCE, APPEARANCE]

    code, log = cli_json("log")
    assert code == 0 and list(log) == ["events", "checkpoint"]
    assert {tuple(e) for e in log["events"]} == {tuple(EVENT)}
    assert list(log["checkpoint"]) == ["id", "tree_size", "root_hash", "time", "key_id", "signature"]
    code, note = cli_json("note", ids[0], "seen")
    assert code == 0 and list(note) == EVENT


def test_verify_findings_keep_their_keys_in_order(cli_json, tmp_path, archive_dir):
    _two_copies(cli_json, tmp_path)
    code, report = cli_json("verify")
    assert code == 0 and report == {"ok": True, "findings": []}
    conn = sqlite3.connect(archive_dir / "catalog.db", isolation_level=None)
    conn.execute("UPDATE captures SET title = 'edited'")
    conn.close()
    code, report = cli_json("verify")
    assert code == 1 and list(report) == ["ok", "findings"] and report["ok"] is False
    assert {tuple(f) for f in report["findings"]} == {("kind", "object", "detail")}
