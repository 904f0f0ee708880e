"""Skill building, evidence, rendering and writing — with hand-made claims on the demo corpus
(the analyzers have their own tests; tests/test_distill.py runs them end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from colleague.analyze.model import Claim, Evidence, Prediction, SectionNote
from colleague.cli import cli
from colleague.privacy import Pseudonymizer, ScrubPolicy, scrub
from colleague.skill import render
from colleague.skill.build import build
from colleague.skill.evidence import Scrubber
from colleague.skill.validate import validate_text
from colleague.skill.write import write_skill
from colleague.store import connect
from colleague.store.people import resolve
from colleague.store.person_data import load_person

from conftest import ROOT


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    res = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--tz", "Asia/Shanghai",
                                   str(ROOT / "examples" / "data")])
    assert res.exit_code == 0, res.output
    return home


def _claims(data) -> tuple[list[Claim], list[SectionNote]]:  # type: ignore[no-untyped-def]
    rule = next(m for m in data.own if "预发" in m.text)
    a = rule.text.index("预发")
    other = next(m for m in data.context if m.author != data.person_id)
    claims = [
        Claim("work.rules", "上线前必须先在预发环境验证", [Evidence(rule.uid, span=(a, a + 4))],
              Prediction("rule_restated", {"keywords": ["预发"], "min_count": 1}), 3.0, "预发"),
        Claim("work.duties", f"被问到 {data.people[other.author]} 提的问题",
              [Evidence(other.uid, role="addressed")], None, 1.0, "asked"),
        # Cites a message the subject did not write as "said": must be dropped.
        Claim("persona.expression", "says things", [Evidence(other.uid)], None, 1.0, "bad"),
    ]
    notes = [SectionNote("work.rules", 40, 1, True), SectionNote("work.duties", 10, 1, True),
             SectionNote("persona.expression", 5, 0, False)]
    return claims, notes


def _model(home: Path, lang: str = "zh"):  # type: ignore[no-untyped-def]
    db = connect(home / "corpus.db")
    pid = resolve(db, "王芳")
    data = load_person(db, pid)
    claims, notes = _claims(data)
    pseudo = Pseudonymizer.from_db(db)
    scrubber = Scrubber(ScrubPolicy(subject=pid, subject_name="keep"), pseudo)
    model = build(data, lang, scrubber, display_name=data.name, claims=claims, notes=notes)
    return db, data, model, scrubber


def test_evidence_is_real_and_scrubbed(demo: Path) -> None:
    db, data, model, scrubber = _model(demo)
    assert model.dropped == 1 and model.count("persona.expression") == 0
    by_ref = {e.ref: e for e in model.evidence}
    texts = {f"m-{m.uid:016x}": m for m in data.own + data.context}
    for e in model.evidence:
        msg = texts[e.ref]
        assert e.excerpt in scrubber(msg.text)  # an exact substring of the scrubbed text
        assert (e.role == "said") == (msg.author == data.person_id)
    rule = model.claims["work.rules"][0]
    assert "预发" in by_ref[next(e.ref for e in model.evidence if e.id == rule.cites[0])].excerpt
    asked = model.claims["work.duties"][0]
    assert "同事" in asked.text  # a third party's name is pseudonymised


def test_render_is_valid_and_deterministic(demo: Path, tmp_path: Path) -> None:
    _, _, model, _ = _model(demo)
    meta = {"subject": {"id": "person-x"}, "skill_version": 1, "consent": "c-1"}
    text = render.skill_md(model, "wang-fang", meta)
    assert validate_text(text, "wang-fang") == []
    assert "Wang Fang" in text or "王芳" in text
    work = render.work_md(model)
    assert "## 规则与标准" in work and "[E" in work
    assert "证据不足" in work  # sections without claims say so
    persona = render.persona_md(model)
    assert persona.count("## Layer") == 7
    _, _, again, _ = _model(demo)
    assert render.work_md(again) == work and render.evidence_jsonl(again) == render.evidence_jsonl(model)


def test_english_render(demo: Path) -> None:
    _, _, model, _ = _model(demo, lang="en")
    assert "## Rules and standards" in render.work_md(model)
    assert "Too little evidence" in render.work_md(model)


def test_write_versions(tmp_path: Path) -> None:
    def files(content: str):  # type: ignore[no-untyped-def]
        def f(version: int) -> dict[str, str]:
            meta = {"skill_version": version, "generated_at": content + str(version)}
            return {"SKILL.md": content, "meta.json": json.dumps(meta)}
        return f

    path, v = write_skill(tmp_path, "x", files("a"))
    assert v == 1 and (path / "versions" / "v1" / "SKILL.md").read_text() == "a"
    path, v = write_skill(tmp_path, "x", files("a"))
    assert v == 1  # same content, same version (only generated_at may differ)
    path, v = write_skill(tmp_path, "x", files("b"))
    assert v == 2 and (path / "SKILL.md").read_text() == "b"
    assert (path / "versions" / "v1" / "SKILL.md").read_text() == "a"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_scrub_consistency(demo: Path) -> None:
    db, data, _, scrubber = _model(demo)
    msg = next(m for m in data.context if "王芳" in m.text or "@" in m.text)
    assert scrubber(msg.text) == scrubber(msg.text)
    assert scrub(msg.text).text  # the plain function works on the same text


def test_parallel_analyzers_equal_serial(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from colleague.skill import build as build_mod

    db = connect(demo / "corpus.db")
    data = load_person(db, resolve(db, "王芳"))
    serial = build_mod.run_analyzers(data, "zh")
    monkeypatch.setattr(build_mod, "PARALLEL_FROM", 1)
    parallel = build_mod.run_analyzers(load_person(db, resolve(db, "王芳")), "zh")
    assert parallel == serial and serial[0]


def test_sample_of_a_prolific_person(demo: Path) -> None:
    db = connect(demo / "corpus.db")
    pid = resolve(db, "王芳")
    full = load_person(db, pid)
    part = load_person(db, pid, max_own=100)
    assert part.own_total == len(full.own) > 100 == len(part.own)
    assert [m.uid for m in part.own] == [full.own[(i * len(full.own)) // 100].uid for i in range(100)]
    assert len(part.context) < len(full.context)
    assert {m.uid for m in part.context} <= {m.uid for m in full.context}


def test_excerpt_never_starts_inside_a_stand_in() -> None:
    """Found on the Komodo Discord: a cited span 50 characters after "Colleague A" put the
    window's start right after the stand-in; moving it back to a word edge stopped at the
    space inside "Colleague A", and the excerpt began "A that made …" — which quotes nothing
    in the stored text (verify counted a fabrication)."""
    from colleague.skill.evidence import _window
    from colleague.skill.verify import quotes

    stored = ("it was due to the work of Luke that made claiming rewards from ledger possible. "
              "The fact that @PTYX decided to steal our idea is low.")
    full = ("it was due to the work of Colleague A that made claiming rewards from ledger "
            "possible. The fact that @Colleague B decided to steal our idea is low.")
    excerpt = _window(full, "The fact that @Colleague B decided to steal our idea is low.")
    assert excerpt.startswith("Colleague A that made")
    assert quotes(stored, excerpt)
    for cut in range(len(full)):  # wherever the span starts, the excerpt quotes the text
        assert quotes(stored, _window(full, full[cut:cut + 20].strip() or None))
