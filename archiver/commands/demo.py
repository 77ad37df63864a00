"""`archiver demo`: the whole path, offline, against a local replay of recorded platform answers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cliutil import archive_option, friendly_errors, json_option, open_archive, print_json
from archiver.config import load_config
from archiver.demo.media import write_clip
from archiver.demo.server import ReplayServer, load_recording
from archiver.reports.intake import capture_targets, read_report

DEMO_ROOT = Path(__file__).resolve().parent.parent / "demo"
RECORDING = DEMO_ROOT / "recordings" / "aleppo"
SEED_REPORT = Path(__file__).resolve().parent.parent.parent / "seeds" / "aleppo-offensive.md"


@click.command("demo")
@archive_option
@json_option
@friendly_errors
def demo_command(archive_dir: str | None, as_json: bool) -> None:
    """Run report -> captures -> export offline, against a local replay server.

    A server on 127.0.0.1 answers every request with recorded Telegram and X
    responses and real, freshly encoded media; the sample report in seeds/ is read,
    its posts are captured through the real adapters and yt-dlp, and the captures
    are exported as a bundle. Nothing goes to the network.

    \b
    Example:
      archiver demo --archive /tmp/demo-archive
    """
    archive = open_archive(archive_dir or "demo-archive")
    config = load_config(archive.root)
    media_dir = archive.root / "demo-media"
    steps: list[dict] = []
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
        steps.append({"step": "report", "report_id": report.id, "targets": len(report.targets)})
        steps.append({
            "step": "capture",
            "captures": [o.as_json() | {"target": t.url} for t, o in results if o is not None],
        })  # fmt: skip
        query_clip = write_clip(media_dir / "query-clip.mp4", 11, seconds=2.0, size=(240, 180))
        steps += _optional_commands(archive.root, query_clip, as_json)
    ok = all(c["status"] == "ok" for c in steps[1]["captures"])
    if as_json:
        print_json({"archive": str(archive.root), "ok": ok, "steps": steps})
    else:
        click.echo(f"done: archive in {archive.root}; try `archiver list --archive {archive.root}`")
    sys.exit(0 if ok else 1)


def _optional_commands(root: Path, clip: Path, as_json: bool) -> list[dict]:
    """Lookup and export, through the CLI itself, when those commands are installed."""
    from click.testing import CliRunner

    from archiver.cli import main

    steps = []
    plans = [
        ("lookup", ["lookup", str(clip), "--archive", str(root)]),
        (
            "export",
            ["export", "--case", "demo", "--output", str(root / "demo-bundle"), "--archive", str(root)],
        ),
    ]
    for name, args in plans:
        if name not in main.commands:
            _say(as_json, f"{name}: this build has no `archiver {name}` yet; step left out")
            steps.append({"step": name, "status": "absent"})
            continue
        result = CliRunner().invoke(main, args)
        _say(as_json, f"$ archiver {' '.join(args)}  (exit {result.exit_code})\n{result.output.strip()}")
        steps.append({"step": name, "exit_code": result.exit_code, "output": result.output})
    return steps


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        click.echo(text)
