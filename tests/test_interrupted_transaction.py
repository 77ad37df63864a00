"""A Ctrl-C landing just as a BEGIN returns leaves no transaction open behind it.

CI caught it: an export interrupted there left the transaction open, and the checkpoint
the archive writes on close then failed with "cannot start a transaction within a
transaction", which the CLI reported as an unreadable catalog (exit 2) instead of exit 130.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Archive
from store.custody import append_event
from tests.conftest import run_archiver


@pytest.fixture
def keyed_archive(tmp_path: Path) -> Path:
    note = tmp_path / "note.txt"
    note.write_text("a file to import\n", encoding="utf-8")
    root = tmp_path / "archive"
    assert run_archiver("import", str(note), "--archive", str(root)).returncode == 0
    return root


def interrupt_after(archive: Archive, statement: str) -> None:
    """Have the statement run, then a KeyboardInterrupt arrive before the next line."""
    real = archive.catalog.db.execute

    def execute(sql: str, *args: object):
        result = real(sql, *args)
        if sql == statement:
            raise KeyboardInterrupt
        return result

    archive.catalog.db.execute = execute  # type: ignore[method-assign]


def events(root: Path) -> int:
    with Archive(root, readonly=True) as archive:
        return archive.catalog.db.execute("SELECT count(*) FROM custody_events").fetchone()[0]


def test_an_interrupt_as_begin_returns_rolls_back(keyed_archive):
    before = events(keyed_archive)
    archive = Archive(keyed_archive)
    interrupt_after(archive, "BEGIN IMMEDIATE")
    with pytest.raises(KeyboardInterrupt), archive.catalog.transaction():
        append_event(archive.catalog, action="note", actor="test", subject="archive", hashes=[], detail={})
    assert not archive.catalog.db.conn.in_transaction
    del archive.catalog.db.execute  # the real one again
    archive.close()  # its checkpoint can begin its own transaction
    assert events(keyed_archive) == before


def test_close_after_a_block_left_a_transaction_open_keeps_nothing_of_it(keyed_archive):
    before = events(keyed_archive)
    archive = Archive(keyed_archive)
    archive.catalog.db.execute("BEGIN IMMEDIATE")  # as if interrupted before its try
    append_event(archive.catalog, action="note", actor="test", subject="archive", hashes=[], detail={})
    archive.close()
    assert events(keyed_archive) == before


def test_an_interrupt_as_the_audit_snapshot_begins_leaves_it_closed(keyed_archive):
    archive = Archive(keyed_archive)
    interrupt_after(archive, "BEGIN")
    with pytest.raises(KeyboardInterrupt), archive.snapshot():
        pass
    assert not archive.catalog.db.conn.in_transaction
    archive.close()
