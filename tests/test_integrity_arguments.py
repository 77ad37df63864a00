"""Hostile arguments and settings end in one sentence and exit 2: a 100,000-character id,
configuration values of the wrong type (checked against the built-in defaults' types); and a
file name that is not UTF-8 is imported, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_archiver

LONG_ID = "a" * 100_000


@pytest.mark.parametrize(
    "args",
    [
        ("show", LONG_ID),
        ("log", LONG_ID),
        ("note", LONG_ID, "text"),
        ("export", LONG_ID, "-o", "out"),
        ("show", "a\x1b[2J"),
    ],
)
def test_an_absurd_id_is_one_short_sentence(cli, args):
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert "is not a capture id" in line and len(line) < 250


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[fetch]\ntimeout = "abc"\n', "fetch.timeout must be a number, not 'abc'"),
        ('fetch = "x"\n', "fetch must be a table"),
        ("[fetch]\ntimeout = true\n", "fetch.timeout must be a number, not True"),
        ("[timestamp]\ntsa = [1]\n", "each timestamp.tsa entry must be a table"),
        ("[[timestamp.tsa]]\nname = 5\n", "timestamp.tsa[1].name must be a string, not 5"),
        ("[fetch\n", "is not valid TOML"),
        (b"[fetch]\ntimeout = \xff\n", "is not UTF-8 text"),
    ],
)
def test_a_setting_of_the_wrong_type_is_named(archive_dir: Path, text: str | bytes, named: str):
    archive_dir.mkdir()
    config = archive_dir / "config.toml"
    config.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run_archiver("capture", "http://127.0.0.1:9/", timeout=60)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"archiver: configuration file {config}") and named in line


def test_a_file_name_that_is_not_utf8_is_imported_and_shown_escaped(cli_json, cli, media, tmp_path):
    folder = tmp_path / "camera"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.jpg")
    with open(raw, "wb") as fh:
        fh.write(media["jpeg"].read_bytes())
    code, [imported] = cli_json("import", str(folder))
    assert code == 0 and imported["status"] == "ok", imported
    code, out, err = cli("show", imported["capture_id"])
    assert code == 0 and "caf\\xe9.jpg" in out
    code, report = cli_json("verify")
    assert code == 0 and report["findings"] == []
