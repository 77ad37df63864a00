"""`archiver rebuild-catalog`"""

from __future__ import annotations

import click

from archiver.catalog_rebuild import rebuild_catalog
from archiver.cliutil import archive_option, archive_root, friendly_errors, json_option, print_json
from archiver.errors import UsageError
from archiver.settings import load_config


@click.command("rebuild-catalog")
@archive_option
@json_option
@friendly_errors
def rebuild_catalog_command(archive_dir: str | None, as_json: bool) -> None:
    """Rebuild a lost catalog.db from the archive's blob files, when there is no backup.

    Restore catalog.db from a backup if you have one: a rebuild keeps only what the
    blob files themselves carry. Every blob whose bytes still match its SHA-256 becomes
    one recovered item (an import noted as recovered) with its file type, media facts
    and perceptual hashes, so show, lookup and export find it again. Lost for good:
    capture details (URLs, authors, post text, times, cases), which files formed one
    capture, failed attempts, reports, timestamp tokens, and the custody log and
    checkpoints from before (a new log starts with a catalog-rebuilt event, signed by
    the archive key). An existing catalog.db with rows is never replaced; an empty or
    unreadable one is moved aside, never deleted. Run it with no other archiver
    process using the archive.

    \b
    Example:
      archiver rebuild-catalog --archive ./archive --json
    """
    root = archive_root(archive_dir)
    if not (root / "blobs").is_dir():
        raise UsageError(f"there is no archive at {root} (no blobs/ folder to rebuild from)")
    result = rebuild_catalog(root, load_config(root))
    if as_json:
        print_json(result.as_json())
        return
    click.echo(
        f"rebuilt {result.catalog}: {len(result.recovered)} item(s) recovered from {result.blobs} blob(s), "
        f"{result.bytes:,} bytes"
    )
    if result.previous_catalog:
        click.echo(f"the previous catalog file was kept as {result.previous_catalog}")
    if result.corrupt_blobs:
        count = len(result.corrupt_blobs)
        click.echo(f"not recovered: {count} blob(s) whose bytes no longer match their name")
    click.echo("lost (only a backup of catalog.db holds them): " + "; ".join(result.as_json()["lost"]))
