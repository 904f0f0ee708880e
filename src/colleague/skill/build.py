"""Findings → a Skill model: run the analyzers, cite evidence, scrub every word that leaves.

Nothing here touches files (render/write do) or the store (the caller loads PersonData).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from colleague.analyze.model import (
    SECTIONS,
    AnalyzerResult,
    Claim,
    Evidence,
    Lang,
    PersonData,
    SectionNote,
)
from colleague.skill.evidence import EvidenceBook, EvidenceEntry, Scrubber

# Entry points of the analyzers, in the order their sections are written.
ANALYZERS: tuple[str, ...] = (
    "colleague.analyze.work",
    "colleague.analyze.style",
    "colleague.analyze.rhythm",
    "colleague.analyze.social",
    "colleague.analyze.decisions",
)
MAX_CLAIMS = 12  # per section: a Skill is read by an agent, not an archive


@dataclass
class SkillClaim:
    section: str
    text: str  # scrubbed
    cites: list[str]  # evidence ids, E1 …
    key: str
    weight: float
    prediction: dict | None = None


@dataclass
class SkillModel:
    person_id: int
    name: str  # as shown in the Skill (kept or pseudonymised per policy)
    lang: Lang
    claims: dict[str, list[SkillClaim]]
    notes: dict[str, SectionNote]
    evidence: list[EvidenceEntry]
    own_messages: int  # messages analysed
    own_documents: int
    first: str | None
    last: str | None
    platforms: list[str]
    dropped: int = 0  # claims with no citable evidence, not written
    own_total: int = 0  # messages they wrote; more than own_messages when a sample was analysed
    identity_cites: list[str] = field(default_factory=list)

    def count(self, section: str) -> int:
        return len(self.claims.get(section, []))

    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in SECTIONS}


# Above this many messages the analyzers run in two forked processes (the machine has two
# cores); below it a fork costs more than it saves.
PARALLEL_FROM = 20_000
_SHARED: tuple[PersonData, str] | None = None  # what forked workers analyze
# Relative cost of each analyzer on a 100k-message person (bench/distill_bench.py --stages).
_COST = {"colleague.analyze.work": 5.5, "colleague.analyze.style": 2.4,
         "colleague.analyze.decisions": 2.3, "colleague.analyze.social": 1.8,
         "colleague.analyze.rhythm": 1.2}


def _run_one(name: str) -> AnalyzerResult:
    assert _SHARED is not None
    data, lang = _SHARED
    return importlib.import_module(name).analyze(data, lang)  # type: ignore[arg-type]


def _parallel(data: PersonData, lang: Lang, names: Sequence[str]) -> list[AnalyzerResult] | None:
    """Each analyzer is a pure function of (data, lang): run them in forked workers that
    inherit the loaded data (nothing large is pickled; only results come back)."""
    global _SHARED
    if "fork" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2:
        return None
    _SHARED = (data, lang)
    try:
        ctx = multiprocessing.get_context("fork")
        # Longest first, so the two workers finish close together (work ≈ the other four).
        order = sorted(names, key=lambda n: _COST.get(n, 0), reverse=True)
        with ctx.Pool(min(2, os.cpu_count() or 2)) as pool:
            done = dict(zip(order, pool.map(_run_one, order, chunksize=1), strict=True))
        return [done[n] for n in names]
    except OSError:
        return None
    finally:
        _SHARED = None


def run_analyzers(data: PersonData, lang: Lang, names: Sequence[str] = ANALYZERS
                  ) -> tuple[list[Claim], list[SectionNote]]:
    results = _parallel(data, lang, names) if len(data.own) >= PARALLEL_FROM else None
    if results is None:
        results = [importlib.import_module(name).analyze(data, lang) for name in names]
    claims: list[Claim] = []
    notes: list[SectionNote] = []
    for result in results:  # in ANALYZERS order whichever way they ran: deterministic
        claims.extend(result.claims)
        notes.extend(result.notes)
    return claims, notes


def _merge_notes(notes: list[SectionNote]) -> dict[str, SectionNote]:
    out: dict[str, SectionNote] = {}
    for n in notes:
        prev = out.get(n.section)
        if prev is None:
            out[n.section] = SectionNote(n.section, n.messages, n.claims, n.enough)
        else:
            prev.messages = max(prev.messages, n.messages)
            prev.claims += n.claims
            prev.enough = prev.enough or n.enough
    return out


def build(data: PersonData, lang: Lang, scrubber: Scrubber, *, display_name: str,
          claims: list[Claim] | None = None, notes: list[SectionNote] | None = None) -> SkillModel:
    """The Skill for `data`. Claims whose evidence cannot be cited are dropped and counted."""
    if claims is None or notes is None:
        claims, notes = run_analyzers(data, lang)
    book = EvidenceBook(data, scrubber)
    by_section: dict[str, list[Claim]] = {s: [] for s in SECTIONS}
    for c in claims:
        by_section.setdefault(c.section, []).append(c)
    out: dict[str, list[SkillClaim]] = {}
    dropped = 0
    identity_cites: list[str] = []
    own = [m for m in data.own if m.ts is not None]
    if own:
        # Identity facts rest on the first and the last message in the record.
        for m in (own[0], own[-1]):
            eid = book.cite(Evidence(m.uid))
            if eid and eid not in identity_cites:
                identity_cites.append(eid)
    for section in sorted(by_section, key=lambda s: (SECTIONS.index(s) if s in SECTIONS else 99, s)):
        ranked = sorted(by_section[section], key=lambda c: (-c.weight, c.key, c.text))
        kept: list[SkillClaim] = []
        seen_keys: set[str] = set()
        for c in ranked:
            if c.key and c.key in seen_keys:
                continue
            cites = [e for e in (book.cite(ev) for ev in c.evidence) if e]
            cites = list(dict.fromkeys(cites))
            if not cites:
                dropped += 1
                continue
            seen_keys.add(c.key)
            pred = ({"kind": c.prediction.kind, "params": c.prediction.params}
                    if c.prediction else None)
            # Keys become trigger words in SKILL.md: they leave the store too.
            kept.append(SkillClaim(section, scrubber(c.text), cites, scrubber(c.key), c.weight,
                                   pred))
            if len(kept) >= MAX_CLAIMS:
                break
        out[section] = kept
    merged = _merge_notes(notes)
    for section, kept in out.items():
        note = merged.setdefault(section, SectionNote(section, 0, 0, False))
        note.claims = len(kept)
        note.enough = note.enough and bool(kept)
    platforms = sorted({m.platform for m in data.own})
    return SkillModel(
        person_id=data.person_id,
        name=display_name,
        lang=lang,
        claims=out,
        notes=merged,
        evidence=book.entries,
        own_messages=len(data.own),
        own_total=max(data.own_total, len(data.own)),
        own_documents=len(data.documents),
        first=own[0].ts.date().isoformat() if own and own[0].ts else None,
        last=own[-1].ts.date().isoformat() if own and own[-1].ts else None,
        platforms=platforms,
        dropped=dropped,
        identity_cites=identity_cites,
    )
