"""`colleague journal` — the tamper-evident record of operations on personal data."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape
from rich.table import Table

from colleague.cli._common import err, home_option, json_option, out, print_json, workspace
from colleague.privacy import journal


@click.group("journal", invoke_without_command=True)
@json_option
@home_option
@click.pass_context
def command(ctx: click.Context, as_json: bool) -> None:
    """List the journal: every ingest, distill, export, chat, forget and consent change."""
    if ctx.invoked_subcommand is not None:
        return
    entries = journal.read(workspace().home)
    if as_json:
        print_json([e.to_json() for e in entries])
        return
    table = Table(title=f"{len(entries)} journal entries", title_justify="left")
    for col in ("seq", "time", "operation", "details", "hash"):
        table.add_column(col)
    for e in entries:
        details = json.dumps(e.details, ensure_ascii=False, sort_keys=True)
        table.add_row(str(e.seq), e.time, e.operation, escape(details), e.hash[:12])
    out.print(table)


@command.command("verify")
@json_option
@home_option
def verify(as_json: bool) -> None:
    """Check the hash chain: exit 0 if intact, 1 naming the first bad entry."""
    verdict = journal.verify(workspace().home)
    if as_json:
        print_json({"ok": verdict.ok, "entries": verdict.entries, "bad_line": verdict.bad_line,
                    "reason": verdict.reason or None})
    elif verdict.ok:
        out.print(verdict.message())
    else:
        err.print(f"[red]journal damaged:[/red] {escape(verdict.message())}", markup=True)
    sys.exit(0 if verdict.ok else 1)
