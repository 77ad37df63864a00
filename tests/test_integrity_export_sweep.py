"""Build folders a killed export left are removed by the next export, never a live one's.

Real exports are SIGKILLed or SIGSTOPped while their hidden build folder exists; the owner
check is also tried on names of real processes: a reaped one, a reused PID (a live PID with
another start time) and a folder from before a reboot (another boot id).
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

from archiver.bundle.build_folder import build_name, process_stat, sweep_dead_builds
from tests import test_integrity_export_cleanup
from tests.conftest import run_archiver
from tests.test_integrity_export_cleanup import building, export_child

big_archive = test_integrity_export_cleanup.big_archive  # forty captures in case bulk


def export(archive: Path, out: Path) -> None:
    result = run_archiver("export", "--case", "bulk", "-o", str(out), "--archive", str(archive), timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_next_export_removes_what_a_killed_one_left(big_archive, tmp_path):
    child = export_child(big_archive, tmp_path / "first")
    left = building(child, tmp_path)
    assert left is not None
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert left.is_dir()  # no cleanup runs after a SIGKILL
    export(big_archive, tmp_path / "second")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["second"]


def test_a_stopped_export_keeps_its_folder_and_finishes(big_archive, tmp_path):
    child = export_child(big_archive, tmp_path / "first")
    held = building(child, tmp_path)
    assert held is not None
    child.send_signal(signal.SIGSTOP)
    try:
        export(big_archive, tmp_path / "second")
        assert held.is_dir()
    finally:
        child.send_signal(signal.SIGCONT)
    assert child.wait(timeout=120) == 0, child.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "second"]
    verified = run_archiver("verify", str(tmp_path / "first"), timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_only_names_of_dead_owners_are_swept(tmp_path):
    ours = build_name("mine")
    pid, start, boot = re.search(r"partial-(\d+)-(\d+)-([0-9a-f]{32})-", ours).groups()
    reaped = subprocess.Popen(["sleep", "60"])
    reaped.kill()
    reaped.wait()
    zombie = subprocess.Popen(["sleep", "60"])
    zombie.kill()
    while process_stat(zombie.pid)[0] != "Z":  # SIGKILLed, and its parent has not waited for it yet
        time.sleep(0.01)
    zombie_start = process_stat(zombie.pid)[1]
    names = {
        "ours": ours,
        "reaped": ours.replace(f"-{pid}-{start}-", f"-{reaped.pid}-{start}-"),
        "killed, not yet reaped": ours.replace(f"-{pid}-{start}-", f"-{zombie.pid}-{zombie_start}-"),
        "reused pid": ours.replace(f"-{start}-", f"-{int(start) + 1}-"),
        "before a reboot": ours.replace(boot, "f" * 32),
        "no owner recorded": ".mine.partial-0123abcd",
        "not a build": ".mine.notes",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
    (tmp_path / names["reaped"] / "bagit.txt").write_text("half a bag")
    removed = sweep_dead_builds(tmp_path)
    dead = ("reaped", "killed, not yet reaped", "reused pid", "before a reboot")
    assert sorted(p.name for p in removed) == sorted(names[k] for k in dead)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[k] for k in names if k not in dead)
    zombie.wait()
