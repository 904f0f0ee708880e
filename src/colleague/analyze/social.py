"""Interpersonal: who the subject talks with, how their tone shifts per counterpart, and how
fast they answer. Section "persona.interpersonal".

The conversation structure (who answers whom) is rebuilt from `data.own` + `data.context`:

- a message *answers* the author of an explicit parent (`reply_to`, when it is not just the
  thread root; mail always names its parent), otherwise the previous message in its stream
  (the thread, or the channel's top level) when that came within `WINDOW_S` (channel) or
  `THREAD_WINDOW_S` (thread);
- a message *mentions* the people in `Msg.mentions` and the `@Name`s in its text that match a
  display name in `data.people` (Feishu/plain-text exports do not resolve mentions);
- bots (`data.bots`) and the subject never count as counterparts.

Claims and thresholds:

- counterparts — ranked by score = 2·(their answers to p) + 2·(p's answers to them) +
  mentions either way + shared threads; a counterpart needs ≥ `MIN_EXCHANGES` answers or
  mentions; at most `TOP` are named, and only those also ranked within `TOP` in each third of
  the record (the subject's messages split in three, the others' cut at the same moments; see
  `analyze.stability`) — who is close in one period only is not claimed. Prediction
  `counterpart` {"person": id, "top": TOP}.
- tone per counterpart — for counterparts with ≥ `TONE_MIN` of the subject's messages
  addressed to them (answers or mentions) and ≥ `TONE_MIN` messages to others: median length
  (ratio ≥ `LEN_RATIO` and ≥ 70 % of the messages on the same side of the others' median),
  and the share of messages with politeness markers, emoji, questions, direct/imperative
  markers, casual particles (difference ≥ 15 points, ratio ≥ 2, two-proportion |z| ≥ 3,
  ≥ 5 messages on the larger side). Only those differences are written, each with one quoted
  example. Prediction `rate_range` {"feature", "lo", "hi", "counterpart": id} (or
  `length_range` {"lo", "hi", "counterpart": id}) placing the held-out value on the
  counterpart's side of the midpoint between the two groups.
- reply latency — chat (threads + channels) is timed apart from mail (mail only when there is
  too little chat). A pair is a counterpart's message and the subject's answer to it (see
  above), or a message mentioning the subject and the subject's next message in that stream
  within `MENTION_REPLY_S`; pairs over `MAX_LATENCY_S` are dropped. Overall claim with
  ≥ `LAT_MIN` pairs (medians per venue: thread / channel / mail, each with ≥ `LAT_MIN`
  pairs) and the median per counterpart with ≥ `LAT_MIN` pairs (at most `TOP`); a
  counterpart answered `LAT_RATIO`× faster or slower than overall (median, with both
  quartiles on the same side) gets its own claim. Only pairs where the asking message really
  addresses the subject are timed (it mentions them, explicitly answers them, is what they
  explicitly answered, or is a question naming nobody else right before their answer). Prediction
  `latency_range` {"lo_s", "hi_s", "venue": "chat"|"mail"} = the interquartile range of the
  pairs (plus "counterpart": id for the per-counterpart claims).
- fewer than `MIN_OWN` own messages, or no claim → the section is marked not enough.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from statistics import median

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
from colleague.analyze.text import EMOJI, keyed_search, shorten, strip_noise
from colleague.analyze.threads import is_turn, seconds_between, shared

SECTION = "persona.interpersonal"

WINDOW_S = 1800  # an unmarked message answers the previous one in a channel within 30 min
THREAD_WINDOW_S = 86_400  # … and within a day inside a thread
MENTION_REPLY_S = 4 * 3600  # the subject's next message after being @-mentioned, within 4 h
MAX_LATENCY_S = 7 * 86_400  # longer gaps are not replies we can time
MIN_OWN = 30
MIN_EXCHANGES = 5
TOP = 5
TONE_MIN = 15
TONE_SAMPLE = 4000  # tone features on at most this many messages per group (evenly spaced)
LAT_MIN = 10
LEN_RATIO = 1.8
LAT_RATIO = 2.0  # a counterpart's median this much faster/slower gets its own claim

# --------------------------------------------------------------------------------------
# Conversation structure (shared with decisions.py)


def stream_key(m: Msg) -> tuple[int, int]:
    """A thread reply lives in its thread; everything else (roots too) in the channel."""
    if m.thread is not None and m.thread != m.uid:
        return (m.conversation, m.thread)
    return (m.conversation, 0)


def _order(m: Msg) -> tuple[bool, float, int]:
    return (m.epoch is None, m.epoch if m.epoch is not None else 0.0, m.uid)


def _secs(a: Msg, b: Msg) -> float | None:
    """Seconds from a to b (None when either has no time)."""
    return seconds_between(a, b)


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """`@Name` for any of the names (longest first, so '@Li Qiang' beats '@Li')."""
    uniq = sorted({n.strip() for n in names if n and n.strip()}, key=lambda n: (-len(n), n))
    if not uniq:
        return None
    alt = "|".join(re.escape(n) for n in uniq)
    return re.compile(rf"@\s?({alt})(?![A-Za-z0-9_])", re.IGNORECASE)


@dataclass
class Structure:
    """Who answers and mentions whom around the subject."""

    subject: int
    by_uid: dict[int, Msg]
    streams: dict[tuple[int, int], list[Msg]]
    # message uid → the message it answers (explicit parent or previous in its stream)
    parent: dict[int, Msg] = field(default_factory=dict)
    explicit: set[int] = field(default_factory=set)  # uids whose parent the export named
    # own uid → people it mentions (resolved + @Name in text); context uid → mentions subject
    own_mentions: dict[int, tuple[int, ...]] = field(default_factory=dict)
    mentions_subject: set[int] = field(default_factory=set)
    mentions_others: set[int] = field(default_factory=set)  # context uids @-ing someone else
    excluded: frozenset[int] = frozenset()

    def is_person(self, pid: int | None) -> bool:
        return pid is not None and pid != self.subject and pid not in self.excluded

    def answered(self, m: Msg) -> int | None:
        """The counterpart an own message answers, if any."""
        p = self.parent.get(m.uid)
        return p.author if p is not None and self.is_person(p.author) else None

    def addressed_to_subject(self, c: Msg) -> bool:
        """A context message that mentions the subject or explicitly answers one of theirs."""
        if c.uid in self.mentions_subject:
            return True
        p = self.parent.get(c.uid)
        return p is not None and p.author == self.subject and c.uid in self.explicit

    def asked_of_subject(self, c: Msg, answer: Msg) -> bool:
        """c may be cited as addressed to the subject, whose message `answer` followed it:
        it mentions them, explicitly answers them, is what they explicitly answered, or is
        a question right before their answer that names nobody else."""
        if self.addressed_to_subject(c):
            return True
        if answer.uid in self.explicit and self.parent.get(answer.uid) is c:
            return True
        return c.uid not in self.mentions_others and bool(_QUESTION.search(c.text))


def _find_parent(m: Msg, prev: Msg | None, by_uid: dict[int, Msg]) -> tuple[Msg | None, bool]:
    """The message m answers, and whether the export said so (reply_to) or we inferred it."""
    explicit = by_uid.get(m.reply_to) if m.reply_to is not None else None
    if explicit is not None and (m.reply_to != m.thread or m.platform == "email"):
        return explicit, True
    in_thread = m.thread is not None and m.thread != m.uid  # stream_key(m)[1] != 0
    if prev is not None and is_turn(m) and is_turn(prev):
        gap = _secs(prev, m)
        if gap is not None and 0 <= gap <= (THREAD_WINDOW_S if in_thread else WINDOW_S):
            return prev, prev is explicit
        if explicit is None:
            return None, False
    if explicit is not None:  # the thread root, when nothing else came before in the thread
        gap = _secs(explicit, m)
        if gap is not None and 0 <= gap <= THREAD_WINDOW_S:
            return explicit, True
    return None, False


def build_structure(data: PersonData) -> Structure:
    """Streams in time order, each message's parent, and mentions — in one pass each.
    Built once per `data` and shared (social and decisions both use it; see threads.py):
    callers must not change it."""
    return shared(data, "social.structure", _build_structure)


def _build_structure(data: PersonData) -> Structure:
    msgs = sorted([*data.own, *data.context], key=_order)
    by_uid = {m.uid: m for m in msgs}
    streams: dict[tuple[int, int], list[Msg]] = defaultdict(list)
    for m in msgs:
        streams[stream_key(m)].append(m)
    s = Structure(
        subject=data.person_id,
        by_uid=by_uid,
        streams=dict(streams),
        excluded=frozenset(data.bots),
    )
    for key in sorted(s.streams):
        prev: Msg | None = None
        for m in s.streams[key]:
            p, explicit = _find_parent(m, prev, by_uid)
            if p is not None and p.author != m.author:
                s.parent[m.uid] = p
                if explicit:
                    s.explicit.add(m.uid)
            prev = m

    others = {pid: name for pid, name in data.people.items() if s.is_person(pid)}
    lookup = {name.lower(): pid for pid, name in sorted(others.items(), reverse=True)}
    pat = name_pattern(others.values())
    me = name_pattern([data.name, *data.aliases])
    for m in data.own:
        found = [p for p in m.mentions if s.is_person(p)]
        if pat is not None and "@" in m.text:
            for hit in pat.finditer(m.text):
                pid = lookup.get(hit.group(1).lower())
                if pid is not None:
                    found.append(pid)
        if found:
            s.own_mentions[m.uid] = tuple(dict.fromkeys(found))
    for c in data.context:
        if data.person_id in c.mentions or (
            me is not None and "@" in c.text and me.search(c.text)
        ):
            s.mentions_subject.add(c.uid)
        elif c.mentions or (pat is not None and "@" in c.text and pat.search(c.text)):
            s.mentions_others.add(c.uid)
    return s


# --------------------------------------------------------------------------------------
# Small helpers


def spread(items: Sequence[Msg], k: int) -> list[Msg]:
    """k items spread evenly over a time-ordered list (first, middle, last …)."""
    n = len(items)
    if n <= k:
        return list(items)
    if k == 1:
        return [items[n // 2]]
    return [items[round(i * (n - 1) / (k - 1))] for i in range(k)]


def pick_examples(items: Sequence[Msg], k: int = 3, lo: int = 2, hi: int = 200) -> list[Msg]:
    """Distinct-text, reasonably sized examples spread over time."""
    seen: set[str] = set()
    pool: list[Msg] = []
    for m in sorted(items, key=_order):
        t = " ".join(m.text.split())
        if t in seen or not (lo <= len(t) <= hi):
            continue
        seen.add(t)
        pool.append(m)
    if not pool:
        pool = sorted(items, key=_order)[:1]
    return spread(pool, k)


def duration(s: float, lang: Lang) -> str:
    if s < 90:
        v, zh, en = round(s), "秒", "s"
    elif s < 90 * 60:
        v, zh, en = round(s / 60), "分钟", "min"
    elif s < 36 * 3600:
        v, zh, en = round(s / 3600, 1), "小时", "h"
    else:
        v, zh, en = round(s / 86400, 1), "天", "d"
    num = f"{v:g}"
    return f"{num} {zh}" if lang == "zh" else f"{num} {en}"


def pct(x: float) -> str:
    """A share as a percentage; one decimal below 1 % so that rare habits do not read 0 %."""
    if 0 < x < 0.01:
        return f"{100 * x:.1f}%"
    return f"{round(100 * x)}%"


def quantile(xs: Sequence[float], q: float) -> float:
    ys = sorted(xs)
    if not ys:
        return 0.0
    pos = q * (len(ys) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ys) - 1)
    return ys[lo] + (ys[hi] - ys[lo]) * (pos - lo)


def z_two(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-proportion z statistic (0 when undefined)."""
    if not n1 or not n2:
        return 0.0
    p = (k1 + k2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return (k1 / n1 - k2 / n2) / se if se else 0.0


# --------------------------------------------------------------------------------------
# Counterparts


@dataclass
class Tally:
    answers_to: list[Msg] = field(default_factory=list)  # own messages answering p
    answers_from: list[Msg] = field(default_factory=list)  # p's messages answering the subject
    mentions_to: list[Msg] = field(default_factory=list)  # own messages mentioning p
    mentions_from: list[Msg] = field(default_factory=list)  # p's messages mentioning the subject
    threads: set[int] = field(default_factory=set)

    @property
    def score(self) -> int:
        return (
            2 * len(self.answers_to)
            + 2 * len(self.answers_from)
            + len(self.mentions_to)
            + len(self.mentions_from)
            + len(self.threads)
        )

    @property
    def exchanges(self) -> int:
        return (
            len(self.answers_to)
            + len(self.answers_from)
            + len(self.mentions_to)
            + len(self.mentions_from)
        )


def _tallies(data: PersonData, s: Structure) -> dict[int, Tally]:
    t: dict[int, Tally] = defaultdict(Tally)
    own_threads = {m.thread for m in data.own if m.thread is not None}
    for m in data.own:
        p = s.answered(m)
        if p is not None:
            t[p].answers_to.append(m)
        for q in s.own_mentions.get(m.uid, ()):
            t[q].mentions_to.append(m)
    for c in data.context:
        if not s.is_person(c.author):
            continue
        assert c.author is not None
        parent = s.parent.get(c.uid)
        if parent is not None and parent.author == s.subject:
            t[c.author].answers_from.append(c)
        if c.uid in s.mentions_subject:
            t[c.author].mentions_from.append(c)
        if c.thread is not None and c.thread in own_threads:
            t[c.author].threads.add(c.thread)
    return dict(t)


def _stable_counterparts(data: PersonData, s: Structure) -> set[int] | None:
    """Counterparts ranked within `TOP` (by the same score) in every third of the subject's
    record (`stability.split_half`: their messages cut into parts, the others' messages at
    the same moments) — the most recent third included. Where a part starts untimed (IRC logs
    without dates, file order) the others' messages cannot be cut, and each third ranks by
    the subject's own side alone (whom they answer and mention). None for an empty record."""
    parts = split_half(data.own)
    if not all(parts):
        return None
    ctx: list[list[Msg]] = [[] for _ in parts]
    if all(p[0].ts is not None for p in parts):
        starts = [p[0].ts for p in parts[1:]]
        for c in data.context:
            if c.ts is not None:
                ctx[bisect.bisect_right(starts, c.ts)].append(c)
    out: set[int] | None = None
    for part_own, part_ctx in zip(parts, ctx, strict=True):
        t = _tallies(replace(data, own=part_own, context=part_ctx), s)
        ranked = sorted((p for p, x in t.items() if x.exchanges), key=lambda p: (-t[p].score, p))
        out = set(ranked[:TOP]) if out is None else out & set(ranked[:TOP])
    return out


def _counterpart_claims(
    data: PersonData, s: Structure, tallies: dict[int, Tally], lang: Lang
) -> list[Claim]:
    ranked = sorted(
        (p for p, x in tallies.items() if x.exchanges >= MIN_EXCHANGES),
        key=lambda p: (-tallies[p].score, p),
    )[:TOP]
    claims = []
    for rank, p in enumerate(ranked, 1):
        x = tallies[p]
        name = data.people.get(p, str(p))
        if lang == "zh":
            text = (
                f"最常打交道的人之一：{name}（第 {rank} 位）——回复对方 {len(x.answers_to)} 次，"
                f"被对方回复 {len(x.answers_from)} 次，@对方 {len(x.mentions_to)} 次，"
                f"被对方 @ {len(x.mentions_from)} 次"
                + (f"，共同参与的讨论串 {len(x.threads)} 个。" if x.threads else "。")
            )
        else:
            text = (
                f"One of the people they deal with most: {name} (#{rank}) — they answered "
                f"{name} {len(x.answers_to)} times, were answered {len(x.answers_from)} times, "
                f"mentioned {name} {len(x.mentions_to)} times, were mentioned "
                f"{len(x.mentions_from)} times"
                + (f"; {len(x.threads)} shared threads." if x.threads else ".")
            )
        # Clearest first: what they @-ed p with or explicitly replied; inferred answers last.
        sure = x.mentions_to + [m for m in x.answers_to if m.uid in s.explicit]
        said = pick_examples(sure or x.answers_to, 3, lo=15)
        sure_from = x.mentions_from + [c for c in x.answers_from if c.uid in s.explicit]
        asked = pick_examples(sure_from, 1, lo=15)
        ev = [Evidence(m.uid) for m in said]
        ev += [Evidence(m.uid, role="addressed") for m in asked]
        if not ev:
            continue
        claims.append(
            Claim(
                section=SECTION,
                text=text,
                evidence=ev,
                prediction=Prediction("counterpart", {"person": p, "top": TOP}),
                weight=float(x.score),
                key=f"counterpart:{p}",
            )
        )
    return claims


# --------------------------------------------------------------------------------------
# Tone per counterpart

_POLITE = re.compile(
    r"请|麻烦|谢谢|多谢|感谢|您|辛苦|劳驾|烦请|\bplease\b|\bpls\b|\bthanks?\b|\bthank you\b|\bthx\b"
    r"|\bappreciate",
    re.IGNORECASE,
)
_DIRECT = re.compile(
    r"必须|务必|一定要|不要|不许|禁止|不准|赶紧|马上|立刻|\bmust\b|\bhave to\b|\bneed to\b"
    r"|\bdon'?t\b|\bdo not\b|\bnever\b|\bshould\b|\basap\b|\bnow\b",
    re.IGNORECASE,
)
_CASUAL = re.compile(
    r"哈哈|哈+|啦|呀|嘛|哟|吧~|~|～|\blol\b|\bhaha+\b|\bhehe\b|!!|！！|:joy:|:rofl:|😂|🤣",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？]")


@dataclass(frozen=True, slots=True)
class Features:
    length: int
    polite: bool
    emoji: bool
    question: bool
    direct: bool
    casual: bool


FEATURES = ("polite", "emoji", "question", "direct", "casual")
_FEATURE_NAMES = {
    "zh": {
        "polite": "用礼貌用语（请/麻烦/谢谢/您）",
        "emoji": "带表情",
        "question": "是提问",
        "direct": "用祈使/强硬措辞（必须/不要/must）",
        "casual": "用口语语气词（哈/啦/~）",
    },
    "en": {
        "polite": "use politeness markers (please/thanks/请/谢谢)",
        "emoji": "carry an emoji",
        "question": "are questions",
        "direct": "use directives (must/don't/必须/不要)",
        "casual": "use casual particles (haha/~/啦)",
    },
}


# Literals every match of the patterns above contains (see text.keyed_search).
_POLITE_KEYS = ("请", "麻烦", "谢", "感谢", "您", "辛苦", "劳驾", "please", "pls", "thank", "thx",
                "appreciate")
_DIRECT_KEYS = ("必须", "务必", "一定要", "不要", "不许", "禁止", "不准", "赶紧", "马上", "立刻", "must",
                "have to", "need to", "don", "do not", "never", "should", "asap", "now")
_CASUAL_KEYS = ("哈", "啦", "呀", "嘛", "哟", "~", "～", "lol", "haha", "hehe", "!!", "！！", ":joy:",
                ":rofl:", "😂", "🤣")


def features(m: Msg) -> Features:
    t = m.text
    low = t.lower()
    return Features(
        length=len(strip_noise(t).strip()),
        polite=bool(keyed_search(_POLITE, _POLITE_KEYS, t, low)),
        emoji=bool(EMOJI.search(t)),
        question=bool(_QUESTION.search(t)),
        direct=bool(keyed_search(_DIRECT, _DIRECT_KEYS, t, low)),
        casual=bool(keyed_search(_CASUAL, _CASUAL_KEYS, t, low)),
    )


def _addressed_to(data: PersonData, s: Structure) -> dict[int, list[Msg]]:
    """Own messages per counterpart they answer or mention."""
    out: dict[int, list[Msg]] = defaultdict(list)
    for m in data.own:
        targets = dict.fromkeys([*filter(None, [s.answered(m)]), *s.own_mentions.get(m.uid, ())])
        for p in targets:
            out[p].append(m)
    return out


def _tone_claims(
    data: PersonData, s: Structure, feats: dict[int, Features], lang: Lang, top: list[int]
) -> list[Claim]:
    to = _addressed_to(data, s)
    claims = []
    for p in top:
        mine = to.get(p, [])
        ids = {m.uid for m in mine}
        rest = [m for m in data.own if m.uid not in ids]
        if len(mine) < TONE_MIN or len(rest) < TONE_MIN:
            continue
        # An even sample is as good as all for rates and medians, and keeps this fast.
        mine, rest = _even(mine, TONE_SAMPLE), _even(rest, TONE_SAMPLE)
        for m in mine + rest:
            if m.uid not in feats:
                feats[m.uid] = features(m)
        parts, ev, preds = _tone_diffs(mine, rest, feats, lang)
        if not parts:
            continue
        name = data.people.get(p, str(p))
        if lang == "zh":
            text = f"对 {name} 说话时（{len(mine)} 条）语气不同：" + "；".join(parts) + "。"
        else:
            text = f"With {name} ({len(mine)} messages) their tone differs: " + "; ".join(parts) + "."
        pred = preds[0]
        pred.params["counterpart"] = p
        claims.append(
            Claim(
                section=SECTION,
                text=text,
                evidence=ev,
                prediction=pred,
                weight=float(len(mine)) / 10,
                key=f"tone:{p}",
            )
        )
    return claims


def _even(items: list[Msg], k: int) -> list[Msg]:
    if len(items) <= k:
        return items
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]


