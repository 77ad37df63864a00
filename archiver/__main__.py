"""`python -m archiver` runs the CLI, so tests and scripts need no installed entry point."""

from archiver.cli import run

run()
