"""`colleague forget PERSON` — remove a person from the workspace, leaving no byte of them."""

from __future__ import annotations

import sqlite3
import sys

import click

from colleague.cli._common import (
    fail,
    home_option,
    json_option,
    open_db,
    out,
    print_json,
    workspace,
)
from colleague.privacy import forget as forgetting
from colleague.privacy import journal
from colleague.store import people as store_people


def _interactive() -> bool:
    return sys.stdin.isatty()


def _resolve(db: sqlite3.Connection, ref: str) -> int:
    """A person id; an id that was forgotten before still resolves, so re-running is safe."""
    text = ref.strip()
    digits = text[1:] if text[:1].lower() == "p" else text
    if digits.isdigit() and db.execute(
        "SELECT 1 FROM forgotten WHERE person_id = ?", (int(digits),)
    ).fetchone():
        return int(digits)
    try:
        return store_people.resolve(db, ref)
    except store_people.PersonNotFound as exc:
        fail(str(exc))
        raise


def _confirm(db: sqlite3.Connection, pid: int) -> None:
    row = db.execute("SELECT name FROM people WHERE id = ?", (pid,)).fetchone()
    if row is None:
        return  # already forgotten: only the clean-up runs again
    n = db.execute(
        "SELECT count(*) FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE i.person_id = ?", (pid,),
    ).fetchone()[0]
    if not _interactive():
        fail("forget deletes for good; run it on a terminal to confirm, or pass --yes")
    click.confirm(
        f"Forget {row[0]} (id {pid}): delete {n:,} messages, their accounts, documents, consent "
        "and Skills, and pseudonymise them elsewhere? This cannot be undone",
        abort=True,
    )


@click.command("forget")
@click.argument("person")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@json_option
@home_option
def command(person: str, yes: bool, as_json: bool) -> None:
    """Delete PERSON's messages, accounts, documents, consent and Skills; pseudonymise them
    where others mention them; then compact the store so no byte of them remains."""
    db = open_db()
    pid = _resolve(db, person)
    if not yes:
        _confirm(db, pid)
    ws = workspace()
    report = forgetting.forget(db, pid, skills_dir=ws.skills_dir)
    db.close()
    journal.append(ws.home, "forget", report.counts())
    if not report.compacted:
        fail(f"person {pid} is deleted, but the store could not be compacted "
             f"({report.compact_error}), so deleted bytes may remain on disk; re-run "
             f"`colleague forget {pid} --yes` when nothing else is using the workspace")
    if as_json:
        print_json({**report.counts(), "label": report.label})
        return
    if report.already_forgotten and not report.messages:
        out.print(f"person {pid} was already forgotten (as {report.label}); clean-up re-run")
        return
    rewritten = sum(report.rewritten.values())
    out.print(
        f"forgot person {pid}: {report.messages:,} messages, {report.identities} accounts, "
        f"{report.documents} documents, {report.consents} consent records, {report.skills} "
        f"Skills; {rewritten:,} rows that named them elsewhere now read {report.label!r}"
    )
