"""The `colleague` command line: a package of small command modules over the Python API.

Every module here whose name does not start with '_' defines `command` (a click command or
group); they are added in alphabetical order.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from colleague import __version__
from colleague.cli._common import home_option


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="colleague")
@home_option
def cli() -> None:
    """Distill a person's workplace record into an evidence-backed agent Skill."""


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _info.name.startswith("_"):
        cli.add_command(importlib.import_module(f"{__name__}.{_info.name}").command)


def main() -> None:
    cli(prog_name="colleague")
