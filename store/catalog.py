"""The SQLite catalog: connection settings, migrations, transactions and row access.

One file, WAL mode so readers never block the writer, foreign keys on, and a busy
timeout long enough that several archiver processes can share one archive.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store.sqlite import Database
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

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"the catalog {path} is corrupt ({problem})")
        self.problem = problem


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A busy or locked database is contention, to be waited out or reported as such."""
    message = str(exc).lower()
    return not any(word in message for word in ("locked", "busy", "unable to open", "readonly"))


class OutdatedCatalogError(Exception):
    """A reader found migrations still to run: it may not run them, and the tables it would
    query may not exist yet."""


class Catalog:
    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """``readonly`` opens the file as it is, for commands that only read: no WAL switch,
        nothing written (see :func:`_readonly_connection`); pending migrations still run
        first where the file is writable, as an old archive must stay readable."""
        self.path = Path(path)
        try:
            if readonly:
                self._open_readonly()
            else:
                self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            raise CorruptCatalogError(self.path, str(exc)) from exc

    def _open_readonly(self) -> None:
        problem = header_problem(self.path)
        if problem:
            raise CorruptCatalogError(self.path, problem)
        self.db = Database(_readonly_connection(self.path))
        if not self._pending_migrations():
            return
        self.db.close()
        if _writable(self.path):  # upgrading an archive is not making one: do it as writers do
            Catalog(self.path).close()
            self.db = Database(_readonly_connection(self.path))
            return
        raise OutdatedCatalogError(
            f"the catalog {self.path} predates this archiver's schema; run a writing command"
            " (such as `archiver timestamp`) once on writable storage to upgrade it"
        )

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
        """A write transaction that takes the write lock up front (no upgrade deadlocks).

        BEGIN sits inside the try: a Ctrl-C landing as it returns must still roll back, or
        the open transaction makes the next BEGIN (the checkpoint written on close) fail.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield self.db
        except BaseException:
            self.abandon_open_transaction()
            raise
        self.db.execute("COMMIT")

    def abandon_open_transaction(self) -> None:
        """Roll back whatever an interrupted block left open; nothing uncommitted is kept."""
        if self.db.conn.in_transaction:
            self.db.execute("ROLLBACK")

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


def _readonly_connection(path: Path) -> sqlite3.Connection:
    """``mode=ro`` never writes the database; ``immutable=1`` is added where the file or its
    folder cannot be written (read-only media, a write-protected copy), as WAL readers
    otherwise need to create the ``-shm`` file beside it and the open fails. Immutable means
    no other process may change the file meanwhile, which read-only storage guarantees."""
    uri = path.resolve().as_uri() + "?mode=ro" + ("" if _writable(path) else "&immutable=1")
    conn = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = ON")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema: garbage fails here
    return conn


def _writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


_MAGIC = b"SQLite format 3\x00"


def header_problem(path: Path) -> str | None:
    """What the 100-byte SQLite header says is wrong with the file, without reading further:
    garbage has no magic string, and a truncated file is shorter than the pages its header
    counts. Cheap enough for every read command (a full quick_check reads the whole file)."""
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    counted_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    if counted_valid and not (wal.is_file() and wal.stat().st_size > 0):
        size = path.stat().st_size
        if size < page_count * page_size:
            return f"truncated: {size} bytes of the {page_count * page_size} its header declares"
    return None


def _to_sql(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value
