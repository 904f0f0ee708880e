"""Quoted examples: how the subject really answered, by situation (section "persona.examples").

Real replies in four situations, up to 3 each, with the message that triggered them (role
"addressed"): answering a question (the message they answer ends in ?/？/吗/呢), being chased
for progress (进度/什么时候/ETA/any update/on track…), disagreeing (their message says
不同意/不建议/我觉得不/但是/I disagree/I'd rather…) and being challenged (a message aimed at
them asking 为什么/why did you/are you sure/这样不对…). Pairing follows `rhythm.Threads`
(reply within 12 h). Direct address (mention, reply) and a reply of useful length rank first;
identical texts are shown once; picks are spread over time. The section is enough when one
example is found. Run by `style.analyze` beside the expression section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from colleague.analyze.model import Claim, Evidence, Lang, Msg, PersonData
from colleague.analyze.rhythm import Threads, spread
from colleague.analyze.text import keyed_search, shorten, wording
from colleague.analyze.threads import seconds_between

EXAMPLES = "persona.examples"
EXAMPLE_WINDOW_S = 3 * 3600  # a quoted answer came within this of what it answers


_QUESTION_END = re.compile(r"(?:[?？]|吗|呢|么)$")
_CHASE = re.compile(
    r"进度|进展|什么时候|啥时候|何时|(?<![a-z])eta(?![a-z])|any updates?|有更新|更新吗|催一下|催下|"
    r"how(?:'s| is| are)\b.{0,40}\bgoing|on track|按时|好了吗|好了没|搞定了吗|完成了吗|done yet|"
    r"status on|到哪了|怎么样了|gentle ping|ping on",
    re.I,
)
_DISAGREE = re.compile(
    r"不同意|不赞成|我反对|(?<![a-z])i (?:strongly )?disagree|不建议|不太建议|我觉得不|我不觉得|"
    r"i don't think|i do not think|not sure (?:that|this|we|it)|i'd rather|i would rather|"
    r"push back|not convinced|不太同意|不合适|但是",
    re.I,
)
_CHALLENGE = re.compile(
    r"为什么|为啥|凭什么|怎么会|(?<![a-z])why (?:did|do|does|is|are|was|were|would|not)(?![a-z'])|"
    r"(?<![a-z])why\?|are you sure|你确定|确定吗|确定要|这样不对|不对吧|不对啊|有问题吧|是不是有问题|"
    r"really\?|that's wrong|this is wrong|doesn't look right",
    re.I,
)
_SITUATIONS = ("question", "chased", "disagree", "challenged")
_LABEL = {
    "question": ("回答问题", "Answering a question"),
    "chased": ("被催进度", "Chased for progress"),
    "disagree": ("表达不同意见", "Disagreeing"),
    "challenged": ("被质疑", "Challenged"),
}


_QUESTION_MARKS = re.compile(r"[?？吗呢么]")


def _is_question(text: str) -> bool:
    if not _QUESTION_MARKS.search(text[-200:]):
        return False
    tail = re.sub(r"[\s～~。.!！]+$", "", wording(text[-200:]))
    return _QUESTION_END.search(tail) is not None


@dataclass(slots=True)
class _Example:
    situation: str
    mine: Msg
    trigger: Msg | None
    mine_span: tuple[int, int] | None
    trigger_span: tuple[int, int] | None
    score: int


_AT = re.compile(r"@([A-Z][a-z]+ [A-Z][a-z]+|[^\s@，,。：:;；！!？?]+)")


def _names_of(*names: str) -> tuple[str, ...]:
    return tuple(sorted({n.lower() for n in names if n}))


def _aimed_at(m: Msg, person: int | None, names: tuple[str, ...]) -> bool:
    """False when `m` @-mentions people and `person` is not among them (structured mentions
    where the source has them, else the @names in the text)."""
    if m.mentions:
        return person in m.mentions
    ats = [a.lower() for a in _AT.findall(m.text)]
    if not ats:
        return True
    return any(a.startswith(n) or n.startswith(a) for a in ats for n in names if len(a) > 1)


def _plausible(data: PersonData, mine: Msg, trigger: Msg,
               subject: tuple[str, ...] | None = None) -> bool:
    """Whether `mine` can be read as the answer to `trigger`: a person (not a bot) wrote it,
    it was not aimed at somebody else, their reply is not aimed at a third person, and it
    came within `EXAMPLE_WINDOW_S`. (`subject`: the subject's names, when already known.)"""
    if trigger.author in data.bots or not trigger.text.strip():
        return False
    if subject is None:
        subject = _names_of(data.name, *data.aliases)
    if not _aimed_at(trigger, data.person_id, subject):
        return False
    asker = _names_of(data.people.get(trigger.author or -1, ""))
    if not _aimed_at(mine, trigger.author, asker):
        return False
    delay = seconds_between(trigger, mine)
    assert delay is not None
    return delay <= EXAMPLE_WINDOW_S


# Substrings (lower-cased) every match of the pattern contains: a message without any of them
# cannot match, and most messages have none — `in` is much cheaper than the regex.
_CHASE_KEYS = ("进度", "进展", "什么时候", "啥时候", "何时", "eta", "update", "更新", "催", "how",
               "on track", "按时", "好了", "搞定了吗", "完成了吗", "done yet", "status on", "到哪了",
               "怎么样了", "ping")
_DISAGREE_KEYS = ("不", "我反对", "disagree", "don't think", "do not think", "not sure", "rather",
                  "push back", "not convinced", "但是")
_CHALLENGE_KEYS = ("为什么", "为啥", "凭什么", "怎么会", "why", "are you sure", "确定", "不对",
                   "有问题", "really?", "wrong", "look right")


@dataclass(slots=True)
class _TriggerFacts:
    question: bool
    chase: re.Match[str] | None
    challenge: re.Match[str] | None


def _trigger_facts(text: str) -> _TriggerFacts:
    low = text.lower()
    return _TriggerFacts(_is_question(text), keyed_search(_CHASE, _CHASE_KEYS, text, low),
                         keyed_search(_CHALLENGE, _CHALLENGE_KEYS, text, low))


def _example_candidates(data: PersonData) -> dict[str, list[_Example]]:
    threads = Threads.of(data)
    subject = _names_of(data.name, *data.aliases)
    facts: dict[int, _TriggerFacts] = {}  # a message answered several times is read once
    out: dict[str, list[_Example]] = {s: [] for s in _SITUATIONS}
    for m in data.own:
        text = m.text.strip()
        if not text or m.ts is None:
            continue
        trigger = threads.answered(m)
        if trigger is not None and not _plausible(data, m, trigger, subject):
            trigger = None
        direct = trigger is not None and (
            data.person_id in trigger.mentions
            or trigger.uid == m.reply_to
            or trigger.reply_to in threads.own_uids
        )
        score = 2 * direct + (4 <= len(text) <= 200)
        if trigger is not None:
            f = facts.get(trigger.uid)
            if f is None:
                f = facts[trigger.uid] = _trigger_facts(trigger.text)
            if f.question:
                answer = score + (not _is_question(text))
                out["question"].append(_Example("question", m, trigger, None, None, answer))
            chase = f.chase
            if chase:
                out["chased"].append(
                    _Example("chased", m, trigger, None, (chase.start(), chase.end()), score)
                )
            challenge = f.challenge
            if challenge and threads.addressed_to_subject(trigger):
                out["challenged"].append(
                    _Example("challenged", m, trigger, None,
                             (challenge.start(), challenge.end()), score)
                )
        disagree = keyed_search(_DISAGREE, _DISAGREE_KEYS, text)
        if disagree:
            # Stronger markers (earlier in the pattern) are not ranked separately; a clear
            # "不同意/I disagree" is rarer than "但是", so prefer messages without 但是 only.
            strong = disagree.group(0) != "但是"
            span = (m.text.find(disagree.group(0)), m.text.find(disagree.group(0)) + len(disagree.group(0)))
            out["disagree"].append(
                _Example("disagree", m, trigger, span, None, score + 2 * strong)
            )
    return out


def _choose(cands: list[_Example], used: set[int], k: int = 3) -> list[_Example]:
    seen: set[str] = set()
    tiers: dict[int, list[_Example]] = {}
    for ex in sorted(cands, key=lambda e: (e.mine.ts, e.mine.uid)):
        norm = " ".join(ex.mine.text.lower().split())
        if ex.mine.uid in used or norm in seen:
            continue
        seen.add(norm)
        tiers.setdefault(ex.score, []).append(ex)
    picked: list[_Example] = []
    for score in sorted(tiers, reverse=True):
        picked += spread(tiers[score], k - len(picked))
        if len(picked) >= k:
            break
    return sorted(picked, key=lambda e: (e.mine.ts, e.mine.uid))


def _example_claim(ex: _Example, rank: int, lang: Lang) -> Claim:
    reply = shorten(ex.mine.text, 160)
    label = _LABEL[ex.situation][0 if lang == "zh" else 1]
    if ex.trigger is not None:
        asked = shorten(ex.trigger.text, 90)
        text = (f"{label}：对方说“{asked}”，回复：“{reply}”" if lang == "zh"
                else f'{label} — to "{asked}" they replied: "{reply}"')
    else:
        text = f"{label}：“{reply}”" if lang == "zh" else f'{label}: "{reply}"'
    evidence = [Evidence(ex.mine.uid, span=ex.mine_span)]
    if ex.trigger is not None:
        evidence.append(Evidence(ex.trigger.uid, role="addressed", span=ex.trigger_span))
    base = len(_SITUATIONS) - _SITUATIONS.index(ex.situation)
    return Claim(
        section=EXAMPLES,
        text=text,
        evidence=evidence,
        weight=base - rank * 0.1,
        key=f"{ex.situation}:{ex.mine.uid}",
    )


def example_claims(data: PersonData, lang: Lang) -> list[Claim]:
    cands = _example_candidates(data)
    used: set[int] = set()
    claims = []
    for situation in _SITUATIONS:
        for rank, ex in enumerate(_choose(cands[situation], used)):
            used.add(ex.mine.uid)
            claims.append(_example_claim(ex, rank, lang))
    return claims


# ---------------------------------------------------------------------------------------------
