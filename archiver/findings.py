"""How audit findings are reported (the Finding record itself lives in store/records.py).

Shared by the archive audit and the bundle check so both print and serialise the same
way: `{"ok": bool, "findings": [{"kind", "object", "detail"}]}`; "ok" holds when every
finding is only a warning.
"""

from __future__ import annotations

from typing import Any

from archiver.records import Finding

__all__ = ["WARNINGS", "Finding", "failed", "report_json"]

# Kinds worth reading that are no failed check: the evidence holds, but says less than usual.
WARNINGS = frozenset({"export-unlogged"})


def failed(findings: list[Finding]) -> bool:
    return any(f.kind not in WARNINGS for f in findings)


def report_json(findings: list[Finding]) -> dict[str, Any]:
    return {"ok": not failed(findings), "findings": [f.as_json() for f in findings]}
