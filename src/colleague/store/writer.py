"""Writing reader records into the corpus: identities, conversations, messages, documents.

The writer is used inside one transaction per source; after a rollback call `reset()` so
its caches forget rows that no longer exist.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from colleague.identity import display_name, is_placeholder_name, match_keys, normalize_email
from colleague.model import Conversation, Document, Identity, Message
from colleague.store.ids import account_digests, stable_id

BATCH = 2000


def _ms(dt: datetime | None) -> int | None:
    return None if dt is None else int(dt.timestamp() * 1000)


def _offset_minutes(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    off = dt.utcoffset()
    return None if off is None else int(off.total_seconds() // 60)


def _json(extra: dict | None) -> str | None:
    if not extra:
        return None
    return json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str)


def conversation_key(conv: Conversation) -> int:
    return stable_id("conv", conv.platform, conv.native_id)


def message_key(msg: Message, native_id: str) -> int:
    scope = "" if msg.global_id else msg.conversation.native_id
    return stable_id("msg", msg.platform, scope, native_id)


@dataclass
class WriteCounts:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    documents: int = 0
    forgotten: int = 0  # records of forgotten people, not stored again
    first_ts: int | None = None
    last_ts: int | None = None

    def see(self, ts: int | None) -> None:
        if ts is None:
            return
        if self.first_ts is None or ts < self.first_ts:
            self.first_ts = ts
        if self.last_ts is None or ts > self.last_ts:
            self.last_ts = ts


class CorpusWriter:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.reset()

    # -- caches -------------------------------------------------------------------------
    def reset(self) -> None:
        """(Re)load lookup caches from committed state."""
        self._identities: dict[tuple[str, str], int] = {}
        self._person_of: dict[int, int] = {}
        self._keys: dict[tuple[str, str], int] = {}  # match key → person id
        self._conversations: set[int] = set()
        self._conv_ids: dict[Conversation, int] = {}
        self._seen: set[Identity] = set()  # identity records already written this session
        self._pending: list[tuple] = []
        self._pending_mentions: list[tuple[int, int]] = []  # (identity id, message uid)
        self._pending_edits: list[tuple] = []
        self._occurrences: dict[int, int] = {}
        self._first_new = self._next_new = 0
        for iid, platform, native, pid, name, email, handle, bot in self.db.execute(
            "SELECT id, platform, native_id, person_id, name, email, handle, is_bot FROM identities"
        ):
            self._identities[(platform, native)] = iid
            self._person_of[iid] = pid
            ident = Identity(platform, native, name, email, handle, bool(bot))
            for key in match_keys(ident):
                self._keys.setdefault(key, pid)
        self._conversations = {row[0] for row in self.db.execute("SELECT id FROM conversations")}
        salt = self.db.execute("SELECT value FROM workspace WHERE key = 'salt'").fetchone()
        self._salt = salt[0] if salt else ""
        self._forgotten = {r[0] for r in self.db.execute("SELECT digest FROM forgotten_accounts")}
        self._forgotten_seen: dict[Identity, bool] = {}

    def new_source(self) -> None:
        """Per-source state: content-hash occurrence counters restart for each file; rows
        above the current highest rowid are this source's, indexed by `finish_source`."""
        self._occurrences.clear()
        row = self.db.execute("SELECT max(id) FROM messages").fetchone()
        self._first_new = self._next_new = (row[0] or 0) + 1

    def finish_source(self, counts: WriteCounts) -> None:
        """Flush, then add this source's new messages to the full-text index in one pass:
        one statement over the new rowid range is much cheaper than indexing per batch."""
        self.flush(counts)
        self.db.execute(
            "INSERT INTO messages_fts (rowid, body) SELECT id, fts_text(text) FROM messages"
            " WHERE id >= ?",
            (self._first_new,),
        )

    # -- identities -----------------------------------------------------------------------
    def is_forgotten(self, ident: Identity | None) -> bool:
        """Was this account's person forgotten? Their records are not stored again."""
        if ident is None or not self._forgotten:
            return False
        hit = self._forgotten_seen.get(ident)
        if hit is None:
            digests = account_digests(self._salt, ident.platform, ident.native_id,
                                      normalize_email(ident.email))
            hit = any(d in self._forgotten for d in digests)
            self._forgotten_seen[ident] = hit
        return hit

    def identity(self, ident: Identity) -> int:
        key = (ident.platform, ident.native_id)
        iid = self._identities.get(key)
        if iid is not None and ident in self._seen:
            return iid
        email = normalize_email(ident.email)
        if iid is not None:
            self._seen.add(ident)
            if ident.name:
                self._better_name(self._person_of[iid], ident.name, ident.native_id)
            if ident.name or email or ident.handle:
                # Fill in what earlier records of this account did not say.
                self.db.execute(
                    "UPDATE identities SET name = coalesce(name, ?), email = coalesce(email, ?),"
                    " handle = coalesce(handle, ?) WHERE id = ?"
                    " AND (name IS NULL OR email IS NULL OR handle IS NULL)",
                    (ident.name, email, ident.handle, iid),
                )
            return iid
        keys = match_keys(ident)
        found = list(dict.fromkeys(p for p in (self._keys.get(k) for k in keys) if p is not None))
        # An account that matches two people (email of one, name of the other) proves they
        # are one person: join them.
        pid = self._join(found) if found else None
        if pid is None:
            cur = self.db.execute(
                "INSERT INTO people (name, is_bot) VALUES (?, ?)",
                (display_name(ident), int(ident.is_bot)),
            )
            pid = int(cur.lastrowid or 0)
        elif ident.name:
            self._better_name(pid, ident.name, ident.native_id)
        cur = self.db.execute(
            "INSERT INTO identities (platform, native_id, person_id, name, email, handle, is_bot)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ident.platform, ident.native_id, pid, ident.name, email, ident.handle, int(ident.is_bot)),
        )
        iid = int(cur.lastrowid or 0)
        self._identities[key] = iid
        self._seen.add(ident)
        self._person_of[iid] = pid
        for k in keys:
            self._keys.setdefault(k, pid)
        return iid

    def _better_name(self, pid: int, name: str, native_id: str) -> None:
        """A real name beats an address, a bare account id or a one-word handle chosen
        earlier (unless the operator renamed the person)."""
        row = self.db.execute(
            "SELECT name FROM people WHERE id = ? AND name_locked = 0", (pid,)
        ).fetchone()
        if row is None or row[0] == name:
            return
        if is_placeholder_name(row[0], native_id) and not is_placeholder_name(name, native_id):
            self.db.execute("UPDATE people SET name = ? WHERE id = ?", (name, pid))

    def _join(self, pids: list[int]) -> int:
        keep, others = min(pids), sorted(set(pids) - {min(pids)})
        if not others:
            return keep
        marks = ",".join("?" * len(others))
        self.db.execute(f"UPDATE identities SET person_id = ? WHERE person_id IN ({marks})",
                        (keep, *others))
        self.db.execute(
            f"UPDATE people SET is_bot = max(is_bot, (SELECT max(is_bot) FROM people"
            f" WHERE id IN ({marks}))) WHERE id = ?", (*others, keep))
        self.db.execute(f"DELETE FROM people WHERE id IN ({marks})", others)
        gone = set(others)
        for k, p in self._keys.items():
            if p in gone:
                self._keys[k] = keep
        for i, p in self._person_of.items():
            if p in gone:
                self._person_of[i] = keep
        return keep

    # -- conversations ----------------------------------------------------------------------
    def conversation(self, conv: Conversation) -> int:
        cid = self._conv_ids.get(conv)
        if cid is not None:
            return cid
        cid = conversation_key(conv)
        self._conv_ids[conv] = cid
        if cid not in self._conversations:
            self.db.execute(
                "INSERT INTO conversations (id, platform, native_id, name, kind, topic)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                " topic = coalesce(excluded.topic, topic)",
                (cid, conv.platform, conv.native_id, conv.name, conv.kind, conv.topic),
            )
            self._conversations.add(cid)
        return cid

    # -- messages --------------------------------------------------------------------------
    def message(self, msg: Message, source_id: int, counts: WriteCounts) -> None:
        if self.is_forgotten(msg.author):
            counts.forgotten += 1
            return
        cid = self.conversation(msg.conversation)
        iid = self.identity(msg.author) if msg.author is not None else None
        ts = _ms(msg.timestamp)
        native = msg.native_id
        if native is None:
            # No native id: the content decides, with a counter for identical repeats.
            author = msg.author.native_id if msg.author else ""
            base = stable_id(msg.platform, msg.conversation.native_id, str(ts), author, msg.text)
            n = self._occurrences.get(base, 0)
            self._occurrences[base] = n + 1
            native = f"h{base:016x}.{n}"
        mid = message_key(msg, native)
        scope = "" if msg.global_id else msg.conversation.native_id

        def ref(native_ref: str | None) -> int | None:
            return None if native_ref is None else stable_id("msg", msg.platform, scope, native_ref)

        edited = _ms(msg.edited)
        self._pending.append(
            (
                mid,
                source_id,
                cid,
                iid,
                ts,
                _offset_minutes(msg.timestamp),
                msg.kind,
                msg.text,
                ref(msg.reply_to),
                ref(msg.thread),
                edited,
                msg.native_id,
                _json(msg.extra),
            )
        )
        for m in msg.mentions:
            if self.is_forgotten(m):
                continue
            self._pending_mentions.append((self.identity(m), mid))
        if edited is not None:
            self._pending_edits.append((msg.text, edited, mid, edited, msg.text))
        counts.see(ts)
        if len(self._pending) >= BATCH:
            self.flush(counts)

    def flush(self, counts: WriteCounts) -> None:
        if self._pending:
            cur = self.db.executemany(
                "INSERT OR IGNORE INTO messages (uid, source_id, conversation_id, identity_id, ts,"
                " tz, kind, text, reply_to, thread_id, edited, native_id, extra)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._pending,
            )
            added = max(cur.rowcount, 0)
            counts.added += added
            counts.skipped += len(self._pending) - added
            self._pending = []
        if self._pending_mentions:
            # Mentions of messages already stored are stored too; only new rows need them.
            new = dict(
                self.db.execute(
                    "SELECT uid, id FROM messages WHERE id >= ?", (self._next_new,)
                ).fetchall()
            )
            rows = [(new[uid], iid) for iid, uid in self._pending_mentions if uid in new]
            if rows:
                self.db.executemany(
                    "INSERT OR IGNORE INTO mentions (message_id, identity_id) VALUES (?, ?)", rows
                )
            self._pending_mentions = []
        self._next_new = (self.db.execute("SELECT max(id) FROM messages").fetchone()[0] or 0) + 1
        if self._pending_edits:
            # A newer export carries a later edit: take its text.
            cur = self.db.executemany(
                "UPDATE messages SET text = ?, edited = ? WHERE uid = ?"
                " AND coalesce(edited, 0) < ? AND text != ?",
                self._pending_edits,
            )
            updated = max(cur.rowcount, 0)
            counts.updated += updated
            counts.skipped -= updated
            self._pending_edits = []

    # -- documents -------------------------------------------------------------------------
    def document(self, doc: Document, source_id: int, counts: WriteCounts) -> None:
        if self.is_forgotten(doc.author):
            counts.forgotten += 1
            return
        iid = self.identity(doc.author) if doc.author is not None else None
        did = stable_id("doc", doc.platform, doc.native_id)
        cur = self.db.execute(
            "INSERT INTO documents (id, source_id, identity_id, platform, native_id, title, kind,"
            " created, text, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text,"
            " identity_id = coalesce(excluded.identity_id, identity_id)"
            " WHERE excluded.text != text",
            (
                did,
                source_id,
                iid,
                doc.platform,
                doc.native_id,
                doc.title,
                doc.kind,
                _ms(doc.created),
                doc.text,
                _json(doc.extra),
            ),
        )
        if cur.rowcount > 0:
            counts.documents += 1
        counts.see(_ms(doc.created))
