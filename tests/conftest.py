"""Shared fixtures: a local web site with real media, and a fresh archive per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import archiver.settings
from tests.media import write_jpeg, write_mp4
from tests.tsa import LocalTSA, tsa_config
from tests.webserver import TestSite


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    return {
        "mp4": write_mp4(folder / "clip.mp4"),
        "jpeg": write_jpeg(folder / "coffee.jpg"),
    }


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    """A real RFC 3161 TSA (openssl ts) on 127.0.0.1, shared by the whole run."""
    tsa = LocalTSA(tmp_path_factory.mktemp("tsa"))
    yield tsa
    tsa.close()


@pytest.fixture(autouse=True)
def timestamp_config(local_tsa: LocalTSA, tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test stamps with the local TSA, never a public one: the built-in defaults are
    read with the local TSA in place of the public ones (so a test's own config override
    cannot bring them back), and child processes get it through $ARCHIVER_CONFIG."""
    path = tmp_path_factory.mktemp("config") / "tsa.toml"
    path.write_text(tsa_config({"local": local_tsa}))
    monkeypatch.setenv("ARCHIVER_CONFIG", str(path))
    # and the user-level file is an empty folder's, never the real user's
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    real_read = archiver.settings._read

    def read(source: Path) -> dict:
        data = real_read(source)
        if source == archiver.settings.DEFAULTS_FILE:
            data["timestamp"] = tomllib.loads(path.read_text())["timestamp"]
        return data

    monkeypatch.setattr(archiver.settings, "_read", read)
    return path


@pytest.fixture
def site() -> Iterator[TestSite]:
    server = TestSite()
    yield server
    server.close()


@pytest.fixture
def archive_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "archive"
    monkeypatch.setenv("ARCHIVER_ARCHIVE", str(root))
    return root


@pytest.fixture
def cli(archive_dir: Path):
    """Run an archiver command in-process; returns (exit code, stdout, stderr)."""
    from archiver.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def cli_json(cli):
    def run(*args: str) -> tuple[int, object]:
        code, out, err = cli(*args, "--json")
        assert out.strip(), f"no JSON printed; stderr: {err}"
        return code, json.loads(out)

    return run


def run_archiver(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The real console entry point in a child process (for kill and concurrency tests)."""
    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        **kwargs,
    )
