"""Verify an evidence bundle offline, with no archive at hand.

Every problem is reported by name (which file, which capture) rather than stopping at
the first one, because whoever checks a bundle needs to know exactly what changed.
The `bagit` library parses the bag; the checks themselves are ours, so that an added
file is named rather than summarised as a Payload-Oxum mismatch.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bagit

from archiver.bundle.bagit_files import file_digests
from archiver.bundle.payload import HASHES_SCHEMA, METADATA_SCHEMA
from archiver.errors import UsageError
from archiver.findings import Finding

# Findings after which nothing else in the bag may be read.
UNUSABLE = frozenset({"not-a-bag", "name-not-utf8", "not-a-regular-file"})


@contextmanager
def opened_bundle(path: Path, config: dict[str, Any]):
    """A bag folder as it is, or a zipped bag unpacked to a temporary folder (within the
    ``[verify]`` zip limits of ``config``)."""
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise UsageError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path} is neither a bag folder nor a zip file")
    with tempfile.TemporaryDirectory(prefix="archiver-verify-") as tmp, zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            target = (Path(tmp) / name).resolve()
            if not str(target).startswith(str(Path(tmp).resolve()) + "/"):
                raise UsageError(f"{path} contains an unsafe path: {name!r}")
        _refuse_bomb(path, zf, config)
        try:
            zf.extractall(tmp)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise UsageError(f"{path} is a damaged zip file ({exc})") from exc
        roots = [p for p in Path(tmp).iterdir() if p.is_dir()]
        yield roots[0] if len(roots) == 1 and not (Path(tmp) / "bagit.txt").exists() else Path(tmp)


def _limit(config: dict[str, Any], key: str, variable: str, unit: str) -> int:
    """A zip limit from ``[verify] key``, which the environment variable ``variable`` overrides
    (handy for one run on a big bundle without editing a file)."""
    value: Any = os.environ.get(variable, "")
    source = variable
    if not value:
        value, source = config["verify"][key], f"[verify] {key}"
    try:
        number = int(value) if isinstance(value, str) or float(value).is_integer() else -1
    except ValueError:
        number = -1
    if number <= 0:
        raise UsageError(f"{source} must be {unit} above 0, not {value!r}")
    return number


def _refuse_bomb(path: Path, zf: zipfile.ZipFile, config: dict[str, Any]) -> None:
    """Judged by the sizes the zip declares: zipfile never inflates an entry past its declared
    size (it fails the CRC instead), so their sum bounds what extraction can write."""
    total = sum(info.file_size for info in zf.infolist())
    limit = _limit(config, "max_unpacked_bytes", "ARCHIVER_MAX_UNPACKED_BYTES", "a number of bytes")
    if total > limit:
        raise UsageError(f"{path} would unpack to {total} bytes, more than the {limit} allowed")
    ratio = _limit(config, "max_unpack_ratio", "ARCHIVER_MAX_UNPACK_RATIO", "a whole number")
    if total > ratio * max(path.stat().st_size, 1):
        raise UsageError(f"{path} would unpack to more than {ratio} times its size: a zip bomb, not a bundle")


def check_bag(root: Path) -> list[Finding]:
    """Stops before parsing at anything it must not open or cannot name (see _unreadable_entries)."""
    unreadable = _unreadable_entries(root)
    if unreadable:
        return unreadable
    try:
        bag = bagit.Bag(str(root))
    except (bagit.BagError, UnicodeError) as exc:
        return [Finding("not-a-bag", str(root), str(exc))]
    findings = _check_payload(root, bag)
    findings += _check_tag_files(root, bag)
    findings += _check_oxum(root, bag)
    findings += _check_metadata(root, bag)
    return findings


def _unreadable_entries(root: Path) -> list[Finding]:
    """A bundle holds only folders and regular files with UTF-8 names. Anything else is refused
    unopened: reading a FIFO blocks forever, a device or a link may read outside the bag."""
    findings = []
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                findings.append(Finding("name-not-utf8", ascii(rel), "a file name that is not UTF-8"))
                continue
            mode = path.lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                findings.append(Finding("not-a-regular-file", rel, "neither a file nor a folder; not opened"))
    return findings


def _check_payload(root: Path, bag: bagit.Bag) -> list[Finding]:
    listed = dict(bag.payload_entries())
    on_disk = set(bag.payload_files())
    findings = [
        Finding("payload-missing", rel, "listed in the manifest but absent")
        for rel in sorted(set(listed) - on_disk)
    ]
    findings += [
        Finding("payload-added", rel, "present but not listed in any manifest")
        for rel in sorted(on_disk - set(listed))
    ]
    present = sorted(set(listed) & on_disk)
    with ThreadPoolExecutor(max_workers=2) as pool:
        actual = dict(zip(present, pool.map(lambda rel: file_digests(root / rel), present), strict=True))
    for rel in present:
        for algorithm, expected in listed[rel].items():
            if algorithm in actual[rel] and actual[rel][algorithm] != expected.lower():
                findings.append(
                    Finding(
                        "payload-changed",
                        rel,
                        f"{algorithm} is {actual[rel][algorithm]}, manifest says {expected}",
                    )
                )
    return findings


def _check_tag_files(root: Path, bag: bagit.Bag) -> list[Finding]:
    """Tag files against whatever tag manifests are present; a missing sealed one is the seal's finding."""
    findings = []
    payload = dict(bag.payload_entries())
    tag_entries = {rel: hashes for rel, hashes in bag.entries.items() if rel not in payload}
    for rel, hashes in sorted(tag_entries.items()):
        path = root / rel
        if not path.is_file():
            findings.append(Finding("tag-file-missing", rel, "listed in the tag manifest but absent"))
            continue
        actual = file_digests(path)
        for algorithm, expected in hashes.items():
            if algorithm in actual and actual[algorithm] != expected.lower():
                findings.append(
                    Finding("tag-file-changed", rel, f"{algorithm} differs from the tag manifest")
                )
    return findings


