"""Typed settings: the built-in defaults, then the user's file, then the archive's, then one per run.

Every setting and its default lives in config/default.toml and nowhere else; the type of
each default is the setting's type. A later file may only change keys the defaults know,
with a value of the same type, so a typo or a wrong type is refused at load in one
sentence naming the key and the file, rather than ignored or failing deep inside a
capture. Files, lowest first:

1. config/default.toml, shipped with archiver;
2. the user's ``$XDG_CONFIG_HOME/archiver/config.toml`` (``~/.config/archiver/config.toml``);
3. the archive's own ``ARCHIVE/config.toml``;
4. a file named by ``$ARCHIVER_CONFIG``.
"""

from __future__ import annotations

import copy
import getpass
import os
import tomllib
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.run_state import RunState
from archiver.shipped import CONFIG_DIR
from archiver.terminal import shorten

DEFAULTS_FILE = CONFIG_DIR / "default.toml"
# Tables whose keys are open (host names): each value takes the type of the table's "default".
OPEN_TABLES = {"platforms.min_interval"}


class Settings(dict[str, Any]):
    """The merged settings of one command run (read as nested dicts), and that run's state.

    Every layer already receives the settings the command loaded, so the per-run state
    (host pacing, TSA back-off, the screenshot browser) travels with them instead of sitting
    in module globals that a second run in the same process would inherit."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.run = RunState()


def load_config(archive_root: Path | None = None) -> Settings:
    settings = _read(DEFAULTS_FILE)
    for path in override_files(archive_root):
        if path.is_file():
            _merge(settings, _read(path), path, "")
    return Settings(settings)


def override_files(archive_root: Path | None) -> list[Path]:
    """The files that may override the defaults, lowest priority first (missing ones are skipped,
    except $ARCHIVER_CONFIG, which must exist: naming a file that is not there is a mistake)."""
    paths = [user_config_file()]
    if archive_root is not None:
        paths.append(archive_root / "config.toml")
    if os.environ.get("ARCHIVER_CONFIG"):
        paths.append(Path(os.environ["ARCHIVER_CONFIG"]))
    return paths


def user_config_file() -> Path:
    """The XDG Base Directory place: a relative $XDG_CONFIG_HOME is ignored, as the spec says."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return root / "archiver" / "config.toml"


def run_of(config: dict[str, Any]) -> RunState:
    """The state of the run these settings were loaded for; settings not made by
    load_settings have none, which is a programming error, not a user's."""
    if not isinstance(config, Settings):
        raise TypeError("settings must come from archiver.settings.load_config")
    return config.run


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
    except OSError as exc:
        raise UsageError(f"configuration file {path} cannot be read: {exc.strerror}") from exc


def _merge(base: dict[str, Any], extra: dict[str, Any], path: Path, prefix: str) -> None:
    """Overlay ``extra`` on ``base``, refusing a key the defaults do not have and a value
    whose type differs from the default's."""
    for key, value in extra.items():
        name = f"{prefix}{key}"
        template = _template(base, key, prefix, path, name)
        _check_kind(value, template, path, name)
        if isinstance(value, dict):
            _merge(base.setdefault(key, {}), value, path, f"{name}.")
        elif isinstance(value, list):
            _check_items(value, template, path, name)
            base[key] = value
        else:
            base[key] = value


def _template(base: dict[str, Any], key: str, prefix: str, path: Path, name: str) -> Any:
    """The default a new value is checked against: the key's own, or an open table's "default"."""
    if key in base:
        return base[key]
    if prefix.rstrip(".") in OPEN_TABLES and "default" in base:
        return base["default"]
    raise UsageError(
        f"configuration file {path}: {name} is not a setting archiver knows (see config/default.toml)"
    )


def _check_kind(value: Any, template: Any, path: Path, name: str) -> None:
    if _kind(value) != _kind(template):
        shown = shorten(repr(value), 60)
        raise UsageError(f"configuration file {path}: {name} must be {_kind(template)}, not {shown}")


def _check_items(entries: list[Any], template: list[Any], path: Path, name: str) -> None:
    """A list replaces the default's whole list; each item must have the type of the default's
    first item, and a table item (``[[timestamp.tsa]]``) only the keys that item has."""
    if not template:
        return
    for number, entry in enumerate(entries, 1):
        if not isinstance(template[0], dict):
            _check_kind(entry, template[0], path, f"{name}[{number}]")
        elif isinstance(entry, dict):
            _merge(copy.deepcopy(template[0]), entry, path, f"{name}[{number}].")
        else:
            shown = shorten(repr(entry), 60)
            raise UsageError(f"configuration file {path}: each {name} entry must be a table, not {shown}")


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
