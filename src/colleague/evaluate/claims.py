"""Claim hit rate: judge each claim's `Prediction` against the subject's held-out messages.

Every analyzer claim may carry a prediction about messages the Skill never saw (see
`analyze.model.Prediction` and each analyzer's docstring). One checker per prediction kind, in
`CHECKERS`, measures exactly what the prediction promises — with the analyzers' own measures
where they have one (`style.phrase_share`, `style.feature_share`, `social.features`,
`social.reply_pairs`, `rhythm.reply_delays`) — and says:

- **hit**: the promise holds;
- **partial**: the right direction, short of the threshold (each kind below says how);
- **miss**: it does not hold;
- **undecidable**: too little held-out data to tell.

Minimums and partial rules per kind:

=================  =========================================  =============================================
kind               decidable when                             partial when
=================  =========================================  =============================================
phrase_rate        ≥ 30 held-out messages                     used, below `min_rate`, above the team's rate
                                                              (`team_rate`; else half of `min_rate`)
term_mentioned     ≥ 30 messages (git commits for scopes) and mentioned, but below the bar: halfway between
                   ≥ 1 mention expected at the stated rate    `baseline_rate` and `rate` (half `rate` with no
                                                              baseline); no bar without a rate
rule_restated      ≥ 30 messages and ≥ 1 restatement          half the keywords (≥ 2) come back, but never
                   expected at the build rate                 ≥ 2 of them in one message
active_hours       ≥ 30 timestamped messages                  share in those hours below `min_share` but
active_weekdays                                               above a uniform spread (hours/24, days/7)
length_range       ≥ 30 messages (≥ 15 to the counterpart)    median outside, within ×1.5 of the range
rate_range         ≥ 30 messages the habit applies to         share outside, within ×1.5 of the low edge (or
                   (≥ 15 to the counterpart)                  of the high edge's complement, 1 − hi)
latency_range      ≥ 10 timed replies (same pairing and       median outside, within ×1.5 of the range
                   venue/counterpart as the claim)
counterpart        ≥ 10 held-out answers by the subject       ranked below `top` but within 2 × `top`
=================  =========================================  =============================================

A message "restates" a rule when its content tokens (`work_common.content_tokens`) hold at
least half the rule's keywords and at least two of them. A term is "mentioned" as a whole word
(case-insensitive; on word boundaries where it starts or ends with a Latin letter or digit).

hit rate = (hit + 0.5 · partial) / decidable; claims without a prediction are counted as
"no prediction" and left out of the rate, as are kinds no checker knows ("unchecked").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median
from typing import Any, Literal

from colleague.analyze import rhythm, social, style
from colleague.analyze.model import Claim, Msg, PersonData
from colleague.analyze.work_common import content_tokens

Outcome = Literal["hit", "partial", "miss", "undecidable"]
OUTCOMES: tuple[Outcome, ...] = ("hit", "partial", "miss", "undecidable")

MIN_TEXTS = 30  # held-out messages before a rate or a median says anything
MIN_TIMED = 30  # timestamped held-out messages for hours and weekdays
MIN_PAIRS = 10  # timed replies for a latency
MIN_REPLIES = 10  # answers by the subject before ranking counterparts
MIN_TONE = 15  # messages to one counterpart (social.TONE_MIN)
MIN_EXPECTED = 1.0  # occurrences expected at the stated rate for counts to mean anything
NEAR = 1.5  # lengths and latencies: within this factor of the range is "partial"


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    observed: float | None = None  # the measured value (a share, a median, a rank …)
    n: int = 0  # held-out units it was measured on (messages, pairs, answers)


@dataclass
class HeldOut:
    """What the checks read: the subject's held-out messages (`data.own`, oldest first) and
    the others' messages of the same period around them (`data.context`, for who answers
    whom and how fast). `build_messages` is the size of the build part (for expected counts)."""

    data: PersonData
    build_messages: int = 0

    @cached_property
    def texts(self) -> list[str]:
        return [m.text for m in self.data.own if m.text.strip()]

    @cached_property
    def structure(self) -> social.Structure:
        return social.build_structure(self.data)

    @cached_property
    def pairs(self) -> list[social.Pair]:
        s = self.structure
        return [x for x in social.reply_pairs(self.data, s) if s.asked_of_subject(x.asked, x.answer)]

    @cached_property
    def tokens(self) -> list[frozenset[str]]:
        return [frozenset(content_tokens(t)) for t in self.texts]

    def to(self, person: int) -> list[Msg]:
        """Own held-out messages answering or mentioning `person` (as the tone claims count)."""
        s = self.structure
        return [m for m in self.data.own
                if s.answered(m) == person or person in s.own_mentions.get(m.uid, ())]


Checker = Callable[[dict[str, Any], HeldOut], Judgement]
CHECKERS: dict[str, Checker] = {}


def checker(kind: str) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        CHECKERS[kind] = fn
        return fn
    return register


def _undecidable(n: int = 0) -> Judgement:
    return Judgement("undecidable", None, n)


def _in_range(value: float, lo: float, hi: float, near: Callable[[float], bool], n: int) -> Judgement:
    if lo <= value <= hi:
        return Judgement("hit", value, n)
    return Judgement("partial" if near(value) else "miss", value, n)


def _near_factor(lo: float, hi: float) -> Callable[[float], bool]:
    return lambda v: lo / NEAR <= v <= hi * NEAR


# -- expression -------------------------------------------------------------------------------


@checker("phrase_rate")
def check_phrase_rate(p: dict[str, Any], h: HeldOut) -> Judgement:
    texts = h.texts
    if len(texts) < MIN_TEXTS:
        return _undecidable(len(texts))
    phrase, bar = str(p["phrase"]), float(p["min_rate"])
    if p.get("ignore_case"):  # decisions: a plain case-insensitive substring
        low = phrase.lower()
        share = sum(low in t.lower() for t in texts) / len(texts)
    else:
        share = style.phrase_share(phrase, texts, p.get("position"))
    if share >= bar:
        return Judgement("hit", share, len(texts))
    floor = float(p["team_rate"]) if "team_rate" in p else bar / 2
    return Judgement("partial" if share > 0 and share >= floor else "miss", share, len(texts))


@checker("length_range")
def check_length_range(p: dict[str, Any], h: HeldOut) -> Judgement:
    lo, hi = float(p["lo"]), float(p["hi"])
    if "counterpart" in p:
        lens = [social.features(m).length for m in h.to(int(p["counterpart"]))]
        need = MIN_TONE
    else:
        lens = [len(t.strip()) for t in h.texts]
        need = MIN_TEXTS
    if len(lens) < need:
        return _undecidable(len(lens))
    return _in_range(float(median(lens)), lo, hi, _near_factor(lo, hi), len(lens))


@checker("rate_range")
def check_rate_range(p: dict[str, Any], h: HeldOut) -> Judgement:
    lo, hi = float(p["lo"]), float(p["hi"])
    feature = str(p["feature"])
    if "counterpart" in p:
        mine = h.to(int(p["counterpart"]))
        if len(mine) < MIN_TONE:
            return _undecidable(len(mine))
        n = len(mine)
        share = sum(bool(getattr(social.features(m), feature)) for m in mine) / n
    else:
        applies = [t for t in h.texts if style.feature_share(feature, [t]) is not None]
        n = len(applies)
        if n < MIN_TEXTS:
            return _undecidable(n)
        share = style.feature_share(feature, applies) or 0.0
    # Near: within ×1.5 of the low edge, or of the high edge counted from 1 (the complement).
    return _in_range(share, lo, hi, lambda v: lo / NEAR <= v <= 1 - (1 - hi) / NEAR, n)


# -- work ---------------------------------------------------------------------------------------


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    alts = []
    for t in sorted({str(t).lower() for t in terms if str(t).strip()}, key=lambda t: (-len(t), t)):
        head = r"(?<![a-z0-9_])" if re.match(r"[a-z0-9]", t[:1]) else ""
        tail = r"(?![a-z0-9_])" if re.match(r"[a-z0-9]", t[-1:]) else ""
        alts.append(head + re.escape(t) + tail)
    return re.compile("|".join(alts) or r"(?!x)x")


def _expected(rate: float, n: int) -> bool:
    return rate * n >= MIN_EXPECTED


@checker("term_mentioned")
def check_term_mentioned(p: dict[str, Any], h: HeldOut) -> Judgement:
    terms = list(p.get("terms") or [])
    rate = p.get("rate")
    scope = rate is not None and "baseline_rate" not in p and "context" not in p
    # Commit scopes state their rate over commits; everything else over all messages.
    texts = ([m.text for m in h.data.own if m.platform == "git" and m.text.strip()]
             if scope else h.texts)
    n = len(texts)
    if n < MIN_TEXTS or (rate is not None and not _expected(float(rate), n)):
        return _undecidable(n)
    pat = _term_pattern(terms)
    count = sum(1 for t in texts if pat.search(t.lower()))
    share = count / n
    if count == 0:
        return Judgement("miss", share, n)
    bar = None
    if rate is not None and p.get("context") != "review":  # review rates are over review messages
        base = p.get("baseline_rate")
        bar = (float(rate) + float(base)) / 2 if base is not None else float(rate) / 2
    if count >= int(p.get("min_count", 1)) and (bar is None or share >= bar):
        return Judgement("hit", share, n)
    return Judgement("partial", share, n)


@checker("rule_restated")
def check_rule_restated(p: dict[str, Any], h: HeldOut) -> Judgement:
    kw = {str(k).lower() for k in p.get("keywords") or []}
    n = len(h.texts)
    count = p.get("count")
    if n < MIN_TEXTS or not kw:
        return _undecidable(n)
    if count is not None and h.build_messages and not _expected(int(count) / h.build_messages, n):
        return _undecidable(n)
    need = max(2, math.ceil(len(kw) / 2)) if len(kw) >= 2 else 1
    restated = sum(1 for toks in h.tokens if len(kw & toks) >= need)
    if restated >= int(p.get("min_count", 1)):
        return Judgement("hit", float(restated), n)
    seen = set().union(*(kw & toks for toks in h.tokens)) if h.tokens else set()
    return Judgement("partial" if len(seen) >= need else "miss", float(restated), n)


# -- rhythm -------------------------------------------------------------------------------------


def _timed(h: HeldOut) -> list[Msg]:
    return [m for m in h.data.own if m.ts is not None]


def _share_in(values: Sequence[int], chosen: set[int], p: dict[str, Any], uniform: float) -> Judgement:
    n = len(values)
    if n < MIN_TIMED:
        return _undecidable(n)
    share = sum(v in chosen for v in values) / n
    bar = float(p.get("min_share", 0.0))
    if share >= bar:
        return Judgement("hit", share, n)
    return Judgement("partial" if share > uniform else "miss", share, n)


@checker("active_hours")
def check_active_hours(p: dict[str, Any], h: HeldOut) -> Judgement:
    hours = {int(x) for x in p["hours"]}
    return _share_in([m.ts.hour for m in _timed(h) if m.ts], hours, p, len(hours) / 24)


@checker("active_weekdays")
def check_active_weekdays(p: dict[str, Any], h: HeldOut) -> Judgement:
    days = {int(x) for x in p["days"]}
    return _share_in([m.ts.weekday() for m in _timed(h) if m.ts], days, p, len(days) / 7)


@checker("latency_range")
def check_latency_range(p: dict[str, Any], h: HeldOut) -> Judgement:
    lo, hi = float(p["lo_s"]), float(p["hi_s"])
    if "venue" in p:  # social: answers to people who addressed them, by venue (and person)
        pairs = [x for x in h.pairs if (x.venue == "mail") == (p["venue"] == "mail")]
        if "counterpart" in p:
            pairs = [x for x in pairs if x.asked.author == int(p["counterpart"])]
        delays = [x.seconds for x in pairs]
    else:  # rhythm: any answer within its window, bots left out
        threads = rhythm.Threads(h.data)
        delays = [d for _, _, d in rhythm.reply_delays(threads, h.data.own, h.data.bots)]
    if len(delays) < MIN_PAIRS:
        return _undecidable(len(delays))
    return _in_range(float(median(delays)), lo, hi, _near_factor(max(lo, 1.0), hi), len(delays))


# -- interpersonal ------------------------------------------------------------------------------


@checker("counterpart")
def check_counterpart(p: dict[str, Any], h: HeldOut) -> Judgement:
    s = h.structure
    answers = sum(1 for m in h.data.own if s.answered(m) is not None)
    if answers < MIN_REPLIES:
        return _undecidable(answers)
    # How social ranks counterparts (its tally is private: the same score, rebuilt here).
    tallies = social._tallies(h.data, s)
    ranked = sorted((q for q, x in tallies.items() if x.exchanges), key=lambda q: (-tallies[q].score, q))
    person, top = int(p["person"]), int(p.get("top", social.TOP))
    rank = ranked.index(person) + 1 if person in ranked else None
    if rank is not None and rank <= top:
        return Judgement("hit", float(rank), answers)
    if rank is not None and rank <= 2 * top:
        return Judgement("partial", float(rank), answers)
    return Judgement("miss", float(rank) if rank else None, answers)


# -- aggregation --------------------------------------------------------------------------------


@dataclass
class Tally:
    hit: int = 0
    partial: int = 0
    miss: int = 0
    undecidable: int = 0
    no_prediction: int = 0
    unchecked: int = 0  # a prediction kind no checker knows

    @property
    def decidable(self) -> int:
        return self.hit + self.partial + self.miss

    @property
    def predicted(self) -> int:
        return self.decidable + self.undecidable

    @property
    def hit_rate(self) -> float | None:
        return (self.hit + 0.5 * self.partial) / self.decidable if self.decidable else None

    @property
    def undecidable_share(self) -> float | None:
        return self.undecidable / self.predicted if self.predicted else None

    def add(self, other: Tally) -> None:
        for f in ("hit", "partial", "miss", "undecidable", "no_prediction", "unchecked"):
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def as_json(self) -> dict[str, Any]:
        return {"hit": self.hit, "partial": self.partial, "miss": self.miss,
                "undecidable": self.undecidable, "no_prediction": self.no_prediction,
                "unchecked": self.unchecked, "hit_rate": _r(self.hit_rate),
                "undecidable_share": _r(self.undecidable_share)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True)
class ClaimCheck:
    section: str
    key: str
    kind: str | None  # None: the claim carries no prediction
    outcome: str  # hit | partial | miss | undecidable | no_prediction | unchecked
    observed: float | None = None
    n: int = 0


@dataclass
class ClaimReport:
    checks: list[ClaimCheck] = field(default_factory=list)
    overall: Tally = field(default_factory=Tally)
    by_section: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)

    def record(self, c: ClaimCheck) -> None:
        self.checks.append(c)
        for t in (self.overall, self.by_section.setdefault(c.section, Tally()),
                  self.by_kind.setdefault(c.kind or "none", Tally())):
            t.count(c.outcome)

    def merge(self, other: ClaimReport) -> None:
        for c in other.checks:
            self.record(c)

    def as_json(self) -> dict[str, Any]:
        return {"overall": self.overall.as_json(),
                "sections": {s: t.as_json() for s, t in sorted(self.by_section.items())},
                "kinds": {k: t.as_json() for k, t in sorted(self.by_kind.items())}}


def judge(claim: Claim, heldout: HeldOut) -> ClaimCheck:
    pred = claim.prediction
    if pred is None:
        return ClaimCheck(claim.section, claim.key, None, "no_prediction")
    fn = CHECKERS.get(pred.kind)
    if fn is None:
        return ClaimCheck(claim.section, claim.key, pred.kind, "unchecked")
    j = fn(pred.params, heldout)
    return ClaimCheck(claim.section, claim.key, pred.kind, j.outcome, j.observed, j.n)


def check_claims(claims: Iterable[Claim], heldout: HeldOut) -> ClaimReport:
    """Judge every claim (sorted by section and key, so the report is deterministic)."""
    report = ClaimReport()
    for c in sorted(claims, key=lambda c: (c.section, c.key, c.text)):
        report.record(judge(c, heldout))
    return report


__all__ = ["CHECKERS", "ClaimCheck", "ClaimReport", "HeldOut", "Judgement", "Tally",
           "check_claims", "checker", "judge"]
