"""A finding of an audit: what kind of problem, on which object, in one sentence.

Shared by the archive audit and the bundle check so both print and serialise the same
way: `{"ok": bool, "findings": [{"kind", "object", "detail"}]}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    kind: str
    object: str
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "object": self.object, "detail": self.detail}


def report_json(findings: list[Finding]) -> dict[str, Any]:
    return {"ok": not findings, "findings": [f.as_json() for f in findings]}
