"""Numbered schema migrations, applied in order inside one transaction each (simonw/llm style)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from colleague.store.fts import TOKENIZER

# A migration returns the SQL script to run; it runs with its bookkeeping in one transaction.
Migration = Callable[[], str]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((number, fn.__name__, fn))
        MIGRATIONS.sort(key=lambda m: m[0])
        return fn

    return register


@migration(1)
def m001_corpus() -> str:
    return f"""
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            reader TEXT NOT NULL,
            kind TEXT NOT NULL,            -- file | dir | zip
            size INTEGER NOT NULL,
            tz TEXT NOT NULL,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            documents INTEGER NOT NULL DEFAULT 0,
            first_ts INTEGER,
            last_ts INTEGER,
            ingested_at TEXT NOT NULL,
            UNIQUE (path, sha256)
        );
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            is_bot INTEGER NOT NULL DEFAULT 0,
            name_locked INTEGER NOT NULL DEFAULT 0   -- set by `people rename`
        );
        CREATE TABLE identities (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            native_id TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id),
            name TEXT,
            email TEXT,
            handle TEXT,
            is_bot INTEGER NOT NULL DEFAULT 0,
            UNIQUE (platform, native_id)
        );
        CREATE INDEX identities_person ON identities(person_id);
        CREATE INDEX identities_email ON identities(email);
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,         -- stable_id(platform, native_id)
            platform TEXT NOT NULL,
            native_id TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            topic TEXT
        );
        CREATE TABLE messages (
            -- Sequential rowid: FTS5 doclists delta-encode rowids, so ascending ids keep the
            -- index small and fast; the stable id lives in uid.
            id INTEGER PRIMARY KEY,
            uid INTEGER NOT NULL UNIQUE,    -- stable_id(platform, scope, native id)
            source_id INTEGER NOT NULL REFERENCES sources(id),
            conversation_id INTEGER NOT NULL REFERENCES conversations(id),
            identity_id INTEGER REFERENCES identities(id),
            ts INTEGER,                     -- UTC milliseconds
            tz INTEGER,                     -- offset from UTC in minutes at ts
            kind TEXT NOT NULL,             -- message | system | bot
            text TEXT NOT NULL,
            reply_to INTEGER,               -- uid of the parent
            thread_id INTEGER,              -- uid of the thread root
            edited INTEGER,
            native_id TEXT,
            extra TEXT                      -- JSON
        );
        CREATE INDEX messages_identity_ts ON messages(identity_id, ts);
        CREATE INDEX messages_conversation_ts ON messages(conversation_id, ts);
        CREATE TABLE mentions (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            identity_id INTEGER NOT NULL REFERENCES identities(id),
            PRIMARY KEY (message_id, identity_id)
        ) WITHOUT ROWID;
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            identity_id INTEGER REFERENCES identities(id),
            platform TEXT NOT NULL,
            native_id TEXT NOT NULL,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            created INTEGER,
            text TEXT NOT NULL,
            extra TEXT
        );
        CREATE INDEX documents_identity ON documents(identity_id);
        CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='', tokenize='{TOKENIZER}');
        CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, content='', tokenize='{TOKENIZER}');
        -- New messages are indexed by the writer in batches (a per-row trigger calling
        -- into Python costs a third of ingest time); deletes and edits go through triggers.
        CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, body)
                VALUES ('delete', old.id, fts_text(old.text));
        END;
        CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, body)
                VALUES ('delete', old.id, fts_text(old.text));
            INSERT INTO messages_fts(rowid, body) VALUES (new.id, fts_text(new.text));
        END;
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts(rowid, title, body)
                VALUES (new.id, fts_text(new.title), fts_text(new.text));
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, body)
                VALUES ('delete', old.id, fts_text(old.title), fts_text(old.text));
        END;
        CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts(documents_fts, rowid, title, body)
                VALUES ('delete', old.id, fts_text(old.title), fts_text(old.text));
            INSERT INTO documents_fts(rowid, title, body)
                VALUES (new.id, fts_text(new.title), fts_text(new.text));
        END;
        """


@migration(2)
def m002_consent() -> str:
    # No foreign key to people: a merge deletes the merged-away person, and the trigger
    # below carries their consent records over to the person they became.
    return """
        CREATE TABLE consents (
            id TEXT PRIMARY KEY,            -- c-<person>-<scope>-<n>, readable and stable
            person_id INTEGER NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('distill', 'share', 'chat')),
            kind TEXT NOT NULL DEFAULT 'grant' CHECK (kind IN ('grant', 'self')),
            granted_by TEXT,
            note TEXT,
            granted_at TEXT NOT NULL,       -- ISO-8601 UTC
            expires TEXT,                   -- YYYY-MM-DD, last valid day; NULL for 'self'
            revoked_at TEXT
        );
        CREATE INDEX consents_person ON consents(person_id, scope);
        CREATE TRIGGER identities_person_consents AFTER UPDATE OF person_id ON identities
        WHEN old.person_id != new.person_id BEGIN
            UPDATE consents SET person_id = new.person_id WHERE person_id = old.person_id;
        END;
        -- Labels given to forgotten people ("Former colleague A"); nothing else is kept.
        CREATE TABLE forgotten (
            person_id INTEGER PRIMARY KEY,
            label_index INTEGER NOT NULL UNIQUE,
            forgotten_at TEXT NOT NULL
        );
        """



@migration(3)
def m003_forgotten_accounts() -> str:
    return """
        -- Salted digests of forgotten people's accounts, so a later ingest of the same export
        -- does not bring them back. A digest names nobody; the salt is per workspace.
        CREATE TABLE forgotten_accounts (digest TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE workspace (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO workspace (key, value) VALUES ('salt', lower(hex(randomblob(16))));
        """

def apply(db: sqlite3.Connection) -> list[int]:
    """Apply pending migrations; returns the numbers applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT number FROM _migrations")}
    applied = []
    for number, name, fn in MIGRATIONS:
        if number in done:
            continue
        script = (
            f"BEGIN IMMEDIATE;\n{fn()}\n"
            f"INSERT INTO _migrations (number, name) VALUES ({number}, '{name}');\nCOMMIT;"
        )
        try:
            db.executescript(script)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
