"""`colleague dilute PATH --level light|medium|heavy` — rewrite a Skill folder or a document
into professional-sounding, non-actionable text; keep a private backup of what was removed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from colleague.cli._common import err, fail, home_option, json_option, out, print_json, relpath
from colleague.dilute.api import DiluteError, dilute_path
from colleague.dilute.backup import WARNING_EN
from colleague.dilute.policy import LEVELS, policy_json, policy_table


@click.command("dilute")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--level", type=click.Choice(LEVELS), default="medium", show_default=True,
              help="How strongly to dilute (light: pitfalls and incidents only).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Where the diluted copy goes (default: <name>.diluted beside the input).")
@click.option("--backup", "backup_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="Where the private backup goes (default: <name>.dilute-backup beside the "
                   "input; never inside the diluted copy).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Phrase choice seed: the same seed gives the same output.")
@click.option("--explain-policy", is_flag=True,
              help="Print the category × level policy table and exit.")
@json_option
@home_option
def command(path: Path | None, level: str, out_dir: Path | None, backup_dir: Path | None,
            seed: int, explain_policy: bool, as_json: bool) -> None:
    """Dilute PATH (a Skill folder, or a .md, .txt or .docx file).

    The copy keeps the input's layout, file names, headings and length; `colleague restore`
    rebuilds the original byte for byte from the copy and the backup.
    """
    if explain_policy:
        if as_json:
            print_json(policy_json())
        else:
            sys.stdout.write(policy_table())
        return
    if path is None:
        raise click.UsageError("PATH is required (or use --explain-policy)")
    try:
        res = dilute_path(path, level, out_dir, backup_dir, seed)  # type: ignore[arg-type]
    except (DiluteError, OSError) as exc:
        fail(str(exc))
        return
    data = res.report.as_json()
    if as_json:
        print_json({"out": str(res.out), "backup": str(res.backup), "layout": res.layout,
                    **data})
        return
    out.print(f"diluted copy: {relpath(str(res.out))}")
    out.print(f"backup:       {relpath(str(res.backup))}")
    sys.stdout.write(res.report.as_text(data))
    err.print(f"[yellow]warning:[/yellow] {WARNING_EN}", markup=True)
