"""Longer fault-injection run: random SIGKILL, Ctrl-C and ENOSPC during capture, import and
export, with the checks after each fault that tests/fault_injection.py describes.

    sudo python benchmarks/fault_injection.py [--rounds 30] [--seed 9]

Needs root for the small tmpfs. Capture fetches a clip from a local web server and every
timestamp comes from a local TSA, so nothing leaves the machine. Prints the counts; exit 1
if any check failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fault_injection import run_loop  # noqa: E402
from tests.media import write_mp4  # noqa: E402
from tests.small_disk import small_tmpfs  # noqa: E402
from tests.tsa import LocalTSA, tsa_config  # noqa: E402
from tests.webserver import TestSite  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "tsa").mkdir()
        tsa, site = LocalTSA(work / "tsa"), TestSite()
        try:
            (work / "tsa.toml").write_text(tsa_config({"local": tsa}))
            os.environ["ARCHIVER_CONFIG"] = str(work / "tsa.toml")
            clip = write_mp4(work / "clip.mp4").read_bytes() * 8
            url = site.add("/v.mp4", clip, "video/mp4", chunk_delay=0.005)
            with small_tmpfs(work / "disk", "24m") as disk:
                counts = run_loop(disk, work, url, rounds=args.rounds, seed=args.seed)
        finally:
            site.close()
            tsa.close()
    for name, value in sorted(counts.items()):
        print(f"{name}: {value}")
    sys.exit(1 if counts["failed checks"] else 0)


if __name__ == "__main__":
    main()
