"""work.duties and work.stack: what the subject owns and is asked about, and the tools they use.

Duties come from five signals, each a claim of its own kind (key prefix):
- `system:<name>` — a service-like name (see work_common.systems_in) they say they own
  ("我负责 / 我来 / 我盯 / 归我 / I own / I'll take / mine"), are asked about (context
  messages addressed to them, evidence role "addressed"), or name distinctly more than the
  team. Kept when owned ≥ 1, asked ≥ ASKED_MIN, or named in ≥ NAMED_MIN messages,
  in ≥ STABLE_EACH of each half of their record (`analyze.stability`) and at
  ≥ LIFT_MIN × the baseline rate in the half where they name it less. Prediction
  term_mentioned when they name it themselves in ≥ PREDICT_EACH messages of each third (a
  rarer name leaves less than one mention due in a held-out period, and a name of one
  period only is not due in the next): "rate" is the lowest third's rate, "baseline_rate"
  the team's.
- `scope:<scope>` — conventional-commit scopes in their git subjects (`feat(过滤器): …`),
  ≥ SCOPE_MIN commits and ≥ 5% of their commits, in each half of
  their commits too (≥ PREDICT_EACH each). Prediction term_mentioned, the lower half's share.
- `path:<dir>` — top directories (two levels) of the paths their commits touch
  (Msg.extra["paths"]), ≥ PATH_MIN commits, ≥ 10% of theirs and ≥ 1.5 × others' share
  when others' commits with paths are known. No prediction (held-out text does not show it).
- `channel:<name>` — the chat conversations holding ≥ 10% of their chat messages (≥ 5).
- `docs` — the documents they wrote (titles).

Stack (`stack:<name>`): terms from the STACK lexicon named in ≥ STACK_MIN of their messages,
either distinctive (≥ LIFT_MIN × the baseline rate, smoothed) or frequent (≥ 5% of their
messages), in each half of their record (≥ STABLE_EACH each; the lift and the 5% measured
on the half where it is lower, which must still exceed the team's rate). Prediction
term_mentioned {"terms", "min_count": 1, "rate": the lowest third's share of their messages,
"baseline_rate": the team's} when named in ≥ PREDICT_EACH messages of each third.
"""

from __future__ import annotations

import re
from collections import Counter

from colleague.analyze.model import Claim, Evidence, Lang, Msg, PersonData, Prediction, SectionNote
from colleague.analyze.stability import Halves
from colleague.analyze.text import ODD_FOLDS
from colleague.analyze.work_common import (
    Prep,
    addressed,
    clip,
    commit_scopes,
    dedupe_evidence,
    has_any,
    quote,
    said,
    say,
    spread,
    systems_in,
)
from colleague.analyze.work_stack import stack_in

ASKED_MIN = 2
NAMED_MIN = 3
LIFT_MIN = 2.0
SCOPE_MIN = 3
PATH_MIN = 3
STACK_MIN = 3
STABLE_EACH = 1  # uses in each part of their record (at least) for a name to count as stable
PREDICT_EACH = 2  # uses in each part before predicting a rate (rarer: < 1 mention is due)
MAX_SYSTEMS = 10
MAX_STACK = 12
_CHAT = frozenset({"slack", "feishu", "dingtalk", "wechat", "wecom", "discord", "telegram",
                   "mattermost", "teams", "irc", "qq", "lark"})

_OWN = re.compile(
    r"我(?:来|这边)?负责|由我负责|是我负责|归我|我来(?:处理|跟|跟进|盯|看|搞|改|修|做|接)|我(?:先)?盯(?:一下|着)?|我维护"
    r"|(?i:\bI(?:'ll| will| can)? (?:own|take|maintain|handle)\b|\bI'm (?:the owner|responsible|on it)\b"
    r"|\bI am (?:the owner|responsible)\b|\bmy (?:service|module|repo|team's)\b|^\s*mine\b)"
)


_OWN_KEYS = ("负责", "归我", "我来", "盯", "维护", "own", "take", "maintain", "handle", "i'm", "i am",
             "my ", "mine")


def _odd(p: Prep) -> bool:
    """Text whose case folding goes beyond str.lower() (see text.ODD_FOLDS): no shortcut."""
    return not p.low.isascii() and not ODD_FOLDS.isdisjoint(p.msg.text)


