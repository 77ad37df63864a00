"""Conventions every command shares: where the archive is, --json, and how errors end a run.

Exit codes: 0 ok, 1 check failed or not found, 2 usage or input error.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from archiver.errors import ArchiverError, DiskFullError, UsageError
from archiver.full_disk import full_disk_sentence, is_disk_full
from archiver.platforms.http import network
from archiver.settings import Settings, load_config
from archiver.terminal import escape_json, shorten
from store import Archive
from store.archive import LostCatalogError, NotAnArchiveError, require_archive
from store.catalog import CorruptCatalogError, OutdatedCatalogError
from store.custody import SigningKeyRefusedError, prepare_signing_key
from store.manifest import UnknownManifestVersionError

DEFAULT_ARCHIVE = "archive"


def archive_root(option_value: str | None) -> Path:
    """--archive DIR, else $ARCHIVER_ARCHIVE, else ./archive."""
    return Path(option_value or os.environ.get("ARCHIVER_ARCHIVE") or DEFAULT_ARCHIVE).expanduser()


def fetching_settings(archive: Archive) -> Settings:
    """The settings of a command that fetches, with its network flags applied; its run's state
    (host pacing, TSA back-off, the screenshot browser) ends with the command, so the next run
    in this process starts afresh and no Chromium outlives the command that started it."""
    settings = load_config(archive.root)
    ctx = click.get_current_context()
    ctx.call_on_close(settings.run.close)
    settings["fetch"].update(ctx.meta.get(_NETWORK_FLAGS, {}))
    if settings["fetch"].get("cookies_file") and settings["fetch"].get("cookies_from_browser"):
        raise UsageError("give --cookies FILE or --cookies-from-browser BROWSER, not both")
    network.browser_cookies(settings)  # a browser that cannot be read ends the run before any fetch
    return settings


_NETWORK_FLAGS = "archiver.network_flags"


class RateType(click.ParamType):
    """A download speed as yt-dlp's --limit-rate takes it: bytes per second, K, M or G after
    the number for binary thousands (50K, 4.2M)."""

    name = "RATE"
    _UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip().upper().removesuffix("B")
        number, unit = (text[:-1], text[-1]) if text[-1:] in self._UNITS else (text, "")
        try:
            rate = int(float(number) * self._UNITS[unit])
        except ValueError:
            self.fail(f"{value!r} is not a speed such as 500K or 2M (bytes per second)", param, ctx)
        if rate < 1:
            self.fail(f"{value!r} is not a speed above zero", param, ctx)
        return rate


def _network_flag(
    key: str, check: Callable[[str], str] | None = None
) -> Callable[[click.Context, click.Parameter, Any], None]:
    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is not None:
            ctx.meta.setdefault(_NETWORK_FLAGS, {})[key] = check(value) if check else value

    return remember


PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def _checked_proxy(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        raise click.BadParameter(
            f"{shorten(value)!r} is not a proxy URL such as http://127.0.0.1:8080 or socks5://127.0.0.1:9050"
        )
    return value


# flag, fetch setting it overrides, click type, metavar, help (and a check, for --proxy)
_NETWORK_FLAG_TABLE: tuple[tuple[str, str, Any, str | None, str], ...] = (
    (
        "--cookies",
        "cookies_file",
        click.Path(exists=True, dir_okay=False),
        "FILE",
        "A Netscape cookies.txt for logged-in fetches (setting fetch.cookies_file).",
    ),
    (
        "--cookies-from-browser",
        "cookies_from_browser",
        None,
        "BROWSER[:PROFILE]",
        "Use a browser's cookies, read as yt-dlp reads them, e.g. firefox or chrome:Default.",
    ),
    (
        "--proxy",
        "proxy",
        None,
        "URL",
        "Send every request through this HTTP(S) or SOCKS proxy, e.g. socks5://127.0.0.1:9050.",
    ),
    (
        "--sleep-requests",
        "sleep_requests",
        click.FloatRange(min=0),
        "SECONDS",
        "Pause between any two requests, ours and yt-dlp's.",
    ),
    (
        "--limit-rate",
        "limit_rate",
        RateType(),
        None,
        "Cap each download's speed, e.g. 500K or 2M bytes a second.",
    ),
)
_FLAG_CHECKS: dict[str, Callable[[str], str]] = {"proxy": _checked_proxy}


def network_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The network flags of every command that fetches; fetching_settings applies them."""
    for flag, key, kind, metavar, help_text in reversed(_NETWORK_FLAG_TABLE):
        command = click.option(
            flag,
            type=kind,
            metavar=metavar,
            expose_value=False,
            callback=_network_flag(key, _FLAG_CHECKS.get(key)),
            help=help_text,
        )(command)
    return command