def _tone_diffs(
    mine: list[Msg], rest: list[Msg], feats: dict[int, Features], lang: Lang
) -> tuple[list[str], list[Evidence], list[Prediction]]:
    parts: list[str] = []
    ev: list[Evidence] = []
    preds: list[Prediction] = []
    scored: list[tuple[float, str, Prediction, Msg]] = []

    la = [feats[m.uid].length for m in mine]
    lb = [feats[m.uid].length for m in rest]
    ma, mb = median(la), median(lb)
    if ma >= 1 and mb >= 1:
        ratio = ma / mb
        longer = sum(1 for x in la if x > mb) / len(la)
        shorter = sum(1 for x in la if x < mb) / len(la)
        if (ratio >= LEN_RATIO and longer >= 0.7) or (ratio <= 1 / LEN_RATIO and shorter >= 0.7):
            mid = math.sqrt(ma * mb)
            lo, hi = (mid, 1e9) if ratio > 1 else (0.0, mid)
            if lang == "zh":
                txt = f"消息长度中位 {ma:g} 字，对其他人 {mb:g} 字"
            else:
                txt = f"median length {ma:g} characters vs {mb:g} with others"
            ex = min(mine, key=lambda m: (abs(feats[m.uid].length - ma), _order(m)))
            pred = Prediction("length_range", {"lo": round(lo, 1), "hi": round(hi, 1)})
            scored.append((abs(math.log(ratio)) * 10, txt, pred, ex))

    for f in FEATURES:
        ka = sum(1 for m in mine if getattr(feats[m.uid], f))
        kb = sum(1 for m in rest if getattr(feats[m.uid], f))
        ra, rb = ka / len(mine), kb / len(rest)
        z = z_two(ka, len(mine), kb, len(rest))
        big = max(ra, rb)
        small = min(ra, rb)
        support = ka if ra > rb else kb
        if abs(ra - rb) < 0.15 or abs(z) < 3 or support < 5 or (small and big / small < 2):
            continue
        name = _FEATURE_NAMES[lang][f]
        if lang == "zh":
            txt = f"{pct(ra)} 的消息{name}，对其他人 {pct(rb)}"
        else:
            txt = f"{pct(ra)} of messages {name}, vs {pct(rb)} with others"
        mid = (ra + rb) / 2
        lo, hi = (mid, 1.0) if ra > rb else (0.0, mid)
        pred = Prediction("rate_range", {"feature": f, "lo": round(lo, 3), "hi": round(hi, 3)})
        # Quote a message to the counterpart that shows the difference.
        pool = [m for m in mine if getattr(feats[m.uid], f) == (ra > rb)]
        ex = pick_examples(pool or mine, 1, lo=4)[0]
        scored.append((abs(z), txt, pred, ex))

    scored.sort(key=lambda x: (-x[0], x[1]))
    for _, txt, pred, ex in scored[:3]:
        quote = shorten(ex.text, 80)
        parts.append(f"{txt}（例：「{quote}」）" if lang == "zh" else f'{txt} (e.g. "{quote}")')
        ev.append(Evidence(ex.uid))
        preds.append(pred)
    return parts, ev, preds


