"""Forget a person: delete what they wrote and who they were, pseudonymise where others name them,
and make the bytes go (FTS optimize, WAL checkpoint, VACUUM).

What goes: their messages, identities, documents, mentions, consent records, the person row,
their derived Skills (folders under skills/ whose meta.json names their person id or pseudonymous
id) and the search-index entries of all of these. Where other people's data names them — message
and document text, conversation names and topics, `extra` JSON, native ids, source paths, other
Skills' text files — their names, handles and emails become a stable label ("前同事A" in Chinese
text, "Former colleague A" otherwise). The sweep covers every text column of every ordinary table,
so tables added by later migrations are covered too.

Only the person id and counts are journaled; the `forgotten` table keeps the id and the label
letter so forgetting the same id again is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from colleague.store.db import transaction
from colleague.store.ids import account_digests

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Terms this short would eat ordinary words ("me", "li"); they are not matched on their own.
MIN_TERM = 3
MIN_CJK_TERM = 2
MIN_NATIVE_ID = 6
# Tables whose rows are bookkeeping, not personal data (and FTS shadow tables: binary).
# people and identities: the person's own rows are deleted; the rest are other people, by
# their own names (a namesake must keep theirs).
_SKIP_TABLES = {"_migrations", "forgotten", "forgotten_accounts", "workspace", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4",
                "people", "identities"}
SKILL_META = "meta.json"
_TEXT_SUFFIXES = {".md", ".txt", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".csv", ".html"}


class ForgetError(LookupError):
    """The person cannot be forgotten (unknown id)."""


@dataclass
class ForgetReport:
    person_id: int
    label: str
    already_forgotten: bool = False
    messages: int = 0
    identities: int = 0
    documents: int = 0
    mentions: int = 0
    consents: int = 0
    conversations: int = 0
    sources: int = 0
    skills: int = 0
    rewritten: dict[str, int] = field(default_factory=dict)
    compacted: bool = True
    compact_error: str | None = None

    def counts(self) -> dict[str, Any]:
        """What the journal may keep: the id and numbers, nothing that names the person."""
        data = asdict(self)
        del data["label"], data["compact_error"]
        return data


def label_for(index: int, chinese: bool) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    letters = ""
    n = index
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"前同事{letters}" if chinese else f"Former colleague {letters}"


def pseudonymous_id(person_id: int) -> str:
    """The id a Skill's meta.json may use instead of the person id (no name in it)."""
    return "person-" + hashlib.sha256(f"colleague:person:{person_id}".encode()).hexdigest()[:12]


# -- what names the person ---------------------------------------------------------------------
def person_terms(db: sqlite3.Connection, person_id: int) -> list[str]:
    """Every name, handle and email the person is known by (longest first)."""
    found: set[str] = set()
    row = db.execute("SELECT name FROM people WHERE id = ?", (person_id,)).fetchone()
    if row and row[0]:
        found.add(row[0])
    for platform, native, name, email, handle in db.execute(
        "SELECT platform, native_id, name, email, handle FROM identities WHERE person_id = ?",
        (person_id,),
    ):
        found.update(v for v in (name, email, handle) if v)
        # Account ids identify the person too (a QQ number, a wxid, U024BE7LH in a reaction
        # list). Short ones ("42", "U01") would hit version numbers and the like: left out.
        if native and (len(native) >= MIN_NATIVE_ID or "@" in native
                       or platform in ("irc", "git")):
            found.add(native)
    terms = {t.strip() for t in found if t and t.strip()}
    return sorted((t for t in terms if _long_enough(t)), key=lambda t: (-len(t), t))


def protected_names(db: sqlite3.Connection, person_id: int, terms: list[str]) -> list[str]:
    """Other people's names, handles and emails that contain one of the terms."""
    folded = [t.casefold() for t in terms]
    others: set[str] = set()
    for (value,) in db.execute(
        "SELECT name FROM people WHERE id != ? UNION SELECT name FROM identities"
        " WHERE person_id != ? UNION SELECT handle FROM identities WHERE person_id != ?"
        " UNION SELECT email FROM identities WHERE person_id != ?", (person_id,) * 4,
    ):
        if value and any(t in value.casefold() for t in folded):
            others.add(value)
    return sorted(others)