archive_option = click.option(
    "--archive",
    "archive_dir",
    metavar="DIR",
    help="Archive folder (default: $ARCHIVER_ARCHIVE, else ./archive; created on first use).",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")

csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV for a spreadsheet, one row each.")

max_distance_option = click.option(
    "--max-distance",
    type=click.IntRange(0, 128),
    metavar="N",
    help="PDQ bits two copies may differ by and still match (default from config: 31).",
)


class ArchiveKeyError(ArchiverError):
    kind = "key-missing"


class CatalogCorruptError(ArchiverError):
    """Writing into a malformed database could only spread the damage: refuse, change nothing."""

    kind = "catalog-corrupt"
    exit_code = 2


def corrupt_catalog_sentence(root: Path, problems: list[str]) -> str:
    return (
        f"the catalog {root / 'catalog.db'} is corrupt ({problems[0]}); restore it from a backup"
        " (nothing was changed)"
    )


def open_archive(
    archive_dir: str | None, *, recover: bool = True, writes: bool | None = None, existing: bool = False
) -> Archive:
    """``writes`` (default: same as ``recover``, as the commands that clean up after crashed
    writers are the ones that write) makes sure the archive key can sign before anything
    is written; readers and audits never touch the key. ``existing`` refuses a folder that
    holds no archive yet (a command that reads one first, such as export, must not make it)."""
    root = archive_root(archive_dir)
    archive = _opened(root, readonly=False, existing=existing)
    if recover or writes:  # both write: recovery removes blobs, and audits are logged
        problems = archive.catalog.quick_check_errors()
        if problems:
            archive.catalog.close()
            raise CatalogCorruptError(corrupt_catalog_sentence(root, problems))
    if recover if writes is None else writes:
        try:
            prepare_signing_key(archive.catalog, archive.key)
        except SigningKeyRefusedError as exc:
            archive.catalog.close()
            raise ArchiveKeyError(str(exc)) from exc
    if recover:
        archive.recover()
    return archive


def open_reader(archive_dir: str | None) -> Archive:
    """For commands that only read: the archive as it is, on read-only media too; a folder
    that holds no archive is refused, never turned into one."""
    return _opened(archive_root(archive_dir), readonly=True)


def _opened(root: Path, *, readonly: bool, existing: bool = True) -> Archive:
    """Open the archive, every way it can fail ending in one sentence."""
    if root.exists() and not root.is_dir():
        raise click.UsageError(f"{root} is not a folder")
    try:
        if existing:
            require_archive(root)
        return Archive(root, readonly=readonly)
    except (LostCatalogError, NotAnArchiveError, OutdatedCatalogError) as exc:
        raise UsageError(str(exc)) from exc
    except CorruptCatalogError as exc:
        if is_disk_full(exc, root):
            raise DiskFullError(full_disk_sentence(root, "its catalog cannot be opened")) from exc
        raise CatalogCorruptError(corrupt_catalog_sentence(root, [exc.problem])) from exc
    except OSError as exc:
        raise click.UsageError(f"cannot open archive {root}: {exc.strerror or exc}") from exc


def print_json(value: Any) -> None:
    click.echo(escape_json(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)))


# A cell a spreadsheet would run as a formula (CSV injection): shown as text by a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> str:
    """A value as a CSV cell that a spreadsheet shows, never evaluates: titles and URLs come
    from strangers, and ``=HYPERLINK(...)`` in a title must not become a live link."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def print_csv(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """``rows`` as CSV with a header line; a row's missing keys are empty cells."""
    text = io.StringIO()
    out = csv.writer(text, lineterminator="\n")
    out.writerow(columns)
    for row in rows:
        out.writerow([spreadsheet_cell(row.get(column)) for column in columns])
    click.echo(text.getvalue(), nl=False)


MAX_ID_LENGTH = 64


def checked_id(value: str) -> str:
    """A capture id as typed, refused when it cannot be one: ids are a UTC second plus eight hex
    digits, so a 100,000-character argument is a paste gone wrong, not worth a catalog query."""
    if len(value) > MAX_ID_LENGTH or not value.isprintable():
        raise UsageError(
            f"{shorten(value)!r} is not a capture id: ids are at most {MAX_ID_LENGTH} printable characters"
        )
    return value


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into one sentence on stderr and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArchiverError as exc:
            click.echo(f"archiver: {exc}", err=True)
            sys.exit(exc.exit_code)
        except UnknownManifestVersionError as exc:
            click.echo(f"archiver: {exc}, newer than this archiver knows; upgrade archiver", err=True)
            sys.exit(2)
        except sqlite3.DatabaseError as exc:
            # damage past the header shows only when a query reaches the broken page
            click.echo(f"archiver: the catalog cannot be read ({exc}); restore it from a backup", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("archiver: interrupted; nothing half-written was kept", err=True)
            sys.exit(130)
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            click.echo(f"archiver: {exc.strerror or exc}{where}", err=True)
            sys.exit(1)
        except sqlite3.Error as exc:
            if not is_disk_full(exc):
                raise
            click.echo(f"archiver: the archive's disk is full ({exc}); free some space, try again", err=True)
            sys.exit(1)

    return wrapper


def on_terminal() -> bool:
    return sys.stderr.isatty()
