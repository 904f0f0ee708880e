"""Consent: grants, expiry, revocation, --self, the exit code 2 refusal, and the CLI."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from colleague.cli import consent as consent_cli
from colleague.cli._common import home_option, open_db
from colleague.privacy import consent, journal
from colleague.privacy.consent import ConsentRequired
from colleague.store import people as store_people

from slack_builder import msg, write_export

TODAY = date(2026, 6, 1)


def _people(db: sqlite3.Connection) -> tuple[int, int]:
    a = db.execute("INSERT INTO people (name) VALUES ('Li Wei')").lastrowid
    b = db.execute("INSERT INTO people (name) VALUES ('Amy Chen')").lastrowid
    return int(a or 0), int(b or 0)


def test_no_grant_is_refused_with_the_command_to_run(db: sqlite3.Connection) -> None:
    li, _ = _people(db)
    with pytest.raises(ConsentRequired) as info:
        consent.require_consent(db, li, "distill", self_subject=False, today=TODAY)
    text = str(info.value)
    assert "none recorded" in text
    assert f"colleague consent grant {li} --scope distill --expires YYYY-MM-DD" in text
    assert "--self" in text


def test_a_current_grant_allows_only_its_person_and_scope(db: sqlite3.Connection) -> None:
    li, amy = _people(db)
    g, created = consent.grant(db, li, "distill", expires=date(2026, 12, 31), granted_by="HR",
                               note="signed form 12", today=TODAY)
    assert created and g.id == f"c-{li}-distill-1"
    assert (g.kind, g.granted_by, g.note, g.expires) == ("grant", "HR", "signed form 12",
                                                         "2026-12-31")
    assert consent.require_consent(db, li, "distill", self_subject=False, today=TODAY) == g
    with pytest.raises(ConsentRequired):
        consent.require_consent(db, li, "chat", self_subject=False, today=TODAY)
    with pytest.raises(ConsentRequired):
        consent.require_consent(db, amy, "distill", self_subject=False, today=TODAY)


def test_expiry_day_is_the_last_valid_day(db: sqlite3.Connection) -> None:
    li, _ = _people(db)
    g, _ = consent.grant(db, li, "share", expires=date(2026, 6, 30), today=TODAY)
    assert consent.require_consent(db, li, "share", self_subject=False,
                                   today=date(2026, 6, 30)).id == g.id
    with pytest.raises(ConsentRequired, match=f"grant {g.id} expired on 2026-06-30"):
        consent.require_consent(db, li, "share", self_subject=False, today=date(2026, 7, 1))
    assert consent.list_grants(db, today=date(2026, 7, 1)) == []
    assert [x.status(date(2026, 7, 1)) for x in
            consent.list_grants(db, today=date(2026, 7, 1), include_all=True)] == ["expired"]


def test_revoked_grants_stop_counting(db: sqlite3.Connection) -> None:
    li, _ = _people(db)
    g, _ = consent.grant(db, li, "chat", expires=date(2027, 1, 1), today=TODAY)
    assert [r.id for r in consent.revoke(db, grant_id=g.id)] == [g.id]
    with pytest.raises(ConsentRequired, match=f"grant {g.id} was revoked"):
        consent.require_consent(db, li, "chat", self_subject=False, today=TODAY)
    assert consent.revoke(db, grant_id=g.id) == []  # re-running revokes nothing new
    again, created = consent.grant(db, li, "chat", expires=date(2027, 1, 1), today=TODAY)
    assert created and again.id == f"c-{li}-chat-2"
    assert consent.require_consent(db, li, "chat", self_subject=False, today=TODAY).id == again.id


def test_revoke_by_person_and_scope(db: sqlite3.Connection) -> None:
    li, amy = _people(db)
    for scope in ("distill", "chat"):
        consent.grant(db, li, scope, expires=date(2027, 1, 1), today=TODAY)
    consent.grant(db, amy, "chat", expires=date(2027, 1, 1), today=TODAY)
    assert [g.scope for g in consent.revoke(db, person_id=li, scope="chat")] == ["chat"]
    assert consent.require_consent(db, li, "distill", self_subject=False, today=TODAY)
    assert consent.require_consent(db, amy, "chat", self_subject=False, today=TODAY)
    assert len(consent.revoke(db, person_id=li)) == 1


def test_self_grant_needs_no_expiry_and_is_recorded_once(db: sqlite3.Connection) -> None:
    li, _ = _people(db)
    g = consent.require_consent(db, li, "distill", self_subject=True, today=TODAY)
    assert (g.kind, g.expires, g.granted_by) == ("self", None, "self")
    assert consent.require_consent(db, li, "distill", self_subject=True, today=TODAY).id == g.id
    # Once recorded it also satisfies later checks, years on.
    assert consent.require_consent(db, li, "distill", self_subject=False,
                                   today=date(2040, 1, 1)).id == g.id
    assert db.execute("SELECT count(*) FROM consents").fetchone()[0] == 1


def test_bad_grants_are_refused(db: sqlite3.Connection) -> None:
    li, _ = _people(db)
    with pytest.raises(consent.ConsentError, match="already in the past"):
        consent.grant(db, li, "distill", expires=date(2026, 5, 31), today=TODAY)
    with pytest.raises(consent.ConsentError, match="needs an expiry"):
        consent.grant(db, li, "distill", expires=None, today=TODAY)
    with pytest.raises(consent.ConsentError, match="unknown scope"):
        consent.grant(db, li, "sell", expires=date(2027, 1, 1), today=TODAY)
    with pytest.raises(consent.ConsentError, match="no person with id 999"):
        consent.grant(db, 999, "chat", expires=date(2027, 1, 1), today=TODAY)
    assert db.execute("SELECT count(*) FROM consents").fetchone()[0] == 0


def test_merging_people_carries_their_consent(db: sqlite3.Connection) -> None:
    li, amy = _people(db)
    db.execute("INSERT INTO identities (platform, native_id, person_id) VALUES ('x', 'a', ?)",
               (amy,))
    g, _ = consent.grant(db, amy, "chat", expires=date(2027, 1, 1), today=TODAY)
    store_people.merge(db, li, amy)
    assert consent.require_consent(db, li, "chat", self_subject=False, today=TODAY).id == g.id


# -- CLI ------------------------------------------------------------------------------------------
@pytest.fixture
def corpus(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    export = write_export(tmp_path / "slack", {"general": {"2024-03-01": [
        msg("U01", 1709251200, "hello"), msg("U02", 1709251260, "hi")]}})
    assert run("ingest", str(export)).exit_code == 0
    return run


def test_cli_grant_list_revoke(corpus, home: Path) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    res = run("consent", "grant", "Li Wei", "--scope", "distill", "--expires", "2099-12-31",
              "--by", "Wang Fang", "--note", "email of 2024-03-01")
    assert res.exit_code == 0, res.output
    assert "granted c-1-distill-1" in res.output
    again = run("consent", "grant", "Li Wei", "--scope", "distill", "--expires", "2099-12-31",
                "--by", "Wang Fang", "--note", "email of 2024-03-01")
    assert "already granted c-1-distill-1" in again.output
    assert run("consent", "grant", "amy", "--scope", "chat", "--self").exit_code == 0
    listed = run.json("consent", "list")
    assert [(g["id"], g["person"], g["scope"], g["kind"], g["expires"], g["status"])
            for g in listed] == [
        ("c-2-chat-1", "Amy Chen", "chat", "self", None, "active"),
        ("c-1-distill-1", "Li Wei", "distill", "grant", "2099-12-31", "active"),
    ]
    by_id = {g["id"]: g for g in listed}
    assert by_id["c-1-distill-1"]["granted_by"] == "Wang Fang"
    assert by_id["c-1-distill-1"]["note"] == "email of 2024-03-01"
    assert "c-1-distill-1" in run("consent", "list").output

    res = run("consent", "revoke", "c-1-distill-1")
    assert res.exit_code == 0 and "revoked c-1-distill-1" in res.output
    assert [g["id"] for g in run.json("consent", "list")] == ["c-2-chat-1"]
    everything = {g["id"]: g["status"] for g in run.json("consent", "list", "--all")}
    assert everything == {"c-1-distill-1": "revoked", "c-2-chat-1": "active"}
    assert "nothing to revoke" in run("consent", "revoke", "c-1-distill-1").output
    assert run("consent", "revoke", "amy", "--scope", "distill").output.startswith("nothing")
    assert "revoked c-2-chat-1" in run("consent", "revoke", "amy").output
    assert run("consent", "revoke", "c-9-chat-1").exit_code == 1

    ops = [(e.operation, e.details["grant_id"]) for e in journal.read(home)
           if e.operation.startswith("consent")]
    assert ops == [("consent.grant", "c-1-distill-1"), ("consent.grant", "c-2-chat-1"),
                   ("consent.revoke", "c-1-distill-1"), ("consent.revoke", "c-2-chat-1")]
    assert journal.verify(home).ok


def test_cli_refuses_bad_grants(corpus) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    res = run("consent", "grant", "Li Wei", "--scope", "distill")
    assert res.exit_code == 2 and "--expires YYYY-MM-DD is required" in res.output
    res = run("consent", "grant", "Li Wei", "--scope", "distill", "--expires", "2001-01-01")
    assert res.exit_code == 1 and "already in the past" in res.output
    res = run("consent", "grant", "Li Wei", "--scope", "distill", "--expires", "next week")
    assert res.exit_code == 2 and "expected a date" in res.output
    res = run("consent", "grant", "Nobody", "--scope", "chat", "--expires", "2099-01-01")
    assert res.exit_code == 1 and "no person matches" in res.output
    assert run.json("consent", "list", "--all") == []


def test_cli_expiry(corpus, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    monkeypatch.setattr(consent_cli, "today", lambda: date(2030, 1, 1))
    assert run("consent", "grant", "1", "--scope", "share", "--expires", "2030-01-31").exit_code == 0
    assert [g["status"] for g in run.json("consent", "list")] == ["active"]
    monkeypatch.setattr(consent_cli, "today", lambda: date(2030, 2, 1))
    assert run.json("consent", "list") == []
    assert [g["status"] for g in run.json("consent", "list", "--all")] == ["expired"]


@click.command("needs-consent")
@click.argument("person")
@click.option("--self", "self_subject", is_flag=True)
@home_option
def _needs_consent(person: str, self_subject: bool) -> None:
    """A stand-in for distill: what a later command does with require_or_exit."""
    db = open_db()
    grant = consent_cli.require_or_exit(db, int(person), "distill", self_subject=self_subject)
    click.echo(f"using {grant.id}")


def test_refusal_exits_2_with_the_command_to_run(corpus, home: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(_needs_consent, ["1", "--home", str(home)])
    assert res.exit_code == 2
    assert "colleague consent grant 1 --scope distill --expires YYYY-MM-DD" in res.output
    assert corpus("consent", "grant", "1", "--scope", "distill", "--expires",
                  "2099-01-01").exit_code == 0
    res = runner.invoke(_needs_consent, ["1", "--home", str(home)])
    assert (res.exit_code, res.output.strip()) == (0, "using c-1-distill-1")
    corpus("consent", "revoke", "1")
    assert runner.invoke(_needs_consent, ["1", "--home", str(home)]).exit_code == 2
    res = runner.invoke(_needs_consent, ["2", "--self", "--home", str(home)])
    assert (res.exit_code, res.output.strip()) == (0, "using c-2-distill-1")
    assert journal.read(home)[-1].details["kind"] == "self"
