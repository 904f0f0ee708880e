"""Expression: how a person writes, against the team (sections "persona.expression" and
"persona.examples").

Everything in "persona.expression" is measured against the team baseline (`data.baseline`,
bots and the subject left out) and claimed only when it is distinctive. Up to `SAMPLE` of their
messages (evenly spaced in time) are looked at, so a person with 100,000 messages costs the
same as one with 20,000; `SectionNote.messages` says how many.

Signature phrases, openings, sign-offs
  Each message gives a set of features (counted once per message: document frequency):
  words and 2-3-word n-grams of `text.tokens` (runs broken at numbers, names, identifiers;
  stop-words and single characters alone do not count), its first one or two tokens (an
  opening) and, in messages of >= 4 tokens, its last one to three (a sign-off). Features are
  ranked by the weighted log-odds z-score with an informative Beta prior from the pooled rate
  (Monroe et al., binomial form, `rhythm.log_odds_z`). A feature is kept when it is in
  >= `MIN_COUNT` of their messages and >= `MIN_SHARE` of them, >= `RATIO`x the team's rate
  and z >= `Z_MIN`; it is then re-measured as the surface form they actually write (the most
  common spelling, punctuation between the words included, e.g. "以上，谢谢") and re-checked.
  It must also be stable (`analyze.stability`): in each third of their messages in
  >= `MIN_COUNT // 2` messages, >= `MIN_SHARE` of them and >= `RATIO`x the team's
  rate — a word of one period's topic is not a habit.
  A phrase inside a longer kept one with most of its uses is dropped, as is one whose messages
  an already kept claim covers. At most 3 openings, 3 sign-offs and 6 phrases.
  Prediction `phrase_rate {"phrase", "min_rate", "position"?: "start"|"end", "own_rate",
  "team_rate"}`: the share of held-out messages containing the phrase (case-insensitive, on
  word boundaries for Latin letters; with `position`, at the start / the end of the message
  ignoring mentions, emoji and punctuation — see `phrase_share`) is >= `min_rate`, halfway
  between the team's rate and theirs in the third of their record where it is lowest.

Message length
  Median and quartiles of `len(text.strip())`; claimed when the median is <= team/1.6
  (terse) or >= 1.6x team (long). Prediction `length_range {"lo", "hi"}` for the held-out
  median: their quartiles, cut on the team's side at the geometric middle of the two medians.

Habits (punctuation, emoji, mixing, formality, layout) — see `HABITS`
  The share of their messages showing each habit (among the messages it applies to, e.g.
  Chinese messages for half-width punctuation) against the team's; claimed when >= 5
  messages, >= 5% of theirs, >= 2x the team's and z >= 3 ("often"), or — for habits where
  absence says something — when the team's share is >= 10%, theirs <= a third of it and
  z <= -3 ("rarely"). Prediction `rate_range {"feature", "lo", "hi"}`: the held-out share
  (`feature_share(feature, texts)`) lies in the range, whose team-facing edge is halfway
  between the team's share and theirs.

Quoted examples ("persona.examples"): see `analyze.examples`, run from here.

Thresholds: >= `MIN_MESSAGES` of their messages and >= `MIN_TEAM` team messages for
expression (else no claims, enough=False); examples are enough when one is found.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from colleague.analyze.examples import EXAMPLES, example_claims
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
from colleague.analyze.rhythm import log_odds_z, pct, quantile, spread
from colleague.analyze.stability import Halves
from colleague.analyze.text import EMOJI, is_chinese, tokens, unmention, wording

EXPRESSION = "persona.expression"

SAMPLE = 10_000  # messages looked at for expression, theirs and the team's (evenly spaced)
MIN_MESSAGES = 30
MIN_TEAM = 50
MIN_COUNT = 5
MIN_SHARE = 0.02
RATIO = 2.0
Z_MIN = 3.0
LENGTH_RATIO = 1.6
MAX_CLAIMS = {"o": 3, "c": 3, "p": 5, "v": 3}
INITIAL = 0.5  # share of uses starting a clause that makes a phrase an expression
CANDIDATES = 30  # phrase features re-measured as surface forms

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z0-9]", re.I)
_WORDISH = re.compile(r"[a-z0-9'’_\-./]", re.I)  # inside a Latin word or identifier
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_IDENT = re.compile(r"[_./:\\\-]|\d")  # identifiers, paths, versions, numbers
_ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_.\-/@#])[a-z][a-z']+(?![A-Za-z0-9_.\-/@])")

_STOP_WORDS = """
    的 了 是 我 你 他 她 它 们 我们 你们 他们 在 和 与 也 就 都 这 那 这个 那个 有 没 没有 不
    吗 呢 吧 啊 呀 哦 嗯 一下 一个 个 把 被 给 让 对 从 到 还 又 再 很 要 会 能 可以 上 下 中
    里 及 或 而 但 就是 还是 已经 这样 那样 什么 怎么 这边 那边 一些 之 其 等
    a an the to of and or is are was were be been being it its in on at by for with as from
    that this these those i you he she we they me my our your his her their them us do does
    did done not no so if then than but just also too very can could will would should may
    might must shall there here what which who whom how when where why all any some more
    most much many into out up down over about after before again once only own same such
    s t don't i'm it's that's we're you're i'll we'll
