"""`colleague search QUERY` — ranked full-text search, Chinese and English."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.markup import escape

from colleague.cli._common import (
    fail,
    home_option,
    iso,
    json_option,
    open_db,
    out,
    parse_day,
    print_json,
)
from colleague.store import people as store_people
from colleague.store.search import QueryError, search


@click.command("search")
@click.argument("query")
@click.option("--person", metavar="P", help="Only what this person wrote (id, name or alias).")
@click.option("--since", metavar="DATE", help="From this date (YYYY-MM-DD) on.")
@click.option("--until", metavar="DATE", help="Before this date.")
@click.option("--channel", metavar="NAME", help="Only in conversations with this name.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@json_option
@home_option
def command(
    query: str,
    person: str | None,
    since: str | None,
    until: str | None,
    channel: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search messages and documents; best matches first, with snippets."""
    since_ms, until_ms = parse_day(since, "--since"), parse_day(until, "--until")
    db = open_db()
    pid = None
    if person:
        try:
            pid = store_people.resolve(db, person)
        except store_people.PersonNotFound as exc:
            fail(str(exc))
    try:
        hits = search(db, query, pid, since_ms, until_ms, channel, limit)
    except QueryError as exc:
        fail(str(exc), code=2)
        return
    if as_json:
        print_json([{**asdict(h), "time": iso(h.ts, h.tz)} for h in hits])
        return
    if not hits:
        out.print(f"no matches for {query!r}")
        return
    for h in hits:
        when = (iso(h.ts, h.tz) or "undated").replace("T", " ")[:16]
        out.print(
            f"[dim]{h.id}[/dim]  [cyan]{escape(when)}[/cyan]  [bold]{escape(h.person or '?')}[/bold]"
            f"  in {escape(h.where)} ({h.platform})"
        )
        out.print(f"    {escape(h.snippet)}")