def _long_enough(term: str) -> bool:
    return len(term) >= (MIN_CJK_TERM if _CJK.search(term) else MIN_TERM)


def _term_pattern(term: str) -> str:
    if "@" in term:
        local, _, domain = term.rpartition("@")
        # Archives also write addresses as "local at domain", URL-encoded, or as a file name
        # ("local_domain.mbox").
        seps = ("@", r"\s+at\s+", r"\s*\[at\]\s*", "%40", "_at_", "_")
        body = "(?:" + "|".join(re.escape(local) + sep + re.escape(domain) for sep in seps) + ")"
    else:
        body = r"\s+".join(re.escape(part) for part in term.split())
    if _CJK.search(term):
        return body  # no word boundaries in Chinese text
    # Letters or digits right beside it mean another word ("amyloid" is not "amy").
    return rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"


class Pseudonymiser:
    """Replaces the person's names, handles and emails with their label, in any value.

    `protect` lists other people's names that contain a term ("张伟伟" holds "张伟"; Chinese has
    no word boundaries): where one of those stands, it is left alone.
    """

    def __init__(self, terms: Iterable[str], index: int, protect: Iterable[str] = ()) -> None:
        self.terms = list(terms)
        self.index = index
        keep = sorted(set(protect) - set(self.terms), key=lambda t: (-len(t), t))
        pattern = "|".join(_term_pattern(t) for t in self.terms)
        if keep:
            # Protected names come first in the alternation, so at any position they win.
            pattern = "(?P<keep>" + "|".join(re.escape(k) for k in keep) + ")|" + pattern
        self.regex = re.compile(pattern, re.IGNORECASE) if self.terms else None

    def has(self, value: object) -> bool:
        if not isinstance(value, str) or self.regex is None:
            return False
        return any(m.lastgroup != "keep" for m in self.regex.finditer(value))

    def text(self, value: str, *, chinese: bool | None = None) -> str:
        if self.regex is None:
            return value
        zh = bool(_CJK.search(value)) if chinese is None else chinese
        return self._sub(value, label_for(self.index, zh))

    def _sub(self, value: str, label: str) -> str:
        assert self.regex is not None
        return self.regex.sub(lambda m: m.group(0) if m.lastgroup == "keep" else label, value)

    def path(self, value: str) -> str:
        if self.regex is None:
            return value
        return self._sub(value, label_for(self.index, False).replace(" ", "-"))

    def json_text(self, value: str) -> str:
        """A JSON document: rewrite inside keys and string values (escaped \\u forms too)."""
        try:
            data = json.loads(value)
        except ValueError:
            return self.text(value)
        return json.dumps(self._walk(data), ensure_ascii=False, sort_keys=True)

    def json_has(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        if self.has(value):
            return True
        if "\\u" not in value:
            return False
        try:
            return self.has(json.dumps(json.loads(value), ensure_ascii=False))
        except ValueError:
            return False

    def _walk(self, data: Any) -> Any:
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, list):
            return [self._walk(v) for v in data]
        if isinstance(data, dict):
            return {self.text(str(k)): self._walk(v) for k, v in data.items()}
        return data


