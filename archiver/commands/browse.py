"""`archiver show`, `archiver list`, `archiver search`: reading the catalog."""

from __future__ import annotations

import sys
from typing import Any

import click

from archiver.cliutil import (
    archive_option,
    checked_id,
    csv_option,
    friendly_errors,
    json_option,
    open_reader,
    print_csv,
    print_json,
)
from archiver.errors import UsageError
from archiver.post import missing_summary
from archiver.terminal import one_line
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


LISTED_COLUMNS = ["capture_id", "status", "started_at", "url", "final_url", "platform", "author", "handle"]
LISTED_COLUMNS += ["title", "post_time", "case_name", "artifact_count", "error"]


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        what = one_line(r.get("title") or r.get("error") or "")
        where = one_line(r.get("url") or r.get("final_url") or "")
        click.echo(f"{r['capture_id']}  {r['status']:<10} {r['started_at'][:19]}  {where}  {what[:60]}")


def _one_format(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be given together; choose one")


def _show(rows: list[dict[str, Any]], as_json: bool, as_csv: bool) -> None:
    if as_json:
        print_json(rows)
    elif as_csv:
        print_csv(rows, LISTED_COLUMNS)
    else:
        _print_rows(rows)


@click.command("list")
@click.option("--case", "case_name", metavar="NAME", help="Only captures of this case.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Newest N only.")
@click.option("--all", "list_all", is_flag=True, help="Every capture, however many (overrides --limit).")
@click.option("--failed", "include_failed", is_flag=True, help="Include failed attempts.")
@click.option(
    "--incomplete", "incomplete_only", is_flag=True, help="Only captures that lack something the post showed."
)
@archive_option
@json_option
@csv_option
@friendly_errors
def list_command(
    case_name: str | None,
    limit: int,
    list_all: bool,
    include_failed: bool,
    incomplete_only: bool,
    archive_dir: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List captures, newest first.

    Without --all only the newest --limit are listed, and stderr says when more exist.
    An incomplete capture (status "incomplete") kept the post but not all of its media;
    its "missing" list says what and why, and `archiver recapture --incomplete` retries them.

    \b
    Example:
      archiver list --case aleppo-2024 --failed
      archiver list --incomplete --json
      archiver list --all --csv > captures.csv
    """
    _one_format(as_json, as_csv)
    with open_reader(archive_dir) as archive:
        rows = list_captures(
            archive.catalog,
            case_name=case_name,
            limit=None if list_all else limit + 1,  # one more than shown tells whether more exist
            include_failed=include_failed and not incomplete_only,
            incomplete_only=incomplete_only,
        )
    more = not list_all and len(rows) > limit
    _show(rows[:limit] if more else rows, as_json, as_csv)
    if more:
        click.echo(f"archiver: showing the newest {limit}; more exist (--limit N or --all)", err=True)


@click.command("search")
@click.argument("query")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@archive_option
@json_option
@csv_option
@friendly_errors
def search_command(query: str, limit: int, archive_dir: str | None, as_json: bool, as_csv: bool) -> None:
    """Full-text search over titles, post text, page text, URLs, authors, cases and notes.

    Every word must appear. Exit status 1 when nothing matched.

    \b
    Example:
      archiver search "citadel flag"
      archiver search citadel --csv > found.csv
    """
    _one_format(as_json, as_csv)
    with open_reader(archive_dir) as archive:
        rows = search_captures(archive.catalog, query, limit=limit)
    _show(rows, as_json, as_csv)
    sys.exit(0 if rows else 1)
