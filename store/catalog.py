"""The SQLite catalog: connection settings, migrations, transactions and row access.

One file, WAL mode so readers never block the writer, foreign keys on, and a busy
timeout long enough that several archiver processes can share one archive.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from store.sqlite.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 60_000


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch a new catalog to WAL. Two processes opening a brand-new archive at once race
    for this switch, and SQLite answers "database is locked" to the loser at once, without
    waiting on the busy timeout; so wait and retry here until the other one is done."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class CorruptCatalogError(Exception):
    """The catalog file is not a sound SQLite database (truncated, overwritten, garbage)."""


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A busy or locked database is contention, to be waited out or reported as such."""
    message = str(exc).lower()
    return not any(word in message for word in ("locked", "busy", "unable to open", "readonly"))


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            raise CorruptCatalogError(f"the catalog {self.path} is corrupt ({exc})") from exc

    def _open(self) -> None:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        self.db = Database(conn)
        self.migrate()

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> list[str]:
        """Apply pending migrations; safe when several processes open a new archive at once."""
        if self._pending_migrations() == []:
            return []
        applied: list[str] = []
        with self.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            for name, migration in self._pending_migrations():
                migration(self.db)
                self.db.execute(
                    "INSERT INTO schema_migrations (name, applied_at)"
                    " VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [name],
                )
                applied.append(name)
            count = self.db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
            self.db.execute(f"PRAGMA user_version = {int(count)}")
        return applied

    def _pending_migrations(self) -> list:
        if not self.db["schema_migrations"].exists():
            return list(MIGRATIONS)
        done = {row[0] for row in self.db.execute("SELECT name FROM schema_migrations").fetchall()}
        return [(name, fn) for name, fn in MIGRATIONS if name not in done]

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- rows -------------------------------------------------------------------------

    def insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        values = [_to_sql(v) for v in row.values()]
        cursor = self.db.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({marks})", values)
        return cursor.lastrowid

    def insert_or_ignore(self, table: str, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        values = [_to_sql(v) for v in row.values()]
        self.db.execute(f"INSERT OR IGNORE INTO [{table}] ({columns}) VALUES ({marks})", values)

    def rows(self, sql: str, params: list | tuple | dict = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def one(self, sql: str, params: list | tuple | dict = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def quick_check_errors(self) -> list[str]:
        """SQLite's quick_check (no index cross-checks): cheap enough to run before every write."""
        try:
            rows = self.db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            return [str(exc)]
        return [r[0] for r in rows if r[0] != "ok"]

    def integrity_errors(self) -> list[str]:
        """SQLite's own integrity and foreign-key checks; empty when the file is sound."""
        problems = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        problems += [
            f"{table} row {rowid} points at a missing {parent}"
            for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check").fetchall()
        ]
        return problems


def _to_sql(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