# --------------------------------------------------------------------------------------
# Reply latency


@dataclass(frozen=True, slots=True)
class Pair:
    asked: Msg  # the counterpart's message
    answer: Msg  # the subject's answer
    seconds: float

    @property
    def venue(self) -> str:
        if self.answer.platform == "email":
            return "mail"
        return "thread" if stream_key(self.answer)[1] else "channel"


def reply_pairs(data: PersonData, s: Structure) -> list[Pair]:
    """The subject's answers to counterparts, timed; each message in at most one pair."""
    pairs: list[Pair] = []
    used_q: set[int] = set()
    used_a: set[int] = set()
    for m in data.own:
        p = s.parent.get(m.uid)
        if p is None or not s.is_person(p.author) or p.uid in used_q:
            continue
        gap = _secs(p, m)
        if gap is not None and 0 <= gap <= MAX_LATENCY_S:
            pairs.append(Pair(p, m, gap))
            used_q.add(p.uid)
            used_a.add(m.uid)
    # Mentions answered without an explicit reply: the subject's next message in the stream.
    own_by_stream: dict[tuple[int, int], list[Msg]] = defaultdict(list)
    for m in data.own:
        if m.ts is not None:
            own_by_stream[stream_key(m)].append(m)
    stamps = {k: [m.epoch for m in v if m.epoch is not None] for k, v in own_by_stream.items()}
    for c in data.context:
        if c.uid not in s.mentions_subject or c.uid in used_q or c.ts is None:
            continue
        if not s.is_person(c.author):
            continue
        key = stream_key(c)
        if key not in own_by_stream:
            continue
        i = bisect.bisect_right(stamps[key], c.epoch)
        if i >= len(stamps[key]):
            continue
        m = own_by_stream[key][i]
        gap = _secs(c, m)
        if m.uid in used_a or gap is None or gap > MENTION_REPLY_S:
            continue
        answered = s.answered(m)
        if answered not in (None, c.author):
            continue
        pairs.append(Pair(c, m, gap))
        used_q.add(c.uid)
        used_a.add(m.uid)
    pairs.sort(key=lambda x: _order(x.answer))
    return pairs


