"""The BagIt 1.0 (RFC 8493) text files: declaration, bag-info, manifests, tag manifests.

We write them ourselves because at export we already hold every payload digest; the
`bagit` library then checks the result independently (see archiver.bundle.check).
"""

from __future__ import annotations

from pathlib import Path

from store.streams import digest_file

ALGORITHMS = ("sha256", "sha512")
DECLARATION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def encode_path(relative: str) -> str:
    """RFC 8493 section 2.1.3: CR, LF and % in manifest paths are percent-encoded."""
    return relative.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def write_manifests(bag: Path, digests: dict[str, dict[str, str]], prefix: str = "manifest") -> list[Path]:
    """``digests`` maps a bag-relative path to {"sha256": hex, "sha512": hex}."""
    written = []
    for algorithm in ALGORITHMS:
        path = bag / f"{prefix}-{algorithm}.txt"
        lines = [f"{d[algorithm]}  {encode_path(rel)}\n" for rel, d in sorted(digests.items())]
        path.write_text("".join(lines), encoding="utf-8")
        written.append(path)
    return written


def write_bag_info(bag: Path, fields: list[tuple[str, str]]) -> Path:
    path = bag / "bag-info.txt"
    lines = [f"{name}: {' '.join(str(value).split())}\n" for name, value in fields]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def file_digests(path: Path) -> dict[str, str]:
    """SHA-256 and SHA-512 of a file, both from a single read."""
    return digest_file(path, tuple(ALGORITHMS))[0]


def write_tag_manifests(bag: Path, tag_files: list[Path]) -> list[Path]:
    digests = {p.relative_to(bag).as_posix(): file_digests(p) for p in tag_files}
    return write_manifests(bag, digests, prefix="tagmanifest")
