"""RFC 3161 tokens over signed checkpoints: a TSA's word that the log had this root by then.

The archive's own clock dates its checkpoints, and whoever holds its key can sign a
checkpoint with any date. A token over the checkpoint statement fixes when the log of
that size and root, under that key, existed. Each token is logged as a ``timestamp``
event on the subject ``checkpoint N`` with the token itself in its detail, so the next
checkpoint covers it and `archiver verify` can check it (see audit/checkpoint_stamps.py).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from archiver.errors import ArchiverError
from archiver.records import CustodyEvent
from archiver.settings import operator_name
from archiver.timestamps.authorities import authorities, timeout
from archiver.timestamps.tokens import request_token
from store import Archive
from store.custody import append_event, checkpoint_statement

SUBJECT_PREFIX = "checkpoint "


def statement_of(checkpoint: dict[str, Any]) -> bytes:
    return checkpoint_statement(
        checkpoint["tree_size"], checkpoint["root_hash"], checkpoint["time"], checkpoint["key_id"]
    )


def stamp_checkpoint(
    archive: Archive, checkpoint: dict[str, Any], config: dict[str, Any]
) -> tuple[list[dict[str, str]], list[str]]:
    """Ask every configured TSA once; returns the tokens got (published form) and the errors."""
    statement = statement_of(checkpoint)
    stamps, errors = [], []
    for authority in authorities(config):
        try:
            token = request_token(authority, statement, timeout(config))
        except ArchiverError as exc:
            errors.append(str(exc))
            continue
        stamp = {
            "tsa": authority.name,
            "url": authority.url,
            "gen_time": token.gen_time,
            "serial": token.serial,
            "token": base64.b64encode(token.der).decode("ascii"),
        }
        with archive.catalog.transaction():
            append_event(
                archive.catalog,
                action="timestamp",
                actor=operator_name(config),
                subject=f"{SUBJECT_PREFIX}{checkpoint['id']}",
                hashes=[hashlib.sha256(statement).hexdigest(), token.sha256],
                detail={**stamp, "checkpoint": checkpoint["id"], "tree_size": checkpoint["tree_size"]},
            )
        stamps.append(stamp)
    return stamps, errors


def is_checkpoint_stamp(event: CustodyEvent) -> bool:
    return event.action == "timestamp" and event.subject.startswith(SUBJECT_PREFIX)
