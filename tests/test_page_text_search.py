"""A word only in a captured page's body is found by `archiver search`; code and markup are not."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from archiver.page_text import MAX_TEXT_CHARS, visible_text
from store.sqlite.migrations import MIGRATIONS

BODY = """<!doctype html><html><head><title>Monitoring update</title>
<style>.zebracolour { color: red }</style><script>var quokkascript = 1;</script></head>
<body><h1>Update</h1><p>Footage shows the flag over the
   Qal<b>&#39;at</b> citadel near Sfireh&nbsp;junction.</p>
<template><p>unrenderedtemplate</p></template></body></html>"""


def test_a_word_only_in_the_body_is_found(site, cli_json, archive_dir):
    url = site.add("/update", BODY.encode(), "text/html; charset=utf-8")
    code, [captured] = cli_json("capture", url)
    assert code == 0
    code, rows = cli_json("search", "Sfireh junction")
    assert code == 0 and [r["capture_id"] for r in rows] == [captured["capture_id"]]
    code, rows = cli_json("search", "qal'at")
    assert code == 0 and len(rows) == 1
    for hidden in ("quokkascript", "zebracolour", "unrenderedtemplate"):
        code, rows = cli_json("search", hidden)
        assert code == 1 and rows == [], hidden


def test_show_and_export_json_do_not_carry_the_page_text(site, cli_json, archive_dir):
    url = site.add("/update", BODY.encode(), "text/html")
    _, [captured] = cli_json("capture", url)
    _, detail = cli_json("show", captured["capture_id"])
    assert "page_text" not in detail
    db = sqlite3.connect(archive_dir / "catalog.db")
    [(text,)] = db.execute("SELECT page_text FROM captures").fetchall()
    words = "Monitoring update Update Footage shows the flag over the Qal'at citadel near Sfireh junction."
    assert text == words


def test_visible_text_is_capped_and_unclosed_head_keeps_the_body():
    assert visible_text("<html><head><title>t</title><body><p>still here") == "t still here"
    assert len(visible_text("<p>" + "word " * MAX_TEXT_CHARS)) == MAX_TEXT_CHARS


def test_migration_0009_keeps_older_captures_searchable(tmp_path):
    db = Database(sqlite3.connect(tmp_path / "c.db", isolation_level=None))
    named = dict(MIGRATIONS)
    for name in ("0001_core", "0002_reports", "0003_perceptual_hashes"):
        named[name](db)
    db.execute(
        """INSERT INTO captures (id, kind, title, started_at, ended_at, operator, tool_versions)
           VALUES ('20250601-000000-00000000', 'capture', 'Aleppo citadel', 't', 't', 'a', '{}')"""
    )
    named["0009_page_text"](db)
    found = db.execute("SELECT rowid FROM captures_fts WHERE captures_fts MATCH 'citadel'").fetchall()
    assert found == [(1,)]
    db.execute(
        """INSERT INTO captures (id, kind, page_text, started_at, ended_at, operator, tool_versions)
           VALUES ('20250601-000001-00000001', 'capture', 'body words only', 't', 't', 'a', '{}')"""
    )
    assert db.execute("SELECT rowid FROM captures_fts WHERE captures_fts MATCH 'body'").fetchall() == [(2,)]
