"""The fidelity evaluation: split, attribute, check claims, count fabrications and leaks.

    result = evaluate(db, [1, 2, 3], frac=0.7)
    result.as_json()   # {"overall": {...}, "people": [...]}

Per person (`split.split_person`): the earliest `frac` of their messages build the Skill, the
rest is held out. Then
- attribution (`attribution.attribute`) of held-out messages among all evaluated people, with
  its n-gram baseline (needs ≥ 2 people);
- claim hit rate (`claims.check_claims`): the analyzers run in memory on the build part, each
  claim's prediction judged on the held-out messages (and the others' messages around them);
- fabrication: the Skill is built from the build part and rendered — scrubbed, with its
  evidence — into a temporary folder; `skill.verify` counts citations that do not exist, are
  not the subject's, or do not quote the stored text;
- leakage (`leaks.scan_folder`): what the privacy scanner still finds in those files.
The temporary Skills are deleted. Nothing here reads the clock or draws random numbers: the
same store and options give the same figures.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from colleague import __version__
from colleague.analyze.model import Claim, Lang, Msg, PersonData, SectionNote
from colleague.analyze.text import detect_lang
from colleague.evaluate.claims import ClaimReport, HeldOut, check_claims
from colleague.evaluate.leaks import Leak, scan_folder
from colleague.privacy import Pseudonymizer, ScrubPolicy
from colleague.privacy.forget import pseudonymous_id
from colleague.skill import render
from colleague.skill.build import build, run_analyzers
from colleague.skill.evidence import Scrubber
from colleague.skill.slug import slugify
from colleague.skill.verify import verify
from colleague.store.person_data import load_person

if TYPE_CHECKING:
    from colleague.evaluate.attribution import AttributionResult

BATCHES = (1, 5, 20)
Progress = Callable[[str], None]


@dataclass
class PersonResult:
    id: int
    name: str
    build_messages: int
    heldout_messages: int
    lang: Lang
    claims: ClaimReport
    fabrications: int
    leaks: list[Leak]
    problems: list[str] = field(default_factory=list)  # verify's findings (ids only)
    attribution: dict[str, float | None] = field(default_factory=dict)
    baseline: dict[str, float | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name,
            "attribution": self.attribution, "baseline": self.baseline,
            "hit_rate": _r(self.claims.overall.hit_rate),
            "undecidable": _r(self.claims.overall.undecidable_share),
            "fabrications": self.fabrications, "leaks": len(self.leaks),
            "messages": {"build": self.build_messages, "heldout": self.heldout_messages},
            "language": self.lang,
            "claims": self.claims.as_json(),
            "leak_details": [x.as_json() for x in self.leaks],
        }


@dataclass
class Evaluation:
    people: list[PersonResult]
    frac: float
    attribution: dict[str, float | None]
    baseline: dict[str, float | None]
    claims: ClaimReport
    notes: list[str] = field(default_factory=list)

    @property
    def fabrications(self) -> int:
        return sum(p.fabrications for p in self.people)

    @property
    def leaks(self) -> int:
        return sum(len(p.leaks) for p in self.people)

    def as_json(self) -> dict[str, Any]:
        return {
            "overall": {
                "attribution": self.attribution, "baseline": self.baseline,
                "hit_rate": _r(self.claims.overall.hit_rate),
                "undecidable": _r(self.claims.overall.undecidable_share),
                "fabrications": self.fabrications, "leaks": self.leaks,
                "people": len(self.people),
                "split": self.frac,
                "claims": self.claims.as_json(),
            },
            "people": [p.as_json() for p in self.people],
            "notes": self.notes,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# -- held-out view ------------------------------------------------------------------------------


def heldout_view(db: sqlite3.Connection, build_data: PersonData, heldout: Sequence[Msg]) -> HeldOut:
    """The held-out messages with the others' messages of the same period around them (for
    who answers whom and how fast): the store's context of the subject, from the first
    held-out message on. The build part's messages never enter it."""
    own = sorted(heldout, key=lambda m: (m.ts is None, m.ts.timestamp() if m.ts else 0.0, m.uid))
    start = min((m.ts for m in own if m.ts is not None), default=None)
    full = load_person(db, build_data.person_id, baseline_size=0)
    build_uids = {m.uid for m in build_data.own}
    context = [c for c in full.context
               if c.uid not in build_uids and c.ts is not None and start is not None and c.ts >= start]
    people = dict(build_data.people)
    people.update(full.people)
    data = PersonData(
        person_id=build_data.person_id, name=build_data.name, aliases=build_data.aliases,
        own=own, context=context, baseline=[], documents=[], people=people,
        bots=build_data.bots | full.bots,
    )
    return HeldOut(data, build_messages=len(build_data.own))


# -- the Skill, rendered to a temporary folder ---------------------------------------------------


