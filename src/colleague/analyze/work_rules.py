"""work.rules and work.decisions: rules they state or enforce, decisions with their reasons.

Rules: a sentence of theirs with a rule cue — Chinese 必须/一定要/不要/不能/禁止/务必/记得/别/
否则/先…再/才能/原则/规矩/每个…都要, English must/never/always/don't/do not/make sure/ensure/
before you/every … needs/no X, no Y/otherwise — that is not a question, not a stock phrase
(别急, don't worry) and carries ≥ 2 content tokens. Sentences are clustered by token overlap
(work_common.cluster_by_overlap) so restatements in other words count together. A cluster
becomes a claim when restated in ≥ RULE_MIN messages, or once with a strong cue (必须/禁止/
务必/一定要/must/never/always/make sure); sentences that also occur, earlier, in others'
messages of the same conversation and that they said only once are skipped (quoted, not
theirs). The quote is the most repeated wording. Prediction rule_restated {"keywords": the
cluster's most common content tokens, "min_count": 1, "count": messages} for rules stated in
≥ RESTATED_MIN messages; rules stated once or twice carry none (no restatement is due).

Decisions: a sentence with a decision cue (决定/结论/我们选/定了/就这么定/就用/采用/decided/
decision/we'll go with/my recommendation…, not 再决定/will decide), or a choice with a reason
(而不是/instead of/rather than + 因为/because/since). The quote runs from the decision to its
reason (the same or one of the next sentences; a list after "because:" is included). Restated
decisions (same named technology/system, or token overlap) merge. Prediction term_mentioned
with the named technologies/systems, when there are any.
"""

from __future__ import annotations

import re

from colleague.analyze.model import Claim, Lang, Msg, PersonData, Prediction, SectionNote
from colleague.analyze.text import ODD_FOLDS, is_chinese
from colleague.analyze.work_common import (
    Prep,
    Sent,
    clip,
    cluster_by_overlap,
    content_tokens,
    dedupe_evidence,
    has_any,
    locate_sentences,
    quote,
    said,
    say,
    spread,
    systems_in,
)
from colleague.analyze.work_stack import stack_in

RULE_MIN = 2
RESTATED_MIN = 3  # messages stating a rule before predicting that it is restated
MAX_RULES = 12
MAX_DECISIONS = 8

_ZH_RULE = (
    r"必须|一定要|一定得|(?<!要)不要(?!紧)|(?<!能)不能(?!不)|不可以|不允许|不准|禁止|严禁|务必|切记|记得|千万|否则|不然"
    r"|(?<![特区分级类识告差个派性])别(?![的人处名])|先[^，。；,;]{1,20}(?:再|后|然后|才)|才能|原则|规矩|规范是|第一反应"
    r"|每[个次条][^，。]{0,15}都(?:要|得|必须)|所有[^，。]{0,15}(?:都要|必须|都得)"
    r"|(?:周五|下午|晚上|半夜|节前|生产|线上)[^，。]{0,6}不(?:发|上线|合|部署|变更)"
    r"|没[^，。,]{1,12}[，,]\s*(?:不|别)"  # 没 X，不 Y: the Chinese "no X, no Y"
)
_EN_RULE = (
    r"\bmust(?:n't)?\b|\bnever\b|\balways\b|\bmake sure\b|\bplease ensure\b|\bensure\b"
    r"|(?:^|[,;:(]\s*|\b(?:please|pls|we|you)\s+)(?:don'?t|do not)\b"
    r"|\bbefore (?:you|merging|deploying|shipping|releasing|pushing|we)\b"
    r"|\b(?:every|each|all|any)\b[^.]{0,40}\bneeds?\b|\bneeds? to be\b|^\s*no [\w ]{1,20}, no \w+"
    r"|\botherwise\b|\bis required\b|\bnot allowed\b"
    r"|^\s*(?!(?:i|we|you|they|he|she|it|this|that)\b)(?:[a-z][\w-]*\s){1,4}(?:needs?|requires?)\s(?!help)"
)
RULE_RE = re.compile(f"{_ZH_RULE}|(?i:{_EN_RULE})")
_ZH_RULE_RE = re.compile(_ZH_RULE)
_EN_RULE_RE = re.compile(f"(?i:{_EN_RULE})")
RULE_KEYS = ("必须", "一定", "不要", "不能", "不可以", "不允许", "不准", "禁止", "严禁", "务必", "切记", "记得", "千万",
             "否则", "不然", "别", "先", "才能", "原则", "规矩", "规范", "第一反应", "都要", "都得", "不", "没",
             "must", "never", "always", "make sure", "ensure", "don", "do not", "before", "need", "otherwise",
             "required", "not allowed", "require")
_ZH_RULE_KEYS = tuple(k for k in RULE_KEYS if not k.isascii())


