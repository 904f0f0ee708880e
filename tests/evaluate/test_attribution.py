"""Attribution on a synthetic team where the answer is known; determinism; the baseline is
scored on the same batches."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from colleague.analyze.model import Msg, PersonData
from colleague.evaluate.attribution import attribute
from colleague.evaluate.split import MsgContext

START = datetime(2021, 1, 4, tzinfo=UTC)
COMMON = ["the", "a", "we", "it", "is", "to", "of", "and", "for", "on", "this", "that", "build", "test", "deploy", "review", "fix"]
# Each writer: favourite words, a habit, active hours, a channel.
STYLE = {
    1: (["kafka", "partition", "lag", "consumer"], "!", 9, 1),
    2: (["css", "layout", "button", "colour"], "...", 14, 2),
    3: (["invoice", "budget", "quarter", "forecast"], " :)", 20, 1),
    4: (["kernel", "driver", "patch", "mips"], "?", 3, 3),
}


def _msgs(pid: int, n: int, rng: random.Random, offset: int) -> list[Msg]:
    words, habit, hour, conv = STYLE[pid]
    out = []
    for i in range(n):
        toks = [rng.choice(words if rng.random() < 0.3 else COMMON)
                for _ in range(rng.randint(4, 12))]
        ts = START + timedelta(days=offset + i, hours=hour + rng.randint(-1, 1))
        out.append(Msg(uid=pid * 100_000 + offset + i, ts=ts, text=" ".join(toks) + habit,
                       author=pid, conversation=conv, conversation_name=f"c{conv}",
                       platform="test"))
    return out


def _team(build_n: int = 140, held_n: int = 60) -> tuple[dict[int, PersonData], dict[int, list[Msg]]]:
    rng = random.Random(7)  # fixture data only; attribution itself has no randomness
    build, held = {}, {}
    for pid in STYLE:
        own = _msgs(pid, build_n, rng, 0)
        build[pid] = PersonData(pid, f"p{pid}", (), own, [], [], [], {pid: f"p{pid}"})
        held[pid] = _msgs(pid, held_n, rng, 1000)
    return build, held


def test_known_writers_are_found() -> None:
    build, held = _team()
    res = attribute(build, held)
    assert res.counts == {"1": 240, "5": 48, "20": 12}
    assert res.overall["20"] == 1.0 and res.overall["5"] == 1.0
    assert res.overall["1"] >= 0.9
    assert set(res.per_person) == {1, 2, 3, 4}
    assert all(acc["20"] == 1.0 for acc in res.per_person.values())
    assert 0.0 <= res.baseline["1"] <= 1.0
    assert set(res.weights) == {"1", "5", "20"}
    assert set(res.weights["20"]) >= {"words", "chars", "hours", "venue", "prior"}
    assert res.recency in (0.0, 0.25, 0.5, 1.0)


def test_text_alone_beats_the_baseline_on_the_same_batches() -> None:
    # Same hours, same channel: only the wording tells people apart.
    build, held = _team()
    flat = {
        pid: [Msg(m.uid, START, m.text, m.author, 1, "c1", "test") for m in msgs]
        for pid, msgs in held.items()
    }
    res = attribute(build, flat)
    assert res.counts == {"1": 240, "5": 48, "20": 12}
    # The baseline saw the same batches: per person, both have a figure for every size.
    assert set(res.baseline_per_person) == set(res.per_person)
    for pid in res.per_person:
        assert set(res.baseline_per_person[pid]) == set(res.per_person[pid]) == {"1", "5", "20"}
    assert res.overall["1"] >= res.baseline["1"]
    assert res.overall["20"] == 1.0


def test_deterministic() -> None:
    a = attribute(*_team(60, 25))
    b = attribute(*_team(60, 25))
    assert a == b


def test_short_heldout_and_candidates_only() -> None:
    build, held = _team(60, 7)
    held.pop(4)  # person 4 is a candidate but has nothing held out
    res = attribute(build, held, batch_sizes=(1, 5, 20))
    assert res.counts == {"1": 21, "5": 3, "20": 0}
    assert res.per_person[4] == {"1": None, "5": None, "20": None}
    assert res.per_person[1]["20"] is None and res.overall["20"] == 0.0


def test_empty() -> None:
    res = attribute({}, {})
    assert res.counts == {"1": 0, "5": 0, "20": 0} and res.overall["1"] == 0.0


def test_previous_writer_is_not_used() -> None:
    # In a run of one person's consecutive held-out messages the previous writer is usually
    # that person: the label. Feeding it as context must change nothing.
    rng = random.Random(11)

    def msgs(pid: int, n: int, offset: int) -> list[Msg]:
        return [Msg(uid=pid * 100_000 + offset + i, ts=START + timedelta(days=offset + i),
                    text=" ".join(rng.choice(COMMON) for _ in range(8)), author=pid,
                    conversation=1, conversation_name="c1", platform="test")
                for i in range(n)]

    build = {p: PersonData(p, f"p{p}", (), msgs(p, 150, 0), [], [], [], {}) for p in (1, 2, 3)}
    held = {p: msgs(p, 60, 1000) for p in (1, 2)}
    leak = {m.uid: MsgContext(previous=m.author)
            for ms in [*(d.own for d in build.values()), *held.values()] for m in ms}
    assert attribute(build, held, context=leak).overall == attribute(build, held).overall


def test_centroid_terms_are_cosines() -> None:
    """The centroid terms are true cosines: 1 for a message equal to a one-message profile,
    0 for a message sharing nothing with it, whatever the message's length."""
    import numpy as np

    from colleague.evaluate._tfidf import tfidf_scores as _tfidf_scores

    build = [["deploy", "the", "cluster"], ["lunch", "anyone", "?"]]
    owner = np.array([0, 1])
    msgs = [["deploy", "the", "cluster"], ["deploy", "the", "cluster"] * 3, ["nothing", "known"]]
    dots, norms = _tfidf_scores(build, owner, msgs, 2)
    cos = dots / norms[:, None]
    assert np.allclose(cos[0], [1.0, 0.0]) and np.allclose(cos[1], [1.0, 0.0])
    assert np.allclose(cos[2], [0.0, 0.0])
    assert np.isclose(dots[1, 0], 3 * dots[0, 0])  # the baseline's raw dot grows with the message


def test_weights_cover_the_centroid_terms() -> None:
    res = attribute(*_team())
    assert {"char_cosine", "word_cosine"} <= set(res.weights["5"])
