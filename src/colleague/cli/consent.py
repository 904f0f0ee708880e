"""`colleague consent` — record, list and revoke consent to distill, share or chat as a person."""

from __future__ import annotations

import sqlite3
from datetime import date

import click
from rich.markup import escape
from rich.table import Table

from colleague.cli._common import (
    fail,
    home_option,
    json_option,
    open_db,
    out,
    print_json,
    usage_error,
    workspace,
)
from colleague.privacy import consent as store_consent
from colleague.privacy import journal
from colleague.store import people as store_people

EXIT_CONSENT = 2


def today() -> date:
    return date.today()


def _resolve(db: sqlite3.Connection, ref: str) -> int:
    try:
        return store_people.resolve(db, ref)
    except store_people.PersonNotFound as exc:
        fail(str(exc))
        raise


def require_or_exit(db: sqlite3.Connection, person_id: int, scope: str, *,
                    self_subject: bool) -> store_consent.ConsentGrant:
    """For commands that need consent (distill, share, chat): the grant, or exit code 2 with
    the command that would record one."""
    if self_subject:
        # The same as require_consent(self_subject=True), but journaled only when new.
        grant, created = store_consent.grant(db, person_id, scope, expires=None,
                                             granted_by="self", kind="self", today=today())
        if created:
            _journal("consent.grant", grant)
        return grant
    try:
        return store_consent.require_consent(db, person_id, scope, self_subject=False,
                                             today=today())
    except store_consent.ConsentRequired as exc:
        fail(str(exc), code=EXIT_CONSENT)
        raise


def _journal(operation: str, grant: store_consent.ConsentGrant) -> None:
    journal.append(workspace().home, operation, {
        "grant_id": grant.id, "person_id": grant.person_id, "scope": grant.scope,
        "kind": grant.kind, "expires": grant.expires,
    })


def _parse_expires(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        usage_error(f"--expires: expected a date like 2027-03-01, got {value!r}")
        raise


@click.group("consent")
def command() -> None:
    """Consent records: distilling, sharing or chatting as a person needs a current grant."""


@command.command("grant")
@click.argument("person")
@click.option("--scope", required=True, type=click.Choice(store_consent.SCOPES),
              help="What the person agreed to.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Last day the grant is valid.")
@click.option("--by", "granted_by", metavar="NAME", help="Who recorded or gave the consent.")
@click.option("--note", metavar="TEXT", help="Where the consent is written down, etc.")
@click.option("--self", "self_subject", is_flag=True,
              help="You are this person (no expiry needed).")
@json_option
@home_option
def grant(person: str, scope: str, expires: str | None, granted_by: str | None,
          note: str | None, self_subject: bool, as_json: bool) -> None:
    """Record that PERSON agreed to SCOPE until --expires (or that you are PERSON: --self)."""
    if not self_subject and not expires:
        usage_error("--expires YYYY-MM-DD is required (or --self if you are this person)")
    if self_subject and expires:
        usage_error("--self grants do not expire; leave out --expires")
    db = open_db()
    pid = _resolve(db, person)
    try:
        if self_subject:
            record, created = store_consent.grant(
                db, pid, scope, expires=None, granted_by=granted_by or "self", note=note,
                kind="self", today=today())
        else:
            record, created = store_consent.grant(
                db, pid, scope, expires=_parse_expires(expires), granted_by=granted_by,
                note=note, today=today())
    except store_consent.ConsentError as exc:
        fail(str(exc))
        raise
    if created:
        _journal("consent.grant", record)
    if as_json:
        print_json({**record.to_json(today()), "created": created})
        return
    until = f"until {record.expires}" if record.expires else "(self, no expiry)"
    verb = "granted" if created else "already granted"
    out.print(f"{verb} {record.id}: {scope} for person {pid} {until}")


@command.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include expired and revoked grants.")
@json_option
@home_option
def list_(include_all: bool, as_json: bool) -> None:
    """Current grants (with --all, expired and revoked ones too)."""
    db = open_db()
    now = today()
    grants = store_consent.list_grants(db, today=now, include_all=include_all)
    names = dict(db.execute("SELECT id, name FROM people").fetchall())
    if as_json:
        print_json([{**g.to_json(now), "person": names.get(g.person_id)} for g in grants])
        return
    table = Table(title=f"{len(grants)} consent grants", title_justify="left")
    for col in ("id", "person", "scope", "kind", "expires", "status", "by", "note"):
        # Ids and dates are what people copy into the next command: never wrap them.
        table.add_column(col, no_wrap=col in ("id", "scope", "expires", "status"))
    for g in grants:
        who = f"{g.person_id} {names.get(g.person_id, '?')}"
        table.add_row(g.id, escape(who), g.scope, g.kind, g.expires or "-", g.status(now),
                      escape(g.granted_by or ""), escape(g.note or ""))
    out.print(table)


@command.command("revoke")
@click.argument("ref", metavar="ID|PERSON")
@click.option("--scope", type=click.Choice(store_consent.SCOPES),
              help="Only this scope (when revoking by person).")
@json_option
@home_option
def revoke(ref: str, scope: str | None, as_json: bool) -> None:
    """Revoke a grant by id, or every grant of PERSON (optionally one --scope)."""
    db = open_db()
    existing = store_consent.get(db, ref.strip())
    if existing is not None:
        if scope and existing.scope != scope:
            fail(f"{existing.id} is a {existing.scope} grant, not {scope}")
        revoked = store_consent.revoke(db, grant_id=existing.id)
    else:
        if ref.strip().startswith("c-"):
            fail(f"no consent grant {ref!r} (see `colleague consent list --all`)")
        revoked = store_consent.revoke(db, person_id=_resolve(db, ref), scope=scope)
    for g in revoked:
        _journal("consent.revoke", g)
    if as_json:
        print_json([g.to_json(today()) for g in revoked])
        return
    if not revoked:
        out.print("nothing to revoke (no unrevoked grant matches)")
    for g in revoked:
        out.print(f"revoked {g.id}: {g.scope} for person {g.person_id}")
