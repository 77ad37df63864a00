"""`archiver verify` (the whole-archive audit) against `sha256sum` over the same blobs, same run.

An archive holding --size-mib of random media in --files files is built once; then,
--runs times, `sha256sum` re-hashes the blob files and the audit re-checks the whole
archive (fixity of every blob, catalog, custody log and checkpoints). Target: audit
throughput >= 0.8 of sha256sum's. Medians of the runs; the page cache is warm for both.

    python benchmarks/verify.py [--size-mib 1024] [--files 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.audit.archive import audit_archive  # noqa: E402
from archiver.importing import import_files  # noqa: E402
from archiver.settings import load_config  # noqa: E402
from store import Archive  # noqa: E402


def build_archive(work: Path, size_mib: int, files: int) -> tuple[Archive, list[Path], dict]:
    config = load_config(None)
    config["timestamp"]["tsa"] = []  # no network in a benchmark
    sources = []
    for i in range(files):
        path = work / f"part{i}.bin"
        with open(path, "wb") as fh:
            for _ in range(size_mib // files):
                fh.write(os.urandom(1024 * 1024))
        sources.append(path)
    archive = Archive(work / "archive")
    outcomes = import_files(archive, sources, config)
    for path in sources:
        path.unlink()
    return archive, [archive.blobs.path(o.artifacts[0].sha256) for o in outcomes], config


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archiver-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        archive, blobs, config = build_archive(Path(tmp), args.size_mib, args.files)
        command = ["sha256sum", *map(str, blobs)]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # warm the cache
        sums, audits = [], []
        for _ in range(args.runs):
            sums.append(timed(lambda: subprocess.run(command, stdout=subprocess.DEVNULL, check=True)))
            findings: list = []
            audits.append(timed(lambda f=findings: f.extend(audit_archive(archive, config))))
            assert findings == [], findings
        archive.close()
    sh, au = statistics.median(sums), statistics.median(audits)
    mib, tag = args.size_mib, f"[verify {args.size_mib} MiB, {args.files} blobs]"
    print(f"{tag} sha256sum median {sh:.3f} s ({mib / sh:.0f} MiB/s)")
    print(f"{tag} archiver verify median {au:.3f} s ({mib / au:.0f} MiB/s)")
    print(f"{tag} throughput ratio verify/sha256sum = {sh / au:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
