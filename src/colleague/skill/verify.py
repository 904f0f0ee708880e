"""Check a Skill folder against the corpus it came from: every citation resolves, belongs to
the subject, and quotes the stored text (up to the scrubber's stand-ins).

Used by the tests and by the fidelity evaluation's fabrication count.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from colleague.skill.validate import validate_folder
from colleague.store.ids import parse_id

# What the scrubber writes in place of a name, a personal value or a secret.
STAND_IN = re.compile(r"\[[A-Za-z_]+(?:#\d+|:[a-z_]+)\]|同事[A-Z]+|Colleague [A-Z]+")
CITATION = re.compile(r"\[(E\d+)\]")  # a citation marker in the Skill's Markdown


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    citations: int = 0
    evidence: int = 0
    fabricated: int = 0  # evidence that does not exist, is not theirs, or does not quote them

    @property
    def ok(self) -> bool:
        return not self.problems


def excerpt_pattern(excerpt: str) -> re.Pattern[str]:
    """The excerpt as a pattern over the unscrubbed text: stand-ins match what they replaced."""
    parts = STAND_IN.split(excerpt)
    return re.compile(r"[\s\S]{1,200}?".join(re.escape(p) for p in parts))


def quotes(stored: str, excerpt: str) -> bool:
    if excerpt in stored:
        return True
    return bool(excerpt_pattern(excerpt).search(stored))


def verify(folder: Path, db: sqlite3.Connection, person_id: int) -> Verdict:
    v = Verdict()
    v.problems += validate_folder(folder)
    entries: dict[str, dict] = {}
    # Split on \n only: excerpts may hold U+2028 and other characters splitlines() breaks on.
    for n, line in enumerate((folder / "evidence.jsonl").read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
        except json.JSONDecodeError:
            v.problems.append(f"evidence.jsonl line {n}: not JSON")
            continue
        entries[e["id"]] = e
    v.evidence = len(entries)
    idents = {r[0] for r in db.execute("SELECT id FROM identities WHERE person_id = ?", (person_id,))}
    for eid, e in sorted(entries.items(), key=lambda kv: int(kv[0][1:])):
        bad = _check_entry(db, e, idents)
        if bad:
            v.fabricated += 1
            v.problems.append(f"{eid}: {bad}")
    for name in ("SKILL.md", "work.md", "persona.md"):
        path = folder / name
        if not path.is_file():
            v.problems.append(f"{name} is missing")
            continue
        for m in CITATION.finditer(path.read_text(encoding="utf-8")):
            v.citations += 1
            if m.group(1) not in entries:
                v.fabricated += 1
                v.problems.append(f"{name}: [{m.group(1)}] is not in evidence.jsonl")
    return v


def _check_entry(db: sqlite3.Connection, e: dict, idents: set[int]) -> str | None:
    ref = parse_id(e.get("ref", ""))
    if ref is None:
        return f"ref {e.get('ref')!r} is not an id"
    if e.get("kind") == "document":
        row = db.execute("SELECT text, identity_id FROM documents WHERE id = ?", (ref,)).fetchone()
    else:
        row = db.execute("SELECT text, identity_id FROM messages WHERE uid = ?", (ref,)).fetchone()
    if row is None:
        return f"{e['ref']} does not exist in the corpus"
    text, ident = row
    if e.get("role") == "said" and ident not in idents:
        return f"{e['ref']} was not written by the subject"
    if e.get("role") == "addressed" and ident in idents:
        return f"{e['ref']} is the subject's own message, cited as addressed to them"
    if not quotes(text, e.get("excerpt", "")):
        return f"{e['ref']}: the excerpt does not quote the stored text"
    return None
