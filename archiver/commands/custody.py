"""`archiver log` and `archiver note`: reading the custody log, and adding an analyst's note to it."""

from __future__ import annotations

import click

from archiver.cliutil import (
    archive_option,
    checked_id,
    friendly_errors,
    json_option,
    open_archive,
    open_reader,
    print_json,
)
from archiver.errors import ArchiverError, UsageError
from archiver.records import CustodyEvent
from archiver.settings import load_config, operator_name
from store.custody import append_event, events, latest_checkpoint
from store.manifest import capture_manifest, manifest_digest
from store.queries import capture_detail, is_capture


class NoSuchCaptureError(ArchiverError):
    kind = "not-found"


@click.command("log")
@click.argument("capture_id", required=False, metavar="[ID]")
@archive_option
@json_option
@friendly_errors
def log_command(capture_id: str | None, archive_dir: str | None, as_json: bool) -> None:
    """Show the custody log: every capture, import, timestamp, export, audit and note.

    With ID, only the events about that capture (any unique id prefix). Each event is
    a leaf of a Merkle tree whose signed checkpoints `archiver verify` checks.

    \b
    Examples:
      archiver log
      archiver log 20261125-101500-1a2b3c4d --json
    """
    capture_id = checked_id(capture_id) if capture_id else None  # before the archive, as for show
    with open_reader(archive_dir) as archive:
        subject = _resolve(archive, capture_id) if capture_id else None
        found = events(archive.catalog, subject)
        checkpoint = latest_checkpoint(archive.catalog)
    if as_json:
        print_json({"events": [e.as_json() for e in found], "checkpoint": checkpoint})
        return
    for e in found:
        click.echo(f"{e.seq:>6}  {e.time}  {e.action:<9} {e.subject}  by {e.actor}  {_summary(e)}")
    if checkpoint:
        click.echo(
            f"checkpoint {checkpoint['id']}: {checkpoint['tree_size']} events, "
            f"root {checkpoint['root_hash']}, signed {checkpoint['time']}"
        )


@click.command("note")
@click.argument("capture_id", metavar="ID")
@click.argument("text")
@archive_option
@json_option
@friendly_errors
def note_command(capture_id: str, text: str, archive_dir: str | None, as_json: bool) -> None:
    """Add an analyst's note about a capture to the custody log.

    The note is bound to the capture's current manifest digest, so it records what
    the analyst saw. Notes are permanent: the log is append-only.

    \b
    Example:
      archiver note 20261125-101500-1a2b3c4d "Geolocated to the citadel's north gate."
    """
    if not text.strip():
        raise UsageError("the note is empty")
    with open_archive(archive_dir) as archive:
        subject = _resolve(archive, capture_id)
        config = load_config(archive.root)
        with archive.catalog.transaction():
            of_capture = is_capture(archive.catalog, subject)
            hashes = [manifest_digest(capture_manifest(archive.catalog, subject))] if of_capture else []
            event = append_event(
                archive.catalog,
                action="note",
                actor=operator_name(config),
                subject=subject,
                hashes=hashes,
                detail={"text": text},
            )
    if as_json:
        print_json(event.as_json())
    else:
        click.echo(f"noted as custody event {event.seq} on {subject}")


def _resolve(archive, capture_id: str) -> str:
    detail = capture_detail(archive.catalog, checked_id(capture_id))
    if detail is None:
        raise NoSuchCaptureError(f"no capture with id {capture_id}")
    return detail["id"]


def _summary(event: CustodyEvent) -> str:
    d = event.detail
    if event.action == "note":
        return repr(d.get("text", ""))
    if event.action == "timestamp":
        return f"{d.get('tsa')} genTime {d.get('gen_time')}"
    if event.action == "export":
        return f"{len(d.get('captures', []))} capture(s)"
    if event.action == "verify":
        return "clean" if d.get("ok") else f"{d.get('findings')} finding(s): {', '.join(d.get('kinds', []))}"
    if "manifest_sha256" in d:
        return f"manifest {d['manifest_sha256'][:16]}…, {len(d.get('artifacts', []))} file(s)"
    return ", ".join(f"{k}={v}" for k, v in d.items() if isinstance(v, str | int))[:120]
