"""Decision style and boundaries. Sections "persona.decisions" and "persona.boundaries".

Every own message and every team-baseline message is scanned once for markers (Chinese and
English, mixed text too):

- yes — a short agreeing first clause (可以 / 行 / 好的 / OK), or anywhere an unambiguous
  approval (同意 / 没问题 / LGTM / approved / sounds good / go ahead / ship it …) that is not
  negated and not inside a question;
- no — 不行 / 不同意 / 不建议 / 先别 / 不签字 / let's not / I don't think / disagree /
  not approved, or a bare "no." first clause (rules such as 不要 belong to work.rules);
- push back — asking for evidence before agreeing (测试呢？/ 有数据吗 / 为什么 / why /
  what's the evidence / what covers …? / a clause-opening "why …?") or making agreement
  conditional (没测试不 approve /
  no tests, no approve / 补测试再合 / before merging);
- escalate — 拉个会 / 问题升级 / 上报 / escalate / loop in / cc @ / set up a call;
- hedge (可能 / 也许 / 大概 / maybe / probably / I think …) vs decisive (就这么定 / 定了 /
  结论 / 一律 / decision: / decided / let's go with …);
- boundaries — refusing (这个不归我 / 不是我负责 / not my area / wrong person / out of
  scope / 我这边只管 …; vaguer ones — 我不太清楚 / no idea / not me — only when they name
  someone to ask), redirecting to a person (找 @X / 问 @X / ask @X / @X owns that /
  由 @X 负责, as an answer to a question put to them) or to a process (走流程 / 提工单 /
  开单子 / 走 PRD / file a ticket / change request …).

Markers are matched on lower-cased text with URLs and inline code blanked out, in one
combined pattern per message (Chinese pieces where their first character occurs, English
ones only at word starts) — 100,000 messages scan in about a second.

Claims and thresholds:

- persona.decisions: one claim per kind (yes, no, push back, escalate) with ≥ `MIN_HITS`
  messages: the share of their messages vs the team baseline, the markers they use most,
  1–3 quoted examples. Hedge vs decisive: a claim when their rate differs from the team by
  ≥ `RATIO`× with |z| ≥ `Z_MIN` and ≥ `MIN_HITS` messages on the larger side (hedging in
  ≥ 2 % of their messages, decisive wording in ≥ 1 % and no more hedging than the team). Speed: over
  ≥ `MIN_DECISIONS` yes/no decisions made in an exchange (a thread, or a channel run without
  a gap over 30 min) that someone else started, the share made in their first turn vs after
  two or more of their turns.
- persona.boundaries: refusals and redirects with ≥ `MIN_BOUND` messages: to whom (people
  named) or which process, the question that was redirected (cited as "addressed" when it
  addressed them), quoted examples.
- Predictions `phrase_rate` {"phrase", "min_rate", "ignore_case": true} for a marker they use
  ≥ `MIN_HITS` times at ≥ 2× the team's rate (substring, case-insensitive); min_rate is the
  larger of half their rate and the geometric mean of their rate and the team's.
- fewer than `MIN_OWN` own messages, or no claim → the section is marked not enough.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
from colleague.analyze.social import (
    WINDOW_S,
    Structure,
    build_structure,
    pct,
    pick_examples,
    stream_key,
    z_two,
)
from colleague.analyze.text import keyed_search, shorten, strip_noise

DECISIONS = "persona.decisions"
BOUNDARIES = "persona.boundaries"

MIN_OWN = 30
MIN_HITS = 4
MIN_DECISIONS = 8
MIN_BOUND = 2  # refusals are rare and telling: two distinct ones make a claim
RATIO = 1.6
Z_MIN = 2.5

_I = re.IGNORECASE  # only for the name patterns; markers match lower-cased text
_CLAUSE = re.compile(r"[，,。.！!？?；;：:\n~～…]+")
_NEGATED = re.compile(r"(不|没|别|no|not|n't|never)\s*$")

# Short agreement: the whole first clause.
_YES_SHORT = re.compile(r"^\s*(可以(可以)?|行|fine|没问题|同意)(的|了|吧|啊|哈|呀)?\s*$")
@dataclass(frozen=True)
class Markers:
    """One kind of marker, split so the scan can skip most positions: Chinese pieces are
    tried where one of `zh_heads` starts, English ones only at a word start in `en_heads`."""

    zh_body: str
    zh_heads: str
    en_body: str
    en_heads: str


def _pat(
    zh: Iterable[str] = (),
    en: Iterable[str] = (),
    en_raw: Iterable[str] = (),
    zh_raw: Iterable[str] = (),
    heads: str = "",
) -> Markers:
    """Markers matched on lower-cased text: `zh` pieces as they are, `en` pieces as whole
    words, `en_raw` as regex starting at a word start, `zh_raw` as regex starting with
    one of `heads` (or, for `en_raw`, with one of its Latin letters)."""
    zh, en, en_raw, zh_raw = list(zh), list(en), list(en_raw), list(zh_raw)
    en_all = ([r"(?:" + "|".join(en) + r")\b"] if en else []) + en_raw
    zh_heads = {p[0] for p in zh} | {c for c in heads if not c.isascii() or c == "+"}
    en_heads = {p[0] for p in en} | {c for c in heads if c.isascii() and c.isalpha()}
    assert all(c.isalnum() or c == "+" for c in zh_heads | en_heads)
    return Markers(
        "|".join(zh + zh_raw), "".join(sorted(zh_heads)),
        "|".join(en_all), "".join(sorted(en_heads)),
    )


_EVIDENCE_ZH = ("测试", "单测", "用例", "数据", "依据", "证据", "回滚脚本", "回滚方案", "压测", "监控", "报告")
_YES = _pat(
    ["同意", "没问题", "没啥问题", "批准", "按这个来", "就按"],
    ["lgtm", "approved?", "sounds good", "go ahead", "ship it", "looks good", "good to go",
     "agreed"],
    zh_raw=[r"\+1\b"],
    heads="+",
)
_NO = _pat(
    ["不行", "不同意", "不建议", "先别", "别急着", "不能放行", "不签字", "不会审批", "不会签",
     "不通过", "不合适", "不接受"],
    ["let'?s not", "i don'?t think", "i disagree", "disagree", "not approved", "won'?t approve",
     "can'?t approve", "no approve", "don'?t merge", "not yet"],
)
_NO_LEAD = re.compile(r"\s*no[.,]\s*(?:wait|not|don'?t|let'?s)")
_PUSHBACK = _pat(
    [*(f"{w}呢" for w in _EVIDENCE_ZH),
     r"有(?:没有)?(?:测试|单测|数据|依据|证据|explain|压测|回滚方案|回滚脚本)吗",
     "为什么", "为啥", "凭什么", "理由是", r"怎么(?:保证|确认|证明)",
     r"没(?:有)?[^，,。.\s]{1,8}不\s?(?:approve|合|签|发|放行|审批)",
     r"补[^，,。.]{1,12}再(?:合|发|approve|上)"],
    ["what'?s the (?:evidence|data|reason|rationale)", "how do we know",
     *(f"{w} {x}" for w in ("any", "got", "have", "where are the")
       for x in ("data", "numbers", "benchmarks?", "tests?", "evidence")),
     "what covers", "no tests?,? no", "before (?:merging|approving|i approve)"],
    # 'why …?' ('why not?' and 'why don't we' are suggestions; scan keeps clause starts)
    en_raw=[r"why\b(?! don.?t we| not\b)[^.!?]*\?", r"tests? for\b[^?]*\?",
            r"is it reversible\?", "explain呢", "test呢"],
    heads="wtie",
)
_ESCALATE = _pat(
    ["拉个会", "拉会", "开个会", "上会讨论", "问题升级", r"升级(?:给|到)(?:老板|领导|leader|上级|@)",
     "升级处理", "上报", r"报给(?:老板|领导)", r"找(?:老板|领导)", r"拉上\s*@", r"拉\s*@", "抄送",
     "作战室", "拉群"],
    [r"escalat\w*", "loop(?:ing)? in", r"cc\s*@", "set up a (?:call|meeting)", "hop on a call",
     "take (?:this|it) offline", "bring in @", "war room"],
)
_HEDGE = _pat(
    ["可能", "也许", "或许", "大概", "估计", "应该是", "好像", "似乎", "不确定", "不太确定", "说不定",
     "看情况"],
    ["maybe", "probably", "perhaps", "might", "i think", "i guess", "not sure", "possibly",
     "seems", "i suppose"],
)
_DECISIVE = _pat(
    ["就这样", "就这么定", "就这么办", "定了", "决定", "结论[:：是]", "结论同步", "一律", "拍板"],
    ["decided", "let'?s go with", "we(?:'ll| will|'re| are)? go(?:ing)? with", "no exceptions"],
    en_raw=["decision:"],
    heads="d",
)
# Refusals that stand on their own, and vaguer ones that count only with a person named.
_REFUSE = _pat(
    ["不归我", "不是我负责", "我不负责", "不在我的职责", r"不是我的(?:事|活|范围)", "问错人",
     "不是我这边", "我这边只管", "我只管", "超出范围", "不在范围"],
    ["not my area", "not mine", r"not my (?:call|job|team|department)",
     "i'?m not the right person", "wrong person", "out of scope", "i don'?t own",
     "i only (?:look after|handle|own)"],
)
_REFUSE_WEAK = _pat(["我不太清楚", "我不清楚", "我不懂", "不懂哈"], ["no idea", "not me"])
_PROCESS = _pat(
    [r"走(?:正常|变更)?流程", r"提(?:个|一个)?(?:工单|单子|变更单|需求单|jira)", r"开(?:个)?单子",
     "写进 ?prd", "走 ?prd", "更新 ?prd"],
    ["file (?:a|an) (?:ticket|change request|bug|jira|issue)", "open (?:a|an) (?:ticket|issue|jira)",
     "raise a ticket", "go(?:es)? through (?:the )?(?:prd|process|change request)"],
)
_QUESTION = re.compile(r"[?？]")


@dataclass
class Hits:
    """What one message says, by kind: (label, start, end) of each marker."""

    marks: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)

    def add(self, kind: str, label: str, start: int, end: int) -> None:
        self.marks.setdefault(kind, []).append((label, start, end))


def _label(s: str) -> str:
    return " ".join(s.split()).lower()


_LEAD = re.compile(r"^(\s*(@[\w.\-]+(\s[A-Z][a-z]+)?|<@[^>]+>)[\s,，:：]*)*")


def _first_clause(text: str) -> tuple[str, int, int]:
    """The first clause of the text without leading @mentions: (clause, start, end)."""
    lead = _LEAD.match(text)
    start = lead.end() if lead else 0
    m = _CLAUSE.search(text, start)
    end = m.start() if m else len(text)
    return text[start:end], start, end


_MASK = re.compile(r"https?://\S+|www\.\S+|`[^`]*`")


def _prepared(text: str) -> str:
    """Lower-cased, with URLs and inline code blanked out — same length, so that offsets
    still point into the stored text."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two ('İ')
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if "http" not in low and "www." not in low and "`" not in low:
        return low  # nothing to blank out (every _MASK match holds one of these)
    return _MASK.sub(lambda m: " " * len(m.group(0)), low)


