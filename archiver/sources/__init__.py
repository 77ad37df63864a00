"""Named sources (channels, accounts) that reports cite and that can be followed."""
