"""The ingest pipeline: registry → reader → identity resolution → store, one transaction per source.

A source that fails (malformed, truncated, unreadable) is rolled back whole and reported; the
others still ingest. Stable ids make every re-run safe: what is already stored is skipped.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from colleague.model import Conversation, Document, Identity, Message, Rejected
from colleague.privacy import redact_secrets
from colleague.sources import registry
from colleague.sources.base import ReadContext, ReadError
from colleague.store.db import transaction
from colleague.store.writer import CorpusWriter, WriteCounts

MAX_REASONS = 20
_ZERO = timedelta(0)


@dataclass
class SourceResult:
    path: str
    reader: str | None
    status: str  # ok | failed | skipped
    added: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    documents: int = 0
    secrets: int = 0  # credentials removed before storing
    forgotten: int = 0  # records of forgotten people, not stored again
    error: str | None = None
    rejections: list[Rejected] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class Progress:
    """What the pipeline tells a progress display. The default shows nothing."""

    def start(self, path: Path, reader: str, total_bytes: int) -> None: ...
    def advance(self, records: int) -> None: ...
    def finish(self, result: SourceResult) -> None: ...


def digest(path: Path) -> tuple[str, str, int]:
    """(sha256, kind, size) of a file, zip or folder (a folder hashes names and contents)."""
    h = hashlib.sha256()
    if path.is_dir():
        size = 0
        files: list[tuple[str, str]] = []
        for top, dirs, names in os.walk(path):
            dirs.sort()
            rel_top = os.path.relpath(top, path).replace(os.sep, "/")
            for name in names:
                rel = name if rel_top == "." else f"{rel_top}/{name}"
                files.append((rel, os.path.join(top, name)))
        for rel, full in sorted(files):
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            size += _hash_file(Path(full), h)
            h.update(b"\0")
        return h.hexdigest(), "dir", size
    size = _hash_file(path, h)
    kind = "zip" if zipfile.is_zipfile(path) else "file"
    return h.hexdigest(), kind, size


def _hash_file(path: Path, h: hashlib._Hash) -> int:
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size


def _tz_name(ctx: ReadContext) -> str:
    return str(getattr(ctx.tz, "key", None) or ctx.tz)


def ingest_unit(
    db: sqlite3.Connection,
    writer: CorpusWriter,
    unit: registry.Unit,
    ctx: ReadContext,
    progress: Progress,
) -> SourceResult:
    path = unit.path
    result = SourceResult(str(path), unit.reader.name, "ok")
    try:
        fingerprint = getattr(unit.reader, "fingerprint", None)
        if fingerprint is not None:
            sha = hashlib.sha256(fingerprint(path).encode()).hexdigest()
            kind, size = ("dir" if path.is_dir() else "file"), 0
        else:
            sha, kind, size = digest(path)
    except OSError as exc:
        result.status, result.error = "failed", f"{path}: cannot read ({exc.strerror or exc})"
        return result
    except ReadError as exc:
        result.status, result.error = "failed", str(exc)
        return result
    progress.start(path, unit.reader.name, size)
    counts = WriteCounts()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with transaction(db):
            writer.new_source()
            source_id = _source_row(db, path, sha, unit.reader.name, kind, size, ctx, now)
            pending = 0
            for record in unit.reader.read(path, ctx):
                if isinstance(record, Message):
                    # Secrets are dropped before anything is stored (never pseudonymised).
                    record.text, found = redact_secrets(record.text)
                    result.secrets += len(found)
                    if record.timestamp is not None and record.timestamp.utcoffset() == _ZERO:
                        # Epoch and UTC stamps say nothing of the writer's local time;
                        # show them in the zone the operator gave (rhythm needs local hours).
                        record.timestamp = record.timestamp.astimezone(ctx.tz)
                    writer.message(record, source_id, counts)
                elif isinstance(record, Document):
                    record.text, found = redact_secrets(record.text)
                    record.title, found_title = redact_secrets(record.title)
                    result.secrets += len(found) + len(found_title)
                    writer.document(record, source_id, counts)
                elif isinstance(record, Identity):
                    if not writer.is_forgotten(record):
                        writer.identity(record)
                elif isinstance(record, Conversation):
                    writer.conversation(record)
                elif isinstance(record, Rejected):
                    result.rejected += 1
                    if len(result.rejections) < MAX_REASONS:
                        result.rejections.append(record)
                pending += 1
                if pending >= 500:
                    progress.advance(pending)
                    pending = 0
            writer.finish_source(counts)
            progress.advance(pending)
            db.execute(
                "UPDATE sources SET added = ?, updated = ?, skipped = ?, rejected = ?,"
                " documents = ?, first_ts = ?, last_ts = ? WHERE id = ?",
                (
                    counts.added,
                    counts.updated,
                    counts.skipped,
                    result.rejected,
                    counts.documents,
                    counts.first_ts,
                    counts.last_ts,
                    source_id,
                ),
            )
    except ReadError as exc:
        writer.reset()
        result.status, result.error = "failed", str(exc)
    except (UnicodeError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
        # A reader let a low-level error through: still name the file and what went wrong.
        writer.reset()
        result.status = "failed"
        result.error = f"{path}: {type(exc).__name__}: {exc}"
    except BaseException:
        writer.reset()
        raise
    result.added, result.updated, result.skipped = counts.added, counts.updated, counts.skipped
    result.documents = counts.documents
    result.forgotten = counts.forgotten
    if result.failed:
        result.added = result.updated = result.skipped = result.documents = result.secrets = 0
    progress.finish(result)
    return result


def _source_row(
    db: sqlite3.Connection,
    path: Path,
    sha: str,
    reader: str,
    kind: str,
    size: int,
    ctx: ReadContext,
    now: str,
) -> int:
    row = db.execute(
        "INSERT INTO sources (path, sha256, reader, kind, size, tz, ingested_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(path, sha256) DO UPDATE SET reader = excluded.reader,"
        " ingested_at = excluded.ingested_at RETURNING id",
        (str(path.resolve()), sha, reader, kind, size, _tz_name(ctx), now),
    ).fetchone()
    return int(row[0])


def ingest(
    db: sqlite3.Connection,
    paths: list[Path],
    ctx: ReadContext,
    fmt: str | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[list[registry.Unit | registry.Unrecognised]], None] | None = None,
) -> list[SourceResult]:
    """Ingest every path; returns one result per source (and per unrecognised path)."""
    progress = progress or Progress()
    units = registry.plan(paths, fmt)
    if on_plan is not None:
        on_plan(units)
    writer = CorpusWriter(db)
    results: list[SourceResult] = []
    for unit in units:
        if isinstance(unit, registry.Unrecognised):
            status = "failed" if unit.explicit else "skipped"
            results.append(
                SourceResult(str(unit.path), None, status, error=f"{unit.path}: {unit.reason}")
            )
            continue
        results.append(ingest_unit(db, writer, unit, ctx, progress))
    return results
