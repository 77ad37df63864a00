"""Progress display: a rich bar on a terminal, nothing at all when output is piped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from archiver.cliutil import on_terminal
from archiver.platforms.base import ProgressCallback
from archiver.terminal import raw_stderr


@contextmanager
def download_progress(enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yields a callback for fetchers, or None when there is no terminal to draw on."""
    if not (enabled and on_terminal()):
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=Console(file=raw_stderr()), transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label[:40], total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update


@contextmanager
def count_progress(label: str, total: int, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """Yields ``advance(n)`` for work counted in items, or a no-op off a terminal."""
    if not (enabled and on_terminal()):
        yield lambda _label, _done, _total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=raw_stderr()), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _label, done, _total: bar.update(task, completed=done)
