"""Ranked full-text search over messages and documents, with filters and snippets."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from colleague.store.fts import match_expression, query_terms
from colleague.store.ids import format_id


class QueryError(ValueError):
    pass


@dataclass
class Hit:
    kind: str  # message | document
    id: str
    score: float
    ts: int | None
    tz: int | None
    person_id: int | None
    person: str | None
    where: str  # conversation name or document title
    platform: str
    snippet: str
    text: str


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snippet(text: str, query: str, width: int = 160) -> str:
    """A window of `text` around the first query term found, on one line."""
    flat = " ".join(text.split())
    low = flat.casefold()
    pos = -1
    for term in query_terms(query):
        for piece in (term.casefold(), *re.findall(r"\w{4,}", term.casefold())):
            for cand in (piece, piece[:5]):
                i = low.find(cand) if cand else -1
                if i >= 0 and (pos < 0 or i < pos):
                    pos = i
        if pos >= 0:
            break
    if len(flat) <= width:
        return flat
    start = max(0, pos - width // 3) if pos >= 0 else 0
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def search(
    db: sqlite3.Connection,
    query: str,
    person_id: int | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
    channel: str | None = None,
    limit: int = 20,
    include_documents: bool = True,
) -> list[Hit]:
    expr = match_expression(query)
    if expr is None:
        raise QueryError(f"nothing searchable in {query!r}: give at least one word")
    where = ["messages_fts MATCH ?"]
    params: list[object] = [expr]
    if person_id is not None:
        where.append("m.identity_id IN (SELECT id FROM identities WHERE person_id = ?)")
        params.append(person_id)
    if since_ms is not None:
        where.append("m.ts >= ?")
        params.append(since_ms)
    if until_ms is not None:
        where.append("m.ts < ?")
        params.append(until_ms)
    if channel:
        where.append("(lower(c.name) = lower(?) OR c.name LIKE ? ESCAPE '\\')")
        params += [channel.lstrip("#"), f"%{_like_escape(channel.lstrip('#'))}%"]
    sql = (
        "SELECT m.uid, f.rank, m.ts, m.tz, p.id, p.name, c.name, c.platform, m.text"
        " FROM messages_fts f JOIN messages m ON m.id = f.rowid"
        " JOIN conversations c ON c.id = m.conversation_id"
        " LEFT JOIN identities i ON i.id = m.identity_id LEFT JOIN people p ON p.id = i.person_id"
        f" WHERE {' AND '.join(where)} ORDER BY f.rank LIMIT ?"
    )
    try:
        rows = db.execute(sql, [*params, limit]).fetchall()
    except sqlite3.OperationalError as exc:
        raise QueryError(f"cannot search for {query!r}: {exc}") from exc
    hits = [
        Hit("message", format_id("m", mid), -rank, ts, tz, pid, pname, cname, plat,
            snippet(text, query), text)
        for mid, rank, ts, tz, pid, pname, cname, plat, text in rows
    ]
    if include_documents and not channel:
        hits += _documents(db, expr, query, person_id, since_ms, until_ms, limit)
        hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def _documents(
    db: sqlite3.Connection,
    expr: str,
    query: str,
    person_id: int | None,
    since_ms: int | None,
    until_ms: int | None,
    limit: int,
) -> list[Hit]:
    where = ["documents_fts MATCH ?"]
    params: list[object] = [expr]
    if person_id is not None:
        where.append("d.identity_id IN (SELECT id FROM identities WHERE person_id = ?)")
        params.append(person_id)
    if since_ms is not None:
        where.append("d.created >= ?")
        params.append(since_ms)
    if until_ms is not None:
        where.append("d.created < ?")
        params.append(until_ms)
    rows = db.execute(
        "SELECT d.id, f.rank, d.created, p.id, p.name, d.title, d.platform, d.text"
        " FROM documents_fts f JOIN documents d ON d.id = f.rowid"
        " LEFT JOIN identities i ON i.id = d.identity_id LEFT JOIN people p ON p.id = i.person_id"
        f" WHERE {' AND '.join(where)} ORDER BY f.rank LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        Hit("document", format_id("d", did), -rank, ts, None, pid, pname, title, plat,
            snippet(text, query), text)
        for did, rank, ts, pid, pname, title, plat, text in rows
    ]
