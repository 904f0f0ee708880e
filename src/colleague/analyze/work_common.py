"""Shared pieces of the work analyzer: prepared messages (sentences with offsets, split once),
system/identifier spotting, the stack lexicon, who addressed the subject, token-overlap
clustering and the zh/en wording helper. Pure and deterministic."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from colleague.analyze.model import Evidence, Lang, Msg, PersonData
from colleague.analyze.text import EMOJI, sentences, tokens
from colleague.literals import any_of

# -- wording ----------------------------------------------------------------------------------


def say(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def quote(lang: Lang, s: str) -> str:
    return f"「{s}」" if lang == "zh" else f"“{s}”"


def clip(s: str, limit: int = 140) -> str:
    flat = " ".join(s.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# -- prepared messages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    text: str
    start: int  # offset in the stored message text
    end: int


@dataclass(slots=True)
class Prep:
    """One of the subject's messages with its sentences located in the stored text."""

    msg: Msg
    sents: list[Sent]
    low: str  # the text lower-cased, for the cheap keyword pre-checks


_QUOTE_LINE = re.compile(r"^\s*>")


_TAIL = re.compile(f"(?:\\s|{EMOJI.pattern})+$")


_WRAPPED = re.compile(r"(?<=[^\n]{40})\n(?=[ \t]*[A-Za-z(\"'])")


def unwrap(text: str) -> str:
    """Hard-wrapped mail: a line break inside a paragraph becomes a space (same length, so
    offsets still point into the stored text); list items and blank lines stay."""
    return _WRAPPED.sub(" ", text)


def locate_sentences(text: str, wrapped: bool = False) -> list[Sent]:
    """text.sentences with their offsets; trailing emoji are left out of the quote. With
    `wrapped` (mail), paragraphs are unwrapped first."""
    if wrapped:
        text = unwrap(text)
    out: list[Sent] = []
    cursor = 0
    for s in sentences(text):
        at = text.find(s, cursor)
        if at < 0:  # cannot happen with text.sentences, but never point at the wrong place
            continue
        cursor = at + len(s)
        core = s if s[-1].isalnum() or s[-1] in "。.!！?？，,;；)）" else _TAIL.sub("", s)
        if core:
            out.append(Sent(core, at, at + len(core)))
    return out


def prepare(own: Sequence[Msg]) -> list[Prep]:
    out = []
    for m in own:
        if not m.text:
            continue
        sents = [s for s in locate_sentences(m.text, m.platform == "email") if not _QUOTE_LINE.match(s.text)]
        out.append(Prep(m, sents, m.text.lower()))
    return out


_SPLIT: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}


def has_any(low: str, keys: tuple[str, ...]) -> bool:
    """A cheap pre-check before a large regular expression: Python's `in` is an order of
    magnitude faster than a regex alternation, and most messages match nothing. Keys with
    non-ASCII characters (必须, 告警) are skipped for ASCII-only text, which cannot hold them."""
    split = _SPLIT.get(id(keys))
    if split is None or split[0] is not keys:
        # Keep `keys` referenced so its id is not reused by another tuple.
        split = _SPLIT[id(keys)] = (keys, tuple(k for k in keys if k.isascii()),
                                    tuple(k for k in keys if not k.isascii()))
    if any_of(split[1]).search(low):
        return True
    return not low.isascii() and any_of(split[2]).search(low) is not None


# -- identifiers: systems, services, tables, modules ------------------------------------------

_A = r"(?<![A-Za-z0-9_./-])"  # ASCII-only word edges: \b treats CJK as word characters
_Z = r"(?![A-Za-z0-9_-])"
def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


_SERVICE_PARTS = _words(
    "service svc gateway engine job jobs portal api server worker center centre platform admin"
    " console proxy agent scheduler sdk cli web app bot pipeline cluster store registry hub"
    " manager daemon consumer producer router monitor ledger"
)
_KEBAB = re.compile(_A + r"([a-z][a-z0-9]*(?:-[a-z0-9]+){1,3})" + _Z)
_SNAKE = re.compile(_A + r"([a-z][a-z0-9]*(?:_[a-z0-9]+){1,3})" + _Z)
_CAMEL = re.compile(_A + r"([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){1,4})" + _Z)
_ZH_SYSTEM = re.compile(
    r"([A-Za-z0-9\u4e00-\u9fff]{2,8}?(?:服务|系统|平台|模块|网关|引擎|中心|后台))"
)
_ZH_SYS_STOP = re.compile(r"^(这个|那个|整个|我们|你们|他们|什么|哪个|一个|各|该|本|新|老|相关|其他|所有)")
_ZH_SYS_HINT = re.compile("服务|系统|平台|模块|网关|引擎|中心|后台")
_UPPER = re.compile("[A-Z][a-z0-9]+[A-Z]")
_SNAKE_STOP = frozenset({"that_s", "e_g", "i_e"})


