"""Rows for reports and their targets: what a report cited, and which capture answered it."""

from __future__ import annotations

from typing import Any

from store.catalog import Catalog


def save_report(catalog: Catalog, report: dict[str, Any], targets: list[dict[str, Any]]) -> list[int]:
    """Store a report and its targets in one transaction; returns the target row ids."""
    ids = []
    with catalog.transaction():
        catalog.insert("reports", report)
        for position, target in enumerate(targets):
            ids.append(catalog.insert("targets", {**target, "report_id": report["id"], "position": position}))
    return ids


def link_capture(catalog: Catalog, target_id: int, capture_id: str, status: str) -> None:
    with catalog.transaction():
        catalog.db.execute(
            "UPDATE targets SET capture_id = ?, capture_status = ? WHERE id = ?",
            [capture_id, status, target_id],
        )


def report_targets(catalog: Catalog, report_id: str) -> list[dict[str, Any]]:
    return catalog.rows("SELECT * FROM targets WHERE report_id = ? ORDER BY position", [report_id])


def reports_citing(catalog: Catalog, capture_id: str) -> list[dict[str, Any]]:
    """The reports that cited a capture's URL, with the sentence each used."""
    return catalog.rows(
        """SELECT r.id AS report_id, r.origin, r.title, r.read_at, t.original, t.sentence
           FROM targets t JOIN reports r ON r.id = t.report_id
           WHERE t.capture_id = ?
              OR t.url IN (SELECT input_url FROM captures WHERE id = ?
                           UNION SELECT final_url FROM captures WHERE id = ?)
           ORDER BY r.read_at""",
        [capture_id, capture_id, capture_id],
    )


def captured_urls(catalog: Catalog, urls: list[str]) -> set[str]:
    """Those of ``urls`` that some successful capture already has as its input or final URL."""
    found: set[str] = set()
    for start in range(0, len(urls), 400):
        chunk = urls[start : start + 400]
        marks = ", ".join("?" for _ in chunk)
        rows = catalog.db.execute(
            f"SELECT input_url, final_url FROM captures"
            f" WHERE input_url IN ({marks}) OR final_url IN ({marks})",
            [*chunk, *chunk],
        ).fetchall()
        wanted = set(chunk)
        found |= {url for row in rows for url in row if url in wanted}
    return found