"""
_STOP = frozenset(_STOP_WORDS.split())


# ---------------------------------------------------------------------------------------------
# Message views


@dataclass(slots=True)
class _View:
    msg: Msg
    text: str
    core: str
    low: str  # core, lower-cased
    toks: list[str] = field(default_factory=list)


def _views(msgs: Iterable[Msg]) -> list[_View]:
    out = []
    for m in msgs:
        text = m.text.strip()
        if text:
            core = wording(text)
            out.append(_View(m, text, core, core.lower()))
    return out


def _even(items: Sequence[Msg], cap: int) -> list[Msg]:
    """Up to `cap` of `items`, evenly spaced (deterministic)."""
    if len(items) <= cap:
        return list(items)
    return [items[i * len(items) // cap] for i in range(cap)]


# ---------------------------------------------------------------------------------------------
# Phrase matching (shared by the analyzer and the evaluation)


def _bounded(phrase: str) -> re.Pattern[str]:
    """A case-insensitive pattern for `phrase`, on word boundaries where it starts/ends with a
    Latin letter or digit."""
    head = r"(?<![a-z0-9])" if _LATIN.match(phrase[:1]) else ""
    tail = r"(?![a-z0-9])" if _LATIN.match(phrase[-1:]) else ""
    return re.compile(head + re.escape(phrase.lower()) + tail)


def _has(pattern: re.Pattern[str], low: str, position: str | None) -> bool:
    if position == "start":
        return pattern.match(_EDGE.sub("", low[:200])) is not None
    if position == "end":
        tail = _EDGE.sub("", low[-200:])
        return any(m.end() == len(tail) for m in pattern.finditer(tail))
    return pattern.search(low) is not None


def phrase_share(phrase: str, texts: Iterable[str], position: str | None = None) -> float:
    """Share of `texts` containing `phrase` as a `phrase_rate` prediction means it: ignoring
    case, URLs, code, mentions and emoji; on word boundaries for Latin letters; with
    `position` "start"/"end", only at the start/end of the message (edge punctuation aside)."""
    pattern = _bounded(phrase)
    n = k = 0
    for t in texts:
        if t.strip():
            n += 1
            k += _has(pattern, wording(t).lower(), position)
    return k / n if n else 0.0


# ---------------------------------------------------------------------------------------------
# Signature phrases, openings and sign-offs


def _excluded_tokens(data: PersonData) -> frozenset[str]:
    """Names (the subject's and everyone's in view) and their parts: not a way of speaking."""
    names: set[str] = set()
    for name in (data.name, *data.aliases, *data.people.values()):
        low = name.lower()
        names.add(low)
        names.update(p for p in re.split(r"[\s.@_\-]+", low) if len(p) > 1)
        if _CJK.search(low) and len(low) in (2, 3):
            names.add(low[1:])  # given name
    return frozenset(names)


def _allowed(tok: str, names: frozenset[str]) -> bool:
    return len(tok) <= 20 and tok not in names and not _IDENT.search(tok)


def _weak(tok: str) -> bool:
    return tok in _STOP or len(tok) == 1


def _features(toks: list[str], names: frozenset[str]) -> set[tuple[str, tuple[str, ...]]]:
    feats: set[tuple[str, tuple[str, ...]]] = set()
    ok = [_allowed(t, names) for t in toks]
    run: list[str] = []
    for tok, good in zip([*toks, ""], [*ok, False], strict=True):
        if good:
            run.append(tok)
            continue
        for n in (1, 2, 3):
            for i in range(len(run) - n + 1):
                g = tuple(run[i : i + n])
                # "的容量评估", "thanks for the": a stop-word at an edge is not a phrase.
                if not _weak(g[0] if n == 1 else "") and g[0] not in _STOP and g[-1] not in _STOP:
                    feats.add(("p", g))
        run = []
    if toks and ok[0]:
        feats.add(("o", (toks[0],)))
        if len(toks) > 1 and ok[1]:
            feats.add(("o", (toks[0], toks[1])))
    if len(toks) >= 4:
        for n in (1, 2, 3):
            tail = toks[-n:]
            if all(ok[-n:]) and not all(_weak(t) for t in tail):
                feats.add(("c", tuple(tail)))
    return feats


def _gram_pattern(g: tuple[str, ...]) -> re.Pattern[str]:
    """The n-gram as written: its tokens with up to three spaces/punctuation between them."""
    parts = [re.escape(t) for t in g]
    head = r"(?<![a-z0-9])" if _LATIN.match(g[0][:1]) else ""
    tail = r"(?![a-z0-9])" if _LATIN.match(g[-1][-1:]) else ""
    return re.compile(head + r"[^\w]{0,3}".join(parts) + tail, re.I)


_POSITION = {"p": None, "v": None, "o": "start", "c": "end"}


@dataclass(slots=True)
class _Phrase:
    kind: str  # p (expression) / v (vocabulary) / o (opening) / c (sign-off)
    surface: str
    z: float
    own_hits: list[_View]
    own_rate: float
    team_rate: float
    low_rate: float = 0.0  # the lowest of the thirds' rates (analyze.stability)


def _surface(kind: str, g: tuple[str, ...], views: list[_View]) -> str | None:
    pattern = _gram_pattern(g)
    forms: Counter[str] = Counter()
    for v in views:
        if g[0] not in v.low:
            continue
        if kind == "o":
            m = pattern.match(_EDGE.sub("", v.core[:200]))
            found = [m] if m else []
        elif kind == "c":
            tail = _EDGE.sub("", v.core[-200:])
            found = [m for m in pattern.finditer(tail) if m.end() == len(tail)]
        else:
            found = list(pattern.finditer(v.core))
        for m in found[:1]:
            forms[m.group(0)] += 1
    if not forms:
        return None
    best = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return _extend(best, kind, [v for v in views if best.lower() in v.low])


_EXTEND_MAX = 30
_FUNCTION_CHARS = "的了是在和与也就都把被给对从"  # not the edge of a phrase
_EXTEND_SHARE = 0.8


def _common_edge(pieces: list[str], suffix: bool) -> str:
    """The longest end (suffix=True) or start of `pieces` that >= 80% of them share."""
    best = ""
    for k in range(1, _EXTEND_MAX + 1):
        ends: Counter[str] = Counter(
            (p[-k:] if suffix else p[:k]).lower() for p in pieces if len(p) >= k
        )
        if not ends:
            break
        top, count = sorted(ends.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if count < _EXTEND_SHARE * len(pieces):
            break
        best = top
    return best


def _extend(surface: str, kind: str, hits: list[_View]) -> str:
    """Grow an n-gram to the fixed phrase it sits in when most uses share the words around
    it ("the hard work" → "Thanks for the hard work"), on word boundaries."""
    if len(hits) < MIN_COUNT:
        return surface
    low = surface.lower()
    lefts, rights = [], []
    for v in hits:
        i = v.low.find(low)
        lefts.append(v.core[max(0, i - _EXTEND_MAX) : i])
        rights.append(v.core[i + len(low) : i + len(low) + _EXTEND_MAX])
    left = "" if kind == "o" else _common_edge(lefts, suffix=True)
    right = "" if kind == "c" else _common_edge(rights, suffix=False)
    # Cut partial words: a Latin extension must start/end at a non-letter.
    if left and _WORDISH.match(left[:1]):
        full = all(len(p) == len(left) or not _WORDISH.match(p[-len(left) - 1])
                   for p in lefts if p.lower().endswith(left))
        if not full:
            cut = re.search(r"[^a-z0-9'’_\-./]", left, re.I)
            left = left[cut.end():] if cut else ""
    if right and _WORDISH.match(right[-1:]):
        full = all(len(p) == len(right) or not _WORDISH.match(p[len(right)])
                   for p in rights if p.lower().startswith(right))
        if not full:
            cuts = list(re.finditer(r"[^a-z0-9'’_\-./]", right, re.I))
            right = right[: cuts[-1].start()] if cuts else ""
    left = left.lstrip(" ,，.。:：;；-" + _FUNCTION_CHARS)
    right = right.rstrip(" ,，.。:：;；-!！?？" + _FUNCTION_CHARS)
    if not left and not right:
        return surface
    grown = (left + surface + right).strip()
    # Keep the writer's spelling: take the grown phrase from a message that has it.
    for v in hits:
        i = v.low.find(grown.lower())
        if i >= 0:
            return v.core[i : i + len(grown)]
    return surface


def _phrases(own: list[_View], team: list[_View], names: frozenset[str]) -> list[_Phrase]:
    own_df: Counter[tuple[str, tuple[str, ...]]] = Counter()
    team_df: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for views, df in ((own, own_df), (team, team_df)):
        for v in views:
            v.toks = tokens(unmention(v.text))  # once per message
            df.update(_features(v.toks, names))
    n, nt = len(own), len(team)
    scored = []
    for feat, k in own_df.items():
        if k < MIN_COUNT or k < MIN_SHARE * n:
            continue
        kt = team_df.get(feat, 0)
        if k / n < RATIO * (kt + 0.5) / nt:
            continue
        z = log_odds_z(k, n, kt, nt)
        if z >= Z_MIN:
            scored.append((z, feat))
    scored.sort(key=lambda x: (-x[0], x[1]))

    halves = Halves.of([v.msg.uid for v in own])
    found: dict[tuple[str, str], _Phrase] = {}
    for _, (kind, g) in scored[:CANDIDATES]:
        surface = _surface(kind, g, own)
        if surface is None or (kind, surface.lower()) in found:
            continue
        pattern, pos, low = _bounded(surface), _POSITION[kind], surface.lower()
        hits = [v for v in own if low in v.low and _has(pattern, v.low, pos)]
        kt = sum(low in v.low and _has(pattern, v.low, pos) for v in team)
        k = len(hits)
        if k < MIN_COUNT or k < MIN_SHARE * n or k / n < RATIO * (kt + 0.5) / nt:
            continue
        z = log_odds_z(k, n, kt, nt)
        if z < Z_MIN:
            continue
        # Stable: distinctive in each third of their record, not a passing topic; the
        # prediction then promises the lowest third's rate (see analyze.stability).
        low = halves.low_rate(v.msg.uid for v in hits)
        if low < MIN_SHARE or low < RATIO * (kt + 0.5) / nt or not halves.in_both(
                (v.msg.uid for v in hits), MIN_COUNT // 2):
            continue
        if kind == "p" and _initial_share(pattern, hits, surface) < INITIAL:
            kind = "v"
        found[(kind, surface.lower())] = _Phrase(kind, surface, z, hits, k / n, kt / nt, low)
    return _prune(list(found.values()))


def _clause_initial(low: str, start: int, cjk_first: bool) -> bool:
    """Whether a match at `start` begins a clause: at the start, after punctuation or a line
    break, or — in Chinese, where a space often stands for a comma — after a space."""
    i, spaced = start - 1, False
    while i >= 0 and low[i].isspace():
        if low[i] == "\n":
            return True
        i, spaced = i - 1, True
    if i < 0:
        return True
    if _CJK.match(low[i]):
        return spaced and cjk_first
    return not low[i].isalnum()


def _initial_share(pattern: re.Pattern[str], hits: list[_View], surface: str) -> float:
    """How often the phrase opens a clause: set phrases ("收到", "got it", "辛苦了") do,
    topic words ("the Kafka cluster", "的容量评估") mostly do not."""
    cjk_first = bool(_CJK.match(surface[:1]))
    n = 0
    for v in hits:
        m = pattern.search(v.low)
        n += m is not None and _clause_initial(v.low, m.start(), cjk_first)
    return n / len(hits) if hits else 0.0


def _prune(cands: list[_Phrase]) -> list[_Phrase]:
    """Drop phrases explained by a longer one (or by an opening/sign-off) that holds most of
    their uses, then those whose messages an accepted phrase already covers."""

    def dominated(x: _Phrase) -> bool:
        xs = x.surface.lower()
        for y in cands:
            ys = y.surface.lower()
            if y is x or xs not in ys:
                continue
            longer = len(ys) > len(xs) or (_POSITION[y.kind] and not _POSITION[x.kind])
            if longer and len(y.own_hits) >= 0.7 * len(x.own_hits):
                return True
        return False

    kept = [c for c in cands if not dominated(c)]
    order = {"o": 0, "c": 1, "p": 2, "v": 3}
    kept.sort(key=lambda c: (order[c.kind], -c.z, c.surface))
    out: list[_Phrase] = []
    covered: list[set[int]] = []
    per_kind: Counter[str] = Counter()
    for c in kept:
        if any(p.surface.lower() == c.surface.lower() for p in out):
            continue
        uids = {v.msg.uid for v in c.own_hits}
        related = [
            s for p, s in zip(out, covered, strict=True)
            if p.surface.lower() in c.surface.lower() or c.surface.lower() in p.surface.lower()
        ]
        if any(len(uids & s) >= 0.5 * len(uids) for s in related):
            continue
        if any(len(uids & s) >= 0.8 * len(uids) for s in covered):
            continue  # the same messages (one template) already stand behind a claim
        if per_kind[c.kind] >= MAX_CLAIMS[c.kind]:
            continue
        per_kind[c.kind] += 1
        out.append(c)
        covered.append(uids)
    return out


def _examples(views: Sequence[_View], k: int = 3) -> list[_View]:
    """Up to `k` distinct, preferably short messages, spread over time."""
    seen: set[str] = set()
    distinct = []
    for v in views:
        key = v.low
        if key not in seen:
            seen.add(key)
            distinct.append(v)
    short = [v for v in distinct if len(v.text) <= 120]
    return spread(short if len(short) >= k else distinct, k)


def _span(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    m = pattern.search(text)
    return (m.start(), m.end()) if m else None


def _phrase_claim(p: _Phrase, lang: Lang) -> Claim:
    own, team = pct(p.own_rate), pct(p.team_rate)
    q = p.surface
    if p.kind == "o":
        text = (f"常用“{q}”开头：{own} 的消息以它开头（团队 {team}）" if lang == "zh"
                else f'Opens with "{q}": {own} of their messages start with it (the team: {team})')
    elif p.kind == "c":
        text = (f"常用“{q}”收尾：{own} 的消息以它结束（团队 {team}）" if lang == "zh"
                else f'Signs off with "{q}": {own} of their messages end with it (the team: {team})')
    elif p.kind == "p":
        text = (f"常说“{q}”：出现在 {own} 的消息里（团队 {team}）" if lang == "zh"
                else f'Signature phrase "{q}": in {own} of their messages (the team: {team})')
    else:
        text = (f"常用词“{q}”：出现在 {own} 的消息里（团队 {team}）" if lang == "zh"
                else f'Uses the word "{q}" far more than the team: {own} of their messages '
                f"(the team: {team})")
    pattern = re.compile(re.escape(q), re.I)
    evidence = [Evidence(v.msg.uid, span=_span(pattern, v.msg.text)) for v in _examples(p.own_hits)]
    params: dict[str, object] = {
        "phrase": q,
        "min_rate": round((min(p.low_rate or p.own_rate, p.own_rate) + p.team_rate) / 2, 4),
        "own_rate": round(p.own_rate, 4),
        "team_rate": round(p.team_rate, 4),
    }
    if _POSITION[p.kind]:
        params["position"] = _POSITION[p.kind]
    return Claim(
        section=EXPRESSION,
        text=text,
        evidence=evidence,
        prediction=Prediction("phrase_rate", params),
        weight={"o": 3.0, "c": 3.0, "p": 2.5, "v": 1.5}[p.kind] + min(p.z, 30) / 10,
        key=f"{p.kind}:{q.lower()}",
    )


# ---------------------------------------------------------------------------------------------
# Message length


def _length_claim(own: list[_View], team: list[_View], lang: Lang) -> Claim | None:
    lens = sorted(len(v.text) for v in own)
    tlens = sorted(len(v.text) for v in team)
    q1, med, q3 = (quantile(lens, q) for q in (0.25, 0.5, 0.75))
    tmed = quantile(tlens, 0.5)
    middle = math.sqrt(max(med, 1) * max(tmed, 1))
    if med * LENGTH_RATIO <= tmed:
        terse, lo, hi = True, min(q1, med), max(med, min(q3, middle))
    elif med >= LENGTH_RATIO * tmed:
        terse, lo, hi = False, min(med, max(q1, middle)), max(q3, med)
    else:
        return None
    m, a, b, t = (round(x) for x in (med, q1, q3, tmed))
    if lang == "zh":
        head = "话少" if terse else "写得长"
        text = f"{head}：消息长度中位数 {m} 字（一半在 {a}–{b} 字之间），团队中位数 {t} 字"
    else:
        head = "Terse" if terse else "Writes at length"
        text = (f"{head}: median message {m} characters (middle half {a}–{b}); "
                f"the team's median is {t}")
    typical = sorted(own, key=lambda v: (abs(len(v.text) - med), v.msg.ts is None, v.msg.ts or 0, v.msg.uid))
    picks = sorted(_examples(typical[: max(9, len(own) // 10)]), key=lambda v: v.msg.uid)
    return Claim(
        section=EXPRESSION,
        text=text,
        evidence=[Evidence(v.msg.uid) for v in picks],
        prediction=Prediction("length_range", {"lo": round(lo, 1), "hi": round(hi, 1)}),
        weight=4.0,
        key="length",
    )


# ---------------------------------------------------------------------------------------------
# Habits


def _chinese(core: str) -> bool:
    return _CJK.search(core) is not None


def _any(core: str) -> bool:
    return True


_NO_END = re.compile(r"[0-9A-Za-z\u3400-\u9fff]$")


@dataclass(frozen=True)
class Habit:
    key: str
    pattern: re.Pattern[str]
    on_raw: bool  # match the stored text (emoji) rather than the core wording
    applies: Callable[[str], bool]
    hi: tuple[str, str]  # zh, en templates with {own}, {team}, {extra}
    lo: tuple[str, str] | None = None  # when rarely doing it is worth saying


HABITS: tuple[Habit, ...] = (
    Habit("emoji", EMOJI, True, _any,
          ("爱用表情：{own} 的消息带表情（团队 {team}）{extra}",
           "Uses emoji freely: {own} of their messages carry one (the team: {team}){extra}"),
          ("几乎不用表情：{own} 的消息带表情（团队 {team}）",
           "Hardly uses emoji: {own} of their messages have one (the team: {team})")),
    Habit("emoticon",
          re.compile(r"(?<![\w:/])(?:[:;=]-?[)(DPp\]]|\^[_-]?\^|T_T|QAQ|orz|>_<|-_-)(?![\w])"),
          False, _any,
          ("用颜文字：{own} 的消息（团队 {team}）", "Uses emoticons: {own} of messages (the team: {team})")),
    Habit("laugh", re.compile(r"哈哈|嘿嘿|hhh|(?<![a-z])(?:haha|lol)(?![a-z])|233", re.I), False,
          _any, ("爱打“哈哈”：{own} 的消息（团队 {team}）",
                 "Laughs in text (haha/哈哈): {own} of messages (the team: {team})")),
    Habit("tilde", re.compile(r"[～〜]|(?<=[^\s\d~/])~(?![\d/~])"), False, _any,
          ("爱用波浪号“～”：{own} 的消息（团队 {team}）",
           'Uses tildes ("～", "~"): {own} of their messages (the team: {team})')),
    Habit("ellipsis", re.compile(r"…|\.\.\.|。。"), False, _any,
          ("爱用省略号“…”：{own} 的消息（团队 {team}）",
           'Trails off with "…": {own} of their messages (the team: {team})')),
    Habit("multi_exclaim", re.compile(r"[!！]{2,}"), False, _any,
          ("连用感叹号“！！”：{own} 的消息（团队 {team}）",
           'Doubles exclamation marks ("!!"): {own} of their messages (the team: {team})')),
    Habit("exclaim", re.compile(r"[!！]"), False, _any,
          ("常用感叹号：{own} 的消息（团队 {team}）",
           "Uses exclamation marks: {own} of their messages (the team: {team})"),
          ("很少用感叹号：{own} 的消息（团队 {team}）",
           "Rarely uses exclamation marks: {own} of their messages (the team: {team})")),
    Habit("multi_question", re.compile(r"[?？]{2,}"), False, _any,
          ("连用问号“？？”：{own} 的消息（团队 {team}）",
           'Doubles question marks ("??"): {own} of their messages (the team: {team})')),
    Habit("no_end_punct", _NO_END, False, _any,
          ("句末常不加标点：{own} 的消息（团队 {team}）",
           "Ends messages without punctuation: {own} of them (the team: {team})"),
          ("句末几乎总有标点：{own} 的消息句末不加（团队 {team}）",
           "Almost always ends with punctuation: only {own} of messages do not (the team: {team})")),
    Habit("halfwidth_zh", re.compile(r"[\u4e00-\u9fff][,!?;:](?!\d)|[\u4e00-\u9fff]\.(?![\w.])"),
          False, lambda c: is_chinese(c) and re.search(r"[,，.。!！?？;；:：]", c) is not None,
          ("中文里用半角标点：{own} 的带标点中文消息（团队 {team}）",
           "Uses half-width punctuation in Chinese: {own} of their punctuated Chinese messages "
           "(the team: {team})"),
          ("中文里坚持用全角标点：{own} 的中文消息用了半角（团队 {team}）",
           "Keeps to full-width punctuation in Chinese: half-width in only {own} of their "
           "Chinese messages (the team: {team})")),
    Habit("numbered_list",
          re.compile(r"(?<![\w.])(?:1[.、)）](?!\d)|①)[\s\S]+?(?<![\w.])(?:2[.、)）](?!\d)|②)"),
          False, _any,
          ("爱用编号列表（1. 2. 3.）：{own} 的消息（团队 {team}）",
           "Writes numbered lists (1. 2. 3.): {own} of their messages (the team: {team})")),
    Habit("mixed_zh_en", _ENGLISH_WORD, False, _chinese,
          ("中英混用：{own} 的中文消息夹着英文词（团队 {team}）{extra}",
           "Mixes English into Chinese: {own} of their Chinese messages carry English words "
           "(the team: {team}){extra}")),
    Habit("polite",
          re.compile(r"请|麻烦|谢谢|多谢|感谢|辛苦|(?<![a-z])(?:please|pls|plz|thanks|thank you|"
                     r"thx|appreciate)(?![a-z])", re.I),
          False, _any,
          ("客气：{own} 的消息带“请/麻烦/谢谢/辛苦”之类（团队 {team}）",
           "Polite: {own} of their messages say please/thanks or the like (the team: {team})"),
          ("很少客套：{own} 的消息带“请/谢谢”之类（团队 {team}）",
           "Seldom says please or thanks: {own} of their messages (the team: {team})")),
    Habit("nin", re.compile(r"您"), False, lambda c: "您" in c or "你" in c,
          ("称呼用“您”：{own} 的带“你/您”的消息（团队 {team}）",
           'Addresses people as "您" (formal you): {own} of their messages with 你/您 '
           "(the team: {team})")),
    Habit("greeting",
          re.compile(r"^[\W_]*(?:hi|hello|hey|dear|good (?:morning|afternoon)|morning|大家好|各位|"
                     r"早上好|中午好|下午好|早安|[^\s，,。]{0,4}[，,]?\s*(?:你好|您好))(?![a-z])", re.I),
          False, _any,
          ("爱打招呼开头（Hi/各位/你好）：{own} 的消息（团队 {team}）",
           "Opens with a greeting (hi / 各位 / 你好): {own} of their messages (the team: {team})")),
)
_HABIT = {h.key: h for h in HABITS}


def _shows(h: Habit, text: str, core: str) -> bool:
    return h.pattern.search(text if h.on_raw else core) is not None


def feature_share(feature: str, texts: Iterable[str]) -> float | None:
    """The share of `texts` showing habit `feature` (see `HABITS`) among those it applies
    to — what a `rate_range` prediction is about. None when it applies to none of them."""
    h = _HABIT[feature]
    n = k = 0
    for t in texts:
        t = t.strip()
        core = wording(t)
        if t and h.applies(core):
            n += 1
            k += _shows(h, t, core)
    return k / n if n else None


def _extra(h: Habit, hits: list[_View], team: list[_View], lang: Lang) -> str:
    """The most used emoji, or the English words they mix in most (against the team)."""
    if h.key == "emoji":
        used: Counter[str] = Counter(e for v in hits for e in EMOJI.findall(v.text))
        top = [e for e, _ in sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))[:4]]
        sep = " "
    elif h.key == "mixed_zh_en":
        mine: Counter[str] = Counter(w for v in hits for w in set(_ENGLISH_WORD.findall(v.core)))
        theirs: Counter[str] = Counter(
            w for v in team if _chinese(v.core) for w in set(_ENGLISH_WORD.findall(v.core))
        )
        n, nt = max(len(hits), 1), max(len(team), 1)
        ranked = sorted(
            (-log_odds_z(k, n, theirs.get(w, 0), nt), w)
            for w, k in mine.items()
            if k >= 3 and w not in _STOP and k / n >= 1.5 * (theirs.get(w, 0) + 0.5) / nt
        )
        top = [w for _, w in ranked[:6]]
        sep = "、" if lang == "zh" else ", "
    else:
        return ""
    if not top:
        return ""
    return ("，常见 " if lang == "zh" else "; most often ") + sep.join(top)


def _habit_claims(own: list[_View], team: list[_View], lang: Lang) -> list[Claim]:
    claims = []
    for h in HABITS:
        mine = [v for v in own if h.applies(v.core)]
        theirs = [v for v in team if h.applies(v.core)]
        if len(mine) < 20 or len(theirs) < 20:
            continue
        hits = [v for v in mine if _shows(h, v.text, v.core)]
        k, n = len(hits), len(mine)
        kt, nt = sum(_shows(h, v.text, v.core) for v in theirs), len(theirs)
        share, tshare = k / n, kt / nt
        z = log_odds_z(k, n, kt, nt)
        middle = (share + tshare) / 2
        if k >= MIN_COUNT and share >= 0.05 and share >= RATIO * tshare and z >= Z_MIN:
            tmpl, lo, hi, high = h.hi, middle, min(1.0, share * 1.5 + 0.05), True
        elif h.lo and tshare >= 0.10 and share <= tshare / 3 and z <= -Z_MIN:
            tmpl, lo, hi, high = h.lo, 0.0, middle, False
        else:
            continue
        extra = _extra(h, hits, theirs, lang) if high else ""
        text = tmpl[0 if lang == "zh" else 1].format(own=pct(share), team=pct(tshare), extra=extra)
        if high:
            evidence = [
                Evidence(v.msg.uid, span=_habit_span(h, v)) for v in _examples(hits)
            ]
        else:
            shown = {id(v) for v in hits}
            evidence = [Evidence(v.msg.uid) for v in _examples([v for v in mine if id(v) not in shown])]
        claims.append(
            Claim(
                section=EXPRESSION,
                text=text,
                evidence=evidence,
                prediction=Prediction(
                    "rate_range", {"feature": h.key, "lo": round(lo, 4), "hi": round(hi, 4)}
                ),
                weight=3.0 + min(abs(z), 30) / 10,
                key=f"habit:{h.key}" + ("" if high else ":rare"),
            )
        )
    return claims


def _habit_span(h: Habit, v: _View) -> tuple[int, int] | None:
    """Where the habit shows in the stored text (the core wording's match, found again)."""
    text = v.msg.text
    if h.on_raw:
        return _span(h.pattern, text)
    if h.key == "no_end_punct":
        last = v.core[-6:]
        found = text.rfind(last)
        return (found, found + len(last)) if found >= 0 else None
    m = h.pattern.search(v.core)
    if not m:
        return None
    found = text.find(m.group(0))
    return (found, found + len(m.group(0))) if found >= 0 else None


def analyze(data: PersonData, lang: Lang) -> AnalyzerResult:
    own = _views(_even([m for m in data.own if m.text.strip()], SAMPLE))
    team = _views(
        _even(
            [
                m
                for m in data.baseline
                if m.text.strip() and m.author not in data.bots and m.author != data.person_id
            ],
            SAMPLE,
        )
    )
    claims: list[Claim] = []
    enough = len(own) >= MIN_MESSAGES and len(team) >= MIN_TEAM
    if enough:
        names = _excluded_tokens(data)
        claims += [_phrase_claim(p, lang) for p in _phrases(own, team, names)]
        length = _length_claim(own, team, lang)
        if length:
            claims.append(length)
        claims += _habit_claims(own, team, lang)
        claims.sort(key=lambda c: (-c.weight, c.key))
    examples = example_claims(data, lang) if data.own else []
    examples.sort(key=lambda c: (-c.weight, c.key))
    notes = [
        SectionNote(EXPRESSION, len(own), len(claims), enough),
        SectionNote(EXAMPLES, len(data.own), len(examples), bool(examples)),
    ]
    return AnalyzerResult(claims + examples, notes)


__all__ = ["HABITS", "Habit", "analyze", "feature_share", "phrase_share"]
