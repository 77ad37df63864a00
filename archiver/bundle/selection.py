"""Which captures an export covers: explicit ids, a case, or a full-text query."""

from __future__ import annotations

from archiver.errors import ArchiverError, UsageError
from store.catalog import Catalog
from store.queries import capture_detail, capture_ids, search_captures


class NotFoundError(ArchiverError):
    kind = "not-found"
    exit_code = 1


def select_captures(
    catalog: Catalog, ids: tuple[str, ...], case_name: str | None, query: str | None
) -> list[str]:
    if sum(bool(x) for x in (ids, case_name, query)) != 1:
        raise UsageError("name the captures to export: capture ids, or --case NAME, or --query TEXT")
    if ids:
        chosen = []
        for capture_id in ids:
            detail = capture_detail(catalog, capture_id)
            if detail is None or detail["status"] == "failed":  # an incomplete capture is evidence too
                raise NotFoundError(f"no successful capture with id {capture_id}")
            chosen.append(detail["id"])
        return list(dict.fromkeys(chosen))
    if case_name:
        found = capture_ids(catalog, case_name=case_name)
        if not found:
            raise NotFoundError(f"no captures in case {case_name!r}")
        return found
    rows = search_captures(catalog, query or "", limit=100_000)
    if not rows:
        raise NotFoundError(f"no captures match {query!r}")
    return sorted(r["capture_id"] for r in rows)
