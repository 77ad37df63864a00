"""Migration 0009: the visible text of a captured page, kept with its capture and searched.

Frozen. The full-text table of 0001 cannot gain a column in place, so it is dropped and made
again with ``page_text`` added, then rebuilt from the captures it indexes: captures made
before this step have no page text (their pages are stored, and a later step may fill it
in), so for them the search finds what it found before.
"""

from __future__ import annotations

_FTS_COLUMNS = (
    '"title", "post_text", "input_url", "final_url", "author", "handle", "case_name", "note", "page_text"'
)
_INDEX = (
    f'INSERT INTO "captures_fts" (rowid, {_FTS_COLUMNS}) VALUES (new.rowid, '
    + ", ".join(f"new.{c}" for c in _FTS_COLUMNS.split(", "))
    + ");"
)
_UNINDEX = (
    f'INSERT INTO "captures_fts" ("captures_fts", rowid, {_FTS_COLUMNS}) VALUES (\'delete\', old.rowid, '
    + (", ".join(f"old.{c}" for c in _FTS_COLUMNS.split(", ")) + ");")
)
# the same three triggers as 0001's, over the new column list: (suffix, event, what they do)
_TRIGGERS = (("ai", "INSERT", [_INDEX]), ("ad", "DELETE", [_UNINDEX]), ("au", "UPDATE", [_UNINDEX, _INDEX]))

STATEMENTS = (
    "ALTER TABLE captures ADD COLUMN page_text TEXT",  # what a reader of the page saw, no markup
    *(f'DROP TRIGGER "captures_{suffix}"' for suffix, _, _ in _TRIGGERS),
    'DROP TABLE "captures_fts"',
    f'CREATE VIRTUAL TABLE "captures_fts" USING FTS5 ({_FTS_COLUMNS}, '
    "tokenize='unicode61 remove_diacritics 2', content=\"captures\")",
    *(
        f'CREATE TRIGGER "captures_{suffix}" AFTER {event} ON "captures" BEGIN\n  '
        + "\n  ".join(steps)
        + "\nEND"
        for suffix, event, steps in _TRIGGERS
    ),
    """INSERT INTO "captures_fts" ("captures_fts") VALUES ('rebuild')""",
)
