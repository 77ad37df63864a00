"""A Ctrl-C that lands while archiver exits, after the command is done, prints nothing.

The console script and ``python -m archiver`` both go through one entry function; a real
SIGINT is sent to the process from an atexit callback, which is where logging's shutdown
and thread joins run, so without that function it surfaces as "Exception ignored in
atexit callback" with a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT_ENTRY = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["archiver"]

LATE_CTRL_C = """
import atexit, os, signal, sys, time
def late_ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)  # the Python-level handler, if any, runs during this sleep
atexit.register(late_ctrl_c)
sys.argv = ["archiver", "--version"]
"""

STARTS = {
    "console script": (
        f"import importlib; m, f = {SCRIPT_ENTRY!r}.split(':'); getattr(importlib.import_module(m), f)()"
    ),
    "python -m archiver": "import runpy; runpy.run_module('archiver', run_name='__main__')",
}


@pytest.mark.parametrize("start", sorted(STARTS))
def test_ctrl_c_during_interpreter_exit_is_ignored(start):
    done = subprocess.run(
        [sys.executable, "-c", LATE_CTRL_C + STARTS[start]],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "archiver" in done.stdout
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr, done.stderr


FINALIZER_CTRL_C = """
import os, signal, sys, time
import archiver.cli

class Spool:  # like the temporary files warcio leaves to the garbage collector
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.02)  # the handler runs here, inside the finalizer

def command():
    spool = Spool()
    del spool
    try:
        time.sleep(10)
    except KeyboardInterrupt:
        print("interrupted after the finalizer")
        sys.exit(130)
    sys.exit(3)

archiver.cli.main = command  # the entry function around a command whose finalizer meets Ctrl-C
archiver.cli.run()
"""


def test_a_ctrl_c_landing_in_a_finalizer_still_stops_the_command():
    done = subprocess.run(
        [sys.executable, "-c", FINALIZER_CTRL_C],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130 and "interrupted after the finalizer" in done.stdout


EXIT_PATH_CTRL_C = """
import os, signal, sys, time
import archiver.cli

def command():  # the command is done; click is raising its exit when Ctrl-C arrives
    try:
        sys.exit(0)
    finally:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # the handler runs here, outside any command's own except

archiver.cli.main = command
archiver.cli.run()
"""


def test_a_ctrl_c_in_the_exit_path_is_one_line_and_exit_130():
    """The CI failure: a Ctrl-C between click's Exit(0) and the handler swap printed a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", EXIT_PATH_CTRL_C],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 130 and done.stderr.strip().startswith("archiver: interrupted"), done.stderr
