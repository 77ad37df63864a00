"""The SQLite catalog's own parts: its migrations (frozen, numbered steps)."""
