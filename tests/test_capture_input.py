"""`archiver capture -a FILE` and `--csv`: URL lists and sheets as researchers keep them."""

from __future__ import annotations

import csv
import json
import sqlite3

from click.testing import CliRunner

from archiver.cli import main


def page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>words</body></html>".encode()


def test_batch_file_captures_every_listed_url_and_stores_no_report(site, cli_json, archive_dir, tmp_path):
    first = site.add("/one", page("one"), "text/html")
    second = site.add("/two", page("two"), "text/html")
    links = tmp_path / "links.txt"
    links.write_text(f"# links from the monitoring update\n\n{first}\n   {second}  \n; old style comment\n")
    code, results = cli_json("capture", "-a", str(links))
    assert code == 0
    assert [r["url"] for r in results] == [first, second]
    assert set(site.hits) == {"/one", "/two"}
    db = sqlite3.connect(archive_dir / "catalog.db")
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (0,)


def test_batch_file_dash_reads_standard_input(site, archive_dir):
    url = site.add("/stdin", page("from stdin"), "text/html")
    result = CliRunner().invoke(main, ["capture", "--batch-file", "-", "--json"], input=f"{url}\n# done\n")
    assert result.exit_code == 0, result.stderr
    assert [r["url"] for r in json.loads(result.stdout)] == [url]


def test_bad_line_in_batch_file_is_named_and_nothing_is_fetched(site, cli, archive_dir, tmp_path):
    url = site.add("/fine", page("fine"), "text/html")
    links = tmp_path / "links.txt"
    links.write_text(f"{url}\nnot a url at all\n")
    code, out, err = cli("capture", "-a", str(links))
    assert code == 2 and "Traceback" not in err
    assert "line 2" in err and err.count("\n") == 1
    assert site.hits == {}


def test_missing_batch_file_and_empty_input_are_usage_errors(cli, archive_dir, tmp_path):
    code, _, err = cli("capture", "-a", str(tmp_path / "absent.txt"))
    assert code == 2 and "does not exist" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n")
    code, _, err = cli("capture", "-a", str(empty))
    assert code == 2 and "nothing to capture" in err
    code, _, err = cli("capture")
    assert code == 2 and "nothing to capture" in err


def test_sheet_reads_only_the_named_column_and_writes_results_beside_it(site, cli_json, tmp_path):
    post = site.add("/post", page("post"), "text/html")
    gone = site.url("/gone")
    noted = site.add("/only-in-notes", page("notes"), "text/html")
    sheet = tmp_path / "sheet.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Claim", "Link", "Notes", "status"])
        out.writerow(["flag over citadel", post, f"see also {noted}\nsecond line", "new"])
        out.writerow(["no link yet", "", noted, ""])
        out.writerow(["deleted post", gone, "", ""])
    original = sheet.read_bytes()
    code, results = cli_json("capture", "--csv", str(sheet), "--url-column", "Link")
    assert code == 1  # one row failed
    assert [r["url"] for r in results] == [post, gone]
    assert "/only-in-notes" not in site.hits
    assert sheet.read_bytes() == original
    with open(tmp_path / "sheet.results.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["Claim", "Link", "Notes", "status", "archiver_status", "capture_id"] + [
        "first_sha256",
        "timestamp",
        "error",
    ]
    ok, skipped, failed = rows
    assert ok["Notes"] == f"see also {noted}\nsecond line" and ok["status"] == "new"
    assert ok["archiver_status"] == "ok" and ok["capture_id"] == results[0]["capture_id"]
    assert ok["first_sha256"] == results[0]["artifacts"][0]["sha256"] and ok["timestamp"] == "timestamped"
    assert skipped["archiver_status"] == "skipped" and skipped["capture_id"] == ""
    assert failed["archiver_status"] == "failed" and "404" in failed["error"]
    assert failed["capture_id"] == results[1]["capture_id"]


def test_sheet_without_the_column_or_with_a_bad_url_is_refused_before_any_fetch(site, cli, tmp_path):
    url = site.add("/fine", page("fine"), "text/html")
    sheet = tmp_path / "links.csv"
    sheet.write_text(f"Link;Notes\n{url};ok\nnot-a-url;typo\n", encoding="utf-8")
    code, _, err = cli("capture", "--csv", str(sheet), "--url-column", "URL")
    assert code == 2 and "no column 'URL'" in err and "'Link'" in err
    code, _, err = cli("capture", "--csv", str(sheet), "--url-column", "Link")
    assert code == 2 and "row 3" in err and "Traceback" not in err
    code, _, err = cli("capture", "--csv", str(sheet))
    assert code == 2 and "--url-column" in err
    assert site.hits == {} and not (tmp_path / "links.results.csv").exists()
