"""Migration 0005: whether a capture holds everything the post showed, and what it lacks.

Frozen. A capture is ``ok`` or ``incomplete``; ``missing`` lists, as JSON, each item the
post showed that the capture could not fetch, with why (``[{"what": "video", "reason":
"..."}]``). Captures made before this step got what they got and said "ok": they keep
that, with an empty list, and their manifests (version 1) do not include either column.
"""

from __future__ import annotations

STATEMENTS = (
    """ALTER TABLE captures ADD COLUMN status TEXT NOT NULL DEFAULT 'ok'
           CHECK (status IN ('ok', 'incomplete'))""",
    "ALTER TABLE captures ADD COLUMN missing TEXT NOT NULL DEFAULT '[]'",  # JSON list of {what, reason}
    "CREATE INDEX captures_status ON captures(status)",
)
