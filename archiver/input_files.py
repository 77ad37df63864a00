"""Reading a file the user named as input (a URL list, a sheet): every way it can fail is one
sentence and exit 2, before anything is fetched."""

from __future__ import annotations

from pathlib import Path

from archiver.errors import UsageError


def read_input_text(path: Path, what: str) -> str:
    """The whole text of ``path`` (UTF-8, a spreadsheet's byte-order mark dropped, line ends as
    written, so CSV cells keep their own); ``what`` names it in the sentence, e.g. "sheet"."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return fh.read()
    except FileNotFoundError as exc:
        raise UsageError(f"{what} {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{what} {path} is a folder, not a file") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {path} is not UTF-8 text; save it as UTF-8") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
