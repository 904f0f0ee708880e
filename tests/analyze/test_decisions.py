"""Decision style and boundaries analyzer."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from colleague.analyze import decisions
from colleague.analyze.model import Claim, PersonData
from colleague.store import connect
from colleague.store.person_data import load_person

from conftest import Runner, shared_path


@pytest.fixture(scope="module")
def demo(demo_db: sqlite3.Connection) -> sqlite3.Connection:
    return demo_db


@pytest.fixture(scope="module")
def people(demo: sqlite3.Connection) -> dict[str, PersonData]:
    out = {}
    for (name,) in demo.execute("SELECT name FROM people ORDER BY id"):
        pid = demo.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
        out[name] = load_person(demo, pid)
    return out


def _by_key(data: PersonData, lang: str = "zh") -> dict[tuple[str, str], Claim]:
    res = decisions.analyze(data, lang)  # type: ignore[arg-type]
    return {(c.section, c.key): c for c in res.claims}


def _said(data: PersonData, claim: Claim) -> list[str]:
    """The quoted parts of the subject's own messages the claim cites."""
    own = {m.uid: m.text for m in data.own}
    out = []
    for e in claim.evidence:
        if e.role == "said":
            text = own[e.uid]  # KeyError = evidence not written by the subject
            a, b = e.span or (0, len(text))
            out.append(text[a:b])
    return out


def test_scan_markers() -> None:
    assert "yes" in decisions.scan("可以。明天 10 点发。").marks
    assert "yes" in decisions.scan("LGTM 👍").marks
    assert "yes" not in decisions.scan("有一个 approve 了，我先 merge？").marks
    assert "no" in decisions.scan("不同意。Redis 主从切换会丢数据").marks
    assert "yes" not in decisions.scan("no tests, no approve.").marks
    assert decisions.scan("没测试不 approve。").marks["pushback"][0][0] == "没…不approve"
    assert "pushback" in decisions.scan("测试呢？").marks
    assert "escalate" in decisions.scan("I'll escalate if needed, loop in @bob").marks
    assert "refuse" in decisions.scan("这个不归我哈，找 @赵敏").marks
    assert "process" in decisions.scan("Please file a change request with the EXPLAIN.").marks


def test_wang_fang_decides_and_asks_for_tests(people: dict[str, PersonData]) -> None:
    data = people["王芳"]
    claims = _by_key(data)
    push = claims[("persona.decisions", "pushback")]
    quotes = " ".join(_said(data, push)).lower()
    assert "test" in quotes or "测试" in quotes
    assert push.prediction is not None and push.prediction.kind == "phrase_rate"
    assert "团队" in push.text and "倍" in push.text
    yes = claims[("persona.decisions", "yes")]
    assert any(q.strip("。.") in {"LGTM", "可以", "同意", "同意变更", "approved"}
               for q in _said(data, yes))
    assert ("persona.decisions", "hedge") in claims  # decisive: 就这么定 / decision:
    process = claims[("persona.boundaries", "process")]
    assert any("开单子" in q or "流程" in q for q in _said(data, process))


def test_redirects_go_to_the_right_people(people: dict[str, PersonData]) -> None:
    """'这个不归我，找 @…': 张伟 sends people to 赵敏; 刘洋 redirects technical questions."""
    zw = people["张伟"]
    red = _by_key(zw)[("persona.boundaries", "redirect")]
    assert "赵敏" in red.text and any("不归我" in q or "not my area" in q for q in _said(zw, red))
    asked = [e for e in red.evidence if e.role == "addressed"]
    ctx = {m.uid: m for m in zw.context}
    assert asked and all(ctx[e.uid].author != zw.person_id for e in asked)
    ly = people["刘洋"]
    red = _by_key(ly, "en")[("persona.boundaries", "redirect")]
    assert red.text.startswith("What is not theirs") and "sent to" in red.text
    assert any("找 @" in q or "ask @" in q for q in _said(ly, red))
    for name in ("王芳", "李强", "赵敏"):
        assert ("persona.boundaries", "redirect") in _by_key(people[name])


def test_disagreement_and_hedging(people: dict[str, PersonData]) -> None:
    """刘洋 hedges (可能/大概) more than the team; nobody hedges-claims without support."""
    ly = _by_key(people["刘洋"])
    hedge = ly[("persona.decisions", "hedge")]
    assert "留余地" in hedge.text and hedge.prediction is not None
    assert hedge.prediction.params["phrase"] in {"可能", "大概", "好像"}
    for data in people.values():
        for c in decisions.analyze(data, "zh").claims:
            assert c.evidence and _said(data, c)


def test_deterministic_both_languages(people: dict[str, PersonData]) -> None:
    data = people["王芳"]
    assert decisions.analyze(data, "zh") == decisions.analyze(data, "zh")
    zh, en = _by_key(data, "zh"), _by_key(data, "en")
    assert zh.keys() == en.keys()
    assert zh[("persona.decisions", "yes")].text.startswith("表示同意时")
    assert en[("persona.decisions", "yes")].text.startswith("How they say yes")


def test_thin_data_makes_no_claim(people: dict[str, PersonData]) -> None:
    data = people["王芳"]
    res = decisions.analyze(replace(data, own=data.own[:20]), "en")
    assert res.claims == []
    assert [(n.section, n.enough) for n in res.notes] == [
        ("persona.decisions", False), ("persona.boundaries", False)]


def test_fluid_irc_most_active(run: Runner, home: Path) -> None:
    root = shared_path("data", "irc-fluid-project")
    res = run("ingest", "--tz", "UTC", str(root / "fluid-tech"), str(root / "fluid-design"))
    assert res.exit_code == 0, res.output
    db = connect(home / "corpus.db")
    pid = db.execute(
        "SELECT i.person_id FROM messages m JOIN identities i ON i.id = m.identity_id"
        " GROUP BY i.person_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    data = load_person(db, pid)
    out = decisions.analyze(data, "en")
    assert out.notes[0].enough  # decisions; boundaries may well be thin on IRC
    keys = {c.key for c in out.claims}
    assert {"yes", "no", "speed"} <= keys
    for c in out.claims:
        assert _said(data, c)
