"""The corpus store: one SQLite file (WAL, foreign keys, numbered migrations, FTS5)."""

from colleague.store.db import StoreError, connect, transaction

__all__ = ["StoreError", "connect", "transaction"]
