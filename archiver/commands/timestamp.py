"""`archiver timestamp`"""

from __future__ import annotations

import sys

import click

from archiver.cliutil import archive_option, friendly_errors, json_option, open_archive, print_json
from archiver.errors import UsageError
from archiver.settings import load_config
from archiver.timestamps.authorities import authorities
from archiver.timestamps.stamping import pending_captures, stamp_captures


@click.command("timestamp")
@archive_option
@json_option
@friendly_errors
def timestamp_command(archive_dir: str | None, as_json: bool) -> None:
    """Timestamp every capture that a configured TSA has not stamped yet.

    Captures made offline, or while a TSA was down, are stored untimestamped; this
    asks each configured RFC 3161 authority again for each of them. Exit status 0 when
    nothing is left pending, 1 when some TSA still could not stamp.

    \b
    Example:
      archiver timestamp --json
    """
    with open_archive(archive_dir) as archive:
        config = load_config(archive.root)
        if not authorities(config):
            raise UsageError("no time-stamping authority is configured ([[timestamp.tsa]] in the config)")
        results = stamp_captures(archive, pending_captures(archive, config), config, retry_now=True)
    failed = [r for r in results if r.status != "stamped"]
    if as_json:
        print_json(
            {
                "stamped": sum(r.status == "stamped" for r in results),
                "failed": len(failed),
                "results": [r.as_json() for r in results],
            }
        )
    else:
        for r in results:
            tail = f"genTime {r.gen_time}" if r.status == "stamped" else r.error
            click.echo(f"{r.status:<8} {r.capture_id}  {r.tsa}  {tail}")
        if not results:
            click.echo("nothing pending: every capture is stamped by every configured TSA")
    sys.exit(1 if failed else 0)