# The English half of RULE_RE, alternative by alternative, each with the literals every match
# of it contains (lower-cased): only the alternatives whose literal is in the text are tried.
_EN_PARTS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (keys, re.compile(rx, re.I)) for keys, rx in (
        (("must",), r"\bmust(?:n't)?\b"),
        (("never",), r"\bnever\b"),
        (("always",), r"\balways\b"),
        (("make sure",), r"\bmake sure\b"),
        (("ensure",), r"\bplease ensure\b|\bensure\b"),
        (("don", "do not"), r"(?:^|[,;:(]\s*|\b(?:please|pls|we|you)\s+)(?:don'?t|do not)\b"),
        (("before",), r"\bbefore (?:you|merging|deploying|shipping|releasing|pushing|we)\b"),
        (("need",), r"\b(?:every|each|all|any)\b[^.]{0,40}\bneeds?\b|\bneeds? to be\b"),
        (("no",), r"^\s*no [\w ]{1,20}, no \w+"),
        (("otherwise",), r"\botherwise\b"),
        (("is required",), r"\bis required\b"),
        (("not allowed",), r"\bnot allowed\b"),
        (("need", "require"), r"^\s*(?!(?:i|we|you|they|he|she|it|this|that)\b)(?:[a-z][\w-]*\s){1,4}"
                               r"(?:needs?|requires?)\s(?!help)"),
    )
)
assert "|".join(rx.pattern for _, rx in _EN_PARTS) == _EN_RULE


def _en_rule(text: str, low: str) -> bool:
    if not low.isascii() and not ODD_FOLDS.isdisjoint(text):
        return _EN_RULE_RE.search(text) is not None  # case folding beyond str.lower()
    return any(any(map(low.__contains__, keys)) and rx.search(text) is not None
               for keys, rx in _EN_PARTS)


def has_rule_cue(text: str, low: str) -> bool:
    """`has_any(low, RULE_KEYS) and RULE_RE.search(text)`, cheaper: the Chinese half of the
    pattern only runs on text holding one of the Chinese keys (every match of it contains
    one), and of the English half only the alternatives whose literal the text holds."""
    zh = not low.isascii() and has_any(low, _ZH_RULE_KEYS)
    if zh and _ZH_RULE_RE.search(text):
        return True
    return (zh or has_any(low, RULE_KEYS)) and _en_rule(text, low)


_STRONG = re.compile(r"必须|禁止|严禁|务必|一定要|不允许|(?i:\bmust\b|\bnever\b|\balways\b|\bmake sure\b|\bensure\b)")
_TRIVIAL = re.compile(
    r"别急|别担心|别客气|不客气|不要紧|没关系|记得吃|(?i:don'?t worry|no worries|never mind|don'?t know"
    r"|don'?t think|don'?t have|don'?t see|don'?t understand|don'?t remember|always happy|thanks"
    r"|says? otherwise|unless\b.*\botherwise)"
)
# An English sentence must read as a norm, not a description ("X is never set", "the firmware
# doesn't always do it") or a hedge ("if your goal is to make sure…").
_EN_NORMATIVE = re.compile(
    r"(?i)^\s*(?:please\s+|pls\s+)?(?:never|always|make sure|ensure|don'?t|do not|no [\w ]{1,20}, no)\b"
    r"|(?:please|pls)\s+(?:don'?t|do not|make sure|ensure)\b|\bmust(?:n't)?\b(?! have)"
    r"|\bwe (?:always|never|don'?t|do not)\b|\b(?:every|all|each|any)\b[^.]{0,40}\b(?:must|needs?)\b"
    r"|(?:^|\s)[a-z]+s (?:need|require)\b|\bbefore (?:merging|deploying|shipping|releasing|pushing)\b"
    r"|\bis required\b|\bnot allowed\b"
)
_HEDGE = re.compile(
    r"(?i)^\s*(?:if|what|that seems|it seems|i am not sure|i'm not sure|i fear|i think|maybe|perhaps)\b"
    r"|\b(?:could|might|would)\b"
)


def normative(s: str) -> bool:
    if is_chinese(s):
        return True  # the Chinese cues (必须/不要/记得/先…再) are norms already
    return bool(_EN_NORMATIVE.search(s)) and not _HEDGE.search(s)


_NOT_RULE_NEVER = re.compile(r"(?i)\b(?:i|i've|i'd|it|it's|has|have|had|was|were|you've)\s+never\b")

