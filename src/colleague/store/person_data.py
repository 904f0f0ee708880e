"""Load what distillation looks at for one person: their messages, the conversation around
them, a team baseline and their documents — with bounded memory on large corpora."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from colleague.analyze.model import Doc, Msg, PersonData

# Others' messages kept before and after each of the subject's messages: what they answer,
# who chased them, how others reacted.
BEFORE = 2
AFTER = 1
BASELINE = 20_000  # team-baseline messages sampled evenly from everybody else


@lru_cache(maxsize=256)
def _zone(minutes: int | None) -> timezone:
    return timezone(timedelta(minutes=minutes)) if minutes is not None else UTC


def _dt(ts: int | None, tz: int | None) -> datetime | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts / 1000, tz=_zone(tz))


_COLS = (
    "m.uid, m.ts, m.tz, m.text, i.person_id, m.conversation_id, c.name, c.platform,"
    " m.reply_to, m.thread_id, m.extra, m.id"
)
_FROM = (
    " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
    " LEFT JOIN identities i ON i.id = m.identity_id"
)


def _msg(row: tuple, mentions: dict[int, tuple[int, ...]]) -> Msg:
    uid, ts, tz, text, pid, cid, cname, platform, reply_to, thread, extra, rowid = row
    # epoch = ts / 1000 is exactly datetime.timestamp() of the datetime built from it (both
    # are the correctly rounded quotient of whole milliseconds); passing it spares analyzers
    # hundreds of thousands of timestamp() calls. Positional arguments: this runs 360,000
    # times for a big subject, and keyword passing costs a fifth of it.
    epoch = None if ts is None else ts / 1000
    return Msg(
        uid,
        None if epoch is None else datetime.fromtimestamp(epoch, _zone(tz)),
        text,
        pid,
        cid,
        cname,
        platform,
        reply_to,
        thread,
        mentions.get(rowid, ()),
        json.loads(extra) if extra else {},
        epoch,
    )


def _mentions(db: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    ids = sorted(set(rowids))
    out: dict[int, list[int]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        for mid, pid in db.execute(
            "SELECT x.message_id, i.person_id FROM mentions x JOIN identities i"
            f" ON i.id = x.identity_id WHERE x.message_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY x.message_id, i.person_id",
            chunk,
        ):
            out.setdefault(mid, []).append(pid)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def _neighbours(rows: list[tuple[int, int, int | None]], own: set[int],
                sample: set[int] | None = None) -> list[int]:
    """Ids of others' messages among `rows` (id, conversation, identity; in conversation and
    time order) that come up to BEFORE messages before one of the subject's, or up to AFTER
    messages after one, within the same conversation — with no message of the subject's in
    between (the subject's own messages are not picked). With `sample`, only the subject's
    messages whose ids are in it draw neighbours."""
    n = len(rows)
    mine = [ident in own for _, _, ident in rows]
    conv = [cid for _, cid, _ in rows]
    keep = bytearray(n)
    draws = (i for i in range(n) if mine[i] and (sample is None or rows[i][0] in sample))
    for j in draws:
        c = conv[j]
        for k in range(j - 1, max(-1, j - 1 - BEFORE), -1):
            if mine[k] or conv[k] != c:
                break
            keep[k] = 1
        for k in range(j + 1, min(n, j + 1 + AFTER)):
            if mine[k] or conv[k] != c:
                break
            keep[k] = 1
    return [rows[i][0] for i in range(n) if keep[i]]


def load_person(
    db: sqlite3.Connection,
    person_id: int,
    *,
    until_ms: int | None = None,
    until_id: int | None = None,
    baseline_size: int = BASELINE,
    max_own: int | None = None,
) -> PersonData:
    """Everything about `person_id` written before `until_ms` (all of it when None).

    `until_id` cuts by file order instead, for sources without times: only messages whose row
    id (`messages.id`, the order they were read in) is below it. Both may be given.
    `max_own` bounds the work for very prolific people: an evenly spaced sample (in time
    order) of that many of their messages, with the conversation around those; `own_total`
    says how many there were."""
    name_row = db.execute("SELECT name FROM people WHERE id = ?", (person_id,)).fetchone()
    if name_row is None:
        raise LookupError(f"no person with id {person_id}")
    idents = db.execute(
        "SELECT id, name, email, handle, native_id FROM identities WHERE person_id = ?",
        (person_id,),
    ).fetchall()
    ident_ids = [r[0] for r in idents]
    aliases = sorted({v for r in idents for v in r[1:] if v})
    marks = ",".join("?" * len(ident_ids)) or "NULL"
    time_cut = " AND (m.ts IS NULL OR m.ts < ?)" if until_ms is not None else ""
    cut_args: tuple = (until_ms,) if until_ms is not None else ()
    if until_id is not None:
        time_cut += " AND m.id < ?"
        cut_args += (until_id,)

    own_rows = db.execute(
        f"SELECT {_COLS}{_FROM} WHERE m.identity_id IN ({marks}) AND m.kind = 'message'"
        f"{time_cut} ORDER BY m.ts, m.id",
        (*ident_ids, *cut_args),
    ).fetchall()
    own_total = len(own_rows)
    sample: set[int] | None = None
    if max_own and own_total > max_own:
        own_rows = [own_rows[(i * own_total) // max_own] for i in range(max_own)]
        sample = {r[-1] for r in own_rows}
    convs = sorted({r[5] for r in own_rows})

    # Others' messages next to the subject's, conversation by conversation, in time order.
    # A light first pass over ids picks the neighbours; only those rows are then loaded.
    own_idents = set(ident_ids)
    picked: list[int] = []
    for i in range(0, len(convs), 500):
        chunk = convs[i : i + 500]
        rows = db.execute(
            f"SELECT m.id, m.conversation_id, m.identity_id FROM messages m"
            f" WHERE m.conversation_id IN ({','.join('?' * len(chunk))})"
            f" AND m.kind = 'message'{time_cut} ORDER BY m.conversation_id, m.ts, m.id",
            (*chunk, *cut_args),
        ).fetchall()
        picked += _neighbours(rows, own_idents, sample)
    picked = sorted(set(picked))
    context_rows: list[tuple] = []
    for i in range(0, len(picked), 900):
        chunk = picked[i : i + 900]
        context_rows += db.execute(
            f"SELECT {_COLS}{_FROM} WHERE m.id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
    context_rows.sort(key=lambda r: (r[1] is None, r[1] or 0, r[-1]))

    total = db.execute("SELECT max(id) FROM messages").fetchone()[0] or 0
    step = max(1, total // max(baseline_size, 1))
    baseline_rows = db.execute(
        f"SELECT {_COLS}{_FROM} WHERE m.id % ? = 0 AND m.kind = 'message'"
        f" AND (m.identity_id IS NULL OR m.identity_id NOT IN ({marks})){time_cut}"
        " ORDER BY m.id LIMIT ?",
        (step, *ident_ids, *cut_args, baseline_size),
    ).fetchall()

    mentions = _mentions(db, [r[-1] for r in own_rows] + [r[-1] for r in context_rows])
    docs = [
        Doc(uid=did, title=title, text=text, kind=kind, created=_dt(created, None))
        for did, title, text, kind, created in db.execute(
            f"SELECT id, title, text, kind, created FROM documents WHERE identity_id IN ({marks})"
            + (" AND (created IS NULL OR created < ?)" if until_ms is not None else "")
            + " ORDER BY id",
            (*ident_ids, *((until_ms,) if until_ms is not None else ())),
        )
    ]
    pids = {person_id} | {r[4] for r in context_rows if r[4] is not None}
    pids |= {p for ms in mentions.values() for p in ms}
    people: dict[int, str] = {}
    bots: set[int] = set()
    plist = sorted(pids)
    for i in range(0, len(plist), 900):
        chunk = plist[i : i + 900]
        for pid, pname, bot in db.execute(
            f"SELECT id, name, is_bot FROM people WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            people[pid] = pname
            if bot:
                bots.add(pid)
    return PersonData(
        person_id=person_id,
        name=name_row[0],
        aliases=tuple(aliases),
        own=[_msg(r, mentions) for r in own_rows],
        context=[_msg(r, mentions) for r in context_rows],
        baseline=[_msg(r, {}) for r in baseline_rows],
        documents=docs,
        people=people,
        bots=frozenset(bots),
        own_total=own_total,
    )
