"""`archiver checkpoint publish`: the latest signed checkpoint, as a file to keep elsewhere."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from archiver.cliutil import (
    archive_option,
    archive_root,
    friendly_errors,
    json_option,
    open_archive,
    print_json,
)
from archiver.errors import ArchiverError, UsageError
from archiver.settings import load_config
from archiver.timestamps.authorities import authorities
from archiver.timestamps.checkpoints import stamp_checkpoint
from store.checkpoint_file import checkpoint_document
from store.custody import latest_checkpoint, write_checkpoint
from store.durable import fsync_dir


class TimestampFailedError(ArchiverError):
    kind = "tsa-unavailable"


@click.group("checkpoint")
def checkpoint_group() -> None:
    """Signed checkpoints of the custody log, for keeping outside the archive.

    \b
    Example:
      archiver checkpoint publish -o checkpoint.json --timestamp
    """


@checkpoint_group.command("publish")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), metavar="FILE",
              help="Write the checkpoint here (never over an existing file); default: print it.")  # fmt: skip
@click.option("--timestamp", "stamp", is_flag=True,
              help="Have every configured TSA stamp it (RFC 3161); the tokens go in the file.")  # fmt: skip
@archive_option
@json_option
@friendly_errors
def publish_command(out: Path | None, stamp: bool, archive_dir: str | None, as_json: bool) -> None:
    """Write the custody log's latest signed checkpoint as a JSON file to keep elsewhere.

    The file holds the tree size, Merkle root, time, signature, the archive key's id,
    fingerprint and public key, and with --timestamp the TSAs' tokens over it (format:
    schema archiver-checkpoint/1, described in store/checkpoint_file.py). Mail it to a
    colleague or commit it somewhere public: later, `archiver verify --against FILE`
    proves today's log still extends it under the same key, which is the only way to
    catch a log truncated from its end or re-signed with another key. A checkpoint is
    signed first if the log has grown since the last one.

    \b
    Examples:
      archiver checkpoint publish -o checkpoint-2026-12-03.json --timestamp
      archiver checkpoint publish > latest.json
    """
    if not (archive_root(archive_dir) / "catalog.db").is_file():
        raise UsageError(f"there is no archive at {archive_root(archive_dir)}")
    if out is not None and (out.exists() or out.is_symlink()):
        raise UsageError(f"{out} already exists; a published checkpoint is never overwritten")
    with open_archive(archive_dir) as archive:
        config = load_config(archive.root)
        if stamp and not authorities(config):
            raise UsageError("no time-stamping authority is configured ([[timestamp.tsa]] in the config)")
        write_checkpoint(archive.catalog, archive.key)
        checkpoint = latest_checkpoint(archive.catalog)
        if checkpoint is None:
            raise UsageError("the custody log is empty: there is nothing to publish yet")
        stamps, errors = stamp_checkpoint(archive, checkpoint, config) if stamp else ([], [])
        if stamp and not stamps:
            raise TimestampFailedError(f"no TSA stamped the checkpoint, nothing was written: {errors[0]}")
        document = checkpoint_document(checkpoint, archive.key.public_key, stamps)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    _write_new(out, text.encode("utf-8"))
    summary = {
        "file": str(out),
        **{k: document[k] for k in ("tree_size", "root_hash", "time", "key_id", "key_fingerprint")},
        "timestamps": [{k: t[k] for k in ("tsa", "gen_time")} for t in stamps],
        "timestamp_errors": errors,
    }
    if as_json:
        print_json(summary)
    else:
        stamped = "".join(f", stamped by {t['tsa']} at {t['gen_time']}" for t in stamps)
        click.echo(
            f"published checkpoint of {document['tree_size']} events, root {document['root_hash']}, "
            f"key {document['key_id']} ({document['key_fingerprint']}){stamped} -> {out}"
        )
        for error in errors:
            click.echo(f"archiver: {error}", err=True)


def _write_new(path: Path, data: bytes) -> None:
    """Whole or not at all, and never over a file that appeared meanwhile."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".checkpoint-")
    try:
        os.fchmod(fd, 0o644)  # it is meant to be handed out
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError as exc:
            raise UsageError(f"{path} already exists; a published checkpoint is never overwritten") from exc
        fsync_dir(folder)
    finally:
        os.unlink(tmp)
