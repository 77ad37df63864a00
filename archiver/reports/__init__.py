"""Reports in, targets out: read a report, find what it cites, normalise it."""
