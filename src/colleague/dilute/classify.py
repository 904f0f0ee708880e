"""Which kind of know-how a segment carries: bilingual keyword rules, the section it sits in,
the file it comes from, and whether it holds concrete, actionable detail.

Critical (safety, security, compliance, legal, data protection) wins over everything: it may be
generalised but is never removed. Otherwise the strongest signal wins; a segment with concrete
detail but no other signal is judgement (a rule or procedure); one with neither is generic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from colleague.dilute.names import conditions, find_spans
from colleague.dilute.policy import Category

_I = re.IGNORECASE

CRITICAL = re.compile(
    r"加密|解密|密码|口令|密钥|私钥|凭证|令牌|token|权限|鉴权|认证|授权|越权|脱敏|隐私|个人信息|"
    r"身份证|手机号|卡号|银行卡|敏感数据|敏感信息|数据保护|数据安全|信息安全|安全|合规|法务|法律|法规|监管|审计|"
    r"等保|GDPR|PIPL|个保法|保密|泄露|泄漏|备份|灾备|不得|严禁|禁止|违规|"
    r"encrypt|decrypt|password|passphrase|secret|credential|private key|"
    r"access control|permission|authori[sz]|authenticat|least privilege|\bPII\b|personal data|"
    r"personal information|card numbers?|credit card|\bssn\b|social security|privacy|data protection|gdpr|hipaa|compliance|compliant|legal|"
    r"regulat|audit|security|secure|confidential|leak|backup|safety|must not|prohibited|forbidden",
    _I)

# Words that make a line a compliance instruction by themselves.
STRONG_CRITICAL = re.compile(
    r"数据保护官|监管|合规|法务|法律|法规|个保法|等保|脱敏|加密|审计|GDPR|PIPL|HIPAA|\bDPO\b|"
    r"regulator|regulatory|compliance|legal|data protection|encrypt|audit|\bPII\b|"
    r"personal data|least privilege", _I)

OBLIGATION = re.compile(r"必须|务必|应当|应该|需要|要求|不得|不能|不可|禁止|严禁|只能|只允许|一律|"
                        r"须|需|要|别|不要|\bmust\b|\bshall\b|\bshould\b|\brequire|\bnever\b|"
                        r"\balways\b|\bonly\b|do not|don't|forbidden|prohibited|not allowed|"
                        r"\bneeds? to\b|\bhas to\b|\bhave to\b", _I)

HARD_OBLIGATION = re.compile(r"必须|务必|不得|禁止|严禁|一律|\bmust\b|\bshall\b|forbidden|prohibited|"
                             r"not allowed", _I)

IMPERATIVE_NO = re.compile(r"^\W*(?:never|don't|do not|no one may|only)\b|^\W*(?:不要|别|切勿|只能)", _I)

KEYWORDS: dict[Category, re.Pattern[str]] = {
    "incident": re.compile(
        r"事故|故障|宕机|挂了|挂掉|炸了|崩了|复盘|那次|上次|有一次|曾经|去年|当时|回滚了|告警风暴|"
        r"事件|攻击者|被攻击|撞库|才发现|推错|搞错|出事|(?:19|20)\d\d\s?年|\battack(?:er|ed)?\b|"
        r"\b(?:in|during|since) (?:[A-Z][a-z]+ )?(?:19|20)\d\d\b|"
        r"线上问题|\bP[0-3]\b|损失|影响了|incident|outage|post-?mortem|went down|last time|"
        r"once we|we once|back in|rolled back|broke production|took down|root cause|"
        r"that time|the day", _I),
    "pitfall": re.compile(
        r"坑|注意|小心|千万|切记|不能|(?<![特区分个识类级])别(?![人的])|不要|避免|容易|会导致|否则|踩|陷阱|一定要|务必|记得|"
        r"gotcha|pitfall|careful|beware|don't|do not|never|watch out|trap|avoid|otherwise|"
        r"make sure|remember to|easy to|will break|breaks", _I),
    "people": re.compile(
        r"找|问(?!题)|联系|对接|负责人|审批人|拍板|同事|抄送|@|上级|老板|汇报|升级给|"
        r"\bask\b|\bping\b|contact|owner|reach out|talk to|check with|escalate|manager|lead\b|"
        r"approver|\bcc\b|loop in|report to", _I),
    "tacit": re.compile(
        r"因为|之所以|历史原因|背景|当初|原因是|为什么|由于|所以|遗留|一直以来|约定俗成|"
        r"\bwhy\b|because|historically|the reason|legacy|back when|for historical|due to|"
        r"that's why|since we", _I),
    "persona": re.compile(
        r"口头禅|我一般|我习惯|喜欢|讨厌|受不了|语气|风格|回复|表达|常说|说话|脾气|"
        r"catchphrase|i always|i never|i prefer|my style|tone|hates?|loves?|tends to|"
        r"typically says|often says|blunt|impatient", _I),
    "judgement": re.compile(
        r"优先|一般|通常|判断|取舍|宁可|先.{1,12}再|权衡|经验|原则|标准|阈值|超过|至少|"
        r"rule of thumb|prefer|prioriti|usually|threshold|trade-?off|judg|heuristic|rather than|"
        r"first .{1,30} then|at least|more than|default to", _I),
}

SECTION_HINTS: list[tuple[re.Pattern[str], Category]] = [
    (re.compile(r"安全|合规|隐私|法务|数据保护|security|compliance|privacy|legal|safety", _I),
     "critical"),
    (re.compile(r"事故|故障|复盘|时间线|根因|经过|incident|outage|postmortem|post-mortem|war stor|"
                r"timeline|root cause", _I), "incident"),
    (re.compile(r"坑|注意事项|陷阱|问题|经验|教训|避免|pitfall|gotcha|caveat|problem|don'?ts|"
                r"warning|lesson|reject|anti-?pattern|mistake", _I), "pitfall"),
    (re.compile(r"协作|人脉|联系人|对接|找谁|人际|people|contact|who to|interpersonal|"
                r"collaborat|escalat|network|stakeholder", _I), "people"),
    (re.compile(r"背景|为什么|历史|决策|why|background|context|history|decision|rationale", _I),
     "tacit"),
    (re.compile(r"persona|性格|表达|语气|口头禅|风格|示例|例子|说话|沟通风格|layer\s*[0-5]|"
                r"part\s*b|expression|examples?|tone|voice|style|boundar|rhythm|边界|作息", _I),
     "persona"),
    (re.compile(r"规则|流程|步骤|判断|标准|规范|review|评审|workflow|procedure|rules?|"
                r"steps?|heuristic|judg|checklist|runbook|how to|playbook|part\s*a", _I),
     "judgement"),
]

LABEL = re.compile(r"^\W{0,3}(?:坑|注意|教训|提醒|警告|pitfall|gotcha|warning|caveat|lesson|"
                   r"careful|note)\s*[:：]", _I)

_QUOTED = re.compile(r"「[^」]{2,}」|“[^”]{2,}”|\"[^\"]{4,}\"")


PRIORITY: tuple[Category, ...] = ("critical", "incident", "pitfall", "people", "tacit", "persona",
                                  "judgement", "generic")


@dataclass(frozen=True)
class Verdict:
    category: Category
    concrete: int  # number of concrete, actionable spans (names, numbers, conditions)
    reason: str


def concrete_count(text: str) -> int:
    return len(find_spans(text)) + len(conditions(text))


def section_hint(section: tuple[str, ...]) -> Category | None:
    """The innermost heading that says what kind of section this is."""
    for title in reversed(section):
        cat = _title_hint(title)
        if cat:
            return cat
    return None


def _title_hint(title: str) -> Category | None:
    for rx, cat in SECTION_HINTS:
        if rx.search(title):
            return cat
    return None


def section_weights(section: tuple[str, ...]) -> dict[Category, float]:
    """The innermost heading speaks loudest (2.0); outer headings and the document title only
    lean (1.0) — "Incident Runbook" in a title does not make every trigger an incident."""
    out: dict[Category, float] = {}
    for depth, title in enumerate(reversed(section)):
        cat = _title_hint(title)
        if cat and cat != "critical" and cat not in out:
            out[cat] = 2.0 if depth == 0 and len(section) > 1 else 1.0
    return out


def classify(text: str, section: tuple[str, ...] = (), file_hint: Category | None = None,
             kind: str = "paragraph") -> Verdict:
    """The category of one segment's content."""
    concrete = concrete_count(text)
    hint = section_hint(section)
    strong = STRONG_CRITICAL.search(text)
    if strong:
        return Verdict("critical", concrete, f"compliance keyword {strong[0]!r}")
    crit = CRITICAL.search(text)
    # A security word alone (an incident about an attack) is not an instruction; a security
    # word with an obligation, or an obligation in a security section, is — unless the line
    # tells an incident and states no hard obligation.
    told = KEYWORDS["incident"].search(text) and not HARD_OBLIGATION.search(text)
    if crit and OBLIGATION.search(text) and not told:
        return Verdict("critical", concrete, f"critical keyword {crit[0]!r} with an obligation")
    quoted = kind == "blockquote" or bool(_QUOTED.search(text))
    if hint == "critical" and not quoted and (HARD_OBLIGATION.search(text)
                                              or IMPERATIVE_NO.match(text)):
        return Verdict("critical", concrete, "obligation in a security/compliance section")
    scores: dict[Category, float] = {}
    for cat, rx in KEYWORDS.items():
        hits = len(rx.findall(text))
        if hits:
            scores[cat] = scores.get(cat, 0.0) + 2.0 + 0.5 * min(hits - 1, 2)
    for cat, w in section_weights(section).items():
        scores[cat] = scores.get(cat, 0.0) + w
    if LABEL.match(text):
        scores["pitfall"] = scores.get("pitfall", 0.0) + 3.0
    if file_hint:
        scores[file_hint] = scores.get(file_hint, 0.0) + 1.0
    # A quoted utterance, and a block quote, each lean towards persona (an example of speech)
    persona_lean = 1.5 * bool(_QUOTED.search(text)) + 1.5 * (kind == "blockquote")
    if persona_lean:
        scores["persona"] = scores.get("persona", 0.0) + persona_lean
    if kind == "code":
        scores["judgement"] = scores.get("judgement", 0.0) + 1.5
    # Any clear incident or pitfall signal wins: those are what even light dilution removes.
    order: list[Category] = ["people", "tacit", "persona", "judgement"]
    softer = max((scores.get(c, 0.0) for c in order), default=0.0)
    risky = {c: scores.get(c, 0.0) for c in ("incident", "pitfall")}
    top: Category = "incident" if risky["incident"] >= risky["pitfall"] else "pitfall"
    # A warning or a past incident that carries concrete detail is exactly what a reader
    # would act on: it wins over softer readings of the same line.
    keyword_hit = any(KEYWORDS[c].search(text) for c in ("incident", "pitfall"))
    if risky[top] >= 2.0 and (sum(risky.values()) >= softer or (keyword_hit and concrete)):
        return Verdict(top, concrete, f"score {risky[top]:.1f}")
    if scores:
        best = max(order, key=lambda c: (scores.get(c, 0.0), -order.index(c)))
        if scores.get(best, 0.0) >= 2.0:
            return Verdict(best, concrete, f"score {scores[best]:.1f}")
    if concrete:
        return Verdict(file_hint or "judgement", concrete, "concrete detail")
    return Verdict("generic", 0, "no signal")
