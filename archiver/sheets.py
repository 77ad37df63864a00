"""Spreadsheets of links, as auto-archiver's users keep them: URLs from one named column,
results written back beside the sheet.

Only the named column is read. A sheet's other cells hold notes, sources and "archived at"
links; reading the whole file as free text would capture those too.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from archiver.capture import CaptureOutcome, check_url
from archiver.cliutil import spreadsheet_cell
from archiver.errors import UsageError
from archiver.input_files import read_input_text
from archiver.terminal import shorten

RESULT_COLUMNS = ("status", "capture_id", "first_sha256", "timestamp", "error")


@dataclass
class Sheet:
    path: Path
    delimiter: str
    header: list[str]
    rows: list[list[str]]
    urls: list[str | None]  # per row: the checked URL, or None where the cell is empty

    def results_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".results.csv")


def read_sheet(path: Path, column: str) -> Sheet:
    """The sheet's rows and the URL of each from ``column`` (a header name); every URL is
    checked before any is fetched, a bad one named by its row as a spreadsheet numbers it."""
    text = read_input_text(path, "sheet")
    delimiter = _delimiter(text)
    try:
        header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except ValueError as exc:  # no header line at all
        raise UsageError(f"sheet {path} is empty; its first line must name the columns") from exc
    except csv.Error as exc:
        raise UsageError(f"sheet {path} is not readable as CSV: {exc}") from exc
    if column not in header:
        names = shorten(", ".join(repr(name) for name in header), 300)
        raise UsageError(f"sheet {path} has no column {shorten(column)!r}; its columns are {names}")
    index = header.index(column)
    urls = [_url(row, index, path, number) for number, row in enumerate(rows, start=2)]
    return Sheet(path, delimiter, header, rows, urls)


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet in another locale saves with."""
    try:
        return csv.Sniffer().sniff(text[:4096].partition("\n")[0], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _url(row: list[str], index: int, path: Path, number: int) -> str | None:
    cell = row[index].strip() if index < len(row) else ""
    if not cell:
        return None
    try:
        return check_url(cell)
    except UsageError as exc:
        raise UsageError(f"sheet {path} row {number}: {exc}") from exc


def write_results(sheet: Sheet, outcomes: list[CaptureOutcome | None]) -> Path:
    """The sheet again with the result of each row's capture after its own columns, written
    whole or not at all; a result column whose name the sheet already uses is prefixed."""
    added = [f"archiver_{name}" if name in sheet.header else name for name in RESULT_COLUMNS]
    width = max([len(sheet.header), *(len(row) for row in sheet.rows)])  # a row may run past the header
    target = sheet.results_path()
    partial = target.with_name(target.name + ".part")
    with open(partial, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=sheet.delimiter)
        out.writerow([*_padded(sheet.header, width), *added])
        for row, outcome in zip(sheet.rows, outcomes, strict=True):
            out.writerow([*_padded(row, width), *(spreadsheet_cell(v) for v in _result(outcome))])
    os.replace(partial, target)
    return target


def _padded(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def _result(outcome: CaptureOutcome | None) -> tuple[str, ...]:
    if outcome is None:
        return ("skipped", "", "", "", "no URL in this row")
    if outcome.status != "ok":
        return ("failed", outcome.capture_id, "", "", outcome.error or "")
    media = [a for a in outcome.artifacts if a.role == "media"] or outcome.artifacts
    stamp = "timestamped" if outcome.timestamped else "not yet (run `archiver timestamp`)"
    return ("ok", outcome.capture_id, media[0].sha256 if media else "", stamp, "")
