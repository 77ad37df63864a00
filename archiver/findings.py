"""How audit findings are reported (the Finding record itself lives in store/records.py).

Shared by the archive audit and the bundle check so both print and serialise the same
way: `{"ok": bool, "findings": [{"kind", "object", "detail"}]}`.
"""

from __future__ import annotations

from typing import Any

from archiver.records import Finding

__all__ = ["Finding", "report_json"]


def report_json(findings: list[Finding]) -> dict[str, Any]:
    return {"ok": not findings, "findings": [f.as_json() for f in findings]}
