"""Settings: built-in defaults from config/default.toml, overridden per archive or per run."""

from __future__ import annotations

import copy
import getpass
import os
import tomllib
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.shipped import CONFIG_DIR
from archiver.terminal import shorten

DEFAULTS_FILE = CONFIG_DIR / "default.toml"


def load_config(archive_root: Path | None = None) -> dict[str, Any]:
    config = _read(DEFAULTS_FILE)
    overrides = [archive_root / "config.toml"] if archive_root else []
    if os.environ.get("ARCHIVER_CONFIG"):
        overrides.append(Path(os.environ["ARCHIVER_CONFIG"]))
    for path in overrides:
        if path.is_file():
            _merge(config, _read(path), path, "")
    return config


def operator_name(config: dict[str, Any]) -> str:
    return config.get("operator") or getpass.getuser()


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise UsageError(f"configuration file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"configuration file {path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"configuration file {path} is not UTF-8 text, as TOML must be") from exc


def _merge(base: dict[str, Any], extra: dict[str, Any], path: Path, prefix: str) -> None:
    """Overlay ``extra`` on ``base``; a value whose type differs from the built-in default's is
    refused here, naming the key, rather than failing later deep inside a capture."""
    for key, value in extra.items():
        name = f"{prefix}{key}"
        if key in base and _kind(value) != _kind(base[key]):
            shown = shorten(repr(value), 60)
            raise UsageError(f"configuration file {path}: {name} must be {_kind(base[key])}, not {shown}")
        if isinstance(value, dict) and key in base:
            _merge(base[key], value, path, f"{name}.")
        elif isinstance(value, list) and base.get(key) and isinstance(base[key][0], dict):
            _check_entries(base[key][0], value, path, name)
            base[key] = value
        else:
            base[key] = value


def _check_entries(template: dict[str, Any], entries: list[Any], path: Path, name: str) -> None:
    """Entries of a list of tables (``[[timestamp.tsa]]``) replace the defaults' whole list; each
    is checked against the types of the first built-in entry."""
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            shown = shorten(repr(entry), 60)
            raise UsageError(f"configuration file {path}: each {name} entry must be a table, not {shown}")
        _merge(copy.deepcopy(template), entry, path, f"{name}[{number}].")


def _kind(value: Any) -> str:
    """The TOML type a setting has, with integers and floats one kind (5 means 5.0)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"