def _latency_claims(data: PersonData, pairs: list[Pair], lang: Lang) -> list[Claim]:
    # Mail is answered on another clock than chat: chat (threads + channels) is the main
    # measure when there is enough of it, mail is reported beside it.
    chat = [x for x in pairs if x.venue != "mail"]
    mail = [x for x in pairs if x.venue == "mail"]
    main, venue = (chat, "chat") if len(chat) >= LAT_MIN else (mail, "mail")
    if len(main) < LAT_MIN:
        return []
    claims = []
    secs = [x.seconds for x in main]
    med, q1, q3 = median(secs), quantile(secs, 0.25), quantile(secs, 0.75)
    venues: dict[str, list[float]] = defaultdict(list)
    for x in pairs:
        venues[x.venue].append(x.seconds)
    names = {
        "zh": {"thread": "讨论串里", "channel": "群/频道里", "mail": "邮件", "chat": "聊天中"},
        "en": {"thread": "in threads", "channel": "in channels", "mail": "by mail", "chat": "in chat"},
    }[lang]
    per = _per_counterpart(main)[:TOP]
    by_venue = [
        (v, median(venues[v]), len(venues[v]))
        for v in ("thread", "channel", "mail")
        if len(venues[v]) >= LAT_MIN
    ]

    def who(ps: list[Pair]) -> str:
        return duration(median(x.seconds for x in ps), lang)

    if lang == "zh":
        text = (
            f"被人问到或 @ 时，{names[venue]}回复用时中位 {duration(med, lang)}（四分位 "
            f"{duration(q1, lang)}–{duration(q3, lang)}，{len(main)} 次回复）"
        )
        if len(by_venue) > 1:
            text += "；" + "，".join(f"{names[v]} {duration(md, lang)}（{n} 次）" for v, md, n in by_venue)
        if per:
            text += "；按人：" + "，".join(
                f"{data.people.get(p, str(p))} {who(ps)}（{len(ps)} 次）" for p, ps in per
            )
        text += "。"
    else:
        text = (
            f"When someone asks or mentions them, they answer {names[venue]} in a median "
            f"{duration(med, lang)} (quartiles {duration(q1, lang)}–{duration(q3, lang)}, "
            f"{len(main)} replies)"
        )
        if len(by_venue) > 1:
            text += "; " + ", ".join(f"{names[v]} {duration(md, lang)} ({n})" for v, md, n in by_venue)
        if per:
            text += "; by person: " + ", ".join(
                f"{data.people.get(p, str(p))} {who(ps)} ({len(ps)})" for p, ps in per
            )
        text += "."
    claims.append(
        Claim(
            section=SECTION,
            text=text,
            evidence=_pair_evidence(main, med),
            prediction=Prediction(
                "latency_range", {"lo_s": round(q1, 1), "hi_s": round(q3, 1), "venue": venue}
            ),
            weight=float(len(main)) / 5,
            key="latency:all",
        )
    )
    pairs = main
    for p, ps in _per_counterpart(pairs)[:TOP]:
        s2 = [x.seconds for x in ps]
        pm, p1, p3 = median(s2), quantile(s2, 0.25), quantile(s2, 0.75)
        faster = pm * LAT_RATIO <= med and p1 < q1 and p3 < q3
        slower = pm >= med * LAT_RATIO and p1 > q1 and p3 > q3
        if not (faster or slower):
            continue  # about as fast as with everyone: listed in the overall claim
        name = data.people.get(p, str(p))
        if lang == "zh":
            text = (
                f"回复 {name} 的用时中位 {duration(pm, lang)}（四分位 {duration(p1, lang)}–"
                f"{duration(p3, lang)}，{len(ps)} 次），整体为 {duration(med, lang)}。"
            )
        else:
            text = (
                f"They answer {name} in a median {duration(pm, lang)} (quartiles "
                f"{duration(p1, lang)}–{duration(p3, lang)}, {len(ps)} replies) vs "
                f"{duration(med, lang)} overall."
            )
        claims.append(
            Claim(
                section=SECTION,
                text=text,
                evidence=_pair_evidence(ps, pm),
                prediction=Prediction(
                    "latency_range",
                    {"lo_s": round(p1, 1), "hi_s": round(p3, 1), "venue": venue, "counterpart": p},
                ),
                weight=float(len(ps)) / 10,
                key=f"latency:{p}",
            )
        )
    return claims