def _check_oxum(root: Path, bag: bagit.Bag) -> list[Finding]:
    oxum = bag.info.get("Payload-Oxum")
    if not oxum:
        return [Finding("oxum-missing", "bag-info.txt", "Payload-Oxum is absent")]
    files = list(bag.payload_files())
    actual = f"{sum((root / f).stat().st_size for f in files)}.{len(files)}"
    if str(oxum) != actual:
        return [Finding("oxum-mismatch", "bag-info.txt", f"Payload-Oxum says {oxum}, payload is {actual}")]
    return []


def _check_metadata(root: Path, bag: bagit.Bag) -> list[Finding]:
    """Each capture's metadata.json and hashes.json must describe exactly the files beside them."""
    findings = []
    payload = dict(bag.payload_entries())
    captures = root / "data" / "captures"
    for folder in sorted(p for p in captures.iterdir() if p.is_dir()) if captures.is_dir() else []:
        name = folder.relative_to(root).as_posix()
        metadata = _load(folder / "metadata.json", METADATA_SCHEMA)
        hashes = _load(folder / "hashes.json", HASHES_SCHEMA)
        if metadata is None or hashes is None or not _well_formed(metadata, hashes):
            findings.append(
                Finding("metadata-unreadable", name, "metadata.json or hashes.json is missing or invalid")
            )
            continue
        described = set()
        for artifact in metadata.get("artifacts", []):
            rel = f"{name}/{artifact['path']}"
            described.add(rel)
            recorded = hashes["files"].get(artifact["path"], {})
            if rel not in payload:
                findings.append(
                    Finding("metadata-mismatch", rel, "described in metadata.json but not in the bag")
                )
            elif (
                payload[rel].get("sha256") != artifact["sha256"]
                or recorded.get("sha256") != artifact["sha256"]
            ):
                findings.append(
                    Finding("metadata-mismatch", rel, f"metadata.json records sha256 {artifact['sha256']}")
                )
            elif "sha512" in payload[rel] and recorded.get("sha512") != payload[rel]["sha512"]:
                findings.append(Finding("metadata-mismatch", rel, "hashes.json records a different sha512"))
        files_dir = folder / "files"
        for path in sorted(files_dir.rglob("*")) if files_dir.is_dir() else []:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in described:
                findings.append(
                    Finding("metadata-mismatch", rel, "a file the capture's metadata does not describe")
                )
    return findings


def _load(path: Path, schema: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == schema else None


def _well_formed(metadata: dict[str, Any], hashes: dict[str, Any]) -> bool:
    """The shapes _check_metadata reads: a list of artifacts with text path and sha256, files by path."""
    artifacts, files = metadata.get("artifacts", []), hashes.get("files")
    return (
        isinstance(artifacts, list)
        and all(isinstance(a, dict) and isinstance(a.get("path"), str) for a in artifacts)
        and all(isinstance(a.get("sha256"), str) for a in artifacts)
        and isinstance(files, dict)
        and all(isinstance(v, dict) for v in files.values())
    )
