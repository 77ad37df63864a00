"""The command table: every command loads lazily under its own name and documents an example."""

from __future__ import annotations

import subprocess
import sys

import click

from archiver.cli import COMMANDS, main


def test_every_command_resolves_under_its_name_with_an_example():
    ctx = click.Context(main)
    assert main.list_commands(ctx)[: len(COMMANDS)] == list(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert "Example" in (command.help or ""), name


def test_a_command_does_not_import_the_capture_machinery():
    code = (
        "import sys; from archiver.cli import main;"
        " main.get_command(None, 'lookup'); print(sorted(sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "archiver.commands.lookup" in loaded
    assert "yt_dlp" not in loaded and "archiver.capture" not in loaded
