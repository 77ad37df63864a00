"""`archiver recapture ID...|--incomplete`: capture an earlier capture's URL again.

A capture is evidence of what a URL served at one time, so a retry never replaces it: it
becomes a new capture of the same URL, its note naming the one it retries, and both stay.
"""

from __future__ import annotations

import click

from archiver.cliutil import (
    archive_option,
    checked_id,
    fetching_settings,
    friendly_errors,
    json_option,
    network_options,
    open_archive,
)
from archiver.commands.capture import Target, exit_with, run_captures
from archiver.errors import UsageError
from store import Archive
from store.queries import capture_detail, incomplete_captures


@click.command("recapture")
@click.argument("capture_ids", nargs=-1, metavar="[ID...]")
@click.option("--incomplete", "every_incomplete", is_flag=True, help="Every capture listed as incomplete.")
@network_options
@archive_option
@json_option
@friendly_errors
def recapture_command(
    capture_ids: tuple[str, ...], every_incomplete: bool, archive_dir: str | None, as_json: bool
) -> None:
    """Capture the URL of earlier captures again, as new captures; the earlier ones stay.

    Use it for a capture `archiver list --incomplete` shows (a video the platform would
    not serve then, a media link that had expired) or for any capture worth repeating.
    IDs may be shortened to any unique prefix. The output is the same as `capture`'s.
    Exit status: 0 when every new capture is complete, 1 when any failed or is incomplete,
    2 on bad input.

    \b
    Example:
      archiver recapture 20261125-101500-1a2b3c4d
      archiver recapture --incomplete --json
    """
    if bool(capture_ids) == every_incomplete:
        raise UsageError("name the captures to recapture by ID, or give --incomplete, not both")
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    with archive:
        targets = _incomplete(archive) if every_incomplete else [_target(archive, i) for i in capture_ids]
        outcomes = run_captures(archive, targets, config, as_json=as_json)
    exit_with(outcomes, as_json=as_json)


def _incomplete(archive: Archive) -> list[Target]:
    return [_retry(row) for row in incomplete_captures(archive.catalog)]


def _target(archive: Archive, capture_id: str) -> Target:
    row = capture_detail(archive.catalog, checked_id(capture_id))
    if row is None or "input_url" not in row:
        raise UsageError(f"no capture with id {capture_id}")
    if not row["input_url"]:
        raise UsageError(f"capture {row['id']} is an import of local files: it has no URL to fetch again")
    return _retry(row)


def _retry(row: dict) -> Target:
    return Target(row["input_url"], row["case_name"], f"recapture of {row['id']}")
