"""Distill one person into a Skill folder: load → analyze → build → scrub → render → write.

The CLI, the MCP server and tests call `distill()`; consent is checked by the caller
(`colleague.privacy.consent`) and its grant passed in, so this function never runs without one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from colleague import __version__
from colleague.analyze.model import Lang
from colleague.analyze.text import detect_lang
from colleague.privacy import Pseudonymizer, ScrubPolicy
from colleague.privacy.consent import ConsentGrant
from colleague.privacy.forget import pseudonymous_id
from colleague.skill import render
from colleague.skill.build import SkillModel, build
from colleague.skill.evidence import Scrubber
from colleague.skill.slug import slugify
from colleague.skill.write import write_skill
from colleague.store.person_data import load_person

# Above this many messages a Skill is built from an even sample of them (stated in the
# Skill): rates and habits are the same, and a 100,000-message person distills in seconds.
MAX_MESSAGES = 50_000


@dataclass
class DistillResult:
    path: Path
    slug: str
    version: int
    model: SkillModel
    meta: dict[str, Any]


def _sources(db: sqlite3.Connection, person_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT s.sha256, s.reader, min(m.ts), max(m.ts), count(*) FROM messages m"
        " JOIN identities i ON i.id = m.identity_id JOIN sources s ON s.id = m.source_id"
        " WHERE i.person_id = ? AND m.kind = 'message' GROUP BY s.id ORDER BY s.sha256",
        (person_id,),
    ).fetchall()

    def day(ms: int | None) -> str | None:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).date().isoformat() if ms else None

    return [{"sha256": sha, "reader": reader, "first": day(lo), "last": day(hi), "messages": n}
            for sha, reader, lo, hi, n in rows]


def distill(
    db: sqlite3.Connection,
    person_id: int,
    *,
    out_dir: Path,
    grant: ConsentGrant,
    lang: Lang | Literal["auto"] = "auto",
    anonymous: bool = False,
    max_messages: int | None = MAX_MESSAGES,
    now: datetime | None = None,
) -> DistillResult:
    data = load_person(db, person_id, max_own=max_messages or None)
    if not data.own and not data.documents:
        raise ValueError(f"person {person_id} has written nothing in this corpus")
    # Every message votes once; an even sample of 20,000 votes decides as well as all of them.
    step = max(1, len(data.own) // 20_000)
    texts = [m.text for m in data.own[::step]] + [d.text for d in data.documents]
    out_lang: Lang = detect_lang(texts) if lang == "auto" else lang
    pseudonyms = Pseudonymizer.from_db(db)
    policy = ScrubPolicy(
        subject=person_id,
        subject_name="pseudonymise" if anonymous else "keep",
    )
    scrubber = Scrubber(policy, pseudonyms)
    pid = pseudonymous_id(person_id)
    display = pseudonyms.person(person_id, chinese=out_lang == "zh") if anonymous else data.name
    model = build(data, out_lang, scrubber, display_name=display)
    slug = slugify(display) if not anonymous else f"colleague-{pid.split('-')[-1][:8]}"
    sources = _sources(db, person_id)
    generated_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")

    def meta_for(version: int) -> dict[str, Any]:
        return {
            "subject": {"id": pid},
            "language": out_lang,
            "generator": {"name": "colleague", "version": __version__},
            "skill_version": version,
            "consent": grant.id,
            "consent_kind": grant.kind,
            "sources": sources,
            "counts": {
                "messages": model.own_total,
                "analysed_messages": model.own_messages,
                "documents": model.own_documents,
                "context_messages": len(data.context),
                "evidence": len(model.evidence),
                "claims": model.counts(),
                "dropped_claims": model.dropped,
            },
            "sections": {s: {"messages": n.messages, "claims": n.claims, "enough": n.enough}
                         for s, n in sorted(model.notes.items())},
            "generated_at": generated_at,
        }

    def files(version: int) -> dict[str, str]:
        meta = meta_for(version)
        return {
            "SKILL.md": render.skill_md(model, slug, meta),
            "work.md": render.work_md(model),
            "persona.md": render.persona_md(model),
            "evidence.jsonl": render.evidence_jsonl(model),
            "meta.json": render.meta_json(meta),
        }

    path, version = write_skill(out_dir, slug, files)
    return DistillResult(path, slug, version, model, meta_for(version))
