"""A click group whose commands are imported only when one is run.

Importing every command up front pulls in yt-dlp, warcio, the bundle writer and more:
about a second before any work starts. A quick question such as `archiver lookup` must
not pay for the capture machinery it never uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import click


class LazyCommands(dict):
    """``group.commands`` that knows every command by name and imports one on first access,
    so code that looks commands up in the dict (``name in main.commands``) keeps working."""

    def __init__(self, targets: dict[str, str]) -> None:
        super().__init__()
        self.targets = targets  # name -> "module:attribute"

    def __contains__(self, name: object) -> bool:
        return name in self.targets or super().__contains__(name)

    def __iter__(self) -> Iterator[str]:
        yield from self.targets
        yield from (name for name in super().__iter__() if name not in self.targets)

    def __len__(self) -> int:
        return len(set(self.targets) | set(super().keys()))

    def keys(self) -> list[str]:  # type: ignore[override]  # names in table order
        return list(self)

    def __missing__(self, name: str) -> click.Command:
        module, _, attribute = self.targets[name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        self[name] = command
        return command

    def get(self, name: str, default: click.Command | None = None) -> click.Command | None:
        return self[name] if name in self else default  # noqa: SIM401 - this is get itself


class LazyGroup(click.Group):
    """``lazy_commands``: name -> ("module:attribute", one-line summary for the group's help)."""

    def __init__(self, *args, lazy_commands: dict[str, tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands({name: target for name, (target, _) in lazy_commands.items()})
        self.summaries = {name: summary for name, (_, summary) in lazy_commands.items()}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command table from the summaries, so that --help imports no command."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, click.utils.make_default_short_help(self.summaries[name], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
