"""Channel snapshots: captures of a channel's or account's own page, with its facts in their metadata.

`sources sync` compares each new snapshot with the one before it, so it asks for the
newest earlier capture of the same page whose metadata holds channel facts.
"""

from __future__ import annotations

from store.catalog import Catalog


def previous_snapshot(catalog: Catalog, url: str, current_id: str) -> str | None:
    """The id of the newest snapshot of ``url`` other than ``current_id``, or None for a first one."""
    row = catalog.one(
        """SELECT id FROM captures
           WHERE input_url = ? AND id != ? AND json_extract(metadata, '$.channel') IS NOT NULL
           ORDER BY started_at DESC, id DESC LIMIT 1""",
        [url, current_id],
    )
    return row["id"] if row else None
