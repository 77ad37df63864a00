"""`archiver capture URL...`"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from archiver.batch_file import read_batch_file
from archiver.capture import CaptureOutcome, capture_url, check_url
from archiver.cliutil import (
    archive_option,
    fetching_settings,
    friendly_errors,
    json_option,
    network_options,
    open_archive,
    print_json,
)
from archiver.errors import UsageError
from archiver.post import missing_summary
from archiver.progress import download_progress
from archiver.settings import Settings
from archiver.sheets import Sheet, read_sheet, write_results
from store import Archive


@click.command("capture")
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option(
    "-a",
    "--batch-file",
    "batch_files",
    multiple=True,
    metavar="FILE",
    help="Read URLs from FILE, one a line (`#` starts a comment); `-` reads standard input.",
)
@click.option(
    "--csv",
    "sheet_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="SHEET.csv",
    help="Capture the URLs of one column of a CSV sheet; results go to SHEET.results.csv beside it.",
)
@click.option("--url-column", metavar="NAME", help="The header of the sheet's URL column (with --csv).")
@click.option("--case", "case_name", metavar="NAME", help="Group the captures under a case name.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), help="Seconds to wait for a server (default from config)."
)
@network_options
@archive_option
@json_option
@friendly_errors
def capture_command(
    urls: tuple[str, ...],
    batch_files: tuple[str, ...],
    sheet_path: Path | None,
    url_column: str | None,
    case_name: str | None,
    timeout: float | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Fetch posts, pages or media files and keep them, exactly as served.

    Each URL becomes one capture: media through yt-dlp where a platform offers it,
    otherwise the page or file itself over plain HTTP; every HTTP exchange goes into
    a WARC. A capture that fails is recorded as a failed attempt.
    Exit status: 0 when every capture succeeded, 1 when any failed, 2 on bad input.

    \b
    Example:
      archiver capture https://www.youtube.com/watch?v=XXXXXXXXXXX --case aleppo-2024
      archiver capture -a links.txt --case aleppo-2024
      archiver capture --csv sheet.csv --url-column Link
      archiver capture -a links.txt --proxy socks5://127.0.0.1:9050 --sleep-requests 2
    """
    sheet = _sheet(sheet_path, url_column)
    sheet_urls = [url for url in sheet.urls if url] if sheet else []
    urls = _all_urls(urls, batch_files, sheet_urls)
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    if timeout is not None:
        config["fetch"]["timeout"] = timeout
    with archive:
        outcomes = run_captures(archive, [Target(url, case_name) for url in urls], config, as_json=as_json)
    if sheet is not None:
        results = write_results(sheet, _by_row(sheet, outcomes[len(outcomes) - len(sheet_urls) :]))
        click.echo(f"archiver: results of {sheet.path.name} written to {results}", err=True)
    exit_with(outcomes, as_json=as_json)


@dataclass(frozen=True)
class Target:
    url: str
    case_name: str | None = None
    note: str | None = None


def run_captures(
    archive: Archive, targets: list[Target], config: Settings, *, as_json: bool
) -> list[CaptureOutcome]:
    """Capture each target in turn, printing each outcome as it ends unless JSON is wanted."""
    outcomes: list[CaptureOutcome] = []
    for target in targets:
        with download_progress(enabled=not as_json) as progress:
            outcome = capture_url(
                archive, target.url, config, case_name=target.case_name, progress=progress, note=target.note
            )
        outcomes.append(outcome)
        if not as_json:
            _print_outcome(outcome)
    return outcomes


def exit_with(outcomes: list[CaptureOutcome], *, as_json: bool) -> NoReturn:
    """Print the JSON of the outcomes if asked; exit 0 only when every capture is complete."""
    if as_json:
        print_json([o.as_json() for o in outcomes])
    sys.exit(0 if all(o.status == "ok" for o in outcomes) else 1)


def _all_urls(urls: tuple[str, ...], batch_files: tuple[str, ...], sheet_urls: list[str]) -> tuple[str, ...]:
    """Arguments first, then each batch file's lines, then the sheet's, all checked before
    any fetch starts."""
    found = [check_url(url) for url in urls]
    for name in batch_files:
        found.extend(read_batch_file(name))
    found.extend(sheet_urls)
    if not found:
        raise UsageError("nothing to capture: give a URL, -a FILE with one URL a line, or --csv SHEET")
    return tuple(found)


def _sheet(path: Path | None, url_column: str | None) -> Sheet | None:
    if path is None:
        if url_column is not None:
            raise UsageError("--url-column names a column of the --csv sheet; give --csv SHEET.csv too")
        return None
    if url_column is None:
        raise UsageError("--csv needs --url-column NAME: only that column's cells are read as URLs")
    return read_sheet(path, url_column)


def _by_row(sheet: Sheet, outcomes: list[CaptureOutcome]) -> list[CaptureOutcome | None]:
    """The outcomes in sheet order, None for the rows with no URL."""
    pending = iter(outcomes)
    return [next(pending) if url else None for url in sheet.urls]


def _print_outcome(outcome: CaptureOutcome) -> None:
    if outcome.status == "failed":
        click.echo(
            f"failed  {outcome.url}: {outcome.error} (recorded as attempt {outcome.capture_id})", err=True
        )
        return
    media = [a for a in outcome.artifacts if a.role == "media"]
    summary = ", ".join(f"{a.media.kind} {a.size:,} B" for a in media) or "page only"
    files = f"[{summary}; {len(outcome.artifacts)} files]"
    click.echo(f"{outcome.status:<7} {outcome.capture_id}  {outcome.url}  {files}")
    if outcome.missing:
        click.echo(f"  incomplete: {missing_summary(outcome.missing)}", err=True)