_DECISION = re.compile(
    r"决定|决策|结论[:：是]|结论同步|我们选|选了|选用|定了|就这么定|就定|就用|采用|拍板|改用|统一用|最终方案"
    r"|(?i:\bdecided\b|\bdecision\b|\bwe'?ll go with\b|\bgoing with\b|\bwe chose\b|\bwe picked\b"
    r"|\bsettled on\b|\bmy recommendation\b|\bI recommend\b|\bI'd go with\b|\blet'?s (?:go with|use)\b"
    r"|\bwe(?:'ll| will) use\b)"
)
_NOT_DECISION = re.compile(
    r"再决定|后决定|待定|决定要不要|还没定|没定|未定|(?i:\bwill decide\b|'ll decide\b|\bto decide\b"
    r"|\bnot decided\b|\bundecided\b|\bdecide after\b)"
)
_REASON = re.compile(
    r"因为|由于|原因是|原因[:：]|理由|所以|为了|考虑到|(?i:\bbecause\b|\bsince\b|\breasons?\b|\bdue to\b|\bso that\b)"
)
_CHOICE = re.compile(r"而不是|而非|替代|代替|(?i:\binstead of\b|\brather than\b)")
DECISION_KEYS = ("决定", "决策", "结论", "选", "定", "就用", "采用", "拍板", "改用", "统一用", "最终方案", "decid", "decision",
                 "go with", "going with", "chose", "picked", "settled", "recommend", "let's", "lets", "will use",
                 "'ll use", "而不是", "而非", "替代", "代替", "instead of", "rather than")


def _norm(s: str) -> str:
    s = re.sub(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]|:[a-z0-9_+\-]+:", "", s.lower())
    s = re.sub(r"\d+", "#", s)
    return " ".join(s.split()).strip(" 。.!！~～")


def _is_rule(s: str) -> bool:
    if _TRIVIAL.search(s) or s.rstrip().endswith(("?", "？")) or "吗" in s:
        return False
    # "我先 X 再 Y" is their own plan, not a rule.
    cues = [x for x in RULE_RE.finditer(s) if not (x.group(0).startswith("先") and s[:x.start()].endswith("我"))]
    if not cues:
        return False
    # "I've never seen…" describes, unless a real norm word is there too.
    return not _NOT_RULE_NEVER.search(s) or bool(re.search(r"(?i)\bmust\b|\balways\b|必须|不要", s))


def _quoted_from_others(data: PersonData, convs: set[int]) -> set[tuple[int, str]]:
    """(conversation, wording) of rule-like sentences in others' messages in `convs`: a rule
    the subject states once that someone else already wrote there is quoted, not theirs."""
    out: set[tuple[int, str]] = set()
    for c in data.context:
        if c.conversation in convs and c.author != data.person_id \
                and has_rule_cue(c.text, c.text.lower()):
            for s in locate_sentences(c.text):
                out.add((c.conversation, _norm(s.text)))
    return out


