"""The `archiver` command: one click group, one module per command under archiver/commands/."""

from __future__ import annotations

import signal
import sys

import click

from archiver import __version__
from archiver.interrupts import ctrl_c
from archiver.lazy_group import LazyGroup
from archiver.terminal import cleaned_output

# name -> ("module:command", its one-line summary). Each module is imported only when its
# command runs; `archiver --help` lists the summaries without importing any (a test holds
# each summary to its command's own docstring).
COMMANDS = {
    "capture": (
        "archiver.commands.capture:capture_command",
        "Fetch posts, pages or media files and keep them, exactly as served.",
    ),
    "recapture": (
        "archiver.commands.recapture:recapture_command",
        "Capture the URL of earlier captures again, as new captures; the earlier ones stay.",
    ),
    "import": (
        "archiver.commands.importing:import_command",
        "Add footage already on disk (files, or folders recursively) to the archive.",
    ),
    "show": (
        "archiver.commands.browse:show_command",
        "Show one capture (or failed attempt) with its files and hashes.",
    ),
    "list": (
        "archiver.commands.browse:list_command",
        "List captures, newest first.",
    ),
    "search": (
        "archiver.commands.browse:search_command",
        "Full-text search over titles, post text, page text, URLs, authors, cases and notes.",
    ),
    "export": (
        "archiver.commands.export:export_command",
        "Export captures as a BagIt evidence bundle that anyone can verify offline.",
    ),
    "report": (
        "archiver.commands.report:report_command",
        "Read a report and list what it cites: links, @handles and named sources.",
    ),
    "demo": (
        "archiver.commands.demo:demo_command",
        "Run report -> captures -> lookup -> export -> verify offline, against a local replay server.",
    ),
    "sources": (
        "archiver.commands.sources:sources_command",
        "The sources registry: channels and accounts reports cite, and syncing them.",
    ),
    "log": (
        "archiver.commands.custody:log_command",
        "Show the custody log: every capture, import, timestamp, export, audit and note.",
    ),
    "note": (
        "archiver.commands.custody:note_command",
        "Add an analyst's note about a capture to the custody log.",
    ),
    "timestamp": (
        "archiver.commands.timestamp:timestamp_command",
        "Timestamp every capture that a configured TSA has not stamped yet.",
    ),
    "verify": (
        "archiver.commands.verify:verify_command",
        "Audit the whole archive, or check an evidence bundle offline.",
    ),
    "checkpoint": (
        "archiver.commands.checkpoint:checkpoint_group",
        "Signed checkpoints of the custody log, for keeping outside the archive.",
    ),
    "lookup": (
        "archiver.commands.lookup:lookup_command",
        "Have we archived this picture or clip, and where did it appear first?",
    ),
    "dupes": (
        "archiver.commands.dupes:dupes_command",
        "Group the archive's pictures and videos into clusters of near-duplicates.",
    ),
    "rebuild-catalog": (
        "archiver.commands.rebuild:rebuild_catalog_command",
        "Rebuild a lost catalog.db from the archive's blob files, when there is no backup.",
    ),
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
    and a traceback; there is nothing left to interrupt, so it is ignored. A Ctrl-C in the
    instant between the two (click raising the exit, the handler being swapped) is reported in
    one line with exit code 130, never as a traceback.
    """
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where Ctrl-C is ignored
        signal.signal(signal.SIGINT, ctrl_c)
    try:
        try:
            main()
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # landed after the command's own handling: in click's exit path, or here
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write("archiver: interrupted as the command ended; what it finished is kept\n")
        sys.exit(130)
