"""Expression analyzer: distinctive phrases, length, habits, quoted examples — on the demo team
and one real set."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from colleague.analyze import style
from colleague.analyze.model import AnalyzerResult, Claim, PersonData
from colleague.store import connect
from colleague.store.person_data import load_person

from conftest import Runner, shared_path

NAMES = ["王芳", "李强", "陈静", "张伟", "刘洋", "赵敏"]


@pytest.fixture(scope="module")
def demo(demo_db: sqlite3.Connection) -> sqlite3.Connection:
    return demo_db


@pytest.fixture(scope="module")
def people(demo: sqlite3.Connection) -> dict[str, PersonData]:
    out = {}
    for name in NAMES:
        pid = demo.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
        out[name] = load_person(demo, pid)
    return out


@pytest.fixture(scope="module")
def results(people: dict[str, PersonData]) -> dict[str, AnalyzerResult]:
    return {name: style.analyze(data, "zh") for name, data in people.items()}


def _claim(res: AnalyzerResult, key: str) -> Claim:
    found = [c for c in res.claims if c.key == key]
    assert found, f"no claim {key}: {[c.key for c in res.claims]}"
    return found[0]


def _quoted(data: PersonData, claim: Claim) -> list[str]:
    by_uid = {m.uid: m for m in (*data.own, *data.context)}
    out = []
    for e in claim.evidence:
        if e.span:
            a, b = e.span
            out.append(by_uid[e.uid].text[a:b])
    return out


def test_wang_fang_is_terse_without_emoji(people, results) -> None:  # type: ignore[no-untyped-def]
    res = results["王芳"]
    length = _claim(res, "length")
    assert length.text.startswith("话少")
    p = length.prediction
    assert p is not None and p.kind == "length_range" and p.params["hi"] < 30
    emoji = _claim(res, "habit:emoji:rare")
    assert emoji.prediction is not None and emoji.prediction.params["lo"] == 0.0
    opening = _claim(res, "o:收到")
    assert opening.prediction is not None and opening.prediction.params["position"] == "start"
    assert all(q == "收到" for q in _quoted(people["王芳"], opening))


def test_li_qiang_uses_emoji(people, results) -> None:  # type: ignore[no-untyped-def]
    emoji = _claim(results["李强"], "habit:emoji")
    assert emoji.prediction is not None
    assert emoji.prediction.params["feature"] == "emoji" and emoji.prediction.params["lo"] > 0.3
    assert "🙏" in emoji.text  # the emoji they use most are named
    assert all(style.EMOJI.fullmatch(q) for q in _quoted(people["李强"], emoji))
    _claim(results["李强"], "habit:multi_exclaim")


def test_chen_jing_signs_off(people, results) -> None:  # type: ignore[no-untyped-def]
    data, res = people["陈静"], results["陈静"]
    zh = _claim(res, "c:以上，谢谢")
    en = _claim(res, "c:that's all, thanks")
    for claim, phrase in ((zh, "以上，谢谢"), (en, "That's all, thanks")):
        p = claim.prediction
        assert p is not None and p.kind == "phrase_rate" and p.params["position"] == "end"
        assert p.params["phrase"] == phrase and p.params["team_rate"] < 0.01
        assert p.params["team_rate"] < p.params["min_rate"] < p.params["own_rate"]
        assert 2 <= len(claim.evidence) <= 3
        assert all(q.lower() == phrase.lower() for q in _quoted(data, claim))
        # The stated rate is what the evaluation will measure.
        assert style.phrase_share(phrase, [m.text for m in data.own], "end") == pytest.approx(
            p.params["own_rate"], abs=1e-4)
    assert "以上，谢谢" in zh.text and "26%" in zh.text
    # "谢谢" alone is explained by the sign-off: no separate claim for it.
    assert not [c for c in res.claims if c.key in ("c:谢谢", "p:谢谢", "p:以上")]


def test_zhang_wei_mixes_english(results) -> None:  # type: ignore[no-untyped-def]
    mixed = _claim(results["张伟"], "habit:mixed_zh_en")
    assert "test" in mixed.text or "fix" in mixed.text
    assert mixed.prediction is not None and mixed.prediction.params["lo"] > 0.4


def test_liu_yang_tilde_and_zhao_min_lists(people, results) -> None:  # type: ignore[no-untyped-def]
    tilde = _claim(results["刘洋"], "habit:tilde")
    assert all(q in ("～", "~") for q in _quoted(people["刘洋"], tilde))
    _claim(results["刘洋"], "p:麻烦")
    lists = _claim(results["赵敏"], "habit:numbered_list")
    assert all(q.startswith("1") for q in _quoted(people["赵敏"], lists))
    _claim(results["赵敏"], "c:辛苦了")


def test_habits_belong_to_the_right_people(results) -> None:  # type: ignore[no-untyped-def]
    keys = {name: {c.key for c in res.claims} for name, res in results.items()}
    assert "habit:emoji" not in keys["王芳"] | keys["陈静"]
    assert "habit:tilde" not in keys["王芳"] | keys["陈静"] | keys["李强"]
    assert "habit:mixed_zh_en" not in keys["陈静"] | keys["王芳"]


def test_examples_by_situation(people, results) -> None:  # type: ignore[no-untyped-def]
    zw = [c for c in results["张伟"].claims if c.section == "persona.examples"]
    chased = [c for c in zw if c.key.startswith("chased:")]
    assert 1 <= len(chased) <= 3 and any("快了快了" in c.text for c in chased)
    for c in chased:
        said, asked = c.evidence
        assert said.role == "said" and asked.role == "addressed" and asked.span is not None
    cj = [c for c in results["陈静"].claims if c.key.startswith("disagree:")]
    assert any("不同意" in c.text for c in cj)
    qs = [c for c in results["王芳"].claims if c.key.startswith("question:")]
    assert qs and all(c.text.startswith("回答问题") for c in qs)
    for res in results.values():
        per: dict[str, int] = {}
        for c in res.claims:
            if c.section == "persona.examples":
                per[c.key.split(":")[0]] = per.get(c.key.split(":")[0], 0) + 1
                assert c.prediction is None
        assert per and max(per.values()) <= 3


def test_evidence_belongs_to_the_subject(people, results) -> None:  # type: ignore[no-untyped-def]
    for name, res in results.items():
        data = people[name]
        own = {m.uid: m for m in data.own}
        ctx = {m.uid: m for m in data.context}
        assert {n.section for n in res.notes} == {"persona.expression", "persona.examples"}
        assert all(n.enough for n in res.notes)
        for c in res.claims:
            assert 1 <= len(c.evidence) <= 5 and c.key
            for e in c.evidence:
                msg = own.get(e.uid) if e.role == "said" else ctx.get(e.uid)
                assert msg is not None, (name, c.key)
                assert msg.author == data.person_id if e.role == "said" else \
                    msg.author != data.person_id
                if e.span:
                    a, b = e.span
                    assert 0 <= a < b <= len(msg.text)


def test_deterministic_and_bilingual(people) -> None:  # type: ignore[no-untyped-def]
    data = people["陈静"]
    zh1, zh2 = style.analyze(data, "zh"), style.analyze(data, "zh")
    assert zh1 == zh2
    en = style.analyze(data, "en")
    assert [c.key for c in en.claims] == [c.key for c in zh1.claims]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for z, e in zip(zh1.claims, en.claims, strict=True):
        assert cjk.search(z.text)
        # English output: the template is English; only quotes of the person are Chinese.
        assert cjk.sub("", e.text).strip() and re.match(r"[A-Z]", e.text)
        assert z.evidence == e.evidence and z.prediction == e.prediction


def test_thin_data_makes_no_claim(people) -> None:  # type: ignore[no-untyped-def]
    data = people["王芳"]
    thin = replace(data, own=data.own[:12])
    res = style.analyze(thin, "zh")
    expr = next(n for n in res.notes if n.section == "persona.expression")
    assert not expr.enough and expr.claims == 0
    assert not [c for c in res.claims if c.section == "persona.expression"]
    empty = style.analyze(replace(data, own=[], context=[]), "en")
    assert empty.claims == [] and not any(n.enough for n in empty.notes)


def test_feature_share_matches_predictions(people, results) -> None:  # type: ignore[no-untyped-def]
    texts = [m.text for m in people["刘洋"].own]
    tilde = _claim(results["刘洋"], "habit:tilde").prediction
    assert tilde is not None
    share = style.feature_share("tilde", texts)
    assert share is not None and tilde.params["lo"] < share <= tilde.params["hi"]
    team = style.feature_share("tilde", [m.text for m in people["刘洋"].baseline])
    assert team is not None and team < tilde.params["lo"]


def test_fluid_irc_most_active(run: Runner, home: Path) -> None:
    root = shared_path("data", "irc-fluid-project")
    res = run("ingest", "--tz", "UTC", str(root / "fluid-tech"), str(root / "fluid-design"))
    assert res.exit_code == 0, res.output
    db = connect(home / "corpus.db")
    pid = db.execute(
        "SELECT i.person_id FROM messages m JOIN identities i ON i.id = m.identity_id"
        " WHERE m.kind = 'message' GROUP BY i.person_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    data = load_person(db, pid)
    out = style.analyze(data, "en")
    expr = [c for c in out.claims if c.section == "persona.expression"]
    examples = [c for c in out.claims if c.section == "persona.examples"]
    assert expr and examples
    # Openings they use more than the team (IRC: "thanks …", "ok …").
    assert any(c.key.startswith("o:") for c in expr)
    own = {m.uid for m in data.own}
    ctx = {m.uid for m in data.context}
    for c in out.claims:
        for e in c.evidence:
            assert e.uid in (own if e.role == "said" else ctx)
    # Nobody's nick is a signature phrase.
    nicks = {n.lower() for n in data.people.values()}
    assert not [c for c in expr if c.key.split(":", 1)[1] in nicks]
