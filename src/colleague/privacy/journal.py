"""A tamper-evident, hash-chained journal of every operation that touches personal data.

`journal.jsonl` in the workspace holds one JSON object per line: seq, time, operation, details,
prev_hash and hash, where hash = sha256 over the canonical JSON of the entry without `hash`.
Each entry carries the previous entry's hash, so editing, removing or reordering any line breaks
the chain. Cutting entries off the end leaves a valid chain, so the head (last seq and hash) is
also kept in `journal.head`; a journal shorter than its head was truncated.

Entries hold only ids, counts, scopes and sha256 digests — never names, emails, message text or
paths (paths can contain names) — so the journal survives `forget` and stays free of the person.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

JOURNAL_NAME = "journal.jsonl"
HEAD_NAME = "journal.head"
GENESIS = "0" * 64
FIELDS = ("seq", "time", "operation", "details", "prev_hash", "hash")

# Operations that read or write personal data. Others are refused so a typo cannot slip in.
OPERATIONS = frozenset({
    "ingest", "distill", "export", "chat", "forget", "eval",
    "consent.grant", "consent.revoke", "people.merge", "people.rename",
})

# A details string may be an id, a scope, a date or a digest — never free text. This does not
# prove a value is not a handle, but it keeps names with spaces, emails and text out.
_SAFE_STR = re.compile(r"^[A-Za-z0-9_.:+\-]{0,80}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class JournalError(ValueError):
    """An entry could not be written (bad operation or unsafe details)."""


@dataclass(frozen=True)
class Entry:
    seq: int
    time: str
    operation: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "operation": self.operation,
                "details": self.details, "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    bad_line: int | None = None  # 1-based line number of the first bad entry
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"ok, {self.entries} entries"
        return f"line {self.bad_line}: {self.reason}"


def journal_path(home: Path) -> Path:
    return Path(home) / JOURNAL_NAME


def head_path(home: Path) -> Path:
    return Path(home) / HEAD_NAME


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, `hash` left out."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def digest(value: str | os.PathLike[str]) -> str:
    """sha256 of a path or other identifying string, for details that must not carry it."""
    return hashlib.sha256(os.fsencode(value)).hexdigest()


def _check_details(details: Mapping[str, Any], where: str = "details") -> None:
    for key, value in details.items():
        if not _SAFE_STR.match(str(key)):
            raise JournalError(f"{where}: key {key!r} is not a plain identifier")
        _check_value(value, f"{where}.{key}")


def _check_value(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if not (_SAFE_STR.match(value) or _HEX64.match(value)):
            raise JournalError(f"{where}: only ids, counts and digests may be journaled")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        _check_details(value, where)
        return
    raise JournalError(f"{where}: unsupported type {type(value).__name__}")


@contextmanager
def _locked(path: Path) -> Iterator[int]:
    """Open the journal for appending under an exclusive lock (creating it 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _last_line(fd: int) -> bytes:
    """The last complete line of the file (read backwards, so a long journal costs nothing)."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return b""
    block, pos, tail = 4096, size, b""
    while pos > 0:
        step = min(block, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        body = tail.rstrip(b"\n")
        if b"\n" in body:
            return body.rsplit(b"\n", 1)[1]
    return tail.rstrip(b"\n")


def _count_lines(fd: int) -> int:
    """Lines in the file, a last line without its newline included."""
    count, pos, last = 0, 0, b"\n"
    while chunk := os.pread(fd, 1 << 20, pos):
        count += chunk.count(b"\n")
        pos += len(chunk)
        last = chunk[-1:]
    return count + (last != b"\n")


def _write_head(home: Path, seq: int, hash_: str) -> None:
    """journal.head, replaced atomically (temp + fsync + rename)."""
    final = head_path(home)
    tmp = final.with_name(f".{HEAD_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps({"seq": seq, "hash": hash_}).encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)


def _read_head(home: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(head_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def append(home: str | os.PathLike[str], operation: str, details: Mapping[str, Any] | None = None,
           *, now: datetime | None = None) -> Entry:
    """Append one entry (locked with fcntl, fsynced) and return it."""
    if operation not in OPERATIONS:
        raise JournalError(f"unknown journal operation {operation!r}")
    details = dict(details or {})
    _check_details(details)
    home = Path(home)
    path = journal_path(home)
    with _locked(path) as fd:
        last = _last_line(fd)
        seq, prev = 1, GENESIS
        if last:
            try:
                tail = json.loads(last)
                seq, prev = int(tail["seq"]) + 1, str(tail["hash"])
            except (ValueError, KeyError, TypeError):
                # A damaged tail must not stop the work being recorded: chain onto its raw
                # bytes; `verify` still reports the damaged line.
                seq = _count_lines(fd) + 1
                prev = hashlib.sha256(last).hexdigest()
        stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        body = {"seq": seq, "time": stamp, "operation": operation, "details": details,
                "prev_hash": prev}
        entry = Entry(**body, hash=entry_hash(body))
        line = json.dumps(entry.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode() + b"\n"
        size = os.lseek(fd, 0, os.SEEK_END)
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # never glue an entry onto a half-written one
        os.write(fd, line)
        os.fsync(fd)
        _write_head(home, entry.seq, entry.hash)
    return entry


def read(home: str | os.PathLike[str]) -> list[Entry]:
    """Every entry that parses (use `verify` to know whether the chain holds)."""
    path = journal_path(Path(home))
    if not path.exists():
        return []
    entries = []
    for raw in path.read_bytes().splitlines():
        try:
            data = json.loads(raw)
            entries.append(Entry(**{k: data[k] for k in FIELDS}))
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def verify(home: str | os.PathLike[str]) -> Verdict:
    """Walk the chain; report the first entry that is edited, missing, out of order or cut."""
    home = Path(home)
    path = journal_path(home)
    head = _read_head(home)
    if not path.exists():
        if head:
            return Verdict(False, 0, 1, f"journal missing but its head says {head.get('seq')} entries")
        return Verdict(True, 0)
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        return Verdict(False, len(lines) - 1, len(lines),
                       "truncated: the last entry does not end with a newline")
    seqs = set(_seqs(lines))
    prev, seq = GENESIS, 0
    for number, raw in enumerate(lines, start=1):
        problem = _check_line(raw, seq + 1, prev, seqs)
        if problem:
            return Verdict(False, number - 1, number, problem)
        entry = json.loads(raw)
        prev, seq = entry["hash"], entry["seq"]
    if head:
        if int(head.get("seq", 0)) > seq:
            return Verdict(False, seq, seq + 1,
                           f"truncated: the journal ends at entry {seq} but {head.get('seq')} were written")
        if int(head.get("seq", 0)) == seq and head.get("hash") != prev:
            return Verdict(False, seq, seq, "the last entry does not match the recorded head")
    return Verdict(True, seq)


def _seqs(lines: list[bytes]) -> Iterator[int]:
    for raw in lines:
        try:
            seq = json.loads(raw).get("seq")
        except (ValueError, AttributeError):
            continue
        if isinstance(seq, int):
            yield seq


def _check_line(raw: bytes, want_seq: int, prev: str, seqs: set[int]) -> str | None:
    try:
        entry = json.loads(raw)
    except ValueError:
        return "bad JSON"
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        return f"bad entry: expected the fields {', '.join(FIELDS)}"
    if entry_hash(entry) != entry["hash"]:
        return f"edited: entry {entry.get('seq')} does not match its hash"
    seq = entry["seq"]
    if not isinstance(seq, int) or seq != want_seq:
        # The wanted entry further down means lines were swapped; nowhere means it was cut out.
        kind = "reordered" if want_seq in seqs else "removed"
        return f"{kind}: expected entry {want_seq}, found entry {seq}"
    if entry["prev_hash"] != prev:
        return f"broken chain: entry {seq} does not follow entry {want_seq - 1}"
    return None


def record_ingest(home: str | os.PathLike[str], results: list[Any]) -> Entry:
    """One entry per `ingest` run: per source the sha256 of its path (a path can carry a name),
    the reader, the outcome and the counts."""
    sources = [
        {
            "path_sha256": digest(r.path),
            "reader": r.reader,
            "status": r.status,
            "added": r.added,
            "updated": r.updated,
            "skipped": r.skipped,
            "rejected": r.rejected,
            "documents": r.documents,
        }
        for r in results
    ]
    return append(home, "ingest", {"sources": sources})
