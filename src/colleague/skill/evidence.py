"""The evidence spine: number cited messages E1, E2, … and cut scrubbed excerpts.

Every excerpt is an exact substring of the scrubbed text of the message it cites (scrubbed
with the same pseudonyms as the rest of the Skill), so a reader can check each claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from colleague.analyze.model import Doc, Evidence, Msg, PersonData
from colleague.privacy import ScrubPolicy, scrub
from colleague.privacy.names import Pseudonymizer
from colleague.store.ids import format_id

EXCERPT_MAX = 280
CONTEXT = 50  # characters kept around a cited span
# Tokens the scrubber puts in: never cut an excerpt inside one.
_MARKERS = re.compile(r"\[[A-Za-z_]+(?:#\d+|:[a-z_]+)\]|同事[A-Z]+|Colleague [A-Z]+")


class Scrubber:
    """scrub() with one policy and one set of pseudonyms for a whole Skill (cached)."""

    def __init__(self, policy: ScrubPolicy, pseudonyms: Pseudonymizer) -> None:
        self.policy = policy
        self.pseudonyms = pseudonyms
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        out = self._cache.get(text)
        if out is None:
            out = scrub(text, policy=self.policy, pseudonyms=self.pseudonyms).text
            self._cache[text] = out
        return out


@dataclass(frozen=True)
class EvidenceEntry:
    id: str  # "E12"
    ref: str  # "m-…" (message uid) or "d-…" (document id)
    kind: str  # message | document
    role: str  # said | addressed
    date: str | None  # local date and time of the message, ISO
    where: str  # conversation name or document title (scrubbed)
    platform: str
    excerpt: str  # exact substring of the scrubbed stored text

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "ref": self.ref, "kind": self.kind, "role": self.role,
            "date": self.date, "where": self.where, "platform": self.platform,
            "excerpt": self.excerpt,
        }


def _iso(ts: datetime | None) -> str | None:
    return ts.isoformat(timespec="seconds") if ts else None


def _window(full: str, piece: str | None) -> str:
    """A substring of `full` of at most EXCERPT_MAX characters around `piece`."""
    pos = full.find(piece) if piece else -1
    if pos < 0:
        start, end = 0, min(len(full), EXCERPT_MAX)
    else:
        start = max(0, pos - CONTEXT)
        end = min(len(full), pos + len(piece or "") + CONTEXT, start + EXCERPT_MAX)
    # Cut only between words: a fragment like "IPython." taken out of "IPython.FakeModule"
    # could read as somebody's handle on its own.
    start, end = _word_edge(full, start, -1), _word_edge(full, end, +1)
    # Then widen to whole marker tokens, so no excerpt starts or ends in half a pseudonym
    # (the word edge of "Colleague A" is the space inside it).
    for m in _MARKERS.finditer(full):
        if m.start() < start < m.end():
            start = m.start()
        if m.start() < end < m.end():
            end = m.end()
    return full[start:end].strip()


def _word_edge(text: str, pos: int, step: int, limit: int = 40) -> int:
    """Move `pos` outwards to the nearest whitespace (or CJK character) within `limit`."""
    moved = 0
    while 0 < pos < len(text) and moved < limit:
        ch = text[pos - 1] if step < 0 else text[pos]
        if ch.isspace() or "\u3000" <= ch <= "\u9fff":
            return pos
        pos += step
        moved += 1
    return max(0, min(pos, len(text)))


class EvidenceBook:
    """Assigns ids in citation order; the same message and span cited twice keeps one id."""

    def __init__(self, data: PersonData, scrubber: Scrubber) -> None:
        self.scrubber = scrubber
        self.messages: dict[int, Msg] = {m.uid: m for m in data.context}
        self.messages.update({m.uid: m for m in data.own})
        self.documents: dict[int, Doc] = {d.uid: d for d in data.documents}
        self.own = {m.uid for m in data.own} | set(self.documents)
        self._ids: dict[tuple, str] = {}
        self.entries: list[EvidenceEntry] = []

    def cite(self, ev: Evidence) -> str | None:
        """The evidence id for `ev`, or None if it points at nothing the Skill may cite."""
        key = (ev.kind, ev.uid, ev.span, ev.role)
        if key in self._ids:
            return self._ids[key]
        entry = self._entry(ev, f"E{len(self.entries) + 1}")
        if entry is None:
            return None
        self._ids[key] = entry.id
        self.entries.append(entry)
        return entry.id

    def _entry(self, ev: Evidence, eid: str) -> EvidenceEntry | None:
        if ev.kind == "document":
            doc = self.documents.get(ev.uid)
            if doc is None:
                return None
            text, ref, date, where, platform = doc.text, format_id("d", doc.uid), _iso(
                doc.created), doc.title, "docs"
        else:
            msg = self.messages.get(ev.uid)
            if msg is None:
                return None
            if ev.role == "said" and msg.uid not in self.own:
                return None  # a "said" claim must rest on the subject's own words
            text, ref, date, where, platform = (msg.text, format_id("m", msg.uid), _iso(msg.ts),
                                                msg.conversation_name, msg.platform)
        full = self.scrubber(text)
        piece = None
        if ev.span is not None:
            a, b = ev.span
            raw = text[max(0, a):max(0, b)]
            piece = self.scrubber(raw) if raw else None
        excerpt = _window(full, piece)
        if not excerpt:
            return None
        return EvidenceEntry(eid, ref, ev.kind, ev.role, date, self.scrubber(where), platform,
                             excerpt)
