"""`archiver capture URL...`"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NoReturn

import click

from archiver.capture import CaptureOutcome, capture_url, check_url
from archiver.cliutil import (
    archive_option,
    fetching_settings,
    friendly_errors,
    json_option,
    open_archive,
    print_json,
)
from archiver.post import missing_summary
from archiver.progress import download_progress
from archiver.settings import Settings
from store import Archive


@click.command("capture")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--case", "case_name", metavar="NAME", help="Group the captures under a case name.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), help="Seconds to wait for a server (default from config)."
)
@archive_option
@json_option
@friendly_errors
def capture_command(
    urls: tuple[str, ...],
    case_name: str | None,
    timeout: float | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Fetch posts, pages or media files and keep them, exactly as served.

    Each URL becomes one capture: media through yt-dlp where a platform offers it,
    otherwise the page or file itself over plain HTTP; every HTTP exchange goes into
    a WARC. A capture that fails is recorded as a failed attempt.
    A capture that lacks something the post showed (a video too big for Telegram's web
    preview, a media link that answered 403 or 404) is kept as "incomplete", with what it
    lacks and why; `archiver recapture` tries it again.
    Exit status: 0 when every capture is complete, 1 when any failed or is incomplete,
    2 on bad input.

    \b
    Example:
      archiver capture https://www.youtube.com/watch?v=XXXXXXXXXXX --case aleppo-2024
    """
    for url in urls:
        check_url(url)  # refuse malformed input before doing any work
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    if timeout is not None:
        config["fetch"]["timeout"] = timeout
    with archive:
        run_captures(archive, [Target(url, case_name) for url in urls], config, as_json=as_json)


@dataclass(frozen=True)
class Target:
    url: str
    case_name: str | None = None
    note: str | None = None


def run_captures(archive: Archive, targets: list[Target], config: Settings, *, as_json: bool) -> NoReturn:
    """Capture each target in turn, print the outcomes, and exit 0 only when every one is complete."""
    outcomes: list[CaptureOutcome] = []
    for target in targets:
        with download_progress(enabled=not as_json) as progress:
            outcome = capture_url(
                archive, target.url, config, case_name=target.case_name, progress=progress, note=target.note
            )
        outcomes.append(outcome)
        if not as_json:
            _print_outcome(outcome)
    if as_json:
        print_json([o.as_json() for o in outcomes])
    sys.exit(0 if all(o.status == "ok" for o in outcomes) else 1)


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