def _combined(kinds: Sequence[tuple[str, Markers]]) -> re.Pattern[str]:
    """All marker kinds in one pattern (one pass per message); the group name is the kind."""
    zh = "|".join(f"(?P<{k}__z>{m.zh_body})" for k, m in kinds if m.zh_body)
    en = "|".join(f"(?P<{k}__e>{m.en_body})" for k, m in kinds if m.en_body)
    zh_heads = re.escape("".join(sorted({c for _, m in kinds for c in m.zh_heads})))
    en_heads = re.escape("".join(sorted({c for _, m in kinds for c in m.en_heads})))
    return re.compile(rf"(?=[{zh_heads}])(?:{zh})|\b(?=[{en_heads}])(?:{en})")


# "no" before "yes": at one position '不同意' must win over '同意'.
_ALL = _combined([
    ("no", _NO), ("yes", _YES), ("pushback", _PUSHBACK), ("escalate", _ESCALATE),
    ("hedge", _HEDGE), ("decisive", _DECISIVE), ("refuse", _REFUSE),
    ("refuse_weak", _REFUSE_WEAK), ("process", _PROCESS),
])
_CLAUSE_START = re.compile(r"(^|[.!?,:;，。！？；：])\s*$")


def scan(raw: str) -> Hits:
    """All markers in one message (offsets into `raw`)."""
    h = Hits()
    text = _prepared(raw)
    question = "?" in text or "？" in text
    clause, c0, c1 = _first_clause(text)
    if not question and _YES_SHORT.match(clause):
        h.add("yes", _label(clause.strip()), c0, c1)
    for m in _ALL.finditer(text):
        assert m.lastgroup is not None
        kind = m.lastgroup.split("__")[0]
        a, b = m.start(), m.end()
        if kind == "pushback" and text.startswith("why", a) and not _CLAUSE_START.search(
            text[max(0, a - 8) : a]
        ):
            continue  # 'that's why', 'any idea why': not asking for reasons
        if kind == "yes":
            if question or "yes" in h.marks or _NEGATED.search(text[max(0, a - 4) : a]):
                continue
            h.add(kind, _label(m.group(0)), a, b)
        elif kind == "pushback":
            h.add(kind, _canon(_label(m.group(0))), a, b)
        else:
            h.add(kind, _label(m.group(0)), a, b)
    if "no" not in h.marks and text.lstrip().startswith("no"):
        lead = _NO_LEAD.match(text)
        if lead:
            h.add("no", _label(lead.group(0)), lead.start(), lead.end())
    if "no" in h.marks:
        h.marks.pop("yes", None)  # "可以，但不建议…" is a no
    return h


