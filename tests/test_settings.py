"""Settings: the user's file sits between the defaults and the archive's, every key is known
and typed, and every key of config/default.toml is documented in the README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from archiver.settings import DEFAULTS_FILE, OPEN_TABLES, load_config
from tests.conftest import run_archiver

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    (home / "archiver").mkdir(parents=True)
    return home / "archiver" / "config.toml"


def test_the_user_file_is_read_and_the_archive_file_wins(user_file: Path, archive_dir: Path):
    user_file.write_text('operator = "user-level"\n[import]\nbatch_size = 7\n')
    assert load_config(archive_dir)["operator"] == "user-level"
    archive_dir.mkdir()
    (archive_dir / "config.toml").write_text('operator = "archive-level"\n')
    settings = load_config(archive_dir)
    assert settings["operator"] == "archive-level"
    assert settings["import"]["batch_size"] == 7  # what the archive leaves alone, the user's file still sets


def test_the_user_file_defaults_to_dot_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".config" / "archiver").mkdir(parents=True)
    (tmp_path / ".config" / "archiver" / "config.toml").write_text('operator = "from-home"\n')
    assert load_config(None)["operator"] == "from-home"


def test_the_user_level_operator_reaches_a_capture(user_file: Path, cli_json, media):
    user_file.write_text('operator = "field-team"\n')
    code, [imported] = cli_json("import", str(media["jpeg"]))
    assert code == 0
    code, shown = cli_json("show", imported["capture_id"])
    assert shown["operator"] == "field-team"


def test_a_wrong_type_in_the_user_file_names_that_file(user_file: Path, archive_dir: Path):
    user_file.write_text('[fetch]\ntimeout = "soon"\n')
    result = run_archiver("capture", "http://127.0.0.1:9/", timeout=60)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line == f"archiver: configuration file {user_file}: fetch.timeout must be a number, not 'soon'"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[fetch]\ntimout = 5\n", "fetch.timout is not a setting archiver knows"),
        ("[fetchh]\ntimeout = 5\n", "fetchh is not a setting archiver knows"),
        ("colour = true\n", "colour is not a setting archiver knows"),
        ('[[timestamp.tsa]]\nname = "a"\nroot = []\n', "timestamp.tsa[1].root is not"),
        ("[fetch]\nsubtitle_languages = [1]\n", "fetch.subtitle_languages[1] must be a string, not 1"),
        ('[platforms]\nmin_interval = { "t.me" = "slow" }\n', "platforms.min_interval.t.me must be a number"),
    ],
)
def test_an_unknown_key_or_wrong_type_is_one_sentence(archive_dir: Path, text: str, named: str):
    archive_dir.mkdir()
    config = archive_dir / "config.toml"
    config.write_text(text)
    result = run_archiver("capture", "http://127.0.0.1:9/", timeout=60)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"archiver: configuration file {config}: ") and named in line


def test_any_host_may_get_its_own_pause(archive_dir: Path):
    archive_dir.mkdir()
    (archive_dir / "config.toml").write_text('[platforms]\nmin_interval = { "vk.com" = 2 }\n')
    assert load_config(archive_dir)["platforms"]["min_interval"]["vk.com"] == 2


def _documented_keys(table: dict, prefix: str = "") -> list[str]:
    """Every setting's dotted name; an array of tables also names its entries' fields."""
    keys = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        keys.append(name)
        if isinstance(value, dict) and name not in OPEN_TABLES:
            keys.remove(name)
            keys += _documented_keys(value, f"{name}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            keys += _documented_keys(value[0], f"{name}[].")
    return keys


def test_every_default_setting_is_documented_in_the_readme():
    section = README.read_text(encoding="utf-8").split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE))
    with open(DEFAULTS_FILE, "rb") as fh:
        keys = _documented_keys(tomllib.load(fh))
    assert "fetch.timeout" in keys and "timestamp.tsa[].url" in keys
    assert [k for k in keys if k not in documented] == []
