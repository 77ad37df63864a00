"""Quick commands start quickly because they import only what they use.

Checked by what a fresh interpreter has imported, not by timing (benchmarks/startup.py
times it): `archiver --help` loads no command module, and neither it nor `archiver list`
loads warcio, numpy or an HTTP client; the recording layer is still in place before the
first HTTP client loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click

from archiver.cli import COMMANDS, main

HEAVY = ("warcio", "numpy", "pandas", "requests", "urllib3", "yt_dlp", "http.client")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(__import__('json').dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_imports_no_command_and_nothing_heavy():
    loaded = _modules_after(
        "from archiver.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not {m for m in loaded if m.startswith("archiver.commands")}
    assert not loaded & set(HEAVY)


def test_list_imports_nothing_heavy(archive_dir, cli_json, media, tmp_path):
    still = tmp_path / "still.jpg"
    still.write_bytes(media["jpeg"].read_bytes())
    assert cli_json("import", str(still))[0] == 0
    loaded = _modules_after(
        f"from archiver.cli import main\ntry:\n    main(['list', '--archive', {str(archive_dir)!r}])\n"
        "except SystemExit:\n    pass"
    )
    assert {"archiver.commands.browse", "store.catalog"} <= loaded
    assert not loaded & set(HEAVY)


def test_the_recording_layer_loads_before_the_first_http_client():
    loaded = _modules_after(
        "import archiver\nimport urllib3.connection, http.client, warcio.capture_http as w\n"
        "assert issubclass(urllib3.connection.HTTPConnection, w.RecordingHTTPConnection)\n"
        "assert http.client.HTTPConnection is w.RecordingHTTPConnection"
    )
    assert "archiver.warc_recording" in loaded


def test_each_summary_is_its_commands_own_first_sentence():
    for name, (_, summary) in COMMANDS.items():
        command = main.commands[name]
        assert summary == click.utils.make_default_short_help(command.help or "", 1000), name
