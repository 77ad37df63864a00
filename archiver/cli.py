"""The `archiver` command: one click group, one module per command under archiver/commands/."""

from __future__ import annotations

import click

from archiver import __version__
from archiver.commands.browse import list_command, search_command, show_command
from archiver.commands.capture import capture_command
from archiver.commands.custody import log_command, note_command
from archiver.commands.demo import demo_command
from archiver.commands.dupes import dupes_command
from archiver.commands.export import export_command
from archiver.commands.importing import import_command
from archiver.commands.lookup import lookup_command
from archiver.commands.report import report_command
from archiver.commands.sources import sources_command
from archiver.commands.timestamp import timestamp_command
from archiver.commands.verify import verify_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="archiver")
def main() -> None:
    """Capture, fix, recognise and hand over social-media evidence.

    \b
    Example:
      archiver capture https://t.me/somechannel/123 --case aleppo-2024
    """


for command in (
    capture_command,
    import_command,
    show_command,
    list_command,
    search_command,
    export_command,
    report_command,
    demo_command,
    sources_command,
    log_command,
    note_command,
    timestamp_command,
    verify_command,
    lookup_command,
    dupes_command,
):
    main.add_command(command)
