"""`archiver show`, `archiver list`, `archiver search`: reading the catalog."""

from __future__ import annotations

import sys
from typing import Any

import click

from archiver.cliutil import (
    archive_option,
    checked_id,
    friendly_errors,
    json_option,
    open_reader,
    print_json,
)
from archiver.post import missing_summary
from store.queries import capture_detail, capture_timestamps, list_captures, search_captures
from store.reports import reports_citing


@click.command("show")
@click.argument("capture_id", metavar="ID")
@archive_option
@json_option
@friendly_errors
def show_command(capture_id: str, archive_dir: str | None, as_json: bool) -> None:
    """Show one capture (or failed attempt) with its files and hashes.

    ID may be shortened to any unique prefix. Exit status 1 when no such capture.

    \b
    Example:
      archiver show 20261125-101500-1a2b3c4d --json
    """
    capture_id = checked_id(capture_id)  # before the archive: an absurd id is the first thing to say
    with open_reader(archive_dir) as archive:
        detail = capture_detail(archive.catalog, capture_id)
        if detail is not None:
            detail["cited_by"] = reports_citing(archive.catalog, detail["id"])
            if "input_url" in detail:  # a capture, not a failed attempt
                detail["timestamps"] = capture_timestamps(archive.catalog, detail["id"])
    if detail is None:
        click.echo(f"archiver: no capture with id {capture_id}", err=True)
        sys.exit(1)
    if as_json:
        print_json(detail)
        return
    _print_detail(detail)


def _print_detail(d: dict[str, Any]) -> None:
    skip = {"artifacts", "tool_versions", "metadata", "post_text", "cited_by", "timestamps", "missing"}
    for key, value in d.items():
        if key not in skip and value not in (None, ""):
            click.echo(f"{key:>14}: {value}")
    if d.get("missing"):
        click.echo(f"{'missing':>14}: {missing_summary(d['missing'])}")
    if d.get("post_text"):
        click.echo(f"{'post_text':>14}: {d['post_text'][:500]}")
    if d.get("tool_versions"):
        click.echo(f"{'tools':>14}: " + ", ".join(f"{k} {v}" for k, v in d["tool_versions"].items()))
    for a in d.get("artifacts", []):
        extra = f" {a['width']}x{a['height']}" if a.get("width") else ""
        extra += f" {a['duration']}s" if a.get("duration") else ""
        click.echo(f"  {a['role']:<11} {a['sha256']}  {a['size']:>12,}  {a['mime']}{extra}  {a['name']}")
    if "timestamps" in d and not d["timestamps"]:
        click.echo(f"{'timestamped':>14}: not yet (run `archiver timestamp` when a TSA is reachable)")
    for stamp in d.get("timestamps", []):
        via = " (batch token)" if stamp["batch_sha256"] else ""
        click.echo(
            f"{'timestamped':>14}: {stamp['gen_time']} by {stamp['tsa_name']}, serial {stamp['serial']}{via}"
        )
    for cite in d.get("cited_by", []):
        click.echo(f"{'cited by':>14}: report {cite['report_id']} ({cite['origin']}): {cite['sentence']}")


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        what = r.get("title") or r.get("error") or ""
        where = r.get("url") or r.get("final_url") or ""
        click.echo(f"{r['capture_id']}  {r['status']:<10} {r['started_at'][:19]}  {where}  {what[:60]}")


@click.command("list")
@click.option("--case", "case_name", metavar="NAME", help="Only captures of this case.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@click.option("--failed", "include_failed", is_flag=True, help="Include failed attempts.")
@click.option(
    "--incomplete", "incomplete_only", is_flag=True, help="Only captures that lack something the post showed."
)
@archive_option
@json_option
@friendly_errors
def list_command(
    case_name: str | None,
    limit: int,
    include_failed: bool,
    incomplete_only: bool,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """List captures, newest first.

    An incomplete capture (status "incomplete") kept the post but not all of its media;
    its "missing" list says what and why, and `archiver recapture --incomplete` retries them.

    \b
    Example:
      archiver list --case aleppo-2024 --failed
      archiver list --incomplete --json
    """
    with open_reader(archive_dir) as archive:
        rows = list_captures(
            archive.catalog,
            case_name=case_name,
            limit=limit,
            include_failed=include_failed and not incomplete_only,
            incomplete_only=incomplete_only,
        )
    if as_json:
        print_json(rows)
    else:
        _print_rows(rows)


@click.command("search")
@click.argument("query")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@archive_option
@json_option
@friendly_errors
def search_command(query: str, limit: int, archive_dir: str | None, as_json: bool) -> None:
    """Full-text search over titles, post text, URLs, authors, cases and notes.

    Every word must appear. Exit status 1 when nothing matched.

    \b
    Example:
      archiver search "citadel flag"
    """
    with open_reader(archive_dir) as archive:
        rows = search_captures(archive.catalog, query, limit=limit)
    if as_json:
        print_json(rows)
    else:
        _print_rows(rows)
    sys.exit(0 if rows else 1)
