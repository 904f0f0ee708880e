"""The record of what was ingested: one row per source file, folder or zip."""

from __future__ import annotations

import sqlite3


def list_sources(db: sqlite3.Connection) -> list[dict]:
    keys = (
        "id", "path", "sha256", "reader", "kind", "size", "tz", "added", "updated", "skipped",
        "rejected", "documents", "first_ts", "last_ts", "ingested_at",
    )
    rows = db.execute(f"SELECT {', '.join(keys)} FROM sources ORDER BY id").fetchall()
    return [dict(zip(keys, r, strict=True)) for r in rows]
