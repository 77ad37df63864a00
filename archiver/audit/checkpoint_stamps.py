"""RFC 3161 tokens over checkpoints (logged by `checkpoint publish --timestamp`), checked again.

Each stamp event names the checkpoint, the SHA-256 of its statement and of the token,
and carries the token. The checkpoint row must still give that statement: a row
re-signed with another key, or over another root, no longer does, even when every
signature in the catalog holds. And the token must still be a valid one over it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from archiver.audit.timestamps import token_verdict
from archiver.findings import Finding
from archiver.records import CustodyEvent
from archiver.timestamps.authorities import Authority
from archiver.timestamps.checkpoints import is_checkpoint_stamp, statement_of


def check_checkpoint_stamps(
    events: list[CustodyEvent], checkpoints: list[dict[str, Any]], tsas: list[Authority]
) -> list[Finding]:
    by_id = {c["id"]: c for c in checkpoints}
    by_name = {a.name: a for a in tsas}
    findings = []
    for event in filter(is_checkpoint_stamp, events):
        d = event.detail
        name = f"timestamp of checkpoint {d.get('checkpoint')} ({d.get('tsa')}, custody event {event.seq})"
        checkpoint = by_id.get(d.get("checkpoint"))
        if checkpoint is None:
            findings.append(Finding("checkpoint-missing", name, "the stamped checkpoint was removed"))
            continue
        statement = statement_of(checkpoint)
        if hashlib.sha256(statement).hexdigest() != event.hashes[0]:
            findings.append(
                Finding(
                    "checkpoint-rewritten",
                    name,
                    f"checkpoint {checkpoint['id']} is not the one the TSA stamped: "
                    "its root, time or signing key has changed since",
                )
            )
            continue
        try:
            token = base64.b64decode(d["token"], validate=True)
        except (KeyError, TypeError, binascii.Error):
            token = b""
        verdict = token_verdict(token, statement, by_name.get(d.get("tsa")), tsas)
        if verdict is not None:
            findings.append(Finding(verdict[0], name, verdict[1]))
    return findings
