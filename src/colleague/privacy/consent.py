"""Consent records: who agreed to what (distill, share, chat), until when, and revocation.

Distilling, sharing or chatting as a person needs a current grant for that scope. A grant
expires after its `expires` day; a revoked grant never counts again. A grant of kind "self"
records that the operator is the subject: it has no expiry and is what `--self` creates.
Grant ids are readable and stable: c-<person id>-<scope>-<n>.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from colleague.store.db import transaction

SCOPES = ("distill", "share", "chat")
KINDS = ("grant", "self")


class ConsentError(ValueError):
    """A consent command was given something it cannot record."""


class ConsentRequired(PermissionError):
    """No current grant: the message says exactly which command would give one."""

    def __init__(self, person_id: int, scope: str, reason: str) -> None:
        self.person_id, self.scope, self.reason = person_id, scope, reason
        super().__init__(
            f"no current consent to {scope} person {person_id} ({reason}). Record one with "
            f"`colleague consent grant {person_id} --scope {scope} --expires YYYY-MM-DD "
            f"--by NAME`, or use --self if you are that person."
        )


@dataclass(frozen=True)
class ConsentGrant:
    id: str
    person_id: int
    scope: str
    kind: str
    granted_by: str | None
    note: str | None
    granted_at: str
    expires: str | None
    revoked_at: str | None

    def status(self, today: date) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires and date.fromisoformat(self.expires) < today:
            return "expired"
        return "active"

    def to_json(self, today: date) -> dict:
        return {**asdict(self), "status": self.status(today)}


_COLUMNS = "id, person_id, scope, kind, granted_by, note, granted_at, expires, revoked_at"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise ConsentError(f"unknown scope {scope!r} (use one of {', '.join(SCOPES)})")
    return scope


def _person_exists(db: sqlite3.Connection, person_id: int) -> None:
    if not db.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone():
        raise ConsentError(f"no person with id {person_id}")


def _row(row: tuple) -> ConsentGrant:
    return ConsentGrant(*row)


def get(db: sqlite3.Connection, grant_id: str) -> ConsentGrant | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM consents WHERE id = ?", (grant_id,)).fetchone()
    return _row(row) if row else None


def list_grants(db: sqlite3.Connection, *, today: date, include_all: bool = False,
                person_id: int | None = None) -> list[ConsentGrant]:
    """Active grants (or every grant with include_all), newest first."""
    sql = f"SELECT {_COLUMNS} FROM consents"
    args: tuple = ()
    if person_id is not None:
        sql, args = sql + " WHERE person_id = ?", (person_id,)
    grants = [_row(r) for r in db.execute(sql + " ORDER BY granted_at DESC, id DESC", args)]
    if include_all:
        return grants
    return [g for g in grants if g.status(today) == "active"]


def _new_id(db: sqlite3.Connection, person_id: int, scope: str) -> str:
    prefix = f"c-{person_id}-{scope}-"
    taken = {r[0] for r in db.execute("SELECT id FROM consents WHERE id LIKE ?", (prefix + "%",))}
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def grant(db: sqlite3.Connection, person_id: int, scope: str, *, expires: date | None,
          granted_by: str | None = None, note: str | None = None, kind: str = "grant",
          today: date) -> tuple[ConsentGrant, bool]:
    """Record a grant; returns (grant, created). The same active grant given twice is kept once."""
    _check_scope(scope)
    if kind not in KINDS:
        raise ConsentError(f"unknown consent kind {kind!r}")
    if kind == "grant":
        if expires is None:
            raise ConsentError("a grant needs an expiry date (--expires YYYY-MM-DD)")
        if expires < today:
            raise ConsentError(f"expiry {expires.isoformat()} is already in the past")
    else:
        expires = None
    by = (granted_by or "").strip() or None
    text = (note or "").strip() or None
    exp = expires.isoformat() if expires else None
    with transaction(db):
        _person_exists(db, person_id)
        row = db.execute(
            f"SELECT {_COLUMNS} FROM consents WHERE person_id = ? AND scope = ? AND kind = ?"
            " AND expires IS ? AND granted_by IS ? AND note IS ? AND revoked_at IS NULL",
            (person_id, scope, kind, exp, by, text),
        ).fetchone()
        if row:
            return _row(row), False
        gid = _new_id(db, person_id, scope)
        db.execute(
            f"INSERT INTO consents ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (gid, person_id, scope, kind, by, text, _now(), exp),
        )
    found = get(db, gid)
    assert found is not None
    return found, True


def grant_self(db: sqlite3.Connection, person_id: int, scope: str = "distill", *,
               today: date) -> ConsentGrant:
    """Record that the operator is the subject (what `--self` does); never expires."""
    return grant(db, person_id, scope, expires=None, granted_by="self", kind="self",
                 today=today)[0]


def revoke(db: sqlite3.Connection, *, grant_id: str | None = None, person_id: int | None = None,
           scope: str | None = None) -> list[ConsentGrant]:
    """Revoke one grant by id, or every unrevoked grant of a person (optionally one scope).
    Returns what was revoked now (already revoked grants are left as they were)."""
    if scope is not None:
        _check_scope(scope)
    where, args = ["revoked_at IS NULL"], []
    if grant_id is not None:
        where.append("id = ?")
        args.append(grant_id)
    elif person_id is not None:
        where.append("person_id = ?")
        args.append(person_id)
    else:
        raise ConsentError("revoke needs a grant id or a person")
    if scope is not None:
        where.append("scope = ?")
        args.append(scope)
    cond = " AND ".join(where)
    with transaction(db):
        rows = db.execute(f"SELECT id FROM consents WHERE {cond}", args).fetchall()
        db.execute(f"UPDATE consents SET revoked_at = ? WHERE {cond}", [_now(), *args])
    return [g for g in (get(db, r[0]) for r in rows) if g is not None]


def require_consent(db: sqlite3.Connection, person_id: int, scope: str, *, self_subject: bool,
                    today: date) -> ConsentGrant:
    """The grant that allows `scope` for this person today, or ConsentRequired.

    With self_subject the operator says they are the person: a "self" grant is recorded (once)
    and returned, so its id can go into the Skill's metadata like any other grant's.
    """
    _check_scope(scope)
    if self_subject:
        return grant_self(db, person_id, scope, today=today)
    grants = list_grants(db, today=today, include_all=True, person_id=person_id)
    mine = [g for g in grants if g.scope == scope]
    active = [g for g in mine if g.status(today) == "active"]
    if active:
        # Prefer a self grant, then the one that lasts longest.
        return max(active, key=lambda g: (g.kind == "self", g.expires or "9999-12-31"))
    if not mine:
        reason = "none recorded"
    else:
        last = max(mine, key=lambda g: (g.granted_at, g.id))
        if last.status(today) == "revoked":
            reason = f"grant {last.id} was revoked"
        else:
            reason = f"grant {last.id} expired on {last.expires}"
    raise ConsentRequired(person_id, scope, reason)


def forget_person(db: sqlite3.Connection, person_id: int) -> int:
    """Delete every consent record of a person (inside the caller's transaction)."""
    return db.execute("DELETE FROM consents WHERE person_id = ?", (person_id,)).rowcount
