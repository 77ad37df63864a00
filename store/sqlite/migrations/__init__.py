"""The catalog schema as an ordered list of named, frozen migrations.

Each migration runs once, inside the transaction that records it in
``schema_migrations``; ``PRAGMA user_version`` mirrors how many have run so that tools
like Datasette can see the schema version at a glance.

A migration that has shipped is never edited, and it calls nothing outside its own
module but the standard library: it is SQL and data written down once. Were it to call
today's application code (the manifest builder, the custody log), an archive upgraded
next year would get different rows from one upgraded today. Features add their tables
by appending a new module here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlite_utils import Database

from store.sqlite.migrations import (
    m0001_core,
    m0002_reports,
    m0003_perceptual_hashes,
    m0004_custody,
    m0005_capture_status,
    m0009_page_text,
    m0010_url_salts,
)

Migration = Callable[[Database], None]


def _migration(statements: Sequence[str], *data_steps: Migration) -> Migration:
    """A migration: its SQL statements in order, then its frozen data steps."""

    def apply(db: Database) -> None:
        for statement in statements:
            db.execute(statement)
        for step in data_steps:
            step(db)

    return apply


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_core", _migration(m0001_core.STATEMENTS)),
    ("0002_reports", _migration(m0002_reports.STATEMENTS)),
    ("0003_perceptual_hashes", _migration(m0003_perceptual_hashes.STATEMENTS)),
    ("0004_custody", _migration(m0004_custody.STATEMENTS, m0004_custody.adopt_existing_captures)),
    ("0005_capture_status", _migration(m0005_capture_status.STATEMENTS)),
    ("0009_page_text", _migration(m0009_page_text.STATEMENTS)),
    ("0010_url_salts", _migration(m0010_url_salts.STATEMENTS)),
]
