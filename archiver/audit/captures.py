"""Catalog rows against the custody log: each capture still describes what was logged.

The capture (or import) event recorded the manifest digest and every file's hash,
size and type at the moment the rows were written. Recomputing the manifest from
today's rows and comparing tells whether any capture, artifact or blob row was edited
since, and the per-file list names which file.
"""

from __future__ import annotations

from archiver.findings import Finding
from archiver.records import CustodyEvent
from store.catalog import Catalog
from store.manifest import capture_manifest, manifest_digest, manifest_value
from store.queries import capture_ids

_FILE_FIELDS = ("role", "sha256", "size", "mime")


def check_captures(catalog: Catalog, events: list[CustodyEvent]) -> list[Finding]:
    logged = {
        e.subject: e for e in events if e.action in ("capture", "import") and "manifest_sha256" in e.detail
    }
    captures = capture_ids(catalog)
    findings = [
        Finding(
            "capture-missing",
            capture_id,
            f"custody event {logged[capture_id]['seq']} logged it; the catalog has no row",
        )
        for capture_id in sorted(set(logged) - set(captures))
    ]
    for capture_id in captures:
        event = logged.get(capture_id)
        if event is None:
            findings.append(
                Finding("custody-event-missing", capture_id, "no capture or import event in the custody log")
            )
            continue
        digest = manifest_digest(capture_manifest(catalog, capture_id))
        if digest != event.detail["manifest_sha256"]:
            findings.append(
                Finding("catalog-row-edited", capture_id, _what_changed(catalog, capture_id, event))
            )
    return findings


def _what_changed(catalog: Catalog, capture_id: str, event: CustodyEvent) -> str:
    now = {a["name"]: a for a in manifest_value(catalog, capture_id)["artifacts"]}
    then = {a["name"]: a for a in event.detail["artifacts"]}
    changes = [f"file {name} was added" for name in sorted(set(now) - set(then))]
    changes += [f"file {name} was removed" for name in sorted(set(then) - set(now))]
    for name in sorted(set(now) & set(then)):
        for key in _FILE_FIELDS:
            if now[name].get(key) != then[name].get(key):
                changes.append(f"{name} {key} is {now[name].get(key)!r}, logged {then[name].get(key)!r}")
    where = "; ".join(changes) or "the capture row's fields differ from those logged"
    return f"{where} (custody event {event.seq})"
