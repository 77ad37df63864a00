"""No side effects on import, and nothing shared between two runs in one process.

Importing the CLI or the capture pipeline registers no yt-dlp request handler of ours (the
replay harness is the demo's and the tests', never a real capture's); per-run state (host
pacing, TSA back-off, the screenshot browser) lives on the run, not in module globals.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from tests.replay import configure, start_replay
from tests.tsa import tsa_config

TEXT_POST = "https://t.me/fixture_channel/125"

_REGISTRY_PROBE = """
import json, sys
import archiver.cli, archiver.capture
from yt_dlp.networking import common
print(json.dumps({
    "handlers": sorted(f"{c.__module__}.{c.__name__}" for c in common._REQUEST_HANDLERS.values()),
    "preferences": sorted(p.__module__ for p in common._RH_PREFERENCES),
    "replay_loaded": "archiver.demo.replay" in sys.modules,
}))
"""


def test_importing_the_cli_and_capture_registers_no_handler_of_ours():
    done = subprocess.run([sys.executable, "-c", _REGISTRY_PROBE], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert found["handlers"] and not [h for h in found["handlers"] if h.startswith("archiver")]
    assert not [p for p in found["preferences"] if p.startswith("archiver")]
    assert found["replay_loaded"] is False


def _module_state() -> dict[tuple[str, str], object]:
    """Every archiver module's global values that are data (not modules, functions or classes),
    copied one level deep so that a dict filled in place shows as changed."""
    state = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("archiver") or module is None:
            continue
        for key, value in vars(module).items():
            if key.startswith("__") or isinstance(value, types.ModuleType | types.FunctionType | type):
                continue
            copied = type(value)(value) if isinstance(value, dict | list | set) else value
            state[(name, key)] = copied
    return state


def _changed(before: dict[tuple[str, str], object]) -> list[tuple[str, str]]:
    """The globals of ``before`` that now hold another value, or whose container other items."""
    now = _module_state()
    changed = []
    for place, old in before.items():
        new = now.get(place)
        same = new is old if hasattr(old, "__array__") else new == old  # arrays compare element-wise
        if not same:
            changed.append(place)
    return changed


@pytest.fixture
def paced_replay(archive_dir: Path, tmp_path: Path, local_tsa):
    """A replayed Telegram post with a 2 s pause per t.me request and a TSA that never answers."""
    with start_replay(tmp_path / "media") as server:
        configure(archive_dir, server, pause='default = 0.0, "t.me" = 2.0')
        offline = tmp_path / "offline.toml"
        offline.write_text(tsa_config({"local": local_tsa}, unreachable=True))
        yield server, offline


def test_two_runs_in_one_process_share_no_state(paced_replay, cli_json, monkeypatch):
    server, offline = paced_replay
    monkeypatch.setenv("ARCHIVER_CONFIG", str(offline))
    import archiver.commands.capture  # noqa: F401  (the pipeline is loaded before the snapshot)
    import archiver.platforms.telegram  # noqa: F401
    import archiver.timestamps.stamping  # noqa: F401

    before = _module_state()
    code, [first] = cli_json("capture", TEXT_POST)
    assert code == 0 and first["timestamped"] is False
    started = time.monotonic()
    code, [second] = cli_json("capture", TEXT_POST)
    took = time.monotonic() - started
    assert code == 0 and second["timestamped"] is False  # asked again: the first run's back-off is gone
    assert _changed(before) == []
    to_telegram = [h for h in server.hits if h.url.startswith("https://t.me/")]
    assert len(to_telegram) == 2  # one embed page per run, so no run paces itself
    assert took < 1.5  # the second run does not wait out the first run's 2 s pause
