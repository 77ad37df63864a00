"""`archiver export`"""

from __future__ import annotations

from pathlib import Path

import click

from archiver.bundle.export import export_bundle
from archiver.bundle.selection import select_captures
from archiver.cliutil import (
    archive_option,
    archive_root,
    checked_id,
    friendly_errors,
    json_option,
    open_archive,
    open_reader,
    print_json,
)
from archiver.progress import count_progress
from archiver.settings import load_config
from store.archive import writable


@click.command("export")
@click.argument("capture_ids", nargs=-1, metavar="[ID]...")
@click.option("--case", "case_name", metavar="NAME", help="Export every capture of this case.")
@click.option("--query", metavar="TEXT", help="Export every capture matching this full-text query.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="New bundle: a folder, or a file ending in .zip.")  # fmt: skip
@archive_option
@json_option
@friendly_errors
def export_command(
    capture_ids: tuple[str, ...],
    case_name: str | None,
    query: str | None,
    out: Path,
    archive_dir: str | None,
    as_json: bool,
) -> None:
    """Export captures as a BagIt evidence bundle that anyone can verify offline.

    The bundle holds the files as captured, their WARCs (also as a WACZ for
    ReplayWeb.page), metadata.json, hashes.json, the timestamped manifest.json with
    its RFC 3161 tokens and the custody events with inclusion proofs per capture, the
    signed custody checkpoint and the archive's public key, SHA-256 and SHA-512
    manifests, a self-contained index.html report and VERIFY.md. The tag manifest is
    signed with the archive key and timestamped by the configured TSAs; the export is
    logged in the custody log. Check it with `archiver verify BUNDLE`.

    \b
    Examples:
      archiver export 20261125-101500-1a2b3c4d -o citadel-bundle
      archiver export --case aleppo-2024 -o aleppo.zip
    """
    root = archive_root(archive_dir)
    read_only = (root / "catalog.db").is_file() and not writable(root)
    wanted = [checked_id(i) for i in capture_ids]
    with open_reader(archive_dir) if read_only else open_archive(archive_dir, existing=True) as archive:
        ids = select_captures(archive.catalog, wanted, case_name, query)
        config = load_config(archive.root)
        with count_progress("exporting", len(ids), enabled=not as_json) as progress:
            result = export_bundle(archive, ids, out, config, progress=progress)
    if as_json:
        print_json(result.as_json())
    else:
        click.echo(
            f"exported {len(result.capture_ids)} capture(s), {result.payload_files} files, "
            f"{result.payload_bytes:,} bytes -> {result.path}"
        )