def pct(x: float) -> str:
    return f"{x * 100:.1f}%" if x < 0.1 else f"{x * 100:.0f}%"


def _rate(n: int, total: int) -> float:
    return n / total if total else 0.0


def _smoothed(n: int, total: int) -> float:
    return (n + 0.5) / (total + 1)


# -- duties ------------------------------------------------------------------------------------


def _systems_per_msg(msgs: list[Msg]) -> dict[str, list[tuple[Msg, tuple[int, int]]]]:
    out: dict[str, list[tuple[Msg, tuple[int, int]]]] = {}
    for m in msgs:
        seen: set[str] = set()
        for name, s, e in systems_in(m.text):
            if name not in seen:
                seen.add(name)
                out.setdefault(name, []).append((m, (s, e)))
    return out


def _owned(preps: list[Prep], ctx: dict[int, Msg]) -> dict[str, list[Evidence]]:
    """System → their sentences claiming it; a bare "mine"/"我来" takes the system from the
    message it answers."""
    out: dict[str, list[Evidence]] = {}
    for p in preps:
        # Every _OWN match holds one of the keys: a message without any has no such sentence.
        if not has_any(p.low, _OWN_KEYS) and not _odd(p):
            continue
        for s in p.sents:
            if not _OWN.search(s.text):
                continue
            names = [(n, a + s.start, b + s.start) for n, a, b in systems_in(s.text)]
            if not names and p.msg.reply_to in ctx and len(p.msg.text) <= 40:
                parent = ctx[p.msg.reply_to]
                names = [(n, s.start, s.end) for n, _, _ in systems_in(parent.text)[:1]]
            for n, _, _ in names:
                out.setdefault(n, []).append(said(p.msg, (s.start, s.end)))
    return out