_MASK = re.compile(r"https?://\S+|www\.\S+|:[a-z0-9_+\-]+:|\S+@\S+\.\w+")
_FIELD = re.compile(r"_(?:at|id|no|code|time|type|name|key|ts|date|num|count|status|url|by|on)$")


def mask(text: str) -> str:
    """URLs, e-mail addresses and :emoji: codes blanked out, offsets kept."""
    if ":" not in text and "@" not in text and "www." not in text:
        return text
    return _MASK.sub(lambda m: " " * len(m.group(0)), text)


def systems_in(text: str) -> list[tuple[str, int, int]]:
    """Service-like names in `text`: kebab-case with a service word (payment-gateway),
    snake_case identifiers that are not field names (ledger_entry, not created_at),
    UpperCamelCase (InteractiveShell), xxx服务/系统/平台."""
    if "-" not in text and "_" not in text and not _ZH_SYS_HINT.search(text) and not _UPPER.search(text):
        return []
    text = mask(text)
    found: list[tuple[str, int, int]] = []
    for m in _KEBAB.finditer(text):
        name = m.group(1)
        if any(p in _SERVICE_PARTS for p in name.split("-")):
            found.append((name, m.start(1), m.end(1)))
    for m in _SNAKE.finditer(text):
        name = m.group(1)
        if name not in _SNAKE_STOP and not re.search(r"_\d+$", name) and not _FIELD.search(name):
            found.append((name, m.start(1), m.end(1)))
    for m in _CAMEL.finditer(text):
        found.append((m.group(1), m.start(1), m.end(1)))
    for m in _ZH_SYSTEM.finditer(text):
        name = _ZH_SYS_STOP.sub("", m.group(1))
        if len(name) >= 4:
            s = m.end(1) - len(name)
            found.append((name, s, m.end(1)))
    return found


_SCOPE = re.compile(r"^\s*[A-Za-z]+(?:\(([^()\n]{1,40})\))!?\s*[:：]")


def commit_scopes(msg: Msg) -> list[str]:
    """The scopes of a conventional-commit subject: 过滤器 in `feat(过滤器): …`; several
    in `fix(仪表板、数据大屏): …`."""
    if msg.platform != "git":
        return []
    subject = msg.extra.get("subject") or msg.text.split("\n", 1)[0]
    m = _SCOPE.match(subject)
    if not m or not m.group(1):
        return []
    return [p.strip() for p in re.split(r"[、,，/|&]| and ", m.group(1)) if p.strip()]


def commit_scope(msg: Msg) -> str | None:
    scopes = commit_scopes(msg)
    return scopes[0] if scopes else None


# Status reports and plans (今天：… / Yesterday: … Today: …) list work, they are not incidents
# or review comments.
STATUS_MSG = re.compile(
    r"^\s*(?:早|中午好|今天|今日|明天|本周|下周|昨天|各位好|(?i:yesterday|today|y:|this week|standup|stand-up))"
    r"|计划[:：】]|安排[:：]|周报|本周完成|(?i:\bblockers?:|next week:)"
)
_STATUS_CONV = re.compile(r"周报|日报|(?i:weekly report|status report|stand-?up)")


_STATUS_KEYS = ("早", "中午好", "今天", "今日", "明天", "本周", "下周", "昨天", "各位好", "yesterday", "today",
                "y:", "this week", "standup", "stand-up", "计划", "安排", "周报", "blocker", "next week")


def is_status(m: Msg, low: str | None = None) -> bool:
    if _STATUS_CONV.search(m.conversation_name):
        return True
    return has_any(low if low is not None else m.text.lower(), _STATUS_KEYS) and bool(STATUS_MSG.search(m.text))


# -- being addressed ---------------------------------------------------------------------------


def addressed_to(data: PersonData) -> dict[int, str]:
    """Context messages addressed to the subject → how: 'mention', 'reply' (a reply to
    them) or 'answered' (they replied to it, or it is the question right before their answer
    in the same conversation)."""
    own_uids = {m.uid for m in data.own}
    handles = sorted(
        {a.lower() for a in data.aliases if a and "@" not in a and len(a) >= 2}, key=len, reverse=True
    )
    at_name = re.compile("@(?:" + "|".join(re.escape(h) for h in handles) + ")", re.I) if handles else None
    out: dict[int, str] = {}
    for c in data.context:
        if c.author == data.person_id:
            continue
        if data.person_id in c.mentions or (at_name and "@" in c.text and at_name.search(c.text)):
            out[c.uid] = "mention"
        elif c.reply_to in own_uids:
            out[c.uid] = "reply"
    ctx = {c.uid: c for c in data.context}
    for m in data.own:
        if m.reply_to in ctx and m.reply_to not in out:
            out[m.reply_to] = "answered"
    # The question right before their answer, same conversation, within an hour.
    timeline: dict[int, list[tuple[float, int, bool, Msg]]] = {}
    for m in data.own:
        timeline.setdefault(m.conversation, []).append((_ts(m), m.uid, True, m))
    for c in data.context:
        timeline.setdefault(c.conversation, []).append((_ts(c), c.uid, False, c))
    for conv in sorted(timeline):
        items = sorted(timeline[conv], key=lambda x: (x[0], x[1]))
        for prev, cur in zip(items, items[1:], strict=False):
            if cur[2] and not prev[2] and prev[1] not in out and 0 <= cur[0] - prev[0] <= 3600 \
                    and is_question(prev[3].text):
                out[prev[1]] = "answered"
    return out