# -- the database --------------------------------------------------------------------------------
def _text_columns(db: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """(table, text columns) for every ordinary table, skipping FTS and its shadow tables."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [n for n, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    out = []
    for name, _sql in rows:
        if name in _SKIP_TABLES or name.startswith("sqlite_") or name in virtual:
            continue
        if any(name.startswith(v + "_") for v in virtual):
            continue
        cols = [c[1] for c in db.execute(f'PRAGMA table_info("{name}")')
                if not c[2] or "INT" not in c[2].upper()]
        if cols:
            out.append((name, cols))
    return out


def _sweep(db: sqlite3.Connection, pseudo: Pseudonymiser) -> dict[str, int]:
    """Rewrite every text value that names the person; returns rows changed per table.column.
    UPDATEs (not delete + insert) fire the FTS triggers, so the index follows."""
    db.create_function("forget_has", 1, pseudo.has)
    db.create_function("forget_json_has", 1, pseudo.json_has)
    db.create_function("forget_text", 1, lambda v: pseudo.text(v) if isinstance(v, str) else v)
    db.create_function("forget_json", 1,
                       lambda v: pseudo.json_text(v) if isinstance(v, str) else v)
    db.create_function("forget_path", 1, lambda v: pseudo.path(v) if isinstance(v, str) else v)
    changed: dict[str, int] = {}
    for table, cols in _text_columns(db):
        for col in cols:
            if col == "extra" or col.endswith("_json"):
                fn, test = "forget_json", "forget_json_has"
            elif col == "path":
                fn, test = "forget_path", "forget_has"
            else:
                fn, test = "forget_text", "forget_has"
            n = db.execute(
                f'UPDATE OR IGNORE "{table}" SET "{col}" = {fn}("{col}") WHERE {test}("{col}")'
            ).rowcount
            if n:
                changed[f"{table}.{col}"] = n
    return changed


def _ids(db: sqlite3.Connection, sql: str, args: tuple) -> list[int]:
    return [r[0] for r in db.execute(sql, args)]


def _delete_in(db: sqlite3.Connection, table: str, column: str, ids: list[int]) -> int:
    total = 0
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        total += db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk).rowcount
    return total


def _label_index(db: sqlite3.Connection, person_id: int) -> tuple[int, bool]:
    row = db.execute("SELECT label_index FROM forgotten WHERE person_id = ?", (person_id,)).fetchone()
    if row:
        return int(row[0]), True
    top = db.execute("SELECT max(label_index) FROM forgotten").fetchone()[0]
    return (0 if top is None else int(top) + 1), False


def _forget_rows(db: sqlite3.Connection, person_id: int, report: ForgetReport,
                 pseudo: Pseudonymiser) -> None:
    idents = _ids(db, "SELECT id FROM identities WHERE person_id = ?", (person_id,))
    marks = ",".join("?" * len(idents)) or "NULL"
    convs = _ids(db, f"SELECT DISTINCT conversation_id FROM messages WHERE identity_id IN ({marks})",
                 tuple(idents))
    msgs = _ids(db, f"SELECT id FROM messages WHERE identity_id IN ({marks})", tuple(idents))
    sources = _ids(db, f"SELECT DISTINCT source_id FROM messages WHERE identity_id IN ({marks})"
                   f" UNION SELECT source_id FROM documents WHERE identity_id IN ({marks})",
                   tuple(idents) * 2)
    # Remember the accounts (as salted digests only) so a re-ingest does not restore them.
    salt = db.execute("SELECT value FROM workspace WHERE key = 'salt'").fetchone()[0]
    for platform, native, email in db.execute(
        f"SELECT platform, native_id, email FROM identities WHERE id IN ({marks})", tuple(idents)
    ).fetchall():
        db.executemany(
            "INSERT OR IGNORE INTO forgotten_accounts (digest) VALUES (?)",
            [(d,) for d in account_digests(salt, platform, native, email)],
        )
    report.mentions = _delete_in(db, "mentions", "identity_id", idents)
    report.mentions += _delete_in(db, "mentions", "message_id", msgs)
    report.messages = _delete_in(db, "messages", "id", msgs)  # trigger drops FTS rows
    report.documents = _delete_in(db, "documents", "identity_id", idents)
    report.identities = _delete_in(db, "identities", "id", idents)
    report.consents = db.execute("DELETE FROM consents WHERE person_id = ?", (person_id,)).rowcount
    db.execute("DELETE FROM people WHERE id = ?", (person_id,))
    # A conversation that held only their messages (a DM named after them) goes too.
    report.conversations = sum(
        db.execute("DELETE FROM conversations WHERE id = ? AND NOT EXISTS"
                   " (SELECT 1 FROM messages WHERE conversation_id = ?)", (c, c)).rowcount
        for c in convs
    )
    # A source that held only their records (their own mbox) says nothing once they are gone.
    report.sources = sum(
        db.execute("DELETE FROM sources WHERE id = ? AND NOT EXISTS"
                   " (SELECT 1 FROM messages WHERE source_id = ?) AND NOT EXISTS"
                   " (SELECT 1 FROM documents WHERE source_id = ?)", (s, s, s)).rowcount
        for s in sources
    )
    report.rewritten = _sweep(db, pseudo)


def compact(db: sqlite3.Connection) -> None:
    """Make deleted bytes leave the files: merge FTS segments, empty the WAL, rebuild the file."""
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
    ).fetchall():
        db.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- Skills -------------------------------------------------------------------------------------
def _meta_names(meta: Any, person_id: int) -> bool:
    if not isinstance(meta, dict):
        return False
    wanted = {person_id, str(person_id), f"p{person_id}", pseudonymous_id(person_id)}
    for key in ("person_id", "subject_id", "pseudonymous_id", "pseudonym", "subject"):
        value = meta.get(key)
        if isinstance(value, dict):
            if _meta_names(value, person_id):
                return True
        elif isinstance(value, int | str) and not isinstance(value, bool) and value in wanted:
            return True
    return False


def skills_of(skills_dir: Path, person_id: int) -> list[Path]:
    """Skill folders whose meta.json names this person (by person id or pseudonymous id)."""
    if not skills_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in skills_dir.iterdir() if p.is_dir()):
        try:
            meta = json.loads((folder / SKILL_META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if _meta_names(meta, person_id):
            found.append(folder)
    return found


def _remove_tree(folder: Path) -> None:
    """Rename out of the way first, so a crash leaves no half Skill that still looks live."""
    trash = folder.with_name(f".forget-{folder.name}")
    if trash.exists():
        shutil.rmtree(trash)
    folder.rename(trash)
    shutil.rmtree(trash)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = path.stat().st_mode & 0o777
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _rewrite_skill_files(skills_dir: Path, pseudo: Pseudonymiser) -> int:
    """Other Skills may name the person in passing: pseudonymise their text files."""
    if not skills_dir.is_dir():
        return 0
    changed = 0
    for path in sorted(skills_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        json_like = path.suffix.lower() == ".json"
        if not (pseudo.json_has(text) if json_like else pseudo.has(text)):
            continue
        new = pseudo.json_text(text) if json_like else pseudo.text(text)
        _atomic_write(path, new.encode("utf-8"))
        changed += 1
    return changed


def _clear_leftovers(skills_dir: Path) -> None:
    if skills_dir.is_dir():
        for trash in skills_dir.glob(".forget-*"):
            shutil.rmtree(trash, ignore_errors=True)


# -- the whole operation --------------------------------------------------------------------------
def forget(db: sqlite3.Connection, person_id: int, *, skills_dir: Path) -> ForgetReport:
    """Forget one person (see the module doc). Safe to re-run: a forgotten id is a no-op
    apart from finishing the file clean-up."""
    with transaction(db):
        index, already = _label_index(db, person_id)
        exists = db.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone()
        if not exists and not already:
            raise ForgetError(f"no person with id {person_id}")
        report = ForgetReport(person_id, label_for(index, False), already_forgotten=already)
        terms = person_terms(db, person_id) if exists else []
        pseudo = Pseudonymiser(terms, index, protected_names(db, person_id, terms))
        if exists:
            _forget_rows(db, person_id, report, pseudo)
            if not already:
                db.execute(
                    "INSERT INTO forgotten (person_id, label_index, forgotten_at) VALUES (?, ?, ?)",
                    (person_id, index, datetime.now(UTC).isoformat(timespec="seconds")),
                )
    _clear_leftovers(skills_dir)
    for folder in skills_of(skills_dir, person_id):
        _remove_tree(folder)
        report.skills += 1
    if terms:
        n = _rewrite_skill_files(skills_dir, pseudo)
        if n:
            report.rewritten["skills.files"] = n
    try:
        compact(db)
    except sqlite3.OperationalError as exc:
        # The deletions are committed; only the compaction waits for the store to be free.
        report.compacted = False
        report.compact_error = str(exc)
    return report
