"""A click group whose commands are imported only when one is run.

Importing every command up front pulls in yt-dlp, warcio, the bundle writer and more:
about a second before any work starts. A quick question such as `archiver lookup` must
not pay for the capture machinery it never uses.
"""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands  # name -> "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [
            *self.lazy_commands,
            *(name for name in super().list_commands(ctx) if name not in self.lazy_commands),
        ]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = self.lazy_commands.get(name)
        if target is None:
            return super().get_command(ctx, name)
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute)
