"""`archiver import PATH...`"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.capture import check_url
from archiver.cliutil import archive_option, friendly_errors, json_option, open_archive, print_json
from archiver.importing import collect_files, import_files
from archiver.progress import count_progress
from archiver.settings import load_config


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH...")
@click.option("--source-url", metavar="URL", help="Where this footage was originally seen.")
@click.option("--note", metavar="TEXT", help="An analyst's note kept with every imported file.")
@click.option("--case", "case_name", metavar="NAME", help="Group the imports under a case name.")
@archive_option
@json_option
@friendly_errors
def import_command(
    paths: tuple[Path, ...],
    source_url: str | None,
    note: str | None,
    case_name: str | None,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Add footage already on disk (files, or folders recursively) to the archive.

    Each file is hashed and stored exactly like captured media and gets its own
    capture id. Exit status: 0 when every file was imported, 1 when any could not be
    (for instance a corrupt video), 2 on bad input.

    \b
    Example:
      archiver import ~/Downloads/citadel-clip.mp4 --source-url https://t.me/example/123
    """
    if source_url:
        check_url(source_url)
    files = collect_files(list(paths))
    archive = open_archive(archive_dir)
    config = load_config(archive.root)
    with archive, count_progress("importing", len(files), enabled=not as_json) as progress:
        outcomes = import_files(
            archive, files, config, source_url=source_url, note=note, case_name=case_name, progress=progress
        )
    if as_json:
        print_json([o.as_json() for o in outcomes])
    else:
        for o in outcomes:
            if o.status == "ok":
                sha = o.artifacts[0].sha256 if o.artifacts else ""
                click.echo(f"ok      {o.capture_id}  {o.path}  sha256 {sha}")
            else:
                click.echo(f"failed  {o.path}: {o.error}", err=True)
    sys.exit(0 if all(o.status == "ok" for o in outcomes) else 1)