_CANON = (
    (re.compile(r"^tests? for\b.*"), "test for …?"),
    (re.compile(r"^\W*why\b.*"), "why …?"),
    (re.compile(r"^没(有)?.+不\s?(\S+)$"), r"没…不\2"),
    (re.compile(r"^补.+再(\S+)$"), r"补…再\1"),
)


def _canon(label: str) -> str:
    """One label for markers with a variable middle ('没测试不 approve' → '没…不approve')."""
    for pat, repl in _CANON:
        if pat.match(label):
            return pat.sub(repl, label)
    return label


def sentence_span(text: str, start: int, end: int, limit: int = 140) -> tuple[int, int]:
    """The sentence around [start, end), at most `limit` characters."""
    left = max(text.rfind(c, 0, start) for c in "。！？!?\n；;")
    lo = left + 1 if left >= 0 else 0
    rights = [i for i in (text.find(c, end) for c in "。！？!?\n；;") if i >= 0]
    hi = min(rights) + 1 if rights else len(text)
    while lo < start and text[lo].isspace():
        lo += 1
    if hi - lo > limit:
        lo = max(lo, start - limit // 3)
        hi = min(hi, lo + limit)
    return lo, max(hi, end)


# --------------------------------------------------------------------------------------


@dataclass
class Scanned:
    own: list[tuple[Msg, Hits]]
    base: list[Hits]
    base_texts: list[str]
    _counts: tuple[Counter[str], Counter[str]] | None = field(default=None, repr=False)

    def with_kind(self, kind: str) -> list[tuple[Msg, Hits]]:
        return [(m, h) for m, h in self.own if kind in h.marks]

    def rate(self, kind: str) -> tuple[int, float, int, float]:
        if self._counts is None:  # messages per kind, counted once
            self._counts = (Counter(k for _, h in self.own for k in h.marks),
                            Counter(k for h in self.base for k in h.marks))
        k_own, k_base = self._counts[0][kind], self._counts[1][kind]
        return (
            k_own,
            k_own / max(len(self.own), 1),
            k_base,
            k_base / max(len(self.base), 1),
        )


def _phrase_prediction(
    labels: Counter[str], own_texts: Sequence[str], base_texts: Sequence[str]
) -> Prediction | None:
    """phrase_rate for the marker most distinctive against the team (see module doc)."""
    best: tuple[float, str, float] | None = None
    for label, n in sorted(labels.items(), key=lambda x: (-x[1], x[0])):
        if n < MIN_HITS or len(label) < 2 or "…" in label:
            continue
        r_own = sum(1 for t in own_texts if label in t) / max(len(own_texts), 1)
        r_base = sum(1 for t in base_texts if label in t) / max(len(base_texts), 1)
        if r_own < MIN_HITS / max(len(own_texts), 1) or r_own < 2 * r_base:
            continue
        lift = r_own / r_base if r_base else 32.0
        score = n * min(math.log2(lift), 5.0)
        if best is None or score > best[0]:
            floor = max(math.sqrt(r_own * r_base), r_own / 2)
            best = (score, label, floor)
    if best is None:
        return None
    return Prediction(
        "phrase_rate", {"phrase": best[1], "min_rate": round(best[2], 4), "ignore_case": True}
    )


def _examples(items: Sequence[tuple[Msg, Hits]], kind: str, k: int = 3) -> list[Evidence]:
    msgs = pick_examples([m for m, _ in items], k, lo=2, hi=240)
    hits = {m.uid: h for m, h in items}
    ev = []
    for m in msgs:
        _, a, b = hits[m.uid].marks[kind][0]
        ev.append(Evidence(m.uid, span=sentence_span(m.text, a, b)))
    return ev


def _quote(m: Msg, ev: Evidence) -> str:
    a, b = ev.span if ev.span else (0, len(m.text))
    return shorten(m.text[a:b], 80)


def _quotes(by_uid: dict[int, Msg], ev: Iterable[Evidence], lang: Lang) -> str:
    qs = [_quote(by_uid[e.uid], e) for e in ev if e.role == "said" and e.uid in by_uid]
    if lang == "zh":
        return "、".join(f"「{q}」" for q in qs)
    return ", ".join(f'"{q}"' for q in qs)


def _top_labels(labels: Counter[str], lang: Lang, k: int = 4) -> str:
    top = sorted(labels.items(), key=lambda x: (-x[1], x[0]))[:k]
    if lang == "zh":
        return "、".join(f"「{w}」×{n}" for w, n in top)
    return ", ".join(f'"{w}" ×{n}' for w, n in top)


_KIND_TEXT = {
    "yes": ("表示同意时", "How they say yes"),
    "no": ("拒绝或反对时", "How they say no"),
    "pushback": ("同意之前先要证据/条件（追问测试、数据、理由）", "Before agreeing they push back"
                 " (ask for tests, data, reasons, or set conditions)"),
    "escalate": ("需要升级时（拉会、上报、拉人）", "How they escalate (meetings, loop in, cc)"),
}


def _kind_claims(sc: Scanned, by_uid: dict[int, Msg], lang: Lang) -> list[Claim]:
    claims = []
    own_texts = [m.text.lower() for m, _ in sc.own]
    for kind in ("yes", "no", "pushback", "escalate"):
        items = sc.with_kind(kind)
        k, r, kb, rb = sc.rate(kind)
        if k < MIN_HITS:
            continue
        labels: Counter[str] = Counter(h.marks[kind][0][0] for _, h in items)
        ev = _examples(items, kind)
        zh, en = _KIND_TEXT[kind]
        rel = _relative(r, rb, lang)
        if lang == "zh":
            text = (
                f"{zh}：最常用{_top_labels(labels, lang)}；{k} 条消息，占 {pct(r)}"
                f"（团队 {pct(rb)}{rel}）。例：{_quotes(by_uid, ev, lang)}。"
            )
        else:
            text = (
                f"{en}: most often {_top_labels(labels, lang)}; {k} messages, {pct(r)} of "
                f"theirs (team {pct(rb)}{rel}). E.g. {_quotes(by_uid, ev, lang)}."
            )
        claims.append(
            Claim(
                section=DECISIONS,
                text=text,
                evidence=ev,
                prediction=_phrase_prediction(labels, own_texts, sc.base_texts),
                weight=float(k),
                key=kind,
            )
        )
    return claims


def _relative(r: float, rb: float, lang: Lang) -> str:
    if rb and r / rb >= RATIO:
        return f"，约 {r / rb:.1f} 倍" if lang == "zh" else f", about {r / rb:.1f}×"
    if r and rb / max(r, 1e-9) >= RATIO:
        return "，明显更少" if lang == "zh" else ", clearly less"
    return ""


def _hedge_claim(sc: Scanned, by_uid: dict[int, Msg], lang: Lang) -> Claim | None:
    n, nb = len(sc.own), len(sc.base)
    kh, rh, kbh, rbh = sc.rate("hedge")
    kd, rd, kbd, rbd = sc.rate("decisive")
    # Rare markers say little: hedging must reach 2 % of messages, decisive wording 1 %.
    hedge_hi = (kh >= MIN_HITS and rh >= 0.02 and rh >= RATIO * rbh
                and z_two(kh, n, kbh, nb) >= Z_MIN)
    hedge_lo = kbh >= MIN_HITS and rbh >= RATIO * rh and z_two(kh, n, kbh, nb) <= -Z_MIN
    dec_hi = (kd >= MIN_HITS and rd >= 0.01 and rd >= RATIO * rbd and rh <= RATIO * rbh
              and z_two(kd, n, kbd, nb) >= Z_MIN)
    if not (hedge_hi or hedge_lo or dec_hi):
        return None
    # Quote the side that sets them apart.
    kind = "hedge" if hedge_hi else "decisive"
    items = sc.with_kind(kind)
    if not items:
        kind, items = "hedge", sc.with_kind("hedge")
    if not items:
        return None
    ev = _examples(items, kind)
    labels: Counter[str] = Counter(h.marks[kind][0][0] for _, h in items)
    if lang == "zh":
        lead = "说话偏含糊、留余地" if hedge_hi else "说话果断、少留余地"
        text = (
            f"{lead}：含糊词（可能/也许/maybe）出现在 {pct(rh)} 的消息里（团队 {pct(rbh)}），"
            f"拍板用语（定了/结论/decided）{pct(rd)}（团队 {pct(rbd)}）；"
            f"常用{_top_labels(labels, lang, 3)}。例：{_quotes(by_uid, ev, lang)}。"
        )
    else:
        lead = "They hedge" if hedge_hi else "They are decisive"
        text = (
            f"{lead}: hedges (maybe/probably/可能) in {pct(rh)} of messages (team {pct(rbh)}), "
            f"decisive wording (decided/就这么定) in {pct(rd)} (team {pct(rbd)}); most often "
            f"{_top_labels(labels, lang, 3)}. E.g. {_quotes(by_uid, ev, lang)}."
        )
    pred = None
    if hedge_hi or dec_hi:
        own_texts = [m.text.lower() for m, _ in sc.own]
        pred = _phrase_prediction(labels, own_texts, sc.base_texts)
    return Claim(DECISIONS, text, ev, pred, weight=float(max(kh, kd)), key="hedge")


def _speed_claim(
    data: PersonData, s: Structure, sc: Scanned, lang: Lang
) -> Claim | None:
    """How many of their own turns in an exchange come before a yes/no."""
    first: list[Msg] = []
    later: list[Msg] = []
    position = {m.uid: i for msgs in s.streams.values() for i, m in enumerate(msgs)}
    for m, h in sc.own:
        if "yes" not in h.marks and "no" not in h.marks:
            continue
        stream = s.streams.get(stream_key(m))
        if not stream:
            continue
        turns, started_by_other = _turns_before(stream, position[m.uid], s.subject, bool(
            stream_key(m)[1]))
        if not started_by_other:
            continue
        if turns == 0:
            first.append(m)
        elif turns >= 2:
            later.append(m)
    total = len(first) + len(later)
    if total < MIN_DECISIONS:
        return None
    share = len(first) / total
    by_uid = {m.uid: m for m, _ in sc.own}
    hits = {m.uid: h for m, h in sc.own}
    ev = []
    for m in pick_examples(first, 2, lo=2) + pick_examples(later, 1, lo=2):
        kind = "yes" if "yes" in hits[m.uid].marks else "no"
        _, a, b = hits[m.uid].marks[kind][0]
        ev.append(Evidence(m.uid, span=sentence_span(m.text, a, b)))
    if lang == "zh":
        style = "决定得快" if share >= 0.6 else ("多轮讨论后才拍板" if share <= 0.35 else "快慢不一")
        text = (
            f"{style}：{total} 次同意/否决中，{len(first)} 次（{pct(share)}）在该讨论里的第一次回复就给出，"
            f"{len(later)} 次在自己说了两轮以上之后。例：{_quotes(by_uid, ev, lang)}。"
        )
    else:
        style = (
            "They decide fast" if share >= 0.6
            else ("They decide after several rounds" if share <= 0.35 else "Mixed decision speed")
        )
        text = (
            f"{style}: of {total} yes/no answers, {len(first)} ({pct(share)}) came in their first "
            f"reply in the exchange, {len(later)} after two or more of their own turns. "
            f"E.g. {_quotes(by_uid, ev, lang)}."
        )
    return Claim(DECISIONS, text, ev, None, weight=float(total) / 2, key="speed")


def _turns_before(
    stream: list[Msg], i: int, subject: int, in_thread: bool
) -> tuple[int, bool]:
    """The subject's earlier turns in the exchange ending at stream[i], and whether
    someone else opened it. A channel exchange ends at a gap over WINDOW_S."""
    turns = 0
    last_author: int | None = subject
    opener: int | None = None
    j = i - 1
    while j >= 0:
        cur, nxt = stream[j], stream[j + 1]
        if not in_thread and cur.ts and nxt.ts and (nxt.ts - cur.ts).total_seconds() > WINDOW_S:
            break
        if cur.author == subject and last_author != subject:
            turns += 1
        last_author = cur.author
        opener = cur.author
        j -= 1
    return turns, opener is not None and opener != subject


# --------------------------------------------------------------------------------------
# Boundaries

_ASK_NAME = re.compile(
    r"(找|问|联系|请教|咨询|ask|ping|check with|talk to|reach out to)\s*@?\s*$", _I
)
# Cheap test before looking for names: a message that could send someone elsewhere.
_CUE = re.compile(r"找|问|联系|请教|咨询|负责|管|ask|ping|check with|talk to|reach out|owns|knows", _I)
_CUE_KEYS = ("找", "问", "联系", "请教", "咨询", "负责", "管", "ask", "ping", "check with", "talk to",
             "reach out", "owns", "knows")
_ASK_AT = re.compile(r"(找|问|联系|ask|ping|check with|talk to)\s*@|@\S+( \S+)? owns", _I)
_OWNS = re.compile(r"^\s*(owns|负责|knows|管)", _I)


def _targets(m: Msg, s: Structure, names: dict[int, str], pat: re.Pattern[str] | None,
             lookup: dict[str, int]) -> list[tuple[int, int, int]]:
    """People the message sends the asker to: (person, start, end) of '找 @X' / 'ask X' /
    '@X owns that' / '由 @X 负责'."""
    if pat is None:
        return []
    out = []
    for hit in pat.finditer(m.text):
        pid = lookup.get(hit.group(1).lower())
        if pid is None or not s.is_person(pid):
            continue
        before = m.text[max(0, hit.start() - 16) : hit.start()]
        after = m.text[hit.end() : hit.end() + 12]
        if _ASK_NAME.search(before) or _OWNS.match(after) or before.rstrip().endswith("由"):
            out.append((pid, hit.start(), hit.end()))
    return out


def _boundary_claims(
    data: PersonData, s: Structure, sc: Scanned, lang: Lang
) -> list[Claim]:
    from colleague.analyze.social import name_pattern

    others = {p: n for p, n in data.people.items() if s.is_person(p)}
    pat = name_pattern(others.values())
    # Bare names too: IRC and mail write "ask colinclark", not "@colinclark".
    bare = _bare_pattern(others.values())
    lookup = {n.lower(): p for p, n in sorted(others.items(), reverse=True)}
    by_uid = {m.uid: m for m, _ in sc.own}
    person: list[tuple[Msg, list[int], tuple[int, int]]] = []
    process: list[tuple[Msg, Hits]] = []
    for m, h in sc.own:
        cue = "refuse" in h.marks or "refuse_weak" in h.marks or keyed_search(
            _CUE, _CUE_KEYS, m.text)
        tg = (_targets(m, s, others, pat, lookup) or _targets(m, s, others, bare, lookup)
              if cue else [])
        if not tg and s.own_mentions.get(m.uid) and _ASK_AT.search(m.text):
            # '@Chen Jing' resolved by the export under a name we do not know: trust it.
            hit = _ASK_AT.search(m.text)
            assert hit is not None
            tg = [(p, hit.start(), hit.end()) for p in s.own_mentions[m.uid]]
        refusal = h.marks.get("refuse") or (h.marks.get("refuse_weak") if tg else None)
        if refusal or tg:
            if not refusal and not _looks_redirect(m, s):
                continue
            a, b = refusal[0][1:] if refusal else tg[0][1:]
            person.append((m, [p for p, _, _ in tg], sentence_span(m.text, a, b)))
        elif "process" in h.marks:
            process.append((m, h))
    claims = []
    k_ref, r_ref, _, rb_ref = sc.rate("refuse")
    if len(person) >= MIN_BOUND:
        to = Counter(p for _, ps, _ in person for p in dict.fromkeys(ps))
        chosen = _spread_redirects(person, 3)
        ev: list[Evidence] = []
        asked_parts: list[str] = []
        for m, _, span in chosen:
            q = s.parent.get(m.uid)
            if q is not None and s.asked_of_subject(q, m):
                ev.append(Evidence(q.uid, role="addressed"))
                asked_parts.append(shorten(_drop_mentions(q.text), 50))
            ev.append(Evidence(m.uid, span=span))
        labels: Counter[str] = Counter(
            h.marks["refuse"][0][0] for m, h in sc.own if "refuse" in h.marks
        )
        names = [(data.people.get(p, str(p)), n) for p, n in
                 sorted(to.items(), key=lambda x: (-x[1], x[0]))[:4]]
        said = _quotes(by_uid, ev, lang)
        if lang == "zh":
            text = f"不归自己的事会直接推开或转给对的人（{len(person)} 次"
            text += f"，说「不归我」之类的话占消息 {pct(r_ref)}，团队 {pct(rb_ref)}）" if k_ref else "）"
            if names:
                text += "；转给 " + "、".join(f"{n} ×{c}" for n, c in names)
            if asked_parts:
                text += "；被问的事如「" + "」「".join(asked_parts) + "」"
            text += f"。原话：{said}。"
        else:
            text = f"What is not theirs they turn away or redirect ({len(person)} times"
            text += (f"; refusals like 'not my area' in {pct(r_ref)} of messages, team "
                     f"{pct(rb_ref)})" if k_ref else ")")
            if names:
                text += "; sent to " + ", ".join(f"{n} ×{c}" for n, c in names)
            if asked_parts:
                text += '; asked e.g. "' + '", "'.join(asked_parts) + '"'
            text += f". In their words: {said}."
        own_texts = [m.text.lower() for m, _ in sc.own]
        pred = _phrase_prediction(labels, own_texts, sc.base_texts) if k_ref >= MIN_HITS else None
        claims.append(Claim(BOUNDARIES, text, ev, pred, weight=float(len(person)), key="redirect"))
    if len(process) >= MIN_BOUND:
        labels = Counter(h.marks["process"][0][0] for _, h in process)
        ev = _examples(process, "process")
        k, r, _, rb = sc.rate("process")
        if lang == "zh":
            text = (f"要求按流程来（{len(process)} 次，占消息 {pct(r)}，团队 {pct(rb)}）："
                    f"{_top_labels(labels, lang, 3)}。例：{_quotes(by_uid, ev, lang)}。")
        else:
            text = (f"They send requests through the process ({len(process)} times, {pct(r)} of "
                    f"messages, team {pct(rb)}): {_top_labels(labels, lang, 3)}. "
                    f"E.g. {_quotes(by_uid, ev, lang)}.")
        own_texts = [m.text.lower() for m, _ in sc.own]
        pred = _phrase_prediction(labels, own_texts, sc.base_texts)
        claims.append(Claim(BOUNDARIES, text, ev, pred, weight=float(len(process)), key="process"))
    return claims


def _drop_mentions(text: str) -> str:
    """The question without '@Li Qiang' / '@李强' / URLs (they are not the topic)."""
    text = re.sub(r"@[A-Z][\w.\-]*( [A-Z][\w.\-]*)?", " ", text)
    return " ".join(strip_noise(text).split())


def _bare_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Names without '@' (only names of 3+ characters, to avoid matching words)."""
    uniq = sorted({n for n in names if len(n) >= 3}, key=lambda n: (-len(n), n))
    if not uniq:
        return None
    alt = "|".join(re.escape(n) for n in uniq)
    return re.compile(rf"(?<![\w@])({alt})(?![A-Za-z0-9_])", _I)


def _looks_redirect(m: Msg, s: Structure) -> bool:
    """'找 @X' without a refusal counts when it answers someone's question (not a request the
    subject starts themselves, like '@X 帮忙看下')."""
    q = s.parent.get(m.uid)
    return q is not None and s.asked_of_subject(q, m) and not _QUESTION.search(m.text[-2:])


def _spread_redirects(
    items: list[tuple[Msg, list[int], tuple[int, int]]], k: int
) -> list[tuple[Msg, list[int], tuple[int, int]]]:
    keep = {m.uid for m in pick_examples([m for m, _, _ in items], k, lo=2, hi=240)}
    return [x for x in items if x[0].uid in keep]


# --------------------------------------------------------------------------------------


def analyze(data: PersonData, lang: Lang) -> AnalyzerResult:
    """Decision style (yes, no, push back, escalate, hedging, speed) and boundaries."""
    if len(data.own) < MIN_OWN:
        return AnalyzerResult(
            [],
            [
                SectionNote(DECISIONS, len(data.own), 0, False),
                SectionNote(BOUNDARIES, len(data.own), 0, False),
            ],
        )
    sc = Scanned(
        own=[(m, scan(m.text)) for m in data.own],
        base=[scan(m.text) for m in data.baseline],
        base_texts=[m.text.lower() for m in data.baseline],
    )
    s = build_structure(data)
    by_uid = {m.uid: m for m in data.own}
    dec = _kind_claims(sc, by_uid, lang)
    for extra in (_hedge_claim(sc, by_uid, lang), _speed_claim(data, s, sc, lang)):
        if extra is not None:
            dec.append(extra)
    dec.sort(key=lambda c: (-c.weight, c.key))
    bnd = _boundary_claims(data, s, sc, lang)
    bnd.sort(key=lambda c: (-c.weight, c.key))
    notes = [
        SectionNote(DECISIONS, len(data.own), len(dec), bool(dec)),
        SectionNote(BOUNDARIES, len(data.own), len(bnd), bool(bnd)),
    ]
    return AnalyzerResult(dec + bnd, notes)


__all__ = ["analyze", "scan"]
