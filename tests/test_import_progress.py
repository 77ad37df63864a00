"""Import progress moves per file, not per batch, and is drawn only on a terminal."""

from __future__ import annotations

from archiver.importing import import_files
from archiver.settings import load_config
from store import Archive
from tests.media import write_jpeg


def test_progress_advances_for_each_file_before_the_batch_is_stored(tmp_path, archive_dir):
    files = [write_jpeg(tmp_path / f"p{n}.jpg", quality=70 + n) for n in range(3)]
    archive = Archive(archive_dir)
    config = load_config(archive.root)
    assert int(config["import"]["batch_size"]) > len(files)  # one batch: the old bar jumped 0 -> 3
    seen = []

    def progress(label: str, done: int, total: int | None) -> None:
        stored = archive.catalog.one("SELECT count(*) AS n FROM captures")["n"]
        seen.append((done, total, stored))

    with archive:
        outcomes = import_files(archive, files, config, progress=progress)
    assert [o.status for o in outcomes] == ["ok"] * 3
    assert seen == [(1, 3, 0), (2, 3, 0), (3, 3, 0)]


def test_no_progress_bar_off_a_terminal(tmp_path, cli):
    write_jpeg(tmp_path / "one.jpg")
    code, out, err = cli("import", str(tmp_path / "one.jpg"))
    assert code == 0 and out.startswith("ok ") and err == ""
