"""`archiver sources list | add | sync`: the registry of channels and accounts, and following them."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from archiver.cliutil import (
    archive_option,
    archive_root,
    fetching_settings,
    friendly_errors,
    json_option,
    network_options,
    open_archive,
    print_json,
)
from archiver.platforms import registry
from archiver.platforms.listing import parse_since
from archiver.post import missing_summary
from archiver.progress import download_progress
from archiver.sources.registry import (
    ARCHIVE_FILE_NAME,
    append_source,
    find_source,
    load_registry,
    make_source,
    read_sources,
)
from archiver.sources.snapshot import Snapshot
from archiver.sources.sync import SyncResult, sync_source


@click.group("sources")
def sources_command() -> None:
    """The sources registry: channels and accounts reports cite, and syncing them.

    The shipped registry is config/sources.toml; `sources add` writes to the
    archive's own sources.toml, whose entries replace shipped ones of the same name.

    \b
    Example:
      archiver sources list
      archiver sources sync "Thomas van Linge" --since 2024-11-27 --limit 20
    """


@sources_command.command("list")
@archive_option
@json_option
@friendly_errors
def list_sources(archive_dir: str | None, as_json: bool) -> None:
    """Show every source in the registry: name, aliases, platform, handle, URL, notes.

    \b
    Example:
      archiver sources list --json
    """
    root = archive_root(archive_dir)  # the registry file only; no catalog needed
    added = {s.name.casefold() for s in read_sources(root / ARCHIVE_FILE_NAME)}
    rows = [
        s.as_json() | {"origin": "archive" if s.name.casefold() in added else "shipped"}
        for s in load_registry(root)
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} sources", show_lines=True)
    for column in ("name", "platform", "handle / url", "notes"):
        table.add_column(column, overflow="fold")
    for row in rows:
        name = row["name"] + (f"\n(also: {', '.join(row['aliases'])})" if row["aliases"] else "")
        where = (
            "\n".join(str(v) for v in (row["handle"] and "@" + row["handle"], row["url"]) if v) or "unknown"
        )
        table.add_row(
            name,
            row["platform"],
            where,
            row["notes"] + (" [added here]" if row["origin"] == "archive" else ""),
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@sources_command.command("add")
@click.argument("name")
@click.option(
    "--platform", required=True, type=click.Choice(registry.names()), help="Where the source posts."
)
@click.option("--handle", help="Account or channel name on that platform, with or without @.")
@click.option("--url", help="Profile or channel URL (default: made from the handle).")
@click.option("--alias", "aliases", multiple=True, help="Another name reports use for it (repeatable).")
@click.option("--notes", default="", help="What is known about it, and how sure the handle is.")
@archive_option
@json_option
@friendly_errors
def add_source(
    name: str,
    platform: str,
    handle: str | None,
    url: str | None,
    aliases: tuple[str, ...],
    notes: str,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Add a source to this archive's registry (ARCHIVE/sources.toml).

    A name already shipped in config/sources.toml is replaced for this archive, e.g.
    to give a source the handle you have confirmed. Exit status 2 on bad input.

    \b
    Example:
      archiver sources add "Rybar" --platform telegram --handle rybar --alias "Rybar channel"
    """
    source = make_source(name, platform, aliases=list(aliases), handle=handle, url=url, notes=notes)
    if not (source.handle or source.url):
        click.echo("archiver: note: without --handle or --url this source can be recognised in reports "
                   "but not synced", err=True)  # fmt: skip
    root = archive_root(archive_dir)  # the registry file only; no catalog needed
    shipped = any(s.name.casefold() == source.name.casefold() for s in load_registry(None))
    path = append_source(root, source)
    if as_json:
        print_json(source.as_json() | {"file": str(path), "replaces_shipped": shipped})
        return
    handle = f", @{source.handle}" if source.handle else ""
    replaces = "; it replaces the shipped entry of that name" if shipped else ""
    click.echo(f"added {source.name} ({source.platform}{handle}) to {path}{replaces}")


@sources_command.command("sync")
@click.argument("name")
@click.option("--since", metavar="DATE", help="Only posts from this date or time on (UTC), e.g. 2024-11-27.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the N most recent posts.")
@click.option("--case", "case_name", metavar="NAME", help="Group the captures under a case name.")
@network_options
@archive_option
@json_option
@friendly_errors
def sync_command(
    name: str,
    since: str | None,
    limit: int | None,
    case_name: str | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Capture a source's recent posts that this archive does not hold yet.

    NAME is a registry name, alias or handle. Telegram channels are read through
    their public web preview t.me/s/<channel>, page by page; X accounts through X's
    timeline widget, which needs your cookies (--cookies FILE or --cookies-from-browser);
    YouTube and TikTok channels (and RSS feeds) as yt-dlp playlists. A Telegram
    channel's or X account's own page is captured first as a snapshot (title,
    description, subscribers or followers, avatar), compared with the previous
    one (X shows these only to a logged-in session). --limit counts
    the most recent posts looked at, of which those already captured are skipped.
    Exit status: 0 ok, 1 when a capture or the listing failed or the channel is
    gone, 2 on bad input.

    \b
    Example:
      archiver sources sync "War Translated" --since 2024-11-27 --limit 50 --case aleppo-2024
    """
    when = parse_since(since) if since else None
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    source = find_source(load_registry(archive.root), name)
    with archive, download_progress(enabled=not as_json) as progress:
        result = sync_source(
            archive, source, config, since=when, limit=limit, case_name=case_name, progress=progress
        )
    if as_json:
        print_json(result.as_json())
    else:
        _print_result(result)
    sys.exit(1 if result.failed else 0)


def _print_result(result: SyncResult) -> None:
    if result.snapshot is not None:
        click.echo(_snapshot_line(result.snapshot))
    click.echo(f"{result.source.name}: {len(result.listed)} recent posts listed, "
               f"{len(result.known)} already captured, {len(result.outcomes)} to capture")  # fmt: skip
    for post, outcome in result.outcomes:
        status = f"{outcome.status:<7} {outcome.capture_id}"
        detail = f" ({outcome.error or missing_summary(outcome.missing)})" if outcome.status != "ok" else ""
        click.echo(f"  {status}  {post.url}{detail}")
    if result.note:
        click.echo(f"note: {result.note}")


def _snapshot_line(snapshot: Snapshot) -> str:
    """One line on the channel itself: the capture, what it showed, and what changed since the last."""
    outcome = snapshot.outcome
    if outcome.status != "ok":
        return f"channel snapshot failed  {outcome.capture_id}  {snapshot.url} ({outcome.error})"
    facts = snapshot.facts or {}
    count = facts.get("subscribers")
    shown = ", ".join(v for v in (facts.get("title"), count and f"{count} subscribers") if v)
    line = f"channel snapshot {outcome.capture_id}  {snapshot.url}" + (f" ({shown})" if shown else "")
    if snapshot.changes:
        changed = "; ".join(f"{c['field']} {c['before']!r} -> {c['after']!r}" for c in snapshot.changes)
        line += f"\n  changed since {snapshot.previous_id}: {changed}"
    return line
