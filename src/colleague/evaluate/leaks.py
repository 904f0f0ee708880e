"""Leakage: secrets or personal data left in a Skill's files, found by the privacy scanner.

Every file of the Skill (SKILL.md, work.md, persona.md, evidence.jsonl, meta.json) is run
through `privacy.scrub.detect` — the same secret, PII and known-name recognizers the scrubber
uses — after the scrub. Whatever it still finds is a leak, except:

- the scrubber's own stand-ins (同事A, Colleague B, [phone#1], [REDACTED:…]) and anything
  overlapping one;
- the subject's own name, when the Skill keeps it (`keep_subject=True`, the default:
  distill keeps the subject's name unless --anonymous): a name the scanner ties to the subject,
  or whose text is one of `subject_names` (their name, aliases and the Skill's slug — a person
  the store did not merge with them may go by the same name, e.g. a Discord user who renamed
  themselves); their contact data still counts.

Only what the Skill *says* is scanned, not its structure: citation markers ([E12]), the keys
of SKILL.md's front matter and of the JSON files, and the JSON values that are ids, dates or
enumerations (`STRUCTURAL`) are left out — a chat with speakers called "date" or "E23" (seen
on the Taiwan conference IRC) must not turn every evidence line into a "name leak".

A leak is reported by file, line and type only — never with the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from colleague.privacy._base import Detection
from colleague.privacy.names import Pseudonymizer
from colleague.privacy.scrub import detect
from colleague.skill.verify import CITATION, STAND_IN
from colleague.skill.write import CONTENT_FILES


@dataclass(frozen=True, order=True)
class Leak:
    file: str
    line: int
    type: str  # email, phone, api_key, name, …
    category: str  # secret | pii | name

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "type": self.type, "category": self.category}


def _overlaps(d: Detection, spans: Iterable[tuple[int, int]]) -> bool:
    return any(d.start < e and s < d.end for s, e in spans)


def scan_text(text: str, *, pseudonyms: Pseudonymizer | None = None, subject: int | None = None,
              keep_subject: bool = True, subject_names: Iterable[str] = ()) -> list[Detection]:
    """What the scanner still finds in `text`, stand-ins and the kept subject name aside."""
    stand_ins = [(m.start(), m.end()) for m in STAND_IN.finditer(text)]
    own = {n.strip().casefold() for n in subject_names if n.strip()}
    found = []
    for d in detect(text, pseudonyms):
        if _overlaps(d, stand_ins):
            continue
        if keep_subject and d.category == "name" and (
            (subject is not None and d.person == subject) or text[d.start:d.end].casefold() in own
        ):
            continue
        found.append(d)
    return found


# JSON values that are structure, not text: evidence ids and refs, kinds, roles, dates, …
STRUCTURAL = frozenset({"id", "ref", "kind", "role", "date", "platform", "language", "subject",
                        "version", "name", "skill_version", "consent", "generator"})
_FRONT_KEY = re.compile(r"^\s*[A-Za-z][\w-]*:")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces (positions kept)."""
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _content(name: str, text: str) -> Iterator[tuple[int, str]]:
    """(line number, the line's content with its structure blanked out) for one file."""
    lines = text.split("\n")
    if name.endswith((".json", ".jsonl")):
        for n, line in enumerate(lines, 1):
            key, keep = None, []
            for m in _JSON_STRING.finditer(line):
                if line[m.end():].lstrip().startswith(":"):
                    key = json.loads(m.group(0))
                    continue
                if key not in STRUCTURAL:
                    keep.append(json.loads(m.group(0)))
                key = None
            if keep:
                yield n, "\n".join(keep)
        return
    front = bool(lines) and lines[0].strip() == "---"
    for n, line in enumerate(lines, 1):
        spans = [m.span() for m in CITATION.finditer(line)]
        if front:
            if n > 1 and line.strip() == "---":
                front = False
                continue
            if m := _FRONT_KEY.match(line):
                spans.append(m.span())
        yield n, _blank(line, spans)


def scan_folder(folder: Path, *, pseudonyms: Pseudonymizer | None = None,
                subject: int | None = None, keep_subject: bool = True,
                subject_names: Iterable[str] = (),
                files: Iterable[str] = CONTENT_FILES) -> list[Leak]:
    """Leaks in the Skill folder's content files, line by line (sorted)."""
    leaks: list[Leak] = []
    names = tuple(subject_names)
    for name in files:
        path = folder / name
        if not path.is_file():
            continue
        for n, line in _content(name, path.read_text(encoding="utf-8")):
            for d in scan_text(line, pseudonyms=pseudonyms, subject=subject,
                               keep_subject=keep_subject, subject_names=names):
                leaks.append(Leak(name, n, d.type, d.category))
    return sorted(leaks)


__all__ = ["Leak", "scan_folder", "scan_text"]
