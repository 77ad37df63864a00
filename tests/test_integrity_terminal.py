"""Text from strangers (titles, post texts, URLs, file names) never drives the terminal:
human-readable output shows control characters as visible escapes, JSON keeps them exact."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from tests.conftest import run_archiver

HOSTILE_TITLE = "Evil\x1b]52;c;SGVsbG8=\x07 \x1b[2J\u009b2J\x08\x08X\rZ \u202e3pm.exe"
# What must never reach a terminal raw: C0 but newline and tab, DEL, C1, bidi overrides.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_inert(text: str) -> None:
    found = RAW_CONTROL.findall(text.replace("\r\n", "\n"))
    assert not found, f"raw control characters {found!r} in {text!r}"


@pytest.fixture
def hostile_capture(site, archive_dir) -> str:
    page = f"<html><head><title>{HOSTILE_TITLE}</title></head><body><p>hi</p></body></html>"
    url = site.add("/evil.html", page.encode(), "text/html")
    result = run_archiver("capture", url, "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]["capture_id"]


def on_a_terminal(*args: str) -> str:
    """Output of an archiver command whose stdout is a real pseudo-terminal (click strips some
    escape sequences only when output is piped)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args], stdout=follower, stderr=subprocess.PIPE, env=os.environ
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_human_output_shows_control_characters_as_escapes(hostile_capture):
    for args in (["list"], ["search", "Evil"], ["show", hostile_capture], ["log"]):
        result = run_archiver(*args, timeout=60)
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout)
        assert_inert(result.stderr)
    shown = run_archiver("show", hostile_capture, timeout=60).stdout
    assert "Evil\\x1b]52;c;SGVsbG8=\\x07" in shown and "\\u202e3pm.exe" in shown


def test_a_terminal_gets_no_escape_sequence(hostile_capture):
    for args in (["show", hostile_capture], ["list"]):
        output = on_a_terminal(*args)
        assert "Evil" in output
        assert_inert(output)


def test_json_keeps_the_exact_title_and_escapes_it(hostile_capture):
    result = run_archiver("show", hostile_capture, "--json", timeout=60)
    assert_inert(result.stdout)
    assert json.loads(result.stdout)["title"] == HOSTILE_TITLE.replace("\r", " ")
    listed = run_archiver("list", "--json", timeout=60).stdout
    assert_inert(listed)
    assert json.loads(listed)[0]["title"] == HOSTILE_TITLE.replace("\r", " ")


def test_report_text_with_escape_sequences_prints_inert(archive_dir, tmp_path):
    report = tmp_path / "report.md"
    report.write_text(
        "Clipboard \x1b]52;c;SGVsbG8=\x07 grab and \u009b2J at https://t.me/somechannel/12 today.\n"
    )
    result = run_archiver("report", str(report), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "t.me/somechannel/12" in result.stdout
    assert_inert(result.stdout)
