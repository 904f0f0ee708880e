#!/usr/bin/env python3
"""Where does `colleague ingest` spend its time? Stage-by-stage timings on one export.

    python bench/ingest_breakdown.py EXPORT_DIR [--work DIR] [--profile]

Each stage runs in this process on a fresh database, so the differences between stages are the
cost of what a stage adds:
  digest        hashing the export (ingest.digest: the source's sha256)
  read          SlackReader.read() alone: file listing, json parsing, Message objects
  write-no-fts  the whole pipeline with the writer's FTS step switched off
  write-no-idx  as write-no-fts, also without the two secondary message indexes
  full          the whole pipeline (colleague.ingest.ingest), in process
  sql           the whole pipeline again with every SQL statement timed (top statements)
  fts-python    index_text() over every stored text (the Python side of FTS indexing)
  fts-insert    inserting those texts into a fresh contentless FTS5 table (SQLite side)
--profile adds the top functions of a cProfile of the `read` stage. JSON goes to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from colleague import ingest as pipeline
from colleague.sources.base import ReadContext
from colleague.sources.slack import SlackReader
from colleague.store import connect
from colleague.store.fts import TOKENIZER, index_text
from colleague.store.writer import CorpusWriter


def log(msg: str) -> None:
    print(f"[breakdown] {msg}", file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t0, 2), out


@contextmanager
def no_fts() -> Iterator[None]:
    """Switch off the writer's batch FTS step (whatever it is called in this version)."""
    saved = getattr(CorpusWriter, "_index_new", None)
    if saved is None:
        yield
        return
    CorpusWriter._index_new = lambda self, added: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        CorpusWriter._index_new = saved  # type: ignore[method-assign]


class TimedConnection:
    """A stand-in for the sqlite3 connection that times every statement the pipeline runs."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.stats: dict[str, list[float]] = {}  # statement → [seconds, calls, rows]

    def _timed(self, method: str, sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        cur = getattr(self._db, method)(sql, *args)
        if method == "execute" and sql.lstrip().upper().startswith("SELECT"):
            cur = cur.fetchall()  # the work happens while fetching; time it here
            rows: Any = _Rows(cur)
        else:
            rows = cur
        entry = self.stats.setdefault(" ".join(sql.split())[:90], [0.0, 0, 0])
        entry[0] += time.perf_counter() - t0
        entry[1] += 1
        entry[2] += len(args[0]) if method == "executemany" and isinstance(args[0], list) else 1
        return rows

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed("executemany", sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _Rows(list):  # type: ignore[type-arg]
    """Fetched rows that still answer the cursor methods callers use."""

    def fetchall(self) -> list[Any]:
        return list(self)

    def fetchone(self) -> Any:
        return self[0] if self else None


def _fresh(work: Path, name: str) -> sqlite3.Connection:
    path = work / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return connect(path)


def _ingest(db: sqlite3.Connection, export: Path) -> int:
    results = pipeline.ingest(db, [export], ReadContext(tz=UTC))
    assert not any(r.failed for r in results), [r.error for r in results]
    return sum(r.added for r in results)


def breakdown(export: Path, work: Path, profile: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ctx = ReadContext(tz=UTC)
    log("digest")
    out["digest_s"], _ = timed(lambda: pipeline.digest(export))
    log("read")
    out["read_s"], out["records"] = timed(lambda: sum(1 for _ in SlackReader().read(export, ctx)))
    if profile:
        prof = cProfile.Profile()
        prof.runcall(lambda: sum(1 for _ in SlackReader().read(export, ctx)))
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
        out["read_profile"] = buf.getvalue()
    log("write without FTS")
    db = _fresh(work, "nofts")
    with no_fts():
        out["write_no_fts_s"], out["added"] = timed(lambda: _ingest(db, export))
    texts = [r[0] for r in db.execute("SELECT text FROM messages ORDER BY id")]
    db.close()
    log("write without FTS and without secondary indexes")
    db = _fresh(work, "noidx")
    db.execute("DROP INDEX messages_identity_ts")
    db.execute("DROP INDEX messages_conversation_ts")
    with no_fts():
        out["write_no_fts_no_idx_s"], _ = timed(lambda: _ingest(db, export))
    db.close()
    log("full pipeline in process")
    db = _fresh(work, "full")
    out["full_s"], _ = timed(lambda: _ingest(db, export))
    db.close()
    log("full pipeline, every statement timed")
    raw = _fresh(work, "timed")
    timed_db = TimedConnection(raw)
    out["timed_s"], _ = timed(lambda: _ingest(timed_db, export))  # type: ignore[arg-type]
    raw.close()
    out["sql"] = [
        {"sql": sql, "s": round(v[0], 2), "calls": v[1], "rows": v[2]}
        for sql, v in sorted(timed_db.stats.items(), key=lambda kv: -kv[1][0])[:12]
    ]
    log("FTS: python side")
    out["fts_python_s"], bodies = timed(lambda: [index_text(t) for t in texts])
    log("FTS: sqlite side")
    fts = sqlite3.connect(work / "fts.db", isolation_level=None)
    fts.execute("DROP TABLE IF EXISTS f")
    fts.execute(f"CREATE VIRTUAL TABLE f USING fts5(body, content='', tokenize='{TOKENIZER}')")

    def insert() -> None:
        fts.execute("BEGIN")
        fts.executemany("INSERT INTO f (rowid, body) VALUES (?, ?)", enumerate(bodies, 1))
        fts.execute("COMMIT")

    out["fts_insert_s"], _ = timed(insert)
    fts.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        result = breakdown(args.export, args.work, args.profile)
    else:
        with tempfile.TemporaryDirectory(prefix="colleague-breakdown-") as tmp:
            result = breakdown(args.export, Path(tmp), args.profile)
    profile = result.pop("read_profile", None)
    json.dump(result, sys.stdout, indent=1)
    print()
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
