"""Bundle export and bundle verification, against `cp` and `sha256sum` in the same run.

An archive holding --size-mib of media (in four files) is exported as a bag; the
baseline is `cp` of the same blob files to a new folder. SHA-512 was computed when the
files were stored, so an export re-checks SHA-256 while copying. The bag is then checked
offline (`archiver verify BUNDLE`: checksums, seal, proofs, tokens); the baseline is
`sha256sum` over the same payload files. Targets: export
>= 0.5 of cp's throughput, verification >= 0.8 of sha256sum's. Medians of --runs.

    python benchmarks/bundle.py [--size-mib 1024] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.bundle.export import export_bundle  # noqa: E402
from archiver.bundle.verify import verify_bundle  # noqa: E402
from archiver.importing import import_files  # noqa: E402
from archiver.settings import load_config  # noqa: E402
from store import Archive  # noqa: E402


def run_quietly(command: list[str]) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_config(archive: Archive) -> dict:
    config = load_config(archive.root)
    config["timestamp"]["tsa"] = []  # no network in a benchmark: bundles are signed, not stamped
    return config


def build_archive(work: Path, size_mib: int) -> tuple[Archive, list[str], list[Path]]:
    sources = []
    for i in range(4):
        path = work / f"part{i}.bin"
        with open(path, "wb") as fh:
            for _ in range(size_mib // 4 // 8):
                fh.write(os.urandom(8 * 1024 * 1024))
        sources.append(path)
    archive = Archive(work / "archive")
    outcomes = import_files(archive, sources, bench_config(archive))
    for path in sources:
        path.unlink()
    ids = [o.capture_id for o in outcomes]
    blobs = [archive.blobs.path(o.artifacts[0].sha256) for o in outcomes]
    return archive, ids, blobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archiver-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        work = Path(tmp)
        archive, ids, blobs = build_archive(work, args.size_mib)
        config = bench_config(archive)
        run_quietly(["cat", *map(str, blobs)])  # warm the cache
        cp_times, export_times, sum_times, check_times = [], [], [], []
        for run in range(args.runs):
            copy_dir = work / f"cp{run}"
            copy_dir.mkdir()
            cp_command = ["cp", *map(str, blobs), str(copy_dir)]
            cp_times.append(timed(lambda c=cp_command: run_quietly(c)))
            shutil.rmtree(copy_dir)
            bag = work / f"bag{run}"
            export_times.append(timed(lambda b=bag: export_bundle(archive, ids, b, config)))
            sum_command = ["sha256sum", *(str(p) for p in (bag / "data").rglob("*") if p.is_file())]
            sum_times.append(timed(lambda c=sum_command: run_quietly(c)))
            findings: list = []
            check_times.append(timed(lambda b=bag, f=findings: f.extend(verify_bundle(b, config).findings)))
            assert findings == [], findings
            shutil.rmtree(bag)
        cp, export = statistics.median(cp_times), statistics.median(export_times)
        sh, ck = statistics.median(sum_times), statistics.median(check_times)
        mib = args.size_mib
        print(f"[export {mib} MiB] cp median {cp:.3f} s")
        print(
            f"[export {mib} MiB] archiver export median {export:.3f} s: "
            f"ratio {cp / export:.2f}  (export/cp, target >= 0.5)"
        )
        print(f"[verify {mib} MiB] sha256sum median {sh:.3f} s, archiver verify BUNDLE median {ck:.3f} s")
        print(f"[verify {mib} MiB] throughput ratio verify/sha256sum = {sh / ck:.2f}  (target >= 0.8)")
        archive.close()


if __name__ == "__main__":
    main()
