"""Interpersonal analyzer: counterparts, tone per counterpart, reply latency."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from colleague.analyze import rhythm, social
from colleague.analyze.model import Msg, PersonData
from colleague.store import connect
from colleague.store.person_data import load_person

from conftest import Runner, shared_path


@pytest.fixture(scope="module")
def demo(demo_db: sqlite3.Connection) -> sqlite3.Connection:
    return demo_db


def _pid(db: sqlite3.Connection, name: str) -> int:
    return db.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]


@pytest.fixture(scope="module")
def people(demo: sqlite3.Connection) -> dict[str, PersonData]:
    names = ["王芳", "张伟", "刘洋", "李强"]
    return {n: load_person(demo, _pid(demo, n)) for n in names}


def _claims(data: PersonData, lang: str = "zh", group: str = "") -> list:
    res = social.analyze(data, lang)  # type: ignore[arg-type]
    return [c for c in res.claims if c.key.startswith(group)]


def test_counterparts_are_teammates_with_evidence(people: dict[str, PersonData]) -> None:
    for name, data in people.items():
        res = social.analyze(data, "zh")
        assert res.notes[0].section == "persona.interpersonal" and res.notes[0].enough
        cps = [c for c in res.claims if c.key.startswith("counterpart:")]
        assert 3 <= len(cps) <= social.TOP
        named = {data.people[c.prediction.params["person"]] for c in cps}
        assert name not in named and named <= {"王芳", "李强", "陈静", "张伟", "刘洋", "赵敏"}
        own = {m.uid for m in data.own}
        ctx = {m.uid: m for m in data.context}
        for c in res.claims:
            assert c.evidence and c.section == "persona.interpersonal"
            for e in c.evidence:
                if e.role == "said":
                    assert e.uid in own
                else:  # addressed: someone else's message in the subject's conversations
                    assert e.uid in ctx and ctx[e.uid].author != data.person_id
        # the name in the text is the one the prediction points at
        for c in cps:
            assert data.people[c.prediction.params["person"]] in c.text


def test_liu_yang_chases_zhang_wei_most(people: dict[str, PersonData]) -> None:
    """刘洋 chases progress, mostly 张伟's: he is her first counterpart, and her @张伟
    messages are cited."""
    data = people["刘洋"]
    first = _claims(data, group="counterpart:")[0]
    assert data.people[first.prediction.params["person"]] == "张伟"
    said = {m.uid: m.text for m in data.own}
    assert any("张伟" in said[e.uid] or "Zhang Wei" in said[e.uid]
               for e in first.evidence if e.role == "said")


def test_latency_fast_lead_slow_engineer(people: dict[str, PersonData]) -> None:
    """王芳 answers within minutes, 张伟 is slow to answer."""
    fast = _claims(people["王芳"], group="latency:all")[0].prediction.params
    slow = _claims(people["张伟"], group="latency:all")[0].prediction.params
    assert fast["venue"] == slow["venue"] == "chat"
    assert fast["hi_s"] <= 10 * 60
    assert slow["lo_s"] >= 8 * 60 and slow["hi_s"] > 4 * fast["hi_s"]
    text = _claims(people["王芳"], "en", "latency:all")[0].text
    assert text.startswith("When someone asks or mentions them") and "by mail" in text


def test_tone_change_found_and_quoted() -> None:
    """Synthetic: polite and long with one counterpart, curt with the others."""
    t0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
    own, ctx = [], []
    uid = 1
    for i in range(60):
        boss = i % 3 == 0
        asker = 2 if boss else 3 + i % 2
        t = t0 + timedelta(hours=i)
        q = Msg(uid, t, "有个问题想问下？", asker, 1, "g", "feishu")
        text = ("您好，麻烦您看一下这个方案，有问题请随时告诉我，谢谢！" if boss else "嗯，看了")
        a = Msg(uid + 1, t + timedelta(minutes=2), text, 1, 1, "g", "feishu", reply_to=uid)
        ctx.append(q)
        own.append(a)
        uid += 2
    data = PersonData(1, "me", ("me",), own, ctx, [], [], {1: "me", 2: "老板", 3: "甲", 4: "乙"})
    tone = {c.key: c for c in _claims(data, "zh", "tone:")}
    # warmer with 老板; by contrast curter with the two others
    assert tone["tone:3"].prediction.params["lo"] == 0.0
    tone = [tone["tone:2"]]
    assert tone[0].prediction.params["lo"] > 0.3
    assert "老板" in tone[0].text and "礼貌" in tone[0].text and "「" in tone[0].text
    assert tone[0].prediction.params["counterpart"] == 2
    assert all(e.uid in {m.uid for m in own} for e in tone[0].evidence)
    en = _claims(data, "en", "tone:")[0].text
    assert en.startswith("With 老板") and "politeness" in en
    # bots are never counterparts
    botted = replace(data, bots=frozenset({2}))
    assert not any(c.key.endswith(":2") for c in social.analyze(botted, "zh").claims)


def test_deterministic_and_languages(people: dict[str, PersonData]) -> None:
    data = people["张伟"]
    assert social.analyze(data, "zh") == social.analyze(data, "zh")
    zh = _claims(data, "zh")
    en = _claims(data, "en")
    assert [c.key for c in zh] == [c.key for c in en]
    assert all("最常打交道" in c.text for c in zh if c.key.startswith("counterpart:"))
    assert all("deal with most" in c.text for c in en if c.key.startswith("counterpart:"))


def test_thin_data_makes_no_claim(people: dict[str, PersonData]) -> None:
    data = people["王芳"]
    thin = replace(data, own=data.own[:12])
    res = social.analyze(thin, "zh")
    assert res.claims == [] and not res.notes[0].enough and res.notes[0].messages == 12


def test_fluid_irc_most_active(run: Runner, home: Path) -> None:
    root = shared_path("data", "irc-fluid-project")
    res = run("ingest", "--tz", "UTC", str(root / "fluid-tech"), str(root / "fluid-design"))
    assert res.exit_code == 0, res.output
    db = connect(home / "corpus.db")
    pid = db.execute(
        "SELECT i.person_id FROM messages m JOIN identities i ON i.id = m.identity_id"
        " GROUP BY i.person_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    data = load_person(db, pid)
    res2 = social.analyze(data, "en")
    cps = [c for c in res2.claims if c.key.startswith("counterpart:")]
    # Only counterparts within the top in both halves of a years-long channel history are
    # claimed (membership turns over), so fewer than TOP here.
    assert 1 <= len(cps) < social.TOP
    lat = next(c for c in res2.claims if c.key == "latency:all")
    assert lat.prediction.params["hi_s"] < 3600  # IRC answers come within the hour
    own = {m.uid for m in data.own}
    assert all(e.uid in own for c in res2.claims for e in c.evidence if e.role == "said")


def _untimed_exchanges(partners: list[int]) -> PersonData:
    """Untimed chat (an IRC log without dates): the subject answers partners[i] in turn."""
    own, ctx = [], []
    for i, p in enumerate(partners):
        q = Msg(2 * i + 1, None, "anyone around to look at the build?", p, 1, "c", "irc")
        ctx.append(q)
        own.append(Msg(2 * i + 2, None, f"yes, looking at it now ({i})", 1, 1, "c", "irc",
                       reply_to=q.uid))
    names = {1: "me", **{p: f"p{p}" for p in set(partners)}}
    return PersonData(1, "me", ("me",), own, ctx, [], [], names)


def test_untimed_counterparts_must_hold_in_every_third() -> None:
    """Untimed records cannot cut the others' messages by time; each third is then ranked by
    whom the subject answers. Someone answered in one third only is not claimed; someone
    answered throughout is."""
    steady = [2, 3] * 30  # 2 and 3 throughout: 60 answers
    early = [9] * 15  # 9 only at the start (more answers than either in that third)
    data = _untimed_exchanges(early + steady[:20] + steady[20:])
    claimed = {c.prediction.params["person"] for c in _claims(data, "en", "counterpart:")}
    assert claimed == {2, 3}


def test_commits_are_not_conversation_turns() -> None:
    """Consecutive commits in a repository do not answer each other (on the DataEase and
    ipython histories they made "people they deal with most" and "answers in 27 minutes"
    claims); the same exchange as chat does."""
    t0 = datetime(2024, 1, 1, 9, tzinfo=UTC)
    own, ctx = [], []
    for i in range(60):
        t = t0 + timedelta(hours=i)
        ctx.append(Msg(2 * i + 1, t, f"feat(图表): 明细表显示图片 {i}", 2, 1, "repo", "git"))
        own.append(Msg(2 * i + 2, t + timedelta(minutes=5), f"fix(数据源): 展示表备注 {i}", 1, 1,
                       "repo", "git"))
    git = PersonData(1, "me", ("me",), own, ctx, [], [], {1: "me", 2: "other"})
    keys = [c.key for c in social.analyze(git, "zh").claims + rhythm.analyze(git, "zh").claims]
    assert not any(k.startswith(("counterpart:", "latency")) for k in keys)
    chat = replace(git, own=[replace(m, platform="slack") for m in own],
                   context=[replace(m, platform="slack") for m in ctx])
    keys = [c.key for c in social.analyze(chat, "zh").claims + rhythm.analyze(chat, "zh").claims]
    assert "counterpart:2" in keys and "latency" in keys
