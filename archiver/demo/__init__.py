"""The offline demo: a replay server of recorded platform responses, and the walk-through."""
