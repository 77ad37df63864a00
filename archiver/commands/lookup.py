"""`archiver lookup FILE|SHA256|PDQHEX`"""

from __future__ import annotations

import sys

import click

from archiver import pixel_limit
from archiver.cliutil import (
    archive_option,
    friendly_errors,
    json_option,
    max_distance_option,
    open_reader,
    print_json,
)
from archiver.hashing.lookup import LookupResult, lookup
from archiver.hashing.query import read_query
from archiver.settings import load_config


@click.command("lookup")
@click.argument("target", metavar="FILE|SHA256|PDQHEX")
@max_distance_option
@archive_option
@json_option
@friendly_errors
def lookup_command(target: str, max_distance: int | None, archive_dir: str | None, as_json: bool) -> None:
    """Have we archived this picture or clip, and where did it appear first?

    Give a file (image or video), the SHA-256 of a stored file, or a PDQ hash as 64 hex
    digits (prefix with sha256: or pdq: when it could be either). Exact copies come
    first, then near copies: re-encoded, resized, recoloured, mirrored or letterboxed
    pictures, and trimmed or re-encoded footage with the time range it matches.

    Exit status: 0 when anything matched, 1 when nothing did, 2 on unreadable input.

    \b
    Example:
      archiver lookup ~/Downloads/clip-from-telegram.mp4 --json
    """
    with open_reader(archive_dir) as archive:
        config = load_config(archive.root)
        pixel_limit.configure(config)
        settings = config["hashing"]
        query = read_query(target, archive.catalog)
        radius = settings["max_distance"] if max_distance is None else max_distance
        result = lookup(
            archive.root, archive.catalog, query, radius=radius, min_quality=settings["min_quality"]
        )
    if as_json:
        print_json(result.as_json())
    else:
        _print(result)
    sys.exit(0 if result.matches else 1)


def _print(result: LookupResult) -> None:
    query = result.query
    click.echo(f"query: {query['kind']} {query.get('sha256') or query.get('pdq')}")
    if not result.matches:
        click.echo("no match in the archive")
        return
    for m in result.matches:
        seen, near = m.appearance, m.similarity
        where = seen.url or seen.title or ""
        when = seen.post_time or seen.captured_at
        first = "  FIRST SEEN" if m.first_seen else ""
        span = f"  at {near.time_range[0]:.1f}-{near.time_range[1]:.1f}s" if near.time_range else ""
        click.echo(
            f"{m.match:<5} d={near.distance:<3} score {near.score:.2f}  {seen.capture_id}  "
            f"{seen.platform or ''} {seen.author or ''}  {when[:19]}  {where}{span}{first}"
        )
