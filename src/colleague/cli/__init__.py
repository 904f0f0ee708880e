"""The `colleague` command line: a package of small command modules over the Python API."""

from __future__ import annotations

import click

from colleague import __version__
from colleague.cli import ingest, people, search, sources
from colleague.cli._common import home_option


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="colleague")
@home_option
def cli() -> None:
    """Distill a person's workplace record into an evidence-backed agent Skill."""


for module in (ingest, people, search, sources):
    cli.add_command(module.command)


def main() -> None:
    cli(prog_name="colleague")
