"""Rhythm: when a person writes and how fast they answer (section "persona.rhythm").

All times are read in each message's own zone (`Msg.ts` is aware): 09:00 means nine in the
morning where the writer was. Messages without a timestamp are skipped.

Claims
Each claim must hold in each third of their record (`analyze.stability`):
a habit of one period is not a characteristic, and predictions use the lowest third's share.

- **Active hours**: the smallest set of hours of the day holding >= 80% of their messages
  (hours taken busiest first) in each third, the two sets joined, with the share the team's
  baseline puts in the same hours; no claim when that spans more than `MAX_HOURS` hours.
  Prediction `active_hours {"hours": [...], "min_share": m}`: at least a share `m` of held-out
  messages fall in those hours; `m` is halfway between the team's share in them and theirs
  in the third where it is lower (at most 95% of that) — their share counted both on the
  set itself and, out of sample, on the set the *other* two thirds choose (the lower
  counts). No claim when `m` is no more than an even spread over the hours (hours/24).
  Single hours missing between two chosen ones are filled in (a lunch hour does not split
  the day).
- **Early bird / night owl**: share of messages before 08:00 (05:00-07:59) or late (22:00-03:59)
  when it is >= 8%, >= 2x the team's and significant (binomial log-odds z >= 3), and >= 8%
  and >= 2x the team's in each third. Prediction `active_hours {"hours": <that window>,
  "min_share": halfway between the team and the lowest third}`.
- **Weekdays**: the smallest set of weekdays holding >= 80% of their messages in each third,
  joined (Mon-Fri when that lies inside the working week; no claim when it is all seven
  days), plus the weekend share against the team's.
  Prediction `active_weekdays {"days": [...], "min_share": m}` (0 = Monday), `m` halfway
  between the team's share in those days and theirs in the lowest third (out of sample too,
  as for hours); no claim when `m` is no more than an even spread (days/7).
- **Time to reply**: for each of their messages that answers someone else (see `Threads`),
  the delay; claimed with >= 10 such pairs: median and quartiles, compared with how fast the
  others in the same conversations answer one another (same pairing rule, when they have
  >= 10 pairs). Prediction `latency_range {"lo_s", "hi_s"}`: the held-out median delay lies
  in the range — their quartiles, narrowed on the team's side to the geometric middle
  between their median and the team's so the range does not also describe everybody.

Thresholds: >= 20 timestamped messages for the section (else no claims, enough=False);
replies count only within 12 hours of the message answered.

`Threads` (the reply pairing) is shared with the expression analyzer's quoted examples.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from colleague.analyze.model import (
    AnalyzerResult,
    Claim,
    Evidence,
    Lang,
    Msg,
    PersonData,
    Prediction,
    SectionNote,
)
from colleague.analyze.stability import split_half
from colleague.analyze.threads import is_turn, seconds_between, shared

SECTION = "persona.rhythm"
MIN_MESSAGES = 20  # timestamped messages needed before saying anything about rhythm
MIN_PAIRS = 10  # reply pairs needed for a time-to-reply claim
REPLY_WINDOW_S = 12 * 3600  # an answer later than this is not a reply to that message
COVER = 0.8  # the hour/day sets hold this share of their messages
EARLY = (5, 6, 7)  # "before 08:00"
LATE = (22, 23, 0, 1, 2, 3)  # "after 22:00"
WORKWEEK = (0, 1, 2, 3, 4)
MAX_HOURS = 18  # an hour set wider than this says nothing about when they work
DISTINCT = 1.5  # a median this many times the team's (or less) is distinctive
Z_MIN = 3.0  # significance for early/late against the team
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


# ---------------------------------------------------------------------------------------------
# Reply pairing (shared with style.py)


def _key(m: Msg) -> tuple[datetime, int]:
    assert m.ts is not None
    return (m.ts, m.uid)


def _epoch_key(m: Msg) -> tuple[float, int]:
    """The same order as `_key` (epoch is ts.timestamp(), distinct for distinct microseconds),
    compared as floats rather than aware datetimes."""
    assert m.epoch is not None
    return (m.epoch, m.uid)


class Threads:
    """The subject's and their neighbours' messages, stream by stream, to find what each
    message answers.

    A stream is a conversation's main line, or one thread inside it (a message whose
    `thread` is set and is not itself the root). The message a message `m` answers:
    - an explicit reply (its `reply_to` is set and is not just its thread's root) answers
      its parent;
    - otherwise it answers the message just before it in its stream (in a thread, the first
      reply answers the root).
    The answered message must be someone else's, earlier, and within `window_s`.
    """

    @classmethod
    def of(cls, data: PersonData) -> Threads:
        """The shared instance for `data` (style and rhythm both pair replies; see threads.py)."""
        return shared(data, "rhythm.threads", cls)

    def __init__(self, data: PersonData, window_s: float = REPLY_WINDOW_S) -> None:
        self.subject = data.person_id
        self.window_s = window_s
        msgs = [m for m in (*data.own, *data.context) if m.ts is not None]
        self.by_uid: dict[int, Msg] = {m.uid: m for m in msgs}
        streams: dict[tuple[int, int], list[Msg]] = {}
        for m in msgs:
            streams.setdefault(self._stream(m), []).append(m)
        self._prev: dict[int, Msg] = {}
        for key in sorted(streams):
            line = sorted(streams[key], key=_epoch_key)
            for a, b in zip(line, line[1:], strict=False):
                self._prev[b.uid] = a
        self.own_uids = frozenset(m.uid for m in data.own)

    @staticmethod
    def _stream(m: Msg) -> tuple[int, int]:
        in_thread = m.thread is not None and m.thread != m.uid
        return (m.conversation, m.thread if in_thread and m.thread is not None else 0)

    def previous(self, m: Msg) -> Msg | None:
        """The message just before `m` in its stream (the root for a thread's first reply)."""
        prev = self._prev.get(m.uid)
        if prev is None and m.thread is not None and m.thread != m.uid:
            prev = self.by_uid.get(m.thread)
        return prev

    def answered(self, m: Msg) -> Msg | None:
        """The other person's message `m` answers, or None."""
        if m.ts is None or m.thread == m.uid:
            return None  # a thread's root starts something; it answers nothing
        explicit = m.reply_to is not None and m.reply_to != m.thread
        parent = self.by_uid.get(m.reply_to) if explicit and m.reply_to is not None else None
        cand = parent if explicit else (self.previous(m) if is_turn(m) else None)
        if cand is None or cand.ts is None or cand.author == m.author or cand.author is None:
            return None
        delay = seconds_between(cand, m)
        assert delay is not None
        if delay < 0 or delay > self.window_s:
            return None
        return cand

    def addressed_to_subject(self, m: Msg) -> bool:
        """Whether someone else's message `m` was aimed at the subject: it replies to one of
        their messages, mentions them, or follows one of their messages in its stream."""
        if m.author == self.subject:
            return False
        if self.subject in m.mentions:
            return True
        if m.reply_to is not None and m.reply_to in self.own_uids:
            return True
        prev = self.previous(m) if is_turn(m) else None
        return prev is not None and prev.author == self.subject


def reply_delays(threads: Threads, msgs: Iterable[Msg], bots: frozenset[int]) -> list[
    tuple[Msg, Msg, float]
]:
    """(message, the message it answers, delay in seconds) for each of `msgs` that answers
    someone (bots' messages are neither answers nor counted as answered)."""
    out = []
    for m in msgs:
        if m.author in bots:
            continue
        cand = threads.answered(m)
        if cand is None or cand.author in bots:
            continue
        delay = seconds_between(cand, m)
        assert delay is not None
        out.append((m, cand, delay))
    return out


# ---------------------------------------------------------------------------------------------
# Small statistics


def quantile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of sorted `values` (non-empty)."""
    pos = (len(values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def log_odds_z(k1: int, n1: int, k2: int, n2: int, alpha: float = 100.0) -> float:
    """z-score of the difference in log-odds of a share (k1/n1 vs k2/n2): Monroe et al.'s
    weighted log-odds with an informative prior, binomial form. The prior is `alpha`
    pseudo-messages at the pooled rate, each pseudo-count at least 1 — without that floor
    a feature the team never uses (k2 = 0) would look less certain than one it uses a
    little, because the variance term 1/(k2 + prior) explodes."""
    p = (k1 + k2 + 0.5) / (n1 + n2 + 1.0)
    a, b = max(alpha * p, 1.0), max(alpha * (1 - p), 1.0)
    d = math.log((k1 + a) / (n1 - k1 + b)) - math.log((k2 + a) / (n2 - k2 + b))
    var = 1 / (k1 + a) + 1 / (n1 - k1 + b) + 1 / (k2 + a) + 1 / (n2 - k2 + b)
    return d / math.sqrt(var)


def pct(x: float) -> str:
    """A share as a short percentage ("18%", "0.4%", "0%")."""
    if x == 0:
        return "0%"
    if x < 0.01:
        return f"{x * 100:.1f}%"
    return f"{round(x * 100)}%"


def duration(seconds: float, lang: Lang) -> str:
    if seconds < 90:
        n = round(seconds)
        return f"{n} 秒" if lang == "zh" else f"{n} s"
    if seconds < 5400:
        n = round(seconds / 60)
        return f"{n} 分钟" if lang == "zh" else f"{n} min"
    h = seconds / 3600
    txt = f"{h:.1f}".rstrip("0").rstrip(".")
    return f"{txt} 小时" if lang == "zh" else f"{txt} h"


def spread(msgs: Sequence[Msg], k: int) -> list[Msg]:
    """Up to `k` of `msgs` evenly spaced in their order (deterministic)."""
    if len(msgs) <= k:
        return list(msgs)
    if k == 1:
        return [msgs[len(msgs) // 2]]
    return [msgs[round(i * (len(msgs) - 1) / (k - 1))] for i in range(k)]


# ---------------------------------------------------------------------------------------------
# Hours and days


def _bar(team: float, own: float) -> float:
    """The share a prediction asks of held-out messages: halfway between the team's and
    theirs, and never above 95% of theirs (when both are ~100% a held-out week with one
    Saturday message must not fail it)."""
    return round(min((team + own) / 2, 0.95 * own), 3)


def _smallest_cover(counts: Counter[int], total: int, cover: float = COVER) -> list[int]:
    """Fewest keys (busiest first, ties by key) whose counts reach `cover` of `total`."""
    chosen: list[int] = []
    acc = 0
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if acc >= cover * total:
            break
        chosen.append(key)
        acc += n
    return sorted(chosen)


def _fill_gaps(hours: list[int]) -> list[int]:
    """Add single hours missing between two chosen ones (a lunch hour does not split a
    working day into two ranges)."""
    hs = set(hours)
    return sorted(hs | {h for h in range(24) if h not in hs and (h - 1) % 24 in hs
                        and (h + 1) % 24 in hs})


def _hour_ranges(hours: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of hours as (start, end-exclusive), joined across midnight."""
    hs = sorted(set(hours))
    runs: list[list[int]] = []
    for h in hs:
        if runs and runs[-1][1] == h:
            runs[-1][1] = h + 1
        else:
            runs.append([h, h + 1])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == 24:
        first = runs.pop(0)
        runs[-1][1] = first[1]
    return [(a, b % 24) for a, b in runs]


def _fmt_hours(hours: Iterable[int]) -> str:
    return ", ".join(f"{a:02d}:00–{b:02d}:00" for a, b in _hour_ranges(hours))


def _fmt_days(days: Iterable[int], lang: Lang) -> str:
    names = _DAYS_ZH if lang == "zh" else _DAYS_EN
    ds = sorted(set(days))
    runs: list[list[int]] = []
    for d in ds:
        if runs and runs[-1][1] == d - 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    sep = "、" if lang == "zh" else ", "
    return sep.join(names[a] if a == b else f"{names[a]}–{names[b]}" for a, b in runs)


def _hhmm(minutes: float) -> str:
    m = int(minutes) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def _minute_of_day(m: Msg) -> int:
    assert m.ts is not None
    return m.ts.hour * 60 + m.ts.minute


def _stable_cover(own: list[Msg], key: Callable[[Msg], int]) -> list[int]:
    """The keys (hours, weekdays) that cover `COVER` of the messages in each third of the
    record, taken together: a set that holds in both periods, not just over the whole."""
    out: set[int] = set()
    for part in split_half(own):
        out |= set(_smallest_cover(Counter(key(m) for m in part), len(part)))
    return sorted(out)


def _heldout_share(own: list[Msg], key: Callable[[Msg], int], fill: bool = False) -> float:
    """The lowest share, over the thirds, of a third's messages falling in the keys chosen
    from the *other* two thirds: the set's share measured where it was not picked (picking
    the busiest hours and counting on the same messages flatters a thin record)."""
    parts = split_half(own)
    out = 1.0
    for i, part in enumerate(parts):
        keys: set[int] = set()
        for j, other in enumerate(parts):
            if j != i:
                keys |= set(_smallest_cover(Counter(key(m) for m in other), len(other)))
        if fill:
            keys = set(_fill_gaps(sorted(keys)))
        out = min(out, sum(1 for m in part if key(m) in keys) / len(part))
    return out


def _low_share(own: list[Msg], inside: Callable[[Msg], bool]) -> float:
    """The lowest of the thirds' shares of messages for which `inside` holds."""
    return min(sum(1 for m in part if inside(m)) / len(part) for part in split_half(own))


def _hour(m: Msg) -> int:
    assert m.ts is not None
    return m.ts.hour


def _weekday(m: Msg) -> int:
    assert m.ts is not None
    return m.ts.weekday()


def _hours_claims(own: list[Msg], team: list[Msg], lang: Lang) -> list[Claim]:
    hours = Counter(m.ts.hour for m in own if m.ts is not None)
    team_hours = Counter(m.ts.hour for m in team if m.ts is not None)
    n, nt = len(own), sum(team_hours.values())
    chosen = _fill_gaps(_stable_cover(own, _hour))
    share = sum(hours[h] for h in chosen) / n
    low = min(_low_share(own, lambda m: _hour(m) in chosen), _heldout_share(own, _hour, True))
    team_share = sum(team_hours[h] for h in chosen) / nt if nt else None
    in_hours = [m for m in own if m.ts is not None and m.ts.hour in chosen]
    if lang == "zh":
        text = f"活跃时段：{_fmt_hours(chosen)}（{pct(share)} 的消息，当地时间）"
        if team_share is not None:
            text += f"；团队在这些时段的消息占 {pct(team_share)}"
    else:
        text = f"Active hours: {_fmt_hours(chosen)} ({pct(share)} of their messages, local time)"
        if team_share is not None:
            text += f"; the team sends {pct(team_share)} of theirs in those hours"
    base = team_share if team_share is not None else 0.5
    claims = []
    # No claim when busy round the clock across the thirds, or when what the thirds promise
    # of each other is no more than an even spread over the chosen hours.
    if len(chosen) <= MAX_HOURS and _bar(base, low) > len(chosen) / 24:
        claims.append(Claim(
            section=SECTION,
            text=text,
            evidence=[Evidence(m.uid) for m in spread(in_hours, 3)],
            prediction=Prediction(
                "active_hours", {"hours": chosen, "min_share": _bar(base, low)}
            ),
            weight=3.0,
            key="hours",
        ))
    for key, window in (("early", EARLY), ("late", LATE)):
        claim = _window_claim(key, window, own, team, lang)
        if claim:
            claims.append(claim)
    return claims


def _window_claim(
    key: str, window: tuple[int, ...], own: list[Msg], team: list[Msg], lang: Lang
) -> Claim | None:
    inside = [m for m in own if m.ts is not None and m.ts.hour in window]
    k, n = len(inside), len(own)
    kt = sum(1 for m in team if m.ts is not None and m.ts.hour in window)
    nt = sum(1 for m in team if m.ts is not None)
    if not nt or k < 5:
        return None
    share, tshare = k / n, kt / nt
    if share < 0.08 or share < 2 * tshare or log_odds_z(k, n, kt, nt) < Z_MIN:
        return None
    low = _low_share(own, lambda m: _hour(m) in window)
    if low < 0.08 or low < 2 * tshare:  # a late (early) period, not a habit of every third
        return None
    # Shift the day to start at 04:00 so that 01:00 sorts after 23:00.
    shifted = sorted((_minute_of_day(m) - 240) % 1440 for m in own if m.ts is not None)
    if key == "early":
        edge = _hhmm(quantile(shifted, 0.05) + 240)
        text = (
            f"早起型：{pct(share)} 的消息在 08:00 前发出，最早常在 {edge} 前后（团队 {pct(tshare)}）"
            if lang == "zh"
            else f"Early bird: {pct(share)} of their messages are sent before 08:00, the "
            f"earliest around {edge} (the team: {pct(tshare)})"
        )
    else:
        edge = _hhmm(quantile(shifted, 0.95) + 240)
        text = (
            f"夜猫子：{pct(share)} 的消息在 22:00 之后发出，最晚常到 {edge}（团队 {pct(tshare)}）"
            if lang == "zh"
            else f"Night owl: {pct(share)} of their messages are sent after 22:00, often as "
            f"late as {edge} (the team: {pct(tshare)})"
        )
    extreme = sorted(inside, key=lambda m: ((_minute_of_day(m) - 240) % 1440, m.uid))
    picks = extreme[:3] if key == "early" else extreme[-3:]
    return Claim(
        section=SECTION,
        text=text,
        evidence=[Evidence(m.uid) for m in sorted(picks, key=_key)],
        prediction=Prediction(
            "active_hours", {"hours": sorted(window), "min_share": _bar(tshare, low)}
        ),
        weight=2.5,
        key=key,
    )


def _days_claim(own: list[Msg], team: list[Msg], lang: Lang) -> Claim | None:
    days = Counter(m.ts.weekday() for m in own if m.ts is not None)
    team_days = Counter(m.ts.weekday() for m in team if m.ts is not None)
    n, nt = len(own), sum(team_days.values())
    chosen = _stable_cover(own, _weekday)
    if set(chosen) <= set(WORKWEEK):
        chosen = list(WORKWEEK)  # say "Mon–Fri", not "Mon–Wed, Fri"
    if len(chosen) == 7:  # every day across the thirds: no weekly pattern to claim
        return None
    share = sum(days[d] for d in chosen) / n
    low = min(_low_share(own, lambda m: _weekday(m) in chosen), _heldout_share(own, _weekday))
    weekend = (days[5] + days[6]) / n
    tshare = sum(team_days[d] for d in chosen) / nt if nt else None
    tweekend = (team_days[5] + team_days[6]) / nt if nt else None
    if lang == "zh":
        text = f"活跃日：{_fmt_days(chosen, lang)}（{pct(share)} 的消息）；周末 {pct(weekend)}"
        if tweekend is not None:
            text += f"（团队周末 {pct(tweekend)}）"
    else:
        text = (
            f"Active days: {_fmt_days(chosen, lang)} ({pct(share)} of their messages); "
            f"weekends {pct(weekend)}"
        )
        if tweekend is not None:
            text += f" (the team: {pct(tweekend)})"
    base = tshare if tshare is not None else 0.5
    if _bar(base, low) <= len(chosen) / 7:  # no more than an even spread over those days
        return None
    in_days = [m for m in own if m.ts is not None and m.ts.weekday() in chosen]
    return Claim(
        section=SECTION,
        text=text,
        evidence=[Evidence(m.uid) for m in spread(in_days, 3)],
        prediction=Prediction(
            "active_weekdays", {"days": chosen, "min_share": _bar(base, low)}
        ),
        weight=2.0,
        key="weekdays",
    )


# ---------------------------------------------------------------------------------------------
# Time to reply


def _latency_claim(data: PersonData, lang: Lang) -> Claim | None:
    threads = Threads.of(data)
    pairs = reply_delays(threads, data.own, data.bots)
    if len(pairs) < MIN_PAIRS:
        return None
    delays = sorted(d for _, _, d in pairs)
    q1, med, q3 = (quantile(delays, q) for q in (0.25, 0.5, 0.75))
    others = [m for m in data.context if m.author != data.person_id]
    team_delays = sorted(d for _, _, d in reply_delays(threads, others, data.bots))
    team_med = quantile(team_delays, 0.5) if len(team_delays) >= MIN_PAIRS else None

    lo, hi = q1, q3
    if team_med is not None:
        # Narrow the side facing the team only when they really differ from it.
        a, b = max(med, 1.0), max(team_med, 1.0)
        middle = math.sqrt(a * b)
        if b >= DISTINCT * a:
            hi = min(hi, middle)
        elif a >= DISTINCT * b:
            lo = max(lo, middle)
    lo, hi = min(lo, med), max(hi, med)

    if lang == "zh":
        text = (
            f"回复速度：中位数 {duration(med, lang)}（一半在 {duration(q1, lang)}–"
            f"{duration(q3, lang)} 之间），共 {len(delays)} 次回复"
        )
        if team_med is not None:
            text += f"；同一对话里其他人的中位数是 {duration(team_med, lang)}"
    else:
        text = (
            f"Time to reply: median {duration(med, lang)} (middle half {duration(q1, lang)}–"
            f"{duration(q3, lang)}) over {len(delays)} replies"
        )
        if team_med is not None:
            text += f"; others in the same conversations: median {duration(team_med, lang)}"
    # Cite typical replies: those closest to the median delay, with what they answered.
    typical = sorted(pairs, key=lambda p: (abs(p[2] - med), _key(p[0])))[:2]
    evidence: list[Evidence] = []
    for mine, asked, _ in sorted(typical, key=lambda p: _key(p[0])):
        # What they answered came right before their reply: addressed to them.
        evidence += [Evidence(mine.uid), Evidence(asked.uid, role="addressed")]
    return Claim(
        section=SECTION,
        text=text,
        evidence=evidence,
        prediction=Prediction("latency_range", {"lo_s": round(lo, 1), "hi_s": round(hi, 1)}),
        weight=1.5,
        key="latency",
    )


def analyze(data: PersonData, lang: Lang) -> AnalyzerResult:
    own = [m for m in data.own if m.ts is not None]
    team = [
        m
        for m in data.baseline
        if m.ts is not None and m.author not in data.bots and m.author != data.person_id
    ]
    if len(own) < MIN_MESSAGES:
        return AnalyzerResult([], [SectionNote(SECTION, len(own), 0, False)])
    claims = _hours_claims(own, team, lang)
    days = _days_claim(own, team, lang)
    if days:
        claims.append(days)
    latency = _latency_claim(data, lang)
    if latency:
        claims.append(latency)
    claims.sort(key=lambda c: (-c.weight, c.key))
    return AnalyzerResult(claims, [SectionNote(SECTION, len(own), len(claims), True)])
