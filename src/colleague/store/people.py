"""People in the corpus: listing, looking up, merging and renaming."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from colleague.store.db import transaction


class PersonNotFound(LookupError):
    pass


@dataclass
class PersonSummary:
    id: int
    name: str
    is_bot: bool
    messages: int
    first_ts: int | None
    last_ts: int | None
    aliases: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    documents: int = 0


def _aliases(db: sqlite3.Connection) -> dict[int, tuple[list[str], list[str]]]:
    out: dict[int, tuple[set[str], set[str]]] = {}
    for pid, platform, native, name, email, handle in db.execute(
        "SELECT person_id, platform, native_id, name, email, handle FROM identities"
    ):
        names, platforms = out.setdefault(pid, (set(), set()))
        platforms.add(platform)
        for v in (name, handle, email):
            if v:
                names.add(v)
        if not (name or handle or email):
            names.add(native)
    return {pid: (sorted(n), sorted(p)) for pid, (n, p) in out.items()}


def list_people(db: sqlite3.Connection, include_silent: bool = False) -> list[PersonSummary]:
    """People sorted by messages written (desc), then name. Bots' and system posts don't count."""
    counts = {
        pid: (n, lo, hi)
        for pid, n, lo, hi in db.execute(
            "SELECT i.person_id, count(*), min(m.ts), max(m.ts) FROM messages m"
            " JOIN identities i ON i.id = m.identity_id WHERE m.kind = 'message'"
            " GROUP BY i.person_id"
        )
    }
    docs = dict(
        db.execute(
            "SELECT i.person_id, count(*) FROM documents d JOIN identities i"
            " ON i.id = d.identity_id GROUP BY i.person_id"
        ).fetchall()
    )
    aliases = _aliases(db)
    out = []
    for pid, name, bot in db.execute("SELECT id, name, is_bot FROM people"):
        n, lo, hi = counts.get(pid, (0, None, None))
        if not include_silent and n == 0 and not docs.get(pid):
            continue
        names, platforms = aliases.get(pid, ([], []))
        out.append(
            PersonSummary(
                id=pid,
                name=name,
                is_bot=bool(bot),
                messages=n,
                first_ts=lo,
                last_ts=hi,
                aliases=[a for a in names if a != name],
                sources=platforms,
                documents=docs.get(pid, 0),
            )
        )
    out.sort(key=lambda p: (-p.messages, p.name.casefold(), p.id))
    return out


def resolve(db: sqlite3.Connection, ref: str) -> int:
    """A person id from an id ('12', 'p12'), a name, an alias, an email or a handle."""
    text = ref.strip()
    digits = text[1:] if text[:1].lower() == "p" else text
    if digits.isdigit():
        row = db.execute("SELECT id FROM people WHERE id = ?", (int(digits),)).fetchone()
        if row:
            return int(row[0])
    folded = text.casefold()
    exact = {
        r[0]
        for r in db.execute("SELECT id FROM people WHERE lower(name) = ?", (folded,))
    } | {
        r[0]
        for r in db.execute(
            "SELECT person_id FROM identities WHERE lower(name) = ? OR lower(email) = ?"
            " OR lower(handle) = ? OR lower(native_id) = ?",
            (folded, folded, folded, folded),
        )
    }
    if len(exact) == 1:
        return exact.pop()
    if not exact:
        like = f"%{folded}%"
        exact = {
            r[0] for r in db.execute("SELECT id FROM people WHERE lower(name) LIKE ?", (like,))
        }
        if len(exact) == 1:
            return exact.pop()
    if not exact:
        raise PersonNotFound(f"no person matches {ref!r} (see `colleague people`)")
    names = ", ".join(
        f"{pid} {name}"
        for pid, name in db.execute(
            f"SELECT id, name FROM people WHERE id IN ({','.join('?' * len(exact))}) ORDER BY id",
            sorted(exact),
        )
    )
    raise PersonNotFound(f"{ref!r} is ambiguous: {names}; use the id")


def identities(db: sqlite3.Connection, person_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT i.id, i.platform, i.native_id, i.name, i.email, i.handle, i.is_bot,"
        " (SELECT count(*) FROM messages m WHERE m.identity_id = i.id AND m.kind = 'message')"
        " FROM identities i WHERE i.person_id = ? ORDER BY i.platform, i.native_id",
        (person_id,),
    ).fetchall()
    keys = ("id", "platform", "native_id", "name", "email", "handle", "is_bot", "messages")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def conversations(db: sqlite3.Connection, person_id: int, limit: int = 10) -> list[dict]:
    rows = db.execute(
        "SELECT c.name, c.platform, count(*) AS n FROM messages m"
        " JOIN identities i ON i.id = m.identity_id JOIN conversations c ON c.id = m.conversation_id"
        " WHERE i.person_id = ? AND m.kind = 'message' GROUP BY c.id ORDER BY n DESC, c.name LIMIT ?",
        (person_id, limit),
    ).fetchall()
    return [{"name": n, "platform": p, "messages": c} for n, p, c in rows]


def merge(db: sqlite3.Connection, keep: int, other: int) -> None:
    """Move every account of `other` to `keep` and remove `other`."""
    if keep == other:
        raise ValueError("cannot merge a person with themself")
    with transaction(db):
        for pid in (keep, other):
            if not db.execute("SELECT 1 FROM people WHERE id = ?", (pid,)).fetchone():
                raise PersonNotFound(f"no person with id {pid}")
        db.execute("UPDATE identities SET person_id = ? WHERE person_id = ?", (keep, other))
        db.execute(
            "UPDATE people SET is_bot = (SELECT max(is_bot) FROM identities WHERE person_id = ?)"
            " WHERE id = ?",
            (keep, keep),
        )
        db.execute("DELETE FROM people WHERE id = ?", (other,))


def rename(db: sqlite3.Connection, person_id: int, name: str) -> None:
    name = name.strip()
    if not name:
        raise ValueError("a name cannot be empty")
    with transaction(db):
        cur = db.execute(
            "UPDATE people SET name = ?, name_locked = 1 WHERE id = ?", (name, person_id)
        )
        if cur.rowcount == 0:
            raise PersonNotFound(f"no person with id {person_id}")
