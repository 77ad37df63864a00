"""The `archiver` command: one click group, one module per command under archiver/commands/."""

from __future__ import annotations

import signal

import click

from archiver import __version__
from archiver.interrupts import ctrl_c
from archiver.lazy_group import LazyGroup
from archiver.terminal import cleaned_output

# name -> "module:command"; each module is imported only when its command runs.
COMMANDS = {
    "capture": "archiver.commands.capture:capture_command",
    "import": "archiver.commands.importing:import_command",
    "show": "archiver.commands.browse:show_command",
    "list": "archiver.commands.browse:list_command",
    "search": "archiver.commands.browse:search_command",
    "export": "archiver.commands.export:export_command",
    "report": "archiver.commands.report:report_command",
    "demo": "archiver.commands.demo:demo_command",
    "sources": "archiver.commands.sources:sources_command",
    "log": "archiver.commands.custody:log_command",
    "note": "archiver.commands.custody:note_command",
    "timestamp": "archiver.commands.timestamp:timestamp_command",
    "verify": "archiver.commands.verify:verify_command",
    "checkpoint": "archiver.commands.checkpoint:checkpoint_group",
    "lookup": "archiver.commands.lookup:lookup_command",
    "dupes": "archiver.commands.dupes:dupes_command",
    "rebuild-catalog": "archiver.commands.rebuild:rebuild_catalog_command",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="archiver")
def main() -> None:
    """Capture, fix, recognise and hand over social-media evidence.

    \b
    Example:
      archiver capture https://t.me/somechannel/123 --case aleppo-2024
    """
    click.get_current_context().with_resource(cleaned_output())


def run() -> None:
    """The console script and `python -m archiver`: the command, then an exit deaf to Ctrl-C.

    While the command runs, Ctrl-C is :func:`ctrl_c` (a finalizer cannot swallow it). Once
    the command is done, a Ctrl-C landing while the interpreter shuts down (logging's
    atexit flush, joining threads) would only print "Exception ignored in atexit callback"
    and a traceback; there is nothing left to interrupt, so it is ignored.
    """
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where Ctrl-C is ignored
        signal.signal(signal.SIGINT, ctrl_c)
    try:
        main()
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
