"""index.html at the bag's root: a self-contained, printable report of the bundle.

No network request of any kind: styles are inline, there are no scripts or web fonts,
and media previews point at the payload files by relative path.
"""

from __future__ import annotations

from html import escape
from typing import Any

from archiver.bundle.payload import CapturePayload
from archiver.post import missing_summary

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;
 color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}
h2{font-size:1.25rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#555} table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.86rem}
th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f4f6;width:11rem} code,.hash{font-family:ui-monospace,Menlo,Consolas,monospace;
 font-size:.78rem;word-break:break-all} .previews{display:flex;flex-wrap:wrap;gap:.8rem}
.previews img,.previews video{max-width:22rem;max-height:16rem;border:1px solid #ccc;background:#000}
.post{white-space:pre-wrap;background:#fafafa;border-left:4px solid #bbb;padding:.5rem .8rem}
.timeline li{margin:.2rem 0} .capture{page-break-inside:avoid}
@media print{body{margin:0;max-width:none;font-size:11pt} video{display:none}
 .capture{page-break-before:always} a{color:inherit;text-decoration:none}}
"""


def render_report(
    bag_info: list[tuple[str, str]], payloads: list[CapturePayload], custody: list[dict[str, Any]]
) -> str:
    """``custody``: events to show in the timeline ({"time", "action", "actor", "detail"})."""
    info = dict(bag_info)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src 'self'; "
        "media-src 'self'; style-src 'unsafe-inline'\">",
        f"<title>Evidence bundle {escape(info.get('External-Identifier', ''))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Evidence bundle {escape(info.get('External-Identifier', ''))}</h1>",
        f"<p class='meta'>{len(payloads)} capture(s) · bagged {escape(info.get('Bagging-Date', ''))} · "
        f"{escape(info.get('Bag-Software-Agent', ''))}</p>",
        "<p>Every file below is listed with its SHA-256 in <code>manifest-sha256.txt</code>. "
        "<code>VERIFY.md</code> explains how to check this bundle with standard tools, without archiver.</p>",
        _table(bag_info),
        "<h2>Captures</h2><ol>",
        *(f"<li><a href='#c-{escape(p.capture_id)}'>{escape(_label(p.detail))}</a></li>" for p in payloads),
        "</ol>",
        *(_capture_section(p) for p in payloads),
    ]
    if custody:
        parts.append("<h2>Custody timeline</h2><ul class='timeline'>")
        parts += [
            f"<li><code>{escape(e['time'])}</code> <b>{escape(e['action'])}</b> by {escape(e['actor'])}"
            f" — {escape(e.get('detail') or '')}</li>"
            for e in custody
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _label(detail: dict[str, Any]) -> str:
    return detail.get("title") or detail.get("final_url") or detail.get("input_url") or detail["id"]


def _table(rows: list[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows if v not in (None, "")
    )
    return f"<table>{cells}</table>"


def _capture_section(payload: CapturePayload) -> str:
    d = payload.detail
    base = f"data/captures/{payload.capture_id}/files/"
    facts = [
        ("Capture id", d["id"]),
        ("Kind", d["kind"]),
        ("Status", d.get("status")),
        ("Missing", missing_summary(d.get("missing") or [])),
        ("Input URL", d.get("input_url")),
        ("Final URL", d.get("final_url")),
        ("Platform", d.get("platform")),
        ("Author", d.get("author")),
        ("Handle", d.get("handle")),
        ("Post id", d.get("post_id")),
        ("Post time", d.get("post_time")),
        ("Capture started (UTC, local clock)", d.get("started_at")),
        ("Capture ended (UTC, local clock)", d.get("ended_at")),
        ("Operator", d.get("operator")),
        ("Case", d.get("case_name")),
        ("Note", d.get("note")),
        ("Tools", ", ".join(f"{k} {v}" for k, v in (d.get("tool_versions") or {}).items())),
    ]
    previews = []
    for a in d["artifacts"]:
        src = escape(base + a["name"], quote=True)
        if a["kind"] == "image":
            previews.append(f"<img src='{src}' alt='{escape(a['role'])} {escape(a['name'])}'>")
        elif a["kind"] == "video":
            previews.append(f"<video src='{src}' controls preload='metadata'></video>")
    rows = "".join(
        f"<tr><td>{escape(a['role'])}</td><td><code>{escape(a['name'])}</code></td><td>{escape(a['mime'])}</td>"
        f"<td>{a['size']:,}</td><td class='hash'>{escape(a['sha256'])}</td></tr>"
        for a in d["artifacts"]
    )
    post = f"<h3>Post text</h3><div class='post'>{escape(d['post_text'])}</div>" if d.get("post_text") else ""
    return (
        f"<section class='capture' id='c-{escape(payload.capture_id)}'><h2>{escape(_label(d))}</h2>"
        f"{_table(facts)}{post}<h3>Media</h3><div class='previews'>{''.join(previews) or 'none'}</div>"
        "<h3>Files</h3><table><tr><th>Role</th><th>Name</th><th>Type</th><th>Bytes</th><th>SHA-256</th></tr>"
        f"{rows}</table>{_redactions(payload)}{_timestamps(payload)}</section>"
    )


def _redactions(payload: CapturePayload) -> str:
    """Say plainly which file is not the original, and where the original is."""
    items = "".join(
        f"<li><code>{escape(r['path'])}</code>: this copy's SHA-256 "
        f"is <span class='hash'>{escape(r['sha256'])}</span>, the original's (above, and in manifest.json) "
        f"<span class='hash'>{escape(r['original_sha256'])}</span>.</li>"
        for r in payload.redactions
    )
    if not items:
        return ""
    return (
        "<h3>Credentials redacted</h3><p>These files are copies with the researcher's credentials blanked "
        "(cookie values, authorization headers, login tokens in URLs; names kept, values replaced by "
        "<code>REDACTED</code>). The originals are kept unchanged in the archive that exported this bundle. "
        "<code>redactions.json</code> lists what was blanked in each (and, in a WARC, in which records).</p>"
        f"<ul>{items}</ul>"
    )


def _timestamps(payload: CapturePayload) -> str:
    """Trusted time: who vouched that this capture's manifest existed, and when."""
    if not payload.timestamps:
        return (
            "<h3>Trusted timestamps</h3><p>None: no time-stamping authority could be reached for this "
            "capture. Its times above come from the capturing machine's clock only.</p>"
        )
    rows = "".join(
        f"<tr><td>{escape(t['tsa_name'])}</td><td><code>{escape(t['gen_time'])}</code></td>"
        f"<td><code>{escape(t['serial'])}</code></td><td><code>{escape(t['file'])}</code></td></tr>"
        for t in payload.timestamps
    )
    return (
        "<h3>Trusted timestamps</h3><p>RFC 3161 tokens over <code>manifest.json</code>, which lists every "
        "file's SHA-256 and this capture's metadata.</p><table><tr><th>Authority</th>"
        f"<th>Time (UTC, genTime)</th><th>Serial</th><th>Token</th></tr>{rows}</table>"
    )
