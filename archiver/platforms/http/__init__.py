"""HTTP machinery the platforms share: the session, polite pacing and retries, the fetch deadline."""
