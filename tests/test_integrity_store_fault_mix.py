"""A bounded loop of random SIGKILLs, Ctrl-Cs and full disks (a real tmpfs) during capture,
import and export: after every fault the archive is whole and the command runs again.

The loop itself is tests/fault_injection.py; this runs a few rounds of each action and
prints the counts (`pytest -s`). ARCHIVER_FAULT_ROUNDS and ARCHIVER_FAULT_SEED change them.
"""

from __future__ import annotations

import os

from tests.fault_injection import ACTIONS, run_loop
from tests.small_disk import small_tmpfs


def test_random_kills_interrupts_and_full_disks_never_break_the_archive(tmp_path, site, media):
    rounds = int(os.environ.get("ARCHIVER_FAULT_ROUNDS", "6"))
    url = site.add("/v.mp4", media["mp4"].read_bytes() * 8, "video/mp4", chunk_delay=0.005)
    with small_tmpfs(tmp_path / "disk", "24m") as disk:
        counts = run_loop(
            disk, tmp_path, url, rounds=rounds, seed=int(os.environ.get("ARCHIVER_FAULT_SEED", "1309"))
        )
    print(f"fault injection: {dict(sorted(counts.items()))}")
    assert counts["rounds"] == rounds and counts["failed checks"] == 0, counts
    assert counts["bundles verified"] == rounds // len(ACTIONS)  # every export round ended in a sound bundle
