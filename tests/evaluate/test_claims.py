"""Each prediction checker on hand-made held-out data: hit, partial, miss, undecidable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from colleague.analyze.model import Claim, Msg, PersonData, Prediction
from colleague.evaluate.claims import (
    CHECKERS,
    ClaimReport,
    HeldOut,
    Tally,
    check_claims,
    judge,
)

ME, BOB, CAROL = 1, 2, 3
T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)  # a Monday


def msg(uid: int, text: str, *, author: int = ME, at: datetime | None = None,
        conv: int = 1, reply_to: int | None = None, platform: str = "slack",
        mentions: tuple[int, ...] = ()) -> Msg:
    return Msg(uid=uid, ts=at if at is not None else T0 + timedelta(minutes=uid), text=text,
               author=author, conversation=conv, conversation_name="general", platform=platform,
               reply_to=reply_to, mentions=mentions)


def held(own: list[Msg], context: list[Msg] | None = None, build: int = 0) -> HeldOut:
    data = PersonData(person_id=ME, name="Me", aliases=("me",), own=own, context=context or [],
                      baseline=[], documents=[], people={ME: "Me", BOB: "Bob", CAROL: "Carol"})
    return HeldOut(data, build_messages=build)


def texts(*parts: tuple[str, int]) -> list[Msg]:
    """Messages from (text, how many) pairs, numbered in order."""
    out: list[Msg] = []
    for text, n in parts:
        out += [msg(len(out) + i + 1, text) for i in range(n)]
    return out


def outcome(kind: str, params: dict, h: HeldOut) -> str:
    return CHECKERS[kind](params, h).outcome


def test_every_kind_the_analyzers_emit_has_a_checker() -> None:
    import re
    from pathlib import Path

    import colleague.analyze as pkg

    emitted = set()
    for path in Path(pkg.__path__[0]).glob("*.py"):
        emitted |= set(re.findall(r'Prediction\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert emitted >= {"phrase_rate", "term_mentioned", "rule_restated", "active_hours",
                       "active_weekdays", "length_range", "rate_range", "latency_range",
                       "counterpart"}
    assert emitted <= set(CHECKERS)


# -- phrase_rate ------------------------------------------------------------------------------


def test_phrase_rate() -> None:
    p = {"phrase": "lgtm", "min_rate": 0.2, "team_rate": 0.02}
    assert outcome("phrase_rate", p, held(texts(("LGTM, ship it", 10), ("ok", 30)))) == "hit"
    assert outcome("phrase_rate", p, held(texts(("LGTM", 3), ("ok", 37)))) == "partial"
    assert outcome("phrase_rate", p, held(texts(("ok", 40)))) == "miss"
    assert outcome("phrase_rate", p, held(texts(("LGTM", 10), ("ok", 10)))) == "undecidable"
    # Word boundaries: "lgtm" inside another word does not count.
    assert outcome("phrase_rate", p, held(texts(("xlgtmx", 40)))) == "miss"


def test_phrase_rate_positions_and_plain_substrings() -> None:
    start = {"phrase": "ok", "min_rate": 0.5, "position": "start"}
    assert outcome("phrase_rate", start, held(texts(("ok, done", 30)))) == "hit"
    assert outcome("phrase_rate", start, held(texts(("done, ok", 30)))) == "miss"
    dec = {"phrase": "同意", "min_rate": 0.1, "ignore_case": True}
    assert outcome("phrase_rate", dec, held(texts(("我同意这个方案", 5), ("收到", 25)))) == "hit"


# -- term_mentioned ---------------------------------------------------------------------------


def test_term_mentioned() -> None:
    p = {"terms": ["redis"], "min_count": 1, "rate": 0.3, "baseline_rate": 0.1}  # bar 0.2
    assert outcome("term_mentioned", p, held(texts(("Redis is slow", 10), ("ok", 30)))) == "hit"
    assert outcome("term_mentioned", p, held(texts(("redis again", 2), ("ok", 38)))) == "partial"
    assert outcome("term_mentioned", p, held(texts(("rediscover it", 5), ("ok", 35)))) == "miss"
    assert outcome("term_mentioned", p, held(texts(("redis", 20)))) == "undecidable"
    # A rate so low that not one mention is expected in the held-out part: cannot tell.
    rare = {"terms": ["redis"], "min_count": 1, "rate": 0.01, "baseline_rate": 0.0}
    assert outcome("term_mentioned", rare, held(texts(("ok", 40)))) == "undecidable"
    # No rate: any mention is a hit.
    plain = {"terms": ["payment-gateway", "支付网关"], "min_count": 1}
    assert outcome("term_mentioned", plain, held(texts(("查一下支付网关", 1), ("ok", 39)))) == "hit"


def test_term_mentioned_scopes_count_commits_only() -> None:
    commits = [msg(i, "feat(parser): more", platform="git") for i in range(1, 16)]
    commits += [msg(i, "fix(core): less", platform="git") for i in range(16, 31)]
    chat = [msg(i, "chat", platform="slack") for i in range(31, 100)]
    p = {"terms": ["parser"], "min_count": 1, "rate": 0.6}  # bar 0.3 of commits
    assert outcome("term_mentioned", p, held(commits + chat)) == "hit"
    others = [msg(i, "fix(core): less", platform="git") for i in range(200, 230)]
    assert outcome("term_mentioned", p, held(others + chat)) == "miss"
    assert outcome("term_mentioned", p, held(commits[15:] + chat)) == "undecidable"  # 15 commits


# -- rule_restated ----------------------------------------------------------------------------


def test_rule_restated() -> None:
    p = {"keywords": ["rollback", "plan", "deploy", "prod"], "min_count": 1, "count": 5}
    rule = ("every prod deploy needs a rollback plan", 1)
    assert outcome("rule_restated", p, held(texts(rule, ("ok", 39)), build=100)) == "hit"
    apart = texts(("the rollback worked", 1), ("deploy is done", 1), ("ok", 38))
    assert outcome("rule_restated", p, held(apart, build=100)) == "partial"
    assert outcome("rule_restated", p, held(texts(("ok", 40)), build=100)) == "miss"
    # Stated once in 1,000 build messages: 40 held-out messages cannot show it again.
    once = dict(p, count=1)
    assert outcome("rule_restated", once, held(texts(("ok", 40)), build=1000)) == "undecidable"


# -- rhythm -----------------------------------------------------------------------------------


def _at_hours(hours: list[int], day: datetime = T0) -> list[Msg]:
    return [msg(i + 1, "x", at=day.replace(hour=h) + timedelta(days=i // 24))
            for i, h in enumerate(hours)]


def test_active_hours() -> None:
    p = {"hours": [9, 10, 11, 12, 13, 14, 15, 16, 17], "min_share": 0.8}
    assert outcome("active_hours", p, held(_at_hours([10] * 30 + [22] * 5))) == "hit"
    assert outcome("active_hours", p, held(_at_hours([10] * 20 + [22] * 15))) == "partial"
    assert outcome("active_hours", p, held(_at_hours([10] * 5 + [22] * 30))) == "miss"
    assert outcome("active_hours", p, held(_at_hours([10] * 10))) == "undecidable"


def test_active_weekdays() -> None:
    p = {"days": [0, 1, 2, 3, 4], "min_share": 0.9}
    weekday = [msg(i, "x", at=T0 + timedelta(days=i % 5)) for i in range(1, 31)]  # Mon-Fri
    weekend = [msg(100 + i, "x", at=T0 + timedelta(days=5 + i % 2)) for i in range(1, 11)]
    assert outcome("active_weekdays", p, held(weekday)) == "hit"
    assert outcome("active_weekdays", p, held(weekday + weekend)) == "partial"  # 75% > 5/7
    assert outcome("active_weekdays", p, held(weekday[:10] + weekend * 2)) == "miss"
    assert outcome("active_weekdays", p, held(weekday[:20])) == "undecidable"


def _exchanges(delay_s: float, n: int, asker: int = BOB, start_uid: int = 1) -> tuple[list[Msg], list[Msg]]:
    """n questions by `asker`, each explicitly answered by the subject `delay_s` later."""
    own, ctx = [], []
    for i in range(n):
        q_at = T0 + timedelta(hours=2 * i)
        qid = start_uid + 2 * i
        ctx.append(msg(qid, f"@Me question {i}?", author=asker, at=q_at, mentions=(ME,)))
        own.append(msg(qid + 1, f"answer {i}", at=q_at + timedelta(seconds=delay_s), reply_to=qid))
    return own, ctx


def test_latency_range_rhythm_and_social() -> None:
    rhythm_p = {"lo_s": 60.0, "hi_s": 600.0}
    social_p = {"lo_s": 60.0, "hi_s": 600.0, "venue": "chat"}
    for p in (rhythm_p, social_p):
        assert outcome("latency_range", p, held(*_exchanges(300, 12))) == "hit"
        assert outcome("latency_range", p, held(*_exchanges(800, 12))) == "partial"
        assert outcome("latency_range", p, held(*_exchanges(3000, 12))) == "miss"
        assert outcome("latency_range", p, held(*_exchanges(300, 5))) == "undecidable"
    # Mail claims time mail only: chat answers leave them undecidable.
    assert outcome("latency_range", dict(social_p, venue="mail"), held(*_exchanges(300, 12))) \
        == "undecidable"
    # Per counterpart: only that person's questions count.
    own_b, ctx_b = _exchanges(300, 12, BOB)
    own_c, ctx_c = _exchanges(3000, 12, CAROL, start_uid=1000)
    both = held(own_b + own_c, ctx_b + ctx_c)
    assert outcome("latency_range", dict(social_p, counterpart=BOB), both) == "hit"
    assert outcome("latency_range", dict(social_p, counterpart=CAROL), both) == "miss"


def test_counterpart() -> None:
    own_b, ctx_b = _exchanges(60, 12, BOB)
    own_c, ctx_c = _exchanges(60, 3, CAROL, start_uid=1000)
    h = held(own_b + own_c, ctx_b + ctx_c)
    assert outcome("counterpart", {"person": BOB, "top": 5}, h) == "hit"
    assert outcome("counterpart", {"person": CAROL, "top": 1}, h) == "partial"  # #2, within 2×1
    assert outcome("counterpart", {"person": 99, "top": 5}, h) == "miss"
    assert outcome("counterpart", {"person": BOB, "top": 5}, held(*_exchanges(60, 4))) == "undecidable"


# -- length and habits ------------------------------------------------------------------------


def test_length_range() -> None:
    p = {"lo": 5.0, "hi": 20.0}
    assert outcome("length_range", p, held(texts(("x" * 10, 30)))) == "hit"
    assert outcome("length_range", p, held(texts(("x" * 25, 30)))) == "partial"  # ≤ 20 × 1.5
    assert outcome("length_range", p, held(texts(("x" * 200, 30)))) == "miss"
    assert outcome("length_range", p, held(texts(("x" * 10, 29)))) == "undecidable"


def test_length_range_to_a_counterpart() -> None:
    own_b, ctx_b = _exchanges(60, 16, BOB)  # answers "answer N": 8-9 characters
    p = {"lo": 0.0, "hi": 12.0, "counterpart": BOB}
    assert outcome("length_range", p, held(own_b, ctx_b)) == "hit"
    assert outcome("length_range", dict(p, lo=100.0, hi=1e9), held(own_b, ctx_b)) == "miss"
    assert outcome("length_range", p, held(own_b[:10], ctx_b[:10])) == "undecidable"


def test_rate_range() -> None:
    p = {"feature": "exclaim", "lo": 0.3, "hi": 1.0}
    assert outcome("rate_range", p, held(texts(("done!", 20), ("done", 20)))) == "hit"
    assert outcome("rate_range", p, held(texts(("done!", 9), ("done", 31)))) == "partial"  # ≥ 0.3/1.5
    assert outcome("rate_range", p, held(texts(("done!", 5), ("done", 35)))) == "miss"
    assert outcome("rate_range", p, held(texts(("done", 40)))) == "miss"
    assert outcome("rate_range", p, held(texts(("done!", 20)))) == "undecidable"
    # A habit that applies to Chinese messages only counts those.
    hw = {"feature": "halfwidth_zh", "lo": 0.5, "hi": 1.0}
    assert outcome("rate_range", hw, held(texts(("好的,收到", 30), ("fine, ok", 30)))) == "hit"
    assert outcome("rate_range", hw, held(texts(("好的,收到", 10), ("fine, ok", 50)))) \
        == "undecidable"


def test_rate_range_to_a_counterpart_uses_the_tone_features() -> None:
    own, ctx = _exchanges(60, 16, BOB)
    polite = [Msg(m.uid, m.ts, "thanks, " + m.text, m.author, m.conversation,
                  m.conversation_name, m.platform, m.reply_to) for m in own]
    p = {"feature": "polite", "lo": 0.5, "hi": 1.0, "counterpart": BOB}
    assert outcome("rate_range", p, held(polite, ctx)) == "hit"
    assert outcome("rate_range", p, held(own, ctx)) == "miss"


# -- aggregation ------------------------------------------------------------------------------


def test_report_counts_sections_and_rates() -> None:
    h = held(texts(("LGTM", 10), ("ok", 30)))
    claims = [
        Claim("persona.expression", "says LGTM", [], Prediction("phrase_rate",
              {"phrase": "lgtm", "min_rate": 0.2}), key="a"),
        Claim("persona.expression", "says nope", [], Prediction("phrase_rate",
              {"phrase": "nope", "min_rate": 0.2}), key="b"),
        Claim("persona.expression", "says ok", [], Prediction("phrase_rate",
              {"phrase": "ok", "min_rate": 0.9}), key="c"),  # 0.75: partial (floor 0.45)
        Claim("persona.examples", "an example", [], None, key="d"),
        Claim("persona.rhythm", "odd", [], Prediction("tea_time", {}), key="e"),
        Claim("persona.rhythm", "hours", [], Prediction("active_hours",
              {"hours": [10], "min_share": 0.5}), key="f"),
    ]
    r = check_claims(claims, h)
    expr = r.by_section["persona.expression"]
    assert (expr.hit, expr.partial, expr.miss) == (1, 1, 1)
    assert expr.hit_rate == pytest.approx(0.5)
    assert r.by_section["persona.examples"].no_prediction == 1
    assert r.by_section["persona.rhythm"].unchecked == 1
    assert r.overall.hit_rate == pytest.approx((2 + 0.5) / 4)
    assert r.overall.undecidable_share == 0.0
    assert r.by_kind["phrase_rate"].decidable == 3
    js = r.as_json()
    assert js["overall"]["no_prediction"] == 1 and js["sections"]["persona.expression"]["hit"] == 1
    merged = ClaimReport()
    merged.merge(r)
    merged.merge(r)
    assert merged.overall.hit == 2 * r.overall.hit
    assert judge(claims[3], h).outcome == "no_prediction"


def test_empty_tally_has_no_rate() -> None:
    assert Tally().hit_rate is None and Tally().undecidable_share is None
