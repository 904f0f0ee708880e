"""Time split: per person, the earliest share of their messages builds the Skill, the rest is
held out — and the two never mix.

The subject's messages (kind 'message', from every identity of the person) are ordered by time,
ties by file order (`messages.id`). The first `frac` of them (`int(frac · n)`, at least one,
and at least one left over) is the build part. The cut is the time of the first held-out
message: the build data is `load_person(db, pid, until_ms=cut)`, so nothing written at or after
the cut — by the subject or anybody else — reaches their messages, the conversation around them,
the team baseline or their documents. Messages written at the same millisecond as the cut all
go to the held-out part, so the build part may be a little smaller than `frac`.

A source without times (e.g. mail that lost its Date headers) is split in file order instead:
the cut is the row id of the first held-out message and the build data is
`load_person(db, pid, until_id=cut)`. A person is split in file order when most of their
messages have no time; otherwise their few untimed messages stay on the build side (that is
what `until_ms` does with them) and never appear in the held-out part.

The held-out part is exactly the subject's messages that the build data does not contain, as
`Msg` objects of the same shape `load_person` makes (taken from a second, uncut load).

`Split.context` says, for every message of the subject (build and held-out alike), what a reader
of the conversation sees around it when it arrives: who wrote the message just before it in the
same conversation (anybody, the subject included; system events aside) and who wrote the message
it replies to. It never carries the message's own author. Both neighbours are written before the
message itself, so a build message's context lies before the cut as well.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from colleague.analyze.model import Msg, PersonData
from colleague.store.person_data import BASELINE, load_person

DEFAULT_FRAC = 0.7


@dataclass(frozen=True, slots=True)
class MsgContext:
    """What a reader of the conversation sees when a message arrives (person ids; None when
    there is none or the writer is unknown)."""

    previous: int | None = None  # writer of the message just before it in its conversation
    parent: int | None = None  # writer of the message it replies to


@dataclass
class Split:
    """One person's build part and held-out part."""

    person_id: int
    build: PersonData  # what the Skill may be built from (everything before the cut)
    heldout: list[Msg]  # the subject's later messages, oldest first
    cut_ms: int | None  # build = written before this time (UTC ms); None for a file-order cut
    cut_id: int | None  # build = messages.id below this; None for a time cut
    total: int  # the subject's messages in all
    # messages.uid → what is visible around it (see `MsgContext`), for build and held-out
    context: dict[int, MsgContext] = field(default_factory=dict)

    @property
    def by_time(self) -> bool:
        return self.cut_ms is not None


def eligible_people(db: sqlite3.Connection, min_messages: int = 100) -> list[int]:
    """People (bots excluded) with at least `min_messages` messages, in id order."""
    rows = db.execute(
        "SELECT i.person_id FROM messages m JOIN identities i ON i.id = m.identity_id"
        " JOIN people p ON p.id = i.person_id"
        " WHERE m.kind = 'message' AND NOT p.is_bot"
        " GROUP BY i.person_id HAVING count(*) >= ? ORDER BY i.person_id",
        (max(min_messages, 1),),
    ).fetchall()
    return [r[0] for r in rows]


def _own_rows(db: sqlite3.Connection, person_id: int) -> list[tuple[int, int | None]]:
    """(messages.id, ts) of everything the person wrote, in file order."""
    return db.execute(
        "SELECT m.id, m.ts FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE i.person_id = ? AND m.kind = 'message' ORDER BY m.id",
        (person_id,),
    ).fetchall()


# The message just before, by (ts, id) within the conversation — the (conversation_id, ts) index
# finds it (ties and untimed messages by row id).
_PREV_TIMED = (
    "SELECT i.person_id FROM messages p LEFT JOIN identities i ON i.id = p.identity_id"
    " WHERE p.conversation_id = m.conversation_id AND p.kind IN ('message', 'bot')"
    " AND p.ts <= m.ts AND NOT (p.ts = m.ts AND p.id >= m.id)"
    " ORDER BY p.ts DESC, p.id DESC LIMIT 1"
)
_PREV_UNTIMED = (
    "SELECT i.person_id FROM messages p LEFT JOIN identities i ON i.id = p.identity_id"
    " WHERE p.conversation_id = m.conversation_id AND p.kind IN ('message', 'bot')"
    " AND p.ts IS NULL AND p.id < m.id ORDER BY p.id DESC LIMIT 1"
)
_PARENT = (
    "SELECT i.person_id FROM messages p LEFT JOIN identities i ON i.id = p.identity_id"
    " WHERE p.uid = m.reply_to"
)


def message_context(db: sqlite3.Connection, person_id: int) -> dict[int, MsgContext]:
    """uid → `MsgContext` for every message the person wrote (see the module docstring)."""
    rows = db.execute(
        f"SELECT m.uid, CASE WHEN m.ts IS NULL THEN ({_PREV_UNTIMED}) ELSE ({_PREV_TIMED}) END,"
        f" ({_PARENT}) FROM messages m JOIN identities mi ON mi.id = m.identity_id"
        " WHERE mi.person_id = ? AND m.kind = 'message'",
        (person_id,),
    ).fetchall()
    return {uid: MsgContext(prev, parent) for uid, prev, parent in rows}


def cut_point(rows: list[tuple[int, int | None]], frac: float) -> tuple[int | None, int | None]:
    """(cut_ms, cut_id) for a person's (id, ts) rows: a time cut when most rows are timed,
    else a file-order cut. (None, None) when there are fewer than two messages."""
    if len(rows) < 2:
        return None, None
    timed = sorted((ts, rid) for rid, ts in rows if ts is not None)
    if 2 * len(timed) >= len(rows) and len(timed) >= 2:
        k = min(max(int(frac * len(timed)), 1), len(timed) - 1)
        return timed[k][0], None
    ids = sorted(rid for rid, _ in rows)
    k = min(max(int(frac * len(ids)), 1), len(ids) - 1)
    return None, ids[k]


def split_person(
    db: sqlite3.Connection,
    person_id: int,
    frac: float = DEFAULT_FRAC,
    *,
    baseline_size: int = BASELINE,
    with_context: bool = True,
) -> Split:
    """Split one person's messages at `frac` (0 < frac < 1); see the module docstring.

    `baseline_size` is passed to `load_person` for the build part (0 skips the team baseline,
    e.g. when only attribution is measured). `with_context=False` skips `Split.context`."""
    if not 0 < frac < 1:
        raise ValueError(f"split fraction must be between 0 and 1, got {frac}")
    rows = _own_rows(db, person_id)
    cut_ms, cut_id = cut_point(rows, frac)
    if cut_ms is None and cut_id is None:
        # Nothing to hold out: everything builds (an empty held-out part is undecidable).
        build = load_person(db, person_id, baseline_size=baseline_size)
        return Split(person_id, build, [], None, None, len(rows),
                     message_context(db, person_id) if with_context else {})
    build = load_person(db, person_id, until_ms=cut_ms, until_id=cut_id,
                        baseline_size=baseline_size)
    kept = {m.uid for m in build.own}
    full = load_person(db, person_id, baseline_size=0)
    heldout = [m for m in full.own if m.uid not in kept]
    context = message_context(db, person_id) if with_context else {}
    return Split(person_id, build, heldout, cut_ms, cut_id, len(rows), context)
