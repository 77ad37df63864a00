"""`archiver list --limit/--all/--csv` and `search --csv`: every capture reachable, one line each."""

from __future__ import annotations

import csv
import io
import json

from tests.media import write_jpeg


def import_photos(tmp_path, cli_json, count: int) -> list[str]:
    folder = tmp_path / "photos"
    folder.mkdir()
    for n in range(count):
        write_jpeg(folder / f"photo{n}.jpg", quality=60 + n)
    code, outcomes = cli_json("import", str(folder), "--case", "listing")
    assert code == 0
    return [o["capture_id"] for o in outcomes]


def test_limit_says_when_more_exist_and_all_lists_every_capture(tmp_path, cli, cli_json):
    ids = import_photos(tmp_path, cli_json, 4)
    code, out, err = cli("list", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2
    assert "more exist" in err and "--all" in err
    code, out, err = cli("list", "--all", "--json")
    assert code == 0 and err == ""
    assert sorted(r["capture_id"] for r in json.loads(out)) == sorted(ids)
    code, out, err = cli("list", "--limit", "4")
    assert len(out.splitlines()) == 4 and err == ""


def test_list_csv_has_a_header_and_one_row_per_capture(tmp_path, cli, cli_json):
    ids = import_photos(tmp_path, cli_json, 3)
    code, out, _ = cli("list", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["capture_id"] for r in rows) == sorted(ids)
    assert {r["status"] for r in rows} == {"ok"} and {r["case_name"] for r in rows} == {"listing"}
    code, _, err = cli("list", "--csv", "--json")
    assert code == 2 and "choose one" in err


def test_multi_line_titles_stay_on_one_line_and_formulas_stay_text(tmp_path, cli, cli_json):
    name = "=HYPERLINK(x)\nsecond line\r\nthird\u2028fourth\tend.jpg"  # a file name may hold all of these
    write_jpeg(tmp_path / name)
    code, [imported] = cli_json("import", str(tmp_path / name))
    assert code == 0
    code, out, _ = cli("list")
    assert out.splitlines() == [out.rstrip("\n")]
    assert "=HYPERLINK(x) second line third fourth end.jpg" in out
    code, out, _ = cli("search", "second", "--csv")
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["capture_id"] == imported["capture_id"]
    assert row["title"].startswith("'=HYPERLINK(x)\nsecond line")