def render_skill(db: sqlite3.Connection, data: PersonData, lang: Lang, parent: Path, *,
                 claims: list[Claim] | None = None, notes: list[SectionNote] | None = None,
                 pseudonyms: Pseudonymizer | None = None) -> Path:
    """The Skill `distill` would write for `data` (subject name kept, no consent record,
    no versions), in `parent`/<slug>. Returns the folder."""
    pseudonyms = pseudonyms or Pseudonymizer.from_db(db)
    scrubber = Scrubber(ScrubPolicy(subject=data.person_id, subject_name="keep"), pseudonyms)
    model = build(data, lang, scrubber, display_name=data.name, claims=claims, notes=notes)
    slug = slugify(data.name)
    meta = {
        "subject": {"id": pseudonymous_id(data.person_id)},
        "language": lang,
        "generator": {"name": "colleague", "version": __version__},
        "skill_version": 1,
        "consent": None,
        "counts": {"messages": model.own_messages, "documents": model.own_documents,
                   "evidence": len(model.evidence), "claims": model.counts(),
                   "dropped_claims": model.dropped},
        "sections": {s: {"messages": n.messages, "claims": n.claims, "enough": n.enough}
                     for s, n in sorted(model.notes.items())},
    }
    files = {
        "SKILL.md": render.skill_md(model, slug, meta),
        "work.md": render.work_md(model),
        "persona.md": render.persona_md(model),
        "evidence.jsonl": render.evidence_jsonl(model),
        "meta.json": render.meta_json(meta),
    }
    folder = parent / slug
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    return folder


# -- one person -------------------------------------------------------------------------------


def evaluate_person(db: sqlite3.Connection, build_data: PersonData, heldout: Sequence[Msg], *,
                    pseudonyms: Pseudonymizer | None = None) -> PersonResult:
    """Claims, fabrication and leakage for one person (attribution needs everyone: see
    `evaluate`)."""
    texts = [m.text for m in build_data.own] + [d.text for d in build_data.documents]
    lang: Lang = detect_lang(texts)
    claims, notes = run_analyzers(build_data, lang)
    report = check_claims(claims, heldout_view(db, build_data, heldout))
    pseudonyms = pseudonyms or Pseudonymizer.from_db(db)
    tmp = Path(tempfile.mkdtemp(prefix="colleague-eval-"))
    try:
        folder = render_skill(db, build_data, lang, tmp, claims=claims, notes=notes,
                              pseudonyms=pseudonyms)
        verdict = verify(folder, db, build_data.person_id)
        leaks = scan_folder(folder, pseudonyms=pseudonyms, subject=build_data.person_id,
                            subject_names=(build_data.name, *build_data.aliases, folder.name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return PersonResult(
        id=build_data.person_id, name=build_data.name,
        build_messages=len(build_data.own), heldout_messages=len(heldout), lang=lang,
        claims=report, fabrications=verdict.fabricated, leaks=leaks,
        problems=[p.split(":")[0] for p in verdict.problems],
    )


# -- everyone ------------------------------------------------------------------------------------


def _by_batch(values: Mapping[Any, Any] | None) -> dict[str, float | None]:
    """Accuracy per batch size with string keys ("1", "5", "20"), rounded."""
    values = values or {}
    out: dict[str, float | None] = {}
    for b in BATCHES:
        v = values.get(b, values.get(str(b)))
        out[str(b)] = None if v is None else round(float(v), 4)
    return out


def evaluate(db: sqlite3.Connection, person_ids: Sequence[int], *, frac: float = 0.7,
             progress: Progress | None = None) -> Evaluation:
    """The whole evaluation for `person_ids` (see the module docstring)."""
    from colleague.evaluate.split import split_person

    say = progress or (lambda _msg: None)
    ids = sorted(set(person_ids))
    # Attribution needs everybody at once but not the team baseline; the claims below load
    # one person at a time with it (all of them at once took 11 GB on 84 Fluid people).
    splits = {}
    for pid in ids:
        say(f"splitting person {pid}")
        splits[pid] = split_person(db, pid, frac, baseline_size=0)
    notes: list[str] = []
    attribution = baseline = _by_batch(None)
    per_person: dict[int, tuple[dict[str, float | None], dict[str, float | None]]] = {}
    if len(ids) >= 2:
        from colleague.evaluate.attribution import attribute

        say(f"attributing held-out messages among {len(ids)} people")
        res = attribute({p: splits[p].build for p in ids}, {p: list(splits[p].heldout) for p in ids},
                        batch_sizes=BATCHES,
                        context={u: c for p in ids for u, c in splits[p].context.items()})
        attribution, baseline = _by_batch(res.overall), _by_batch(res.baseline)
        per_person = _per_person(res)
    else:
        notes.append("attribution needs at least 2 people")
    splits.clear()
    pseudonyms = Pseudonymizer.from_db(db)
    people: list[PersonResult] = []
    overall = ClaimReport()
    for pid in ids:
        say(f"checking claims, fabrication and leaks for person {pid}")
        sp = split_person(db, pid, frac, with_context=False)
        r = evaluate_person(db, sp.build, list(sp.heldout), pseudonyms=pseudonyms)
        r.attribution, r.baseline = per_person.get(pid, (_by_batch(None), _by_batch(None)))
        overall.merge(r.claims)
        people.append(r)
    return Evaluation(people, frac, attribution, baseline, overall, notes)


def _per_person(res: AttributionResult) -> dict[int, tuple[dict[str, float | None], dict[str, float | None]]]:
    """AttributionResult.per_person / baseline_per_person → {person: (ours, baseline)}."""
    base = res.baseline_per_person
    return {int(p): (_by_batch(v), _by_batch(base.get(p))) for p, v in res.per_person.items()}


__all__ = ["Evaluation", "PersonResult", "evaluate", "evaluate_person", "heldout_view",
           "render_skill"]