def _ts(m: Msg) -> float:
    return m.epoch if m.epoch is not None else 0.0


_QUESTION = re.compile(r"[?？]|吗|么|呢|怎么|如何|多久|多少|哪|谁|几|(?i:\b(?:how|what|where|when|why|who|which|can|could|is|are|does|do)\b)")


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text[:300]))


# -- clustering by token overlap -----------------------------------------------------------------

STOP = _words(
    """的 了 是 在 和 与 及 就 都 也 要 还 又 把 被 给 让 对 从 到 跟 这 那 这个 那个 一下 一个 我 你 他 她 它 我们 你们
    他们 大家 请 麻烦 吧 啊 呢 吗 哈 嗯 哦 呀 啦 嘛 就是 还是 然后 以上 谢谢 好的 一定 必须 不要 不能 禁止 务必 记得 别
    先 再 否则 不然 需要 都要 所有 每个 原则 规矩 才能 可以 不可以 一定要 千万 切记 然后 最后 first then finally
    a an the to of and or in on for at by with from as is are be been was were it its this that these those
    i you we they he she me us them my your our please must never always don't do not dont make sure ensure
    should need needs every each all any no before after then so if but than that's thanks thank just also
    pls plz can could would will"""
)


def content_tokens(text: str) -> list[str]:
    """Tokens that carry the topic (stop and cue words out, numbers folded)."""
    out = []
    for t in tokens(text):
        if t in STOP or len(t) == 1:  # single characters (发, 完, a) say little about the topic
            continue
        out.append("#" if any(ch.isdigit() for ch in t) else t)
    return [t for t in out if t != "#"]


@dataclass
class Cluster:
    members: list[int] = field(default_factory=list)  # indexes into the item list
    vocab: dict[str, int] = field(default_factory=dict)  # token → members containing it


def cluster_by_overlap(
    items: Sequence[frozenset[str]],
    *,
    min_shared: int = 2,
    min_small: float = 0.5,
    min_large: float = 0.25,
    extra_link: Callable[[int, int], bool] | None = None,
) -> list[Cluster]:
    """Greedy, order-stable clustering: an item joins the first cluster whose seed (its first
    member) shares enough tokens with it (overlap of the smaller set ≥ min_small and of the
    larger ≥ min_large, at least min_shared tokens). An inverted index keeps it near-linear."""
    clusters: list[Cluster] = []
    seeds: list[frozenset[str]] = []
    index: dict[str, list[int]] = {}
    for i, toks in enumerate(items):
        best = -1
        cands: set[int] = set()
        for t in toks:
            cands.update(index.get(t, ()))
        for ci in sorted(cands):
            seed = seeds[ci]
            shared = len(seed & toks)
            small, large = min(len(seed), len(toks)), max(len(seed), len(toks))
            if shared >= min(min_shared, small) and small and shared / small >= min_small \
                    and shared / large >= min_large:
                best = ci
                break
            if extra_link and extra_link(clusters[ci].members[0], i):
                best = ci
                break
        if best < 0:
            best = len(clusters)
            clusters.append(Cluster())
            seeds.append(toks)
            for t in toks:
                index.setdefault(t, []).append(best)
        c = clusters[best]
        c.members.append(i)
        for t in toks:
            c.vocab[t] = c.vocab.get(t, 0) + 1
    return clusters


def top_keywords(vocab: dict[str, int], k: int = 4) -> list[str]:
    return [t for t, _ in sorted(vocab.items(), key=lambda x: (-x[1], x[0]))[:k]]


# -- evidence ----------------------------------------------------------------------------------


def spread(seq: Sequence, k: int) -> list:
    """k items spread evenly over seq (first and last included): examples over time."""
    if len(seq) <= k:
        return list(seq)
    if k == 1:
        return [seq[0]]
    step = (len(seq) - 1) / (k - 1)
    return [seq[round(i * step)] for i in range(k)]


def said(m: Msg, span: tuple[int, int] | None = None) -> Evidence:
    return Evidence(uid=m.uid, role="said", span=span)


def addressed(m: Msg, span: tuple[int, int] | None = None) -> Evidence:
    return Evidence(uid=m.uid, role="addressed", span=span)


def dedupe_evidence(evs: Iterable[Evidence], limit: int = 5) -> list[Evidence]:
    seen: set[int] = set()
    out = []
    for e in evs:
        if e.uid in seen:
            continue
        seen.add(e.uid)
        out.append(e)
        if len(out) == limit:
            break
    return out
