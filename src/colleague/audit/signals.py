"""The signals behind an actionability score, counted in Chinese and English text.

Each counter works on plain prose (Markdown markers already removed by the segmenter); counts are
of distinct matches, so one sentence can contribute to several signals (a condition usually
carries a number and a name too). Everything is regular expressions: deterministic and fast.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from statistics import mean, pstdev

from colleague.dilute.segment import Segment, body, segment

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# --- positive signals --------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)*"
_UNITS_EN = (r"(?:ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|weeks?|months?|"
             r"years?|%|x|qps|tps|rps|gb|mb|kb|tb|k|m|rows?|pods?|nodes?|requests?|ops|"
             r"times|attempts?|failures?|alerts?|lines?|columns?|replicas?|regions?|cores?|"
             r"cpu|usd|\$|users?|pp|percentage points?|business days?)")
_UNITS_ZH = (r"(?:毫秒|秒|分钟|分|小时|天|日|周|个月|月|年|%|％|倍|万|亿|千|元|块|笔|次|条|行|"
             r"个|台|人|位|份|项|页|张|QPS|TPS|ms|s|GB|MB|TB|核|G|M|K|百分点|个百分点|工作日)")
_NUMBER_PATTERNS = [
    re.compile(rf"(?<![\w.]){_NUM}\s?{_UNITS_EN}\b", re.IGNORECASE),
    re.compile(rf"{_NUM}\s?{_UNITS_ZH}"),
    re.compile(r"(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)"),  # clock times 14:02
    re.compile(r"(?<!\d)(?:19|20)\d\d[-/年.]\s?\d{1,2}(?:[-/月.]\s?\d{1,2}日?)?"),  # dates
    re.compile(rf"(?:[<>≤≥=]=?|→|->)\s*{_NUM}"),  # thresholds and rollout chains
    re.compile(rf"(?:p\d\d|P\d\d)\s*(?:[<>≤≥]|超过|低于|不超过|从)?\s*{_NUM}"),  # p99 > 2
    re.compile(rf"(?:超过|不超过|低于|高于|大于|小于|至少|最多|不低于|不少于|以内|达到)\s*{_NUM}"),
    re.compile(rf"\b(?:more than|less than|at least|at most|under|over|above|below|exceeds?|"
               rf"within|up to|no longer than)\s+{_NUM}", re.IGNORECASE),
    re.compile(r"\bv\d+(?:\.\d+)+\b"),  # versions v2.31
]

_GENERIC_ZH_OWNER = ("相关", "业务", "内部", "核心", "下游", "上游", "该", "各", "等", "其他", "外部",
                     "对应", "目标", "整个", "现有", "第三方", "基础", "监控", "告警", "配置", "发布",
                     "管理", "支付", "订单", "后台", "线上", "生产", "测试", "这个", "那个", "此")
_NAME_PATTERNS = [
    re.compile(r"`[^`\n]{2,}`"),  # inline code: commands, config keys, service names
    re.compile(r"(?<![\w@])@[\w.\-]*[A-Za-z\u4e00-\u9fff][\w.\-]*"),  # @mentions
    re.compile(r"(?<![\w#&])#[a-z][\w\-]{2,}", re.IGNORECASE),  # #channels
    re.compile(r"\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\b"),  # kebab / snake identifiers
    re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+\b"),  # CamelCase
    re.compile(r"\b[a-z][\w-]*(?:\.[a-z][\w-]*){1,}\b"),  # dotted keys and hosts
    re.compile(r"「[^」\n]{2,20}」"),  # quoted UI / dashboard names
    re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"),  # Firstname Lastname
]
_ZH_SYSTEM = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{1,6})(服务|系统|平台|集群|看板|大盘|频道|群)")

_CONDITION_PATTERNS = [
    re.compile(r"如果|若(?!干)|假如|一旦|只要|万一|除非|否则|(?<![适相])当[^，。；\n]{1,30}(?:时|的时候)"),
    re.compile(r"\b(?:if|when|whenever|unless|otherwise|once|in case)\b", re.IGNORECASE),
]
_STEP_WORDS = [
    re.compile(r"(?:^|[，。；：\s]|就|要|应|需|请)(?:先|首先|然后|再|接着|最后|之后)(?=[^\s，。])"),
    re.compile(r"\b(?:first|then|next|after that|finally|afterwards)\b", re.IGNORECASE),
]
_TIMELINE = re.compile(r"^\s*(?:\d{1,2}:\d{2}|(?:19|20)\d\d[-/年])")
_INCIDENT = re.compile(
    r"事故|故障|事件|复盘|当时|那次|上次|曾经|教训|宕机|告警风暴|损失|回滚了|挂了|"
    r"\b(?:incident|outage|post-?mortem|we lost|went down|took down|taking down|lesson|"
    r"back then|last time|once)\b",
    re.IGNORECASE,
)
_DATED = re.compile(r"(?:19|20)\d\d\s?(?:年|-\d{1,2})")
_VERBATIM = re.compile(r"“[^”\n]{2,60}”|\"[^\"\n]{2,60}\"|「[^」\n]{2,60}」|‘[^’\n]{2,40}’")
_REASON = re.compile(
    r"因为|所以|之所以|由于|为了|以免|否则|以防|避免|原因是|是因为|导致|这是[^。；\n]{0,12}(?:要求|规定)|"
    r"\b(?:because|so that|since|otherwise|to avoid|in order to|which is why|the reason|"
    r"due to|so one|so nobody|so the|or the|required by|this is why)\b",
    re.IGNORECASE,
)

# --- negative signals ----------------------------------------------------------------------------

_HEDGE = re.compile(
    r"可能|适当|视情况|酌情|一般来说|通常情况下|尽量|原则上|必要时|在必要的情况下|适时|合理的|相应的?|"
    r"一定程度|根据实际情况|视具体情况|结合实际|有关|\b(?:as appropriate|if needed|as needed|"
    r"where possible|when necessary|if necessary|where appropriate|may|might|generally|"
    r"typically|usually|reasonable|appropriate|relevant|as required|to some extent|"
    r"in some cases|consider)\b",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"遵循团队规范|遵守相关规定|最佳实践|确保[^，。；\n]{0,12}(?:稳定|质量|安全|顺利|可靠)|"
    r"相关人员|相关方|相关团队|及时沟通|保持沟通|充分沟通|密切关注|持续关注|高度重视|"
    r"按规范|按照规范|有关部门|协同配合|提升效率|持续优化|闭环|对齐|赋能|抓手|"
    r"\b(?:follow(?:ing)? (?:the )?best practices|best practices?|as appropriate|ensure that|"
    r"relevant stakeholders|stakeholders|in a timely manner|align(?:ed)? with|in accordance with|"
    r"established (?:procedures?|processes?|guidelines)|industry standards?|"
    r"team (?:norms|conventions|guidelines)|communicate (?:clearly|proactively)|"
    r"keep (?:relevant )?(?:parties|people) informed|continuous(?:ly)? improve(?:ment)?|"
    r"holistic|leverage|robust|streamline|proactive(?:ly)?)\b",
    re.IGNORECASE,
)
_COLLAPSED = re.compile(
    r"(?:按|按照|依照|遵循|根据|参照)(?:既定|标准|相关|现有|正常|常规|公司|团队)?的?"
    r"(?:流程|规范|步骤|规定|SOP|预案|手册)(?:处理|执行|进行|操作|推进)?|逐步(?:放量|推进|处理)|"
    r"分阶段|分批次?(?:进行|发布|处理)|"
    r"\b(?:follow(?:ing)? the (?:standard|established|usual|normal|documented|agreed) "
    r"(?:process|procedure|steps|runbook|playbook)|per (?:the )?(?:runbook|process|procedure)|"
    r"in (?:stages|phases)|step by step|gradually|incrementally|standard procedure)\b",
    re.IGNORECASE,
)
_RULE = re.compile(
    r"必须|务必|不要|不得|禁止|严禁|应该|应当|需要|一定要|不能|不允许|"
    r"\b(?:must|should|never|always|do not|don't|shall|required|need to|avoid)\b",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?；;])|(?<=[.])\s+|\n+")
_SHAPE_CLEAN = re.compile(r"[\d\s\W_]+")



@dataclass
class Signals:
    """Signal counts for a text, its length and the derived densities (per 100 length units)."""

    length: float = 0.0  # Chinese characters + 1.7 × English words (prose, code, headings)
    prose_length: float = 0.0  # the same, for paragraphs / items / quotes / table rows only
    sentences: int = 0
    numbers: int = 0
    names: int = 0
    conditions: int = 0
    steps: int = 0
    incidents: int = 0
    verbatim: int = 0
    reasons: int = 0
    hedges: int = 0
    boilerplate: int = 0
    collapsed: int = 0
    rules: int = 0
    reasonless_rules: int = 0
    uniformity: float = 0.0  # 0 = varied sentences, 1 = the same shape and length throughout
    repeated_sentences: int = 0
    densities: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["length"] = round(self.length, 1)
        d["prose_length"] = round(self.prose_length, 1)
        d["uniformity"] = round(self.uniformity, 3)
        return d


def text_length(text: str) -> float:
    """Length in units comparable across languages: one Chinese character or ~0.6 English word.

    An English word carries about as much as 1.7 Chinese characters (measured on the bilingual
    fixture, whose two halves say the same thing)."""
    return len(_CJK.findall(text)) + 1.7 * len(_LATIN_WORD.findall(text))


def _distinct(patterns: list[re.Pattern[str]], text: str) -> int:
    """Matches of any pattern, overlapping spans counted once."""
    spans: list[tuple[int, int]] = []
    for p in patterns:
        spans.extend(m.span() for m in p.finditer(text))
    spans.sort()
    count, last_end = 0, -1
    for a, b in spans:
        if a >= last_end:
            count += 1
            last_end = b
        else:
            last_end = max(last_end, b)
    return count


def count_names(text: str) -> int:
    n = _distinct(_NAME_PATTERNS, text)
    for m in _ZH_SYSTEM.finditer(text):
        owner = m.group(1)
        if not any(owner.endswith(g) or owner == g for g in _GENERIC_ZH_OWNER):
            n += 1
    return n


def sentences_of(text: str) -> list[str]:
    return [s.strip(" \t-*>") for s in _SENTENCE_SPLIT.split(text) if s and s.strip(" \t-*>")]


def _uniformity(sents: list[str]) -> tuple[float, int]:
    """How alike the sentences are: similar lengths and repeated openings/endings (filler).

    Returns (0…1, number of sentences that repeat another one's frame)."""
    sents = [s for s in sents if text_length(s) >= 6]
    if len(sents) < 6:
        return 0.0, 0
    lengths = [text_length(s) for s in sents]
    cv = pstdev(lengths) / mean(lengths)
    frames = Counter()
    for s in sents:
        core = _SHAPE_CLEAN.sub("", s.lower())
        frames[(core[:4], core[-4:])] += 1
    repeated = sum(c for c in frames.values() if c > 1)
    exact = Counter(_SHAPE_CLEAN.sub("", s.lower()) for s in sents)
    repeated = max(repeated, sum(c for c in exact.values() if c > 1))
    length_alike = min(1.0, max(0.0, (0.55 - cv) / 0.4))
    repeat_share = repeated / len(sents)
    return min(1.0, 0.5 * length_alike + 1.2 * repeat_share), repeated


def _parts(segs: list[Segment]) -> tuple[list[str], list[str], list[str]]:
    """Bodies of prose blocks, table rows and code blocks. Headings are left out: dilution keeps
    every heading, so a title like "一次典型事故" must not count as an incident. Table rows carry
    content but are uniform by nature, so they are kept out of the sentence-shape measures."""
    prose, table, code = [], [], []
    for s in segs:
        if s.kind in ("paragraph", "list_item", "blockquote", "html"):
            prose.append(body(s))
        elif s.kind == "table_row":
            table.append(body(s).replace("|", " ; "))
        elif s.kind == "code":
            code.append(body(s))
    return prose, table, code


def _concrete(sentence: str) -> bool:
    return bool(_distinct(_NUMBER_PATTERNS, sentence) or count_names(sentence))


def _weighted(sents: list[str], counter: Callable[[str], int]) -> int:
    """Matches in sentences that carry a number or a name count fully; the rest count half
    ("when in doubt", "so the process stays traceable" are what dilution leaves behind)."""
    concrete = generic = 0
    for s in sents:
        n = counter(s)
        if n and _concrete(s):
            concrete += n
        else:
            generic += n
    return concrete + generic // 2


def signals(text: str, segs: list[Segment] | None = None) -> Signals:
    """Count every signal in a Markdown (or plain) text. Front matter is metadata: ignored.

    Code blocks count for length, names and numbers (commands and values are content) but not
    for sentence-level signals (conditions, rules, uniformity)."""
    segs = segment(text) if segs is None else segs
    prose_parts, table_parts, code_parts = _parts(segs)
    prose = "\n".join(prose_parts)
    content = "\n".join(prose_parts + table_parts)
    code = "\n".join(code_parts)
    headings = "\n".join(body(s) for s in segs if s.kind == "heading")
    sig = Signals()
    sig.prose_length = text_length(content)
    sig.length = sig.prose_length + text_length(code) + text_length(headings)
    sents = sentences_of(prose)
    sig.sentences = len(sents)
    sig.numbers = _distinct(_NUMBER_PATTERNS, content + "\n" + code)
    sig.names = count_names(content) + min(count_names(code), 3 * max(1, len(code_parts)))
    sig.conditions = _weighted(sentences_of(content), lambda t: _distinct(_CONDITION_PATTERNS, t))
    # A numbered item is a step only when it says something concrete: dilution keeps the list
    # (the look rules) but empties the items.
    ordered = sum(1 for s in segs if s.kind == "list_item" and s.marker[:1].isdigit()
                  and (_distinct(_NUMBER_PATTERNS, body(s)) or count_names(body(s))))
    timeline = sum(1 for p in prose_parts if _TIMELINE.match(p))
    sig.steps = ordered + timeline + _distinct(_STEP_WORDS, content)
    sig.incidents = len(_INCIDENT.findall(content)) + len(_DATED.findall(content))
    sig.verbatim = len(_VERBATIM.findall(content))
    sig.reasons = _weighted(sentences_of(content), lambda t: len(_REASON.findall(t)))
    sig.hedges = len(_HEDGE.findall(content))
    sig.boilerplate = len(_BOILERPLATE.findall(content))
    sig.collapsed = len(_COLLAPSED.findall(content))
    for s in sents:
        if _RULE.search(s):
            sig.rules += 1
            specific = (_REASON.search(s) or _distinct(_NUMBER_PATTERNS, s)
                        or count_names(s) or _distinct(_CONDITION_PATTERNS, s))
            if not specific:
                sig.reasonless_rules += 1
    sig.uniformity, sig.repeated_sentences = _uniformity(sents)
    # Numbers and names live in code too; sentence-level signals only in prose, so they are
    # measured against the prose alone (a design doc full of code is not penalised for it).
    per = 100.0 / max(sig.length, 1.0)
    per_prose = 100.0 / max(sig.prose_length, min(sig.length, 50.0), 1.0)
    for key in ("numbers", "names"):
        sig.densities[key] = round(getattr(sig, key) * per, 3)
    for key in ("conditions", "steps", "incidents", "verbatim", "reasons", "hedges",
                "boilerplate", "collapsed"):
        sig.densities[key] = round(getattr(sig, key) * per_prose, 3)
    sig.densities["reasonless_share"] = round(sig.reasonless_rules / sig.rules, 3) \
        if sig.rules else 0.0
    return sig
