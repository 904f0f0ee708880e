"""forget: the person leaves no byte in the workspace; everyone else stays intact and searchable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from colleague.cli import forget as forget_cli
from colleague.privacy import forget, journal
from colleague.store import connect

from conftest import shared_path
from slack_builder import USERS, msg, write_export

ZHANG = {"id": "U03", "name": "zhangwei", "real_name": "张伟",
         "profile": {"real_name": "张伟", "email": "zhang.wei@example.cn"}}
LI_TERMS = ["Li Wei", "liwei", "li.wei@example.com"]
ZHANG_TERMS = ["张伟", "zhangwei", "zhang.wei@example.cn"]


def _encodings(term: str) -> list[bytes]:
    return [term.encode(enc).lower() for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def leftovers(home: Path, terms: list[str]) -> list[str]:
    """Every (file, term) where a term survives byte-wise, in UTF-8 or UTF-16, any case;
    file and folder names count too."""
    found = []
    for path in sorted(home.rglob("*")):
        rel = str(path.relative_to(home))
        for term in terms:
            if term.lower() in rel.lower():
                found.append(f"name {rel}: {term}")
        if path.is_file():
            data = path.read_bytes().lower()
            found += [f"{rel}: {term}" for term in terms
                      if any(enc in data for enc in _encodings(term))]
    return found


def _export(root: Path) -> Path:
    day = {"2024-03-01": [
        msg("U01", 1709251200.0, "I will ship the release branch today",
            reactions=[{"name": "rocket", "users": ["U02"], "count": 1}]),
        msg("U01", 1709251210.0, "<@U02> can you review the migration?"),
        msg("U02", 1709251260.0, "<@U01> sure, reviewing the migration now"),
        msg("U02", 1709251270.0, "thanks Li Wei! cc li.wei@example.com and liwei on the rollout"),
        msg("U03", 1709251280.0, "<@U01> 发布计划我看过了"),
        msg("U02", 1709251290.0, "<@U03> 请张伟确认一下预发环境"),
        msg("U02", 1709251300.0, "the quarterly budget spreadsheet is final"),
    ]}
    return write_export(root, {"general": day, "liwei-onboarding": {"2024-03-02": [
        msg("U02", 1709337600.0, "welcome aboard, the wiki is here")]}},
        users=[*USERS, ZHANG])


def _docs(root: Path) -> tuple[Path, Path]:
    root.mkdir(parents=True)
    mine = root / "design.md"
    mine.write_text("# Cache design\n\nWritten by Li Wei: shard by tenant.\n", encoding="utf-8")
    other = root / "liwei-handover.md"
    other.write_text("# Handover\n\nAsk liwei about the cache; Amy owns billing.\n",
                     encoding="utf-8")
    return mine, other


def _skill(home: Path, name: str, meta: dict, text: str) -> Path:
    folder = home / "skills" / name
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / "SKILL.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(run, home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    assert run("ingest", str(_export(tmp_path / "slack"))).exit_code == 0
    mine, other = _docs(tmp_path / "docs")
    assert run("ingest", str(mine), "--author", "Li Wei <li.wei@example.com>").exit_code == 0
    assert run("ingest", str(other), "--author", "Amy Chen <amy.chen@example.com>").exit_code == 0
    assert run("consent", "grant", "Li Wei", "--scope", "distill", "--expires", "2099-01-01",
               "--note", "Li Wei agreed by mail").exit_code == 0
    return run


def _pid(run, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(p["id"] for p in run.json("people", "--all") if p["name"] == name)


def test_forget_leaves_no_byte_of_the_person(corpus, home: Path) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    li, amy = _pid(run, "Li Wei"), _pid(run, "Amy Chen")
    ids = [i["platform"] for i in run.json("people", "show", str(li))["identities"]]
    assert sorted(ids) == ["email", "slack"]  # the document author joined the Slack account
    own = _skill(home, "li-wei-reviewer", {"person_id": li, "name": "Li Wei"}, "# Li Wei\n")
    by_pseudonym = _skill(home, "reviewer-2", {"subject": {"pseudonymous_id":
                                                forget.pseudonymous_id(li)}}, "liwei says\n")
    others = _skill(home, "amy-billing", {"person_id": amy},
                    "# Amy\n\nWorks with Li Wei (li.wei@example.com) on releases.\n")
    assert leftovers(home, LI_TERMS)  # the scan finds them before

    res = run("forget", "Li Wei", "--yes")
    assert res.exit_code == 0, res.output
    assert "forgot person" in res.output and "Former colleague A" in res.output

    assert leftovers(home, LI_TERMS) == []
    assert not own.exists() and not by_pseudonym.exists()
    text = (others / "SKILL.md").read_text(encoding="utf-8")
    assert text == "# Amy\n\nWorks with Former colleague A (Former colleague A) on releases.\n"

    # Their records are gone, other people's stay, and the index follows the rewrite.
    assert [p["name"] for p in run.json("people")] == ["Amy Chen", "张伟"]
    assert _hits(run, "ship release") == []
    assert _hits(run, "liwei") == [] and _hits(run, "shard tenant") == []
    assert _hits(run, "budget spreadsheet") == ["the quarterly budget spreadsheet is final"]
    assert _hits(run, "reviewing migration") == ["@Former colleague A sure, reviewing the "
                                                 "migration now"]
    assert _hits(run, "rollout") == ["thanks Former colleague A! cc Former colleague A and "
                                     "Former colleague A on the rollout"]
    assert _hits(run, "Former colleague") and _hits(run, "billing")
    db = connect(home / "corpus.db")
    try:
        names = [r[0] for r in db.execute("SELECT name FROM conversations ORDER BY name")]
        assert names == ["Former colleague A-onboarding", "general"]
        assert db.execute("SELECT count(*) FROM consents").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 6
        assert db.execute("SELECT integrity_check FROM pragma_integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    finally:
        db.close()

    entry = journal.read(home)[-1]
    assert entry.operation == "forget"
    assert entry.details["person_id"] == li
    assert (entry.details["messages"], entry.details["identities"],
            entry.details["documents"], entry.details["consents"], entry.details["skills"]) == (
        2, 2, 1, 1, 2)
    assert journal.verify(home).ok
    assert not (home / "corpus.db-wal").exists() or (home / "corpus.db-wal").stat().st_size == 0


def _hits(run, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["text"] for r in run.json("search", query)]  # type: ignore[union-attr]


def test_chinese_mentions_get_a_chinese_label(corpus, home: Path) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    assert run("forget", "张伟", "--yes").exit_code == 0
    assert leftovers(home, ZHANG_TERMS) == []
    assert _hits(run, "预发环境") == ["@前同事A 请前同事A确认一下预发环境"]
    # Li Wei is untouched by forgetting someone else.
    assert len(leftovers(home, ["li.wei@example.com"])) >= 1
    assert _hits(run, "budget") == ["the quarterly budget spreadsheet is final"]


def test_labels_are_stable_and_rerunning_is_safe(corpus, home: Path) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    li, zhang = _pid(run, "Li Wei"), _pid(run, "张伟")
    assert run("forget", str(li), "--yes").exit_code == 0
    assert run("forget", str(zhang), "--yes").exit_code == 0
    assert _hits(run, "预发环境") == ["@前同事B 请前同事B确认一下预发环境"]
    res = run("forget", str(li), "--yes")
    assert res.exit_code == 0 and "already forgotten" in res.output
    data = json.loads(run("forget", str(li), "--yes", "--json").stdout)
    assert (data["already_forgotten"], data["messages"], data["label"]) == (
        True, 0, "Former colleague A")
    assert run("forget", "Nobody Here", "--yes").exit_code == 1
    assert journal.verify(home).ok


def test_confirmation(corpus, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    res = run("forget", "Li Wei")  # not a terminal, no --yes
    assert res.exit_code == 1 and "--yes" in res.output
    monkeypatch.setattr(forget_cli, "_interactive", lambda: True)
    res = run("forget", "Li Wei", input="n\n")
    assert res.exit_code == 1 and "Forget Li Wei" in res.output
    assert "Li Wei" in [p["name"] for p in run.json("people")]
    assert run("forget", "Li Wei", input="y\n").exit_code == 0
    assert "Li Wei" not in [p["name"] for p in run.json("people")]


def test_skill_lookup(tmp_path: Path) -> None:
    skills = tmp_path / "skills"
    _skill(tmp_path, "a", {"person_id": 4}, "")
    _skill(tmp_path, "b", {"person_id": "p4"}, "")
    _skill(tmp_path, "c", {"pseudonymous_id": forget.pseudonymous_id(4)}, "")
    _skill(tmp_path, "d", {"subject": {"person_id": 4}}, "")
    _skill(tmp_path, "e", {"person_id": 14}, "")
    _skill(tmp_path, "f", {"pseudonymous_id": forget.pseudonymous_id(40)}, "")
    (skills / "g").mkdir()
    (skills / "h").mkdir()
    (skills / "h" / "meta.json").write_text("{broken", encoding="utf-8")
    assert [p.name for p in forget.skills_of(skills, 4)] == ["a", "b", "c", "d"]
    assert forget.skills_of(tmp_path / "none", 4) == []


def test_pseudonymiser_keeps_other_words(db: sqlite3.Connection) -> None:
    p = forget.Pseudonymiser(["amy", "Li Wei", "li.wei@example.com"], 2)
    assert p.text("amyloid and Amy, li  wei; li.wei at example.com") == (
        "amyloid and Former colleague C, Former colleague C; Former colleague C")
    assert p.path("/x/li.wei_example.com.mbox") == "/x/Former-colleague-C.mbox"
    assert json.loads(p.json_text('{"to": ["Amy <li.wei@example.com>"], "n": 2}')) == {
        "n": 2, "to": ["Former colleague C <Former colleague C>"]}
    assert p.json_has('{"to": "\\u0041my"}')
    assert forget.label_for(25, True) == "前同事Z" and forget.label_for(26, False).endswith(" AA")


def test_real_mailing_list(run, home: Path) -> None:  # type: ignore[no-untyped-def]
    base = shared_path("data", "mailing-list-linux-mips", "by_author")
    files = [base / f for f in ("aaro.koskinen_iki.fi.mbox", "andrew_lunn.ch.mbox",
                                "davem_davemloft.net.mbox")]
    assert run("ingest", *map(str, files)).exit_code == 0
    before = {p["name"]: p["messages"] for p in run.json("people")}
    assert before["Aaro Koskinen"] == 100
    terms = ["Aaro Koskinen", "aaro.koskinen@iki.fi"]
    assert leftovers(home, terms)
    found_before = len(_hits(run, "phy"))
    assert run("forget", "aaro.koskinen@iki.fi", "--yes").exit_code == 0
    assert leftovers(home, terms) == []
    after = {p["name"]: p["messages"] for p in run.json("people")}
    assert after == {k: v for k, v in before.items() if k != "Aaro Koskinen"}
    assert 0 < len(_hits(run, "phy")) <= found_before
    assert journal.verify(home).ok


def test_a_busy_store_is_reported_and_the_rerun_compacts(corpus, home: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    run = corpus
    li = _pid(run, "Li Wei")

    def busy(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as m:
        m.setattr(forget, "compact", busy)
        res = run("forget", "Li Wei", "--yes")
    assert res.exit_code == 1 and f"colleague forget {li} --yes" in res.output
    assert journal.read(home)[-1].details["compacted"] is False
    assert leftovers(home, LI_TERMS)  # rows are gone, but their old bytes are still on disk
    res = run("forget", str(li), "--yes")
    assert res.exit_code == 0 and "already forgotten" in res.output
    assert leftovers(home, LI_TERMS) == []


def test_namesakes_and_longer_names_are_kept(tmp_path: Path, run, home: Path) -> None:  # type: ignore[no-untyped-def]
    users = [ZHANG, {"id": "U04", "name": "zww", "real_name": "张伟伟",
                     "profile": {"real_name": "张伟伟", "email": "zww@example.cn"}}]
    export = write_export(tmp_path / "slack", {"general": {"2024-03-01": [
        msg("U04", 1709251200.0, "<@U03> 和张伟伟一起看发布"),
        msg("U03", 1709251210.0, "好的"),
    ]}}, users=users)
    assert run("ingest", str(export)).exit_code == 0
    assert run("forget", "张伟", "--yes").exit_code == 0
    assert [p["name"] for p in run.json("people")] == ["张伟伟"]
    assert _hits(run, "发布") == ["@前同事A 和张伟伟一起看发布"]


def test_reingest_does_not_bring_them_back(corpus, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = corpus
    assert run("forget", "Li Wei", "--yes").exit_code == 0
    before = sorted(p["name"] for p in run.json("people", "--all"))
    again = run.json("ingest", str(_export(tmp_path / "slack-again")))["sources"][0]
    assert again["forgotten"] == 2
    assert sorted(p["name"] for p in run.json("people", "--all")) == before
    assert _hits(run, "ship release") == []
    mine, _ = _docs(tmp_path / "docs-again")
    res = run.json("ingest", str(mine), "--author", "Li Wei <li.wei@example.com>")
    assert res["sources"][0]["forgotten"] == 1 and _hits(run, "shard tenant") == []
