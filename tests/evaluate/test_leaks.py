"""Leak detection on planted Skill files: secrets, personal data and names the scrub missed."""

from __future__ import annotations

import json
from pathlib import Path

from colleague.evaluate.leaks import Leak, scan_folder, scan_text
from colleague.privacy.names import KnownNames, Pseudonymizer

SUBJECT, OTHER = 1, 2


def pseudonyms() -> Pseudonymizer:
    known = KnownNames()
    known.add(SUBJECT, name="Wang Fang", email="wang.fang@example.com")
    known.add(OTHER, name="Li Qiang", email="li.qiang@example.com")
    return Pseudonymizer(known=known)


def plant(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True)
    base = {
        "SKILL.md": "---\nname: wang-fang\ndescription: Wang Fang at work\n---\n# Wang Fang\n",
        "work.md": "# Work\n\n- Owns the ledger [E1]\n",
        "persona.md": "# Persona\n\n- Terse [E1]\n",
        "evidence.jsonl": json.dumps({"id": "E1", "excerpt": "ledger is mine"}) + "\n",
        "meta.json": json.dumps({"subject": {"id": "person-0123456789ab"}}) + "\n",
    }
    for name, text in {**base, **{k.replace("_", "."): v for k, v in files.items()}}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_clean_skill_has_no_leaks(tmp_path: Path) -> None:
    folder = plant(tmp_path / "wang-fang", persona_md=(
        "# Persona\n\n- Talks most with 同事A and Colleague B; phone [phone#1], mail "
        "[REDACTED:email], key [REDACTED:aws_access_key] [E1]\n"))
    assert scan_folder(folder, pseudonyms=pseudonyms(), subject=SUBJECT) == []


def test_planted_secrets_pii_and_names_are_found(tmp_path: Path) -> None:
    folder = plant(
        tmp_path / "wang-fang",
        work_md="# Work\n\n- Deploys with AKIAIOSFODNN7EXAMPLE [E1]\n- Ask Li Qiang [E2]\n",
        evidence_jsonl=json.dumps({"id": "E1", "excerpt": "call me at 13812345678"}) + "\n"
        + json.dumps({"id": "E2", "excerpt": "write to li.qiang@example.com"}) + "\n",
    )
    leaks = scan_folder(folder, pseudonyms=pseudonyms(), subject=SUBJECT)
    assert [(x.file, x.line, x.category) for x in leaks] == [
        ("evidence.jsonl", 1, "pii"),
        ("evidence.jsonl", 2, "pii"),
        ("work.md", 3, "secret"),
        ("work.md", 4, "name"),
    ]
    assert {x.type for x in leaks} >= {"phone", "email", "name"}
    assert all(isinstance(x, Leak) for x in leaks)
    # A report names file, line and type — never the value.
    assert "13812345678" not in json.dumps([x.as_json() for x in leaks])


def test_the_subject_name_is_allowed_only_when_kept() -> None:
    p = pseudonyms()
    assert scan_text("Wang Fang says hi", pseudonyms=p, subject=SUBJECT) == []
    found = scan_text("Wang Fang says hi", pseudonyms=p, subject=SUBJECT, keep_subject=False)
    assert [d.type for d in found] == ["name"]
    # Someone the store keeps apart but who goes by the subject's name (a renamed account):
    # the kept name is still theirs.
    p.known.add(3, name="fangw")
    assert [d.type for d in scan_text("name: fangw", pseudonyms=p, subject=SUBJECT)] == ["name"]
    assert scan_text("name: fangw", pseudonyms=p, subject=SUBJECT, subject_names=["FangW"]) == []
    # Their own contact data always counts.
    assert [d.type for d in scan_text("wang.fang@example.com", pseudonyms=p, subject=SUBJECT)] \
        == ["email"]


def test_without_known_names_only_secrets_and_pii_count() -> None:
    assert scan_text("Li Qiang owns it") == []
    assert [d.category for d in scan_text("token ghp_abcdefghijklmnopqrstuvwxyz0123456789")] \
        == ["secret"]


def test_structure_is_not_content(tmp_path: Path) -> None:
    """Speakers called "date" and "E23" (both on the Taiwan conference IRC): the JSON key
    "date", the evidence id "E23", the citation [E23] and SKILL.md's front-matter keys are the
    Skill's structure, not a name leak — but the same words in what the Skill says are."""
    p = pseudonyms()
    p.known.add(7, name="date")
    p.known.add(8, name="E23")
    p.known.add(9, name="description")
    ev = json.dumps({"date": "2013-07-20T10:57:00+08:00", "excerpt": "ledger is mine",
                     "id": "E23", "kind": "message", "role": "said", "where": "general"})
    folder = plant(tmp_path / "wang-fang", evidence_jsonl=ev + "\n",
                   work_md="# Work\n\n- Owns the ledger [E23]\n")
    assert scan_folder(folder, pseudonyms=p, subject=SUBJECT) == []
    leaky = json.dumps({"date": None, "excerpt": "ask E23 about it", "id": "E1"})
    folder = plant(tmp_path / "again", evidence_jsonl=leaky + "\n",
                   work_md="# Work\n\n- Owns the ledger with Li Qiang [E23]\n")
    assert [(x.file, x.line) for x in scan_folder(folder, pseudonyms=p, subject=SUBJECT)] == [
        ("evidence.jsonl", 1), ("work.md", 3)]