def _asked(data: PersonData, addr: dict[int, str]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for c in data.context:
        if c.uid not in addr:
            continue
        for name, s, e in {n: (n, a, b) for n, a, b in reversed(systems_in(c.text))}.values():
            out.setdefault(name, []).append(addressed(c, (s, e)))
    return out


def _system_claims(data: PersonData, preps: list[Prep], addr: dict[int, str], lang: Lang) -> list[Claim]:
    ctx = {c.uid: c for c in data.context}
    own = _systems_per_msg([p.msg for p in preps])
    base = _systems_per_msg(data.baseline)
    owned = _owned(preps, ctx)
    asked = _asked(data, addr)
    n_own, n_base = len(preps), len(data.baseline)
    halves = Halves.of([p.msg.uid for p in preps], 2)
    thirds = Halves.of([p.msg.uid for p in preps])  # predictions: stability.PARTS
    claims = []
    for name in sorted(set(own) | set(owned) | set(asked)):
        named = own.get(name, [])
        rate = _rate(len(named), n_own)
        brate = _rate(len(base.get(name, [])), n_base)
        # Stable: named in each half of their record, distinctly in the quieter one too.
        low = halves.low_rate(m.uid for m, _ in named)
        stable = halves.in_both((m.uid for m, _ in named), STABLE_EACH)
        lift = low / _smoothed(len(base.get(name, [])), n_base) if n_base else LIFT_MIN
        distinct = len(named) >= NAMED_MIN and stable and lift >= LIFT_MIN
        o, q = owned.get(name, []), asked.get(name, [])
        if not (o or len(q) >= ASKED_MIN or distinct):
            continue
        parts = []
        if o:
            first = next(p.msg for p in preps if p.msg.uid == o[0].uid)
            span = o[0].span or (0, len(first.text))
            parts.append(say(lang, f"自己说过负责：{quote(lang, clip(first.text[span[0]:span[1]]))}",
                             f"says they own it: {quote(lang, clip(first.text[span[0]:span[1]]))}"))
        if len(q) >= ASKED_MIN:
            parts.append(say(lang, f"被问到 {len(q)} 次", f"asked about it {len(q)} times"))
        if named:
            parts.append(say(lang, f"在 {len(named)} 条消息里提到（占 {pct(rate)}，团队 {pct(brate)}）",
                             f"named in {len(named)} of their messages ({pct(rate)}; team {pct(brate)})"))
        sep = "；" if lang == "zh" else "; "
        evidence = dedupe_evidence(
            o[:2] + spread(q, 2) + [said(m, sp) for m, sp in spread(named, 2)]
        )
        pred = None
        if len(named) >= NAMED_MIN and low > brate and thirds.in_both((m.uid for m, _ in named), PREDICT_EACH):
            low = min(low, thirds.low_rate(m.uid for m, _ in named))
            pred = Prediction("term_mentioned", {"terms": [name], "min_count": 1,
                                                 "rate": round(low, 4), "baseline_rate": round(brate, 4)})
        weight = 5.0 * len(o) + 2.0 * len(q) + len(named) * min(lift, 5.0)
        claims.append(Claim("work.duties", f"{name}{'：' if lang == 'zh' else ': '}{sep.join(parts)}",
                            evidence, pred, weight, f"system:{name}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    return claims[:MAX_SYSTEMS]


def _scope_claims(preps: list[Prep], lang: Lang) -> list[Claim]:
    commits = [p.msg for p in preps if p.msg.platform == "git"]
    by_scope: dict[str, list[Msg]] = {}
    for m in commits:
        for sc in commit_scopes(m):
            by_scope.setdefault(sc, []).append(m)
    halves = Halves.of([m.uid for m in commits], 2)
    claims = []
    for sc in sorted(by_scope):
        ms = by_scope[sc]
        share = _rate(len(ms), len(commits))
        low = halves.low_rate(m.uid for m in ms)  # stable: a module of both halves
        if len(ms) < SCOPE_MIN or low < 0.05 or not halves.in_both((m.uid for m in ms), PREDICT_EACH):
            continue
        ev = []
        for m in spread(ms, 3):
            at = m.text.find(sc)
            ev.append(said(m, (at, at + len(sc)) if at >= 0 else None))
        text = say(lang, f"模块「{sc}」：{len(ms)} 次提交（占其提交 {pct(share)}）",
                   f"module “{sc}”: {len(ms)} commits ({pct(share)} of theirs)")
        pred = Prediction("term_mentioned", {"terms": [sc], "min_count": 1, "rate": round(low, 4)})
        claims.append(Claim("work.duties", text, ev, pred, float(len(ms)), f"scope:{sc}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    return claims[:5]


def _module(path: str) -> str | None:
    parts = path.strip("/").split("/")[:-1]  # directories only
    return "/".join(parts[:2]) if parts else None


def _modules(m: Msg) -> set[str]:
    return {d for p in m.extra.get("paths") or () if (d := _module(str(p)))}


def _path_claims(data: PersonData, preps: list[Prep], lang: Lang) -> list[Claim]:
    mine = [(p.msg, _modules(p.msg)) for p in preps if p.msg.extra.get("paths")]
    if len(mine) < PATH_MIN:
        return []
    others = [_modules(m) for m in (*data.context, *data.baseline) if m.extra.get("paths")]
    counts: Counter[str] = Counter(d for _, ds in mine for d in ds)
    ocounts: Counter[str] = Counter(d for ds in others for d in ds)
    claims = []
    for d in sorted(counts):
        n = counts[d]
        share = n / len(mine)
        oshare = _rate(ocounts[d], len(others))
        if n < PATH_MIN or share < 0.1 or (len(others) >= 20 and share < 1.5 * oshare):
            continue
        ms = [m for m, ds in mine if d in ds]
        ev = [said(m, (0, len(m.text.split("\n", 1)[0]))) for m in spread(ms, 3)]
        other = say(lang, f"，其他人 {pct(oshare)}", f" vs {pct(oshare)} of others'") if others else ""
        text = say(lang, f"代码：{n} 次提交改动 {d}/（占其提交 {pct(share)}{other}）",
                   f"code: {n} commits touch {d}/ ({pct(share)} of theirs{other})")
        claims.append(Claim("work.duties", text, ev, None, n * share, f"path:{d}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    return claims[:5]


def _channel_claims(preps: list[Prep], lang: Lang) -> list[Claim]:
    chat = [p.msg for p in preps if p.msg.platform in _CHAT]
    by_conv: dict[str, list[Msg]] = {}
    for m in chat:
        by_conv.setdefault(f"{m.platform}:{m.conversation_name}", []).append(m)
    claims = []
    for key in sorted(by_conv):
        ms = by_conv[key]
        share = _rate(len(ms), len(chat))
        if len(ms) < 5 or share < 0.1:
            continue
        name = ms[0].conversation_name
        text = say(lang, f"最常出现在 {name}（{ms[0].platform}，{len(ms)} 条，占其聊天 {pct(share)}）",
                   f"most active in {name} ({ms[0].platform}, {len(ms)} messages, {pct(share)} of their chat)")
        claims.append(Claim("work.duties", text, [said(m) for m in spread(ms, 2)], None,
                            float(len(ms)) / 10, f"channel:{key}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    return claims[:3]


def _doc_claim(data: PersonData, lang: Lang) -> list[Claim]:
    docs = [d for d in data.documents if d.title.strip()]
    if not docs:
        return []
    shown = spread(sorted(docs, key=lambda d: (d.created is None, d.created or 0, d.uid)), 5)
    titles = ("、" if lang == "zh" else ", ").join(clip(d.title, 60) for d in shown)
    text = say(lang, f"写过的文档（{len(docs)} 篇）：{titles}", f"documents they wrote ({len(docs)}): {titles}")
    ev = [Evidence(uid=d.uid, kind="document") for d in shown]
    return [Claim("work.duties", text, ev, None, 1.0, "docs")]


def duties(data: PersonData, preps: list[Prep], addr: dict[int, str], lang: Lang) -> tuple[list[Claim], SectionNote]:
    claims = (
        _system_claims(data, preps, addr, lang)
        + _scope_claims(preps, lang)
        + _path_claims(data, preps, lang)
        + _channel_claims(preps, lang)
        + _doc_claim(data, lang)
    )
    substantive = [c for c in claims if not c.key.startswith("channel:")]
    if not substantive:  # a busy channel alone says little about what they own
        claims = []
    note = SectionNote("work.duties", len(preps) + len(addr), len(claims), bool(claims))
    return claims, note


# -- stack -------------------------------------------------------------------------------------


def _stack_counts(msgs: list[Msg]) -> dict[str, list[tuple[Msg, tuple[int, int], str]]]:
    out: dict[str, list[tuple[Msg, tuple[int, int], str]]] = {}
    for m in msgs:
        seen: set[str] = set()
        for name, s, e in stack_in(m.text):
            if name not in seen:
                seen.add(name)
                out.setdefault(name, []).append((m, (s, e), m.text[s:e].lower()))
    return out


def stack(data: PersonData, preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    own = _stack_counts([p.msg for p in preps])
    base = _stack_counts(data.baseline)
    n_own, n_base = len(preps), len(data.baseline)
    halves = Halves.of([p.msg.uid for p in preps], 2)
    thirds = Halves.of([p.msg.uid for p in preps])  # predictions: stability.PARTS
    claims = []
    for name in sorted(own):
        hits = own[name]
        rate = _rate(len(hits), n_own)
        bn = len(base.get(name, []))
        brate = _rate(bn, n_base)
        # Stable: used in each half of their record, distinctive or frequent in each.
        low = halves.low_rate(m.uid for m, _, _ in hits)
        lift = low / _smoothed(bn, n_base) if n_base else LIFT_MIN
        if len(hits) < STACK_MIN or not halves.in_both((m.uid for m, _, _ in hits), STABLE_EACH):
            continue
        if not (lift >= LIFT_MIN or low >= 0.05) or low <= brate:
            continue
        forms = [f for f, _ in Counter(h[2] for h in hits).most_common(3)]
        text = say(lang, f"{name}：{len(hits)} 条消息提到（占 {pct(rate)}，团队 {pct(brate)}）",
                   f"{name}: named in {len(hits)} of their messages ({pct(rate)}; team {pct(brate)})")
        ev = [said(m, sp) for m, sp, _ in spread(hits, 3)]
        pred = None
        if thirds.in_both((m.uid for m, _, _ in hits), PREDICT_EACH):
            low = min(low, thirds.low_rate(m.uid for m, _, _ in hits))
            pred = Prediction("term_mentioned", {"terms": sorted(forms), "min_count": 1,
                                                 "rate": round(low, 4), "baseline_rate": round(brate, 4)})
        claims.append(Claim("work.stack", text, ev, pred, len(hits) * min(lift, 5.0), f"stack:{name}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = claims[:MAX_STACK]
    return claims, SectionNote("work.stack", n_own, len(claims), bool(claims))
