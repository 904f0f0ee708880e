"""Opening the corpus database: pragmas, SQL functions, migrations, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from colleague.store import migrations
from colleague.store.fts import index_text


class StoreError(Exception):
    """The corpus database cannot be opened or used."""


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) a corpus database and bring its schema up to date."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA cache_size=-65536")
        # Triggers keep the FTS index in step with messages; they call this function.
        db.create_function("fts_text", 1, _fts_text, deterministic=True)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable colleague corpus database ({exc})") from exc
    return db


def _fts_text(text: str | None) -> str:
    return index_text(text or "")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (including KeyboardInterrupt)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")
