"""Rhythm analyzer: active hours and weekdays, early bird / night owl, time to reply."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from colleague.analyze import rhythm
from colleague.analyze.model import AnalyzerResult, Claim, Msg, PersonData
from colleague.store import connect
from colleague.store.person_data import load_person

from conftest import ROOT, Runner, shared_path

NAMES = ["王芳", "李强", "陈静", "张伟"]


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PersonData]:
    run = Runner(tmp_path_factory.mktemp("rhythm") / "home")
    res = run("ingest", "--tz", "Asia/Shanghai", str(ROOT / "examples" / "data"))
    assert res.exit_code == 0, res.output
    db = connect(run.home / "corpus.db")
    out = {}
    for name in NAMES:
        pid = db.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
        out[name] = load_person(db, pid)
    return out


@pytest.fixture(scope="module")
def results(people: dict[str, PersonData]) -> dict[str, AnalyzerResult]:
    return {name: rhythm.analyze(data, "en") for name, data in people.items()}


def _claim(res: AnalyzerResult, key: str) -> Claim:
    found = [c for c in res.claims if c.key == key]
    assert found, f"no claim {key}: {[c.key for c in res.claims]}"
    return found[0]


def test_wang_fang_early_bird_fast_replier(people, results) -> None:  # type: ignore[no-untyped-def]
    res = results["王芳"]
    early = _claim(res, "early")
    assert early.text.startswith("Early bird")
    assert early.prediction is not None and early.prediction.params["hours"] == [5, 6, 7]
    own = {m.uid: m for m in people["王芳"].own}
    assert all(own[e.uid].ts.hour < 8 for e in early.evidence)  # type: ignore[union-attr]
    assert "late" not in {c.key for c in res.claims}
    latency = _claim(res, "latency").prediction
    assert latency is not None and latency.params["hi_s"] <= 600  # answers within minutes


def test_li_qiang_night_owl(people, results) -> None:  # type: ignore[no-untyped-def]
    res = results["李强"]
    late = _claim(res, "late")
    assert late.text.startswith("Night owl")
    own = {m.uid: m for m in people["李强"].own}
    assert all(own[e.uid].ts.hour in rhythm.LATE for e in late.evidence)  # type: ignore[union-attr]
    hours = _claim(res, "hours").prediction
    assert hours is not None and 8 not in hours.params["hours"] and 9 not in hours.params["hours"]
    assert "early" not in {c.key for c in res.claims}


def test_zhang_wei_is_slower_than_wang_fang(results) -> None:  # type: ignore[no-untyped-def]
    slow = _claim(results["张伟"], "latency").prediction
    fast = _claim(results["王芳"], "latency").prediction
    assert slow is not None and fast is not None
    assert slow.params["lo_s"] > fast.params["hi_s"]


def test_weekdays_and_hours_claims(results) -> None:  # type: ignore[no-untyped-def]
    for res in results.values():
        days = _claim(res, "weekdays")
        assert days.prediction is not None and days.prediction.params["days"] == [0, 1, 2, 3, 4]
        assert "Mon–Fri" in days.text
        hours = _claim(res, "hours").prediction
        assert hours is not None and 0 < hours.params["min_share"] < 1
        assert res.notes[0].section == "persona.rhythm" and res.notes[0].enough


def test_evidence_belongs_to_the_subject(people, results) -> None:  # type: ignore[no-untyped-def]
    for name, res in results.items():
        data = people[name]
        own = {m.uid for m in data.own}
        ctx = {m.uid: m for m in data.context}
        for c in res.claims:
            assert 1 <= len(c.evidence) <= 5 and c.section == "persona.rhythm"
            for e in c.evidence:
                if e.role == "said":
                    assert e.uid in own
                else:
                    assert e.uid in ctx and ctx[e.uid].author != data.person_id


def test_deterministic_and_bilingual(people) -> None:  # type: ignore[no-untyped-def]
    data = people["李强"]
    assert rhythm.analyze(data, "zh") == rhythm.analyze(data, "zh")
    zh, en = rhythm.analyze(data, "zh"), rhythm.analyze(data, "en")
    assert [c.key for c in zh.claims] == [c.key for c in en.claims]
    assert _claim(zh, "late").text.startswith("夜猫子")
    assert _claim(zh, "hours").text.startswith("活跃时段")


def test_thin_data_makes_no_claim(people) -> None:  # type: ignore[no-untyped-def]
    data = people["王芳"]
    res = rhythm.analyze(replace(data, own=data.own[:12]), "zh")
    assert res.claims == [] and not res.notes[0].enough and res.notes[0].messages == 12


def _msg(uid: int, author: int, minutes: float, **kw: object) -> Msg:
    ts = datetime(2024, 3, 4, 9, tzinfo=timezone(timedelta(hours=8))) + timedelta(minutes=minutes)
    return Msg(uid=uid, ts=ts, text=f"m{uid}", author=author, conversation=1,
               conversation_name="c", platform="slack", **kw)  # type: ignore[arg-type]


def test_reply_pairing_rules() -> None:
    """Explicit replies answer their parent; thread replies the message before them in the
    thread (the root for the first); a thread root answers nothing; 12 h is the limit."""
    root = _msg(1, 2, 0, thread=1)
    other = _msg(2, 3, 1)  # main channel, between the root and the thread replies
    first = _msg(3, 1, 5, thread=1, reply_to=1)
    second = _msg(4, 2, 6, thread=1, reply_to=1)
    third = _msg(5, 1, 9, thread=1, reply_to=1)
    quote = _msg(6, 1, 20, reply_to=2)  # a quote-reply to `other`
    late = _msg(7, 1, 20 + 13 * 60)
    mine_root = _msg(8, 1, 30, thread=8)
    data = PersonData(1, "me", (), [first, third, quote, late, mine_root],
                      [root, other, second], [], [], {1: "me", 2: "a", 3: "b"})
    t = rhythm.Threads(data)
    assert t.answered(first) == root
    assert t.answered(third) == second
    assert t.answered(quote) == other
    assert t.answered(late) is None
    assert t.answered(mine_root) is None
    delays = rhythm.reply_delays(t, data.own, frozenset())
    assert [(m.uid, d) for m, _, d in delays] == [(3, 300.0), (5, 180.0), (6, 1140.0)]


def test_fluid_irc_most_active(run: Runner, home: Path) -> None:
    root = shared_path("data", "irc-fluid-project")
    res = run("ingest", "--tz", "UTC", str(root / "fluid-tech"), str(root / "fluid-design"))
    assert res.exit_code == 0, res.output
    db: sqlite3.Connection = connect(home / "corpus.db")
    pid = db.execute(
        "SELECT i.person_id FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE m.kind = 'message' GROUP BY i.person_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    data = load_person(db, pid)
    out = rhythm.analyze(data, "en")
    keys = {c.key for c in out.claims}
    assert {"hours", "weekdays", "latency"} <= keys
    latency = _claim(out, "latency").prediction
    assert latency is not None and latency.params["hi_s"] < 3600  # IRC answers come quickly
    hours = _claim(out, "hours").prediction
    assert hours is not None and len(hours.params["hours"]) <= 12  # a working day, in UTC
