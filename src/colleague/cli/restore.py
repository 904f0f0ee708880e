"""`colleague restore DILUTED --backup B --out PATH` — rebuild a diluted document's original,
byte for byte, from the diluted copy and its private backup."""

from __future__ import annotations

from pathlib import Path

import click

from colleague.cli._common import fail, home_option, json_option, out, print_json, relpath
from colleague.dilute.api import restore
from colleague.dilute.backup import BackupError


@click.command("restore")
@click.argument("diluted", type=click.Path(path_type=Path))
@click.option("--backup", "backup_dir", required=True, type=click.Path(path_type=Path),
              metavar="DIR", help="The backup `colleague dilute` wrote.")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              metavar="PATH", help="Where the restored original goes (a new path).")
@json_option
@home_option
def command(diluted: Path, backup_dir: Path, out_path: Path, as_json: bool) -> None:
    """Rebuild the original of DILUTED (checked with sha256 before and after)."""
    try:
        written = restore(diluted, backup_dir, out_path)
    except (BackupError, OSError) as exc:
        fail(str(exc))
        return
    if as_json:
        print_json({"restored": [str(p) for p in written]})
        return
    out.print(f"restored {len(written)} file(s) into {relpath(str(out_path))}")
