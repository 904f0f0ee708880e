"""`colleague sources` — what has been ingested, with sha256 and date ranges."""

from __future__ import annotations

import click
from rich.table import Table

from colleague.cli._common import home_option, iso, json_option, open_db, out, print_json, relpath
from colleague.sources import registry
from colleague.store.sources_list import list_sources


@click.command("sources")
@click.option("--formats", "show_formats", is_flag=True, help="List the formats that can be read.")
@json_option
@home_option
def command(show_formats: bool, as_json: bool) -> None:
    """List ingested sources (or, with --formats, the readers available)."""
    if show_formats:
        rows = [{"name": r.name, "description": r.description} for r in registry.readers()]
        if as_json:
            print_json(rows)
        else:
            for r in rows:
                out.print(f"{r['name']:<14} {r['description']}")
        return
    db = open_db()
    rows = list_sources(db)
    for r in rows:
        r["first"], r["last"] = iso(r.pop("first_ts")), iso(r.pop("last_ts"))
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} sources", title_justify="left")
    for col in ("id", "path", "reader", "sha256", "added", "dups", "docs", "rejected", "from", "to"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), relpath(r["path"]), r["reader"], r["sha256"][:12],
                      f"{r['added']:,}", f"{r['skipped']:,}", f"{r['documents']:,}",
                      f"{r['rejected']:,}", (r["first"] or "")[:10], (r["last"] or "")[:10])
    out.print(table)
