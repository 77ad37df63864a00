"""`archiver demo`: the whole path, offline, against a local replay of recorded platform answers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cliutil import (
    archive_option,
    fetching_settings,
    friendly_errors,
    json_option,
    open_archive,
    print_json,
)
from archiver.demo.media import reupload
from archiver.demo.server import ReplayServer, load_recording
from archiver.reports.intake import capture_targets, read_report
from archiver.shipped import DEMO_RECORDINGS_DIR, SEEDS_DIR

RECORDING = DEMO_RECORDINGS_DIR / "aleppo"
SEED_REPORT = SEEDS_DIR / "aleppo-offensive.md"


@click.command("demo")
@archive_option
@json_option
@friendly_errors
def demo_command(archive_dir: str | None, as_json: bool) -> None:
    """Run report -> captures -> lookup -> export -> verify offline, against a local replay server.

    A server on 127.0.0.1 answers every request with recorded Telegram and X
    responses and real, freshly encoded media; the sample report in seeds/ is read,
    its posts are captured through the real adapters and yt-dlp, a cut and shrunk
    re-upload of one clip is looked up, and this run's captures are exported as a
    bundle, which is then checked as a recipient would. Nothing goes to the network.
    It uses the usual archive (--archive, else $ARCHIVER_ARCHIVE, else ./archive);
    its captures are filed under the case "demo". Exit status 1 if any step failed.

    \b
    Example:
      archiver demo --archive /tmp/demo-archive
    """
    archive = open_archive(archive_dir)
    config = fetching_settings(archive)
    media_dir = archive.root / "demo-media"
    with archive, ReplayServer(load_recording(RECORDING, media_dir)) as server:
        config.setdefault("platforms", {})["replay"] = server.base
        config["platforms"]["min_interval"] = {"default": 0.0}
        _say(as_json, f"replay server on {server.base}, serving {len(server.routes)} recorded responses")
        report = read_report(archive, str(SEED_REPORT), config, case_name="demo")
        _say(as_json, f"read {SEED_REPORT.name}: {len(report.targets)} targets (report {report.id})")
        results = capture_targets(archive, report, config, case_name="demo")
        for target, outcome in results:
            line = f"  {target.url or target.original}: "
            line += "no URL known, skipped" if outcome is None else f"{outcome.status} {outcome.capture_id}"
            if outcome is not None and outcome.error:
                line += f" ({outcome.error})"
            _say(as_json, line)
        captures = [o.as_json() | {"target": t.url} for t, o in results if o is not None]
        steps: list[dict] = [
            {"step": "report", "report_id": report.id, "targets": len(report.targets)},
            {"step": "capture", "captures": captures},
        ]
        # the clip the HTS-affiliated channel posted, as it might resurface elsewhere: cut and shrunk
        query_clip = reupload(
            media_dir / "clip-a.mp4", media_dir / "reupload.mp4", start=0.5, seconds=2.5, size=(240, 180)
        )
        bundle = archive.root / "demo-bundles" / report.id
        bundle.parent.mkdir(exist_ok=True)
        kept = [c["capture_id"] for c in captures if c["status"] == "ok"]
        steps += _run_commands(archive.root, query_clip, kept, bundle, as_json)
    ok = all(c["status"] == "ok" for c in captures) and all(s.get("exit_code", 0) == 0 for s in steps)
    if as_json:
        print_json({"archive": str(archive.root), "ok": ok, "report_id": report.id, "steps": steps})
    else:
        done = sum(c["status"] == "ok" for c in captures)
        click.echo(f"done: {done} of {len(captures)} captures ok, archive in {archive.root}")
        if bundle.exists():
            click.echo(f"bundle: {bundle} (open {bundle / 'index.html'} in a browser)")
        click.echo(
            f"next: archiver list --archive {archive.root}   archiver show ID --archive {archive.root}"
        )
    sys.exit(0 if ok else 1)


def _run_commands(root: Path, clip: Path, capture_ids: list[str], bundle: Path, as_json: bool) -> list[dict]:
    """Lookup, export and the bundle's offline check, run as the commands a user would type,
    so the demo shows their real output."""
    from click.testing import CliRunner

    from archiver.cli import main

    steps = []
    plans = [
        ("lookup", ["lookup", str(clip), "--archive", str(root)], f"lookup {clip}"),
        (
            "export",
            ["export", *capture_ids, "--output", str(bundle), "--archive", str(root)],
            f"export <the {len(capture_ids)} capture ids> --output {bundle}",
        ),
        ("verify", ["verify", str(bundle)], f"verify {bundle}"),
    ]
    for name, args, shown in plans:
        result = CliRunner().invoke(main, args)
        _say(as_json, f"$ archiver {shown}  (exit {result.exit_code})\n{result.output.strip()}")
        step = {"step": name, "exit_code": result.exit_code, "output": result.output}
        if name == "export":
            step["bundle"] = str(bundle)
        steps.append(step)
    return steps


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(text)
