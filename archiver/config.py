"""Settings: built-in defaults from config/default.toml, overridden per archive or per run."""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.shipped import CONFIG_DIR

DEFAULTS_FILE = CONFIG_DIR / "default.toml"


def load_config(archive_root: Path | None = None) -> dict[str, Any]:
    config = _read(DEFAULTS_FILE)
    overrides = [archive_root / "config.toml"] if archive_root else []
    if os.environ.get("ARCHIVER_CONFIG"):
        overrides.append(Path(os.environ["ARCHIVER_CONFIG"]))
    for path in overrides:
        if path.is_file():
            _merge(config, _read(path))
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


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
