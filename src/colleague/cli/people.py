"""`colleague people` — who is in the corpus; show, merge and rename people."""

from __future__ import annotations

from dataclasses import asdict

import click
from rich.table import Table

from colleague.cli._common import (
    fail,
    home_option,
    iso,
    json_option,
    open_db,
    out,
    print_json,
    workspace,
)
from colleague.privacy import journal
from colleague.store import people as store_people


def _person_json(p: store_people.PersonSummary) -> dict:
    data = asdict(p)
    data["first"] = iso(p.first_ts)
    data["last"] = iso(p.last_ts)
    del data["first_ts"], data["last_ts"]
    return data


def _resolve(db, ref: str) -> int:  # type: ignore[no-untyped-def]
    try:
        return store_people.resolve(db, ref)
    except store_people.PersonNotFound as exc:
        fail(str(exc))
        raise


@click.group("people", invoke_without_command=True)
@click.option("--all", "include_silent", is_flag=True, help="Include people who wrote nothing.")
@json_option
@home_option
@click.pass_context
def command(ctx: click.Context, include_silent: bool, as_json: bool) -> None:
    """List people with how much they wrote (bots and system posts are not counted)."""
    if ctx.invoked_subcommand is not None:
        return
    db = open_db()
    rows = store_people.list_people(db, include_silent=include_silent)
    if as_json:
        print_json([_person_json(p) for p in rows])
        return
    table = Table(title=f"{len(rows)} people", title_justify="left")
    for col, just in (("id", "right"), ("name", "left"), ("messages", "right"),
                      ("docs", "right"), ("first", "left"), ("last", "left"),
                      ("sources", "left"), ("also known as", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for p in rows:
        name = p.name + (" (bot)" if p.is_bot else "")
        aliases = ", ".join(p.aliases[:4]) + (" …" if len(p.aliases) > 4 else "")
        table.add_row(str(p.id), name, f"{p.messages:,}", str(p.documents or ""),
                      (iso(p.first_ts) or "")[:10], (iso(p.last_ts) or "")[:10],
                      ",".join(p.sources), aliases)
    out.print(table)


@command.command("show")
@click.argument("person")
@json_option
@home_option
def show(person: str, as_json: bool) -> None:
    """One person: accounts, counts, where they talk most."""
    db = open_db()
    pid = _resolve(db, person)
    summary = next(p for p in store_people.list_people(db, include_silent=True) if p.id == pid)
    data = _person_json(summary)
    data["identities"] = store_people.identities(db, pid)
    data["conversations"] = store_people.conversations(db, pid)
    if as_json:
        print_json(data)
        return
    out.print(f"[bold]{summary.name}[/bold]  (id {pid}{', bot' if summary.is_bot else ''})")
    out.print(f"messages: {summary.messages:,}   documents: {summary.documents:,}   "
              f"from {data['first'] or '-'} to {data['last'] or '-'}")
    table = Table(title="accounts", title_justify="left")
    for col in ("platform", "id", "name", "email", "handle", "messages"):
        table.add_column(col)
    for i in data["identities"]:
        table.add_row(i["platform"], i["native_id"], i["name"] or "", i["email"] or "",
                      i["handle"] or "", f"{i['messages']:,}")
    out.print(table)
    if data["conversations"]:
        out.print("talks most in: " + ", ".join(
            f"{c['name']} ({c['messages']:,})" for c in data["conversations"]))


@command.command("merge")
@click.argument("keep")
@click.argument("other")
@home_option
def merge(keep: str, other: str) -> None:
    """Merge OTHER into KEEP: one person with both sets of accounts."""
    db = open_db()
    a, b = _resolve(db, keep), _resolve(db, other)
    if a == b:
        fail(f"{keep!r} and {other!r} are already the same person (id {a})")
    store_people.merge(db, a, b)
    journal.append(workspace().home, "people.merge", {"kept": a, "merged": b})
    out.print(f"merged {b} into {a}")


@command.command("rename")
@click.argument("person")
@click.argument("name")
@home_option
def rename(person: str, name: str) -> None:
    """Give PERSON a display name (kept across later ingests)."""
    db = open_db()
    pid = _resolve(db, person)
    try:
        store_people.rename(db, pid, name)
    except ValueError as exc:
        fail(str(exc), code=2)
    journal.append(workspace().home, "people.rename", {"person_id": pid})
    out.print(f"renamed {pid} to {name.strip()}")