def _per_counterpart(pairs: list[Pair]) -> list[tuple[int, list[Pair]]]:
    """Counterparts with ≥ LAT_MIN timed answers, most answered first."""
    per: dict[int, list[Pair]] = defaultdict(list)
    for x in pairs:
        if x.asked.author is not None:
            per[x.asked.author].append(x)
    ranked = sorted((p for p in per if len(per[p]) >= LAT_MIN), key=lambda p: (-len(per[p]), p))
    return [(p, per[p]) for p in ranked]


def _pair_evidence(pairs: list[Pair], med: float) -> list[Evidence]:
    """Two typical pairs (closest to the median): the question and the answer."""
    typical = sorted(pairs, key=lambda x: (abs(x.seconds - med), _order(x.answer)))[:2]
    ev: list[Evidence] = []
    for x in sorted(typical, key=lambda x: _order(x.answer)):
        ev.append(Evidence(x.asked.uid, role="addressed"))
        ev.append(Evidence(x.answer.uid))
    return ev


# --------------------------------------------------------------------------------------


def analyze(data: PersonData, lang: Lang) -> AnalyzerResult:
    """Counterparts, tone per counterpart and reply latency for the subject."""
    if len(data.own) < MIN_OWN:
        return AnalyzerResult([], [SectionNote(SECTION, len(data.own), 0, False)])
    s = build_structure(data)
    tallies = _tallies(data, s)
    claims = _counterpart_claims(data, s, tallies, lang)
    top = [int(c.key.split(":")[1]) for c in claims]
    # Only counterparts who are among the closest in every third of the record are claimed
    # (a channel's membership turns over); the tone comparison still looks at all of `top`.
    stable = _stable_counterparts(data, s)
    if stable is not None:
        claims = [c for c in claims if int(c.key.split(":")[1]) in stable]
    feats: dict[int, Features] = {}  # filled for the messages the tone comparison samples
    claims += _tone_claims(data, s, feats, lang, top)
    # Time only real answers (and cite the asking message as addressed only then).
    pairs = [x for x in reply_pairs(data, s) if s.asked_of_subject(x.asked, x.answer)]
    claims += _latency_claims(data, pairs, lang)
    claims.sort(key=_claim_order)
    note = SectionNote(SECTION, len(data.own), len(claims), bool(claims))
    return AnalyzerResult(claims, [note])


def _claim_order(c: Claim) -> tuple[int, float, str]:
    group = {"counterpart": 0, "tone": 1, "latency": 2}[c.key.split(":")[0]]
    return (group, -c.weight, c.key)


__all__: list[str] = ["analyze", "build_structure", "Structure", "stream_key"]
