"""`archiver dupes`"""

from __future__ import annotations

import sys
from typing import Any

import click

from archiver.cliutil import (
    archive_option,
    friendly_errors,
    json_option,
    max_distance_option,
    open_reader,
    print_json,
)
from archiver.hashing.dupes import find_clusters
from archiver.hashing.match import Matcher
from archiver.settings import load_config


@click.command("dupes")
@max_distance_option
@archive_option
@json_option
@friendly_errors
def dupes_command(max_distance: int | None, archive_dir: str | None, as_json: bool) -> None:
    """Group the archive's pictures and videos into clusters of near-duplicates.

    Each cluster lists its files, the earliest appearance (post time, else capture time)
    and every platform and account the footage appeared on. Only clusters seen in at
    least two captures are shown. Exit status 1 when there are none.

    \b
    Example:
      archiver dupes --json
    """
    with open_reader(archive_dir) as archive:
        settings = load_config(archive.root)["hashing"]
        radius = settings["max_distance"] if max_distance is None else max_distance
        matcher = Matcher(archive.root, archive.catalog, radius=radius, min_quality=settings["min_quality"])
        clusters = find_clusters(matcher)
    if as_json:
        print_json({"clusters": clusters})
    else:
        _print(clusters)
    sys.exit(0 if clusters else 1)


def _print(clusters: list[dict[str, Any]]) -> None:
    if not clusters:
        click.echo("no near-duplicates across captures")
    for c in clusters:
        first = c["first_seen"]
        when = first["post_time"] or first["captured_at"]
        click.echo(
            f"cluster {c['cluster']}: {len(c['items'])} files in {c['capture_count']} captures; "
            f"first seen {when[:19]} {first['url'] or first['capture_id']}"
        )
        if c["platforms"] or c["accounts"]:
            click.echo(f"  platforms: {', '.join(c['platforms'])}   accounts: {', '.join(c['accounts'])}")
        for item in c["items"]:
            ids = ", ".join(dict.fromkeys(cap["capture_id"] for cap in item["captures"]))
            click.echo(f"  {item['kind']:<5} {item['sha256'][:16]}  {ids}")