def rules(data: PersonData, preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    # Each distinct wording once; its occurrences (message, sentence) kept in time order.
    variants: dict[str, list[tuple[Msg, Sent]]] = {}
    for p in preps:
        # Commit messages describe the code ("禁止复制", "must be called first"), not how the
        # person wants work done.
        if p.msg.platform == "git" or not has_rule_cue(p.msg.text, p.low):
            continue
        for s in p.sents:
            if len(s.text) >= 4 and _is_rule(s.text):
                variants.setdefault(_norm(s.text), []).append((p.msg, s))
    others = _quoted_from_others(data, {occ[0][0].conversation for occ in variants.values() if len(occ) == 1})
    keys, toks = [], []
    for v in sorted(variants, key=lambda k: (-len(variants[k]), k)):
        occ = variants[v]
        ct = frozenset(content_tokens(occ[0][1].text))
        if len(ct) < 2:
            continue
        if len(occ) == 1 and (occ[0][0].conversation, v) in others:
            continue
        keys.append(v)
        toks.append(ct)
    clusters = cluster_by_overlap(toks)
    claims = []
    for c in clusters:
        occ = sorted({(m.uid, s.start): (m, s) for i in c.members for m, s in variants[keys[i]]}.values(),
                     key=lambda x: (x[0].ts is None, x[0].ts or 0, x[0].uid, x[1].start))
        msgs = {m.uid for m, _ in occ}
        # Shown: the most repeated wording with a strong cue (must/never/必须), else the most
        # repeated (members come most-repeated first).
        norms = [i for i in c.members if normative(variants[keys[i]][0][1].text)]
        if not norms:
            continue
        strong_members = [i for i in norms if _STRONG.search(variants[keys[i]][0][1].text)]
        strong = bool(strong_members)
        m0, s0 = variants[keys[(strong_members or norms)[0]]][0]
        if len(msgs) < RULE_MIN and not strong:
            continue
        vocab: dict[str, int] = {}
        for i in c.members:
            for t in toks[i]:
                vocab[t] = vocab.get(t, 0) + len(variants[keys[i]])
        kw = [t for t, _ in sorted(vocab.items(), key=lambda x: (-x[1], x[0]))[:4]]
        n = len(msgs)
        text = say(lang, f"规矩：{quote(lang, clip(s0.text))}（{n} 条消息里说过）" if n > 1
                   else f"规矩：{quote(lang, clip(s0.text))}",
                   f"Rule: {quote(lang, clip(s0.text))} (stated in {n} messages)" if n > 1
                   else f"Rule: {quote(lang, clip(s0.text))}")
        ev = dedupe_evidence([said(m0, (s0.start, s0.end))] + [said(m, (s.start, s.end)) for m, s in spread(occ, 4)])
        # A rule said once or twice gives no expectation of a restatement in a later period
        # (at that rate not one is due): the claim stands without a prediction.
        pred = Prediction("rule_restated", {"keywords": kw, "min_count": 1, "count": n}) if n >= RESTATED_MIN else None
        claims.append(Claim("work.rules", text, ev, pred, n + (0.5 if strong else 0.0), f"rule:{'|'.join(sorted(kw))}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = _unique_keys(claims[:MAX_RULES])
    n_rule = sum(len(v) for v in variants.values())
    return claims, SectionNote("work.rules", n_rule, len(claims), bool(claims))


def _unique_keys(claims: list[Claim]) -> list[Claim]:
    seen: dict[str, int] = {}
    for c in claims:
        k = c.key
        seen[k] = seen.get(k, 0) + 1
        if seen[k] > 1:
            c.key = f"{k}#{seen[k]}"
    return claims


# -- decisions ---------------------------------------------------------------------------------


def _decision_span(sents: list[Sent], i: int) -> tuple[int, int, bool]:
    """From decision sentence i to the end of its reason; (start, end, has_reason)."""
    s = sents[i]
    end = i
    reason = bool(_REASON.search(s.text))
    if not reason:
        for j in range(i + 1, min(i + 3, len(sents))):
            if _REASON.search(sents[j].text):
                end, reason = j, True
                break
    if re.search(r"[:：]\s*(?:\d{1,2}[.、)）])?$", sents[end].text.rstrip()):
        end = min(end + 3, len(sents) - 1)  # the list that follows "because:"
    elif not reason and end + 1 < len(sents) and len(s.text) <= 30:
        end += 1  # "Decision: Kafka." then the reasons, unmarked
    return s.start, sents[end].end, reason


def decisions(data: PersonData, preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    found: list[tuple[Msg, int, int, bool, frozenset[str], frozenset[str]]] = []
    for p in preps:
        if not has_any(p.low, DECISION_KEYS) or not (_DECISION.search(p.msg.text) or _CHOICE.search(p.msg.text)):
            continue
        for i, s in enumerate(p.sents):
            t = s.text
            dec = _DECISION.search(t) and not _NOT_DECISION.search(t)
            choice = _CHOICE.search(t) and _REASON.search(t)
            if not (dec or choice) or t.rstrip().endswith(("?", "？")):
                continue
            a, b, reason = _decision_span(p.sents, i)
            q = p.msg.text[a:b]
            terms = frozenset(n for n, _, _ in stack_in(q)) | frozenset(n for n, _, _ in systems_in(q))
            found.append((p.msg, a, b, reason, terms, frozenset(content_tokens(q))))
            break  # one decision per message
    if not found:
        return [], SectionNote("work.decisions", 0, 0, False)

    def share_term(x: int, y: int) -> bool:
        return bool(found[x][4] & found[y][4])

    clusters = cluster_by_overlap([f[5] for f in found], min_small=0.5, min_large=0.3, extra_link=share_term)
    claims = []
    for c in clusters:
        group = [found[i] for i in c.members]
        # The best statement: one with a reason, then the longest quote (the fullest account).
        m, a, b, reason, _, _ = max(group, key=lambda f: (
            is_chinese(f[0].text[f[1]:f[2]]) == (lang == "zh"), f[3], min(f[2] - f[1], 300), -f[0].uid))
        terms = sorted(set().union(*(f[4] for f in group)))
        n = len({f[0].uid for f in group})
        q = clip(m.text[a:b], 220)
        text = say(lang, f"决定：{quote(lang, q)}" + (f"（{n} 条消息里提到）" if n > 1 else ""),
                   f"Decision: {quote(lang, q)}" + (f" (in {n} messages)" if n > 1 else ""))
        ev = dedupe_evidence([said(m, (a, b))] + [said(f[0], (f[1], f[2])) for f in spread(group, 3)], 4)
        pred = Prediction("term_mentioned", {"terms": terms[:4], "min_count": 1}) if terms else None
        w = n + (2.0 if any(f[3] for f in group) else 0.0)
        claims.append(Claim("work.decisions", text, ev, pred, w, f"decision:{m.uid}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = claims[:MAX_DECISIONS]
    return claims, SectionNote("work.decisions", len(found), len(claims), bool(claims))
