"""`archiver report FILE|URL [--capture]`"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from archiver.cliutil import (
    archive_option,
    fetching_settings,
    friendly_errors,
    json_option,
    network_options,
    open_archive,
    print_json,
)
from archiver.progress import download_progress
from archiver.reports.intake import ReadReport, capture_targets, read_report
from archiver.reports.read import FORMATS


@click.command("report")
@click.argument("origin", metavar="FILE|URL")
@click.option("--capture", "do_capture", is_flag=True, help="Capture every target that has a URL.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Report format (default: guessed).")
@click.option("--case", "case_name", metavar="NAME", help="Group the captures under a case name.")
@network_options
@archive_option
@json_option
@friendly_errors
def report_command(
    origin: str,
    do_capture: bool,
    fmt: str | None,
    case_name: str | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Read a report and list what it cites: links, @handles and named sources.

    FILE may be plain text, Markdown, HTML or a page saved from a browser; a URL is
    captured first, then read. Each target is shown with the sentence that cited it,
    and the report and its targets are stored, so a capture can later say which
    report cited it. With --capture every target that has a URL is captured.
    Exit status: 0 ok, 1 when a capture failed, 2 on bad input.

    \b
    Example:
      archiver report seeds/aleppo-offensive.md --capture --case aleppo-2024
    """
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    with archive:
        report = read_report(archive, origin, config, fmt=fmt, case_name=case_name)
        outcomes = []
        if do_capture:
            with download_progress(enabled=not as_json) as progress:
                outcomes = capture_targets(archive, report, config, case_name=case_name, progress=progress)
    failed = any(o is not None and o.status != "ok" for _, o in outcomes)
    if as_json:
        print_json(_as_json(report, outcomes))
    else:
        _print_table(report, outcomes)
    sys.exit(1 if failed else 0)


def _as_json(report: ReadReport, outcomes: list) -> dict:
    by_key = {t.key: o for t, o in outcomes}
    targets = []
    for target in report.targets:
        row = target.as_json()
        outcome = by_key.get(target.key)
        row["capture"] = (
            None if outcome is None else {k: outcome.as_json()[k] for k in ("capture_id", "status", "error")}
        )
        targets.append(row)
    return {
        "report_id": report.id,
        "origin": report.origin,
        "format": report.document.format,
        "title": report.document.title,
        "capture_id": report.capture_id,
        "targets": targets,
    }


# Above this many targets the list is printed as plain lines: laying out a table takes rich
# most of a millisecond a row, minutes for a report dense with links.
TABLE_ROWS = 2000


def _print_table(report: ReadReport, outcomes: list) -> None:
    by_key = {t.key: o for t, o in outcomes}
    if len(report.targets) > TABLE_ROWS:
        click.echo(f"report {report.id}: {len(report.targets)} targets in {report.origin}")
        for target in report.targets:
            click.echo("\t".join(_cells(target, by_key if outcomes else None)))
        return
    table = Table(
        title=f"report {report.id}: {len(report.targets)} targets in {report.origin}", show_lines=False
    )
    for column in ("kind", "platform", "target", "cited in"):
        table.add_column(column, overflow="fold")
    if outcomes:
        table.add_column("capture", overflow="fold")
    for target in report.targets:
        table.add_row(*_cells(target, by_key if outcomes else None))
    Console(width=160 if not sys.stdout.isatty() else None).print(table)


def _cells(target, outcomes: dict | None) -> list[str]:
    """kind, platform, what is fetched, the citing sentence, and the capture when there was one."""
    shown = target.url or f"{target.original} (no URL known)"
    if target.source and target.kind != "url":
        shown = f"{target.source}: {shown}"
    cells = [target.kind, target.platform or "?", shown, _short(target.sentence)]
    if outcomes is not None:
        outcome = outcomes.get(target.key)
        cells.append("skipped" if outcome is None else f"{outcome.status} {outcome.capture_id}")
    return cells


def _short(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
