"""Finding the concrete, actionable bits of a text: internal names (systems, people, teams,
channels), inline code, links, numbers with units, dates, thresholds and conditions.

Every finder returns spans; `rewrite` decides what each becomes. Detection is heuristic and
bilingual, tuned to over-mask rather than leak: a masked public tool name costs little, a leaked
internal host name is the thing dilution exists to prevent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

SpanKind = Literal["cite", "code", "link", "url", "email", "person", "system", "team", "channel",
                   "number", "date", "time", "version", "threshold"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: SpanKind
    text: str
    unit: str = ""  # for numbers: the unit class (duration, percent, size, count, money, rate)


CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{CJK}]")

# Public, well-known technology and business words are left alone (they are not internal names).
PUBLIC = frozenset(["api", "apis", "sql", "http", "https", "json", "yaml", "xml", "csv", "html", "css", "cpu", "gpu", "ram", "ssd", "io", "qps", "tps", "rps", "sla", "slo", "sli", "ci", "cd", "pr", "prs", "mr", "url", "urls", "dns", "tls", "ssl", "vpn", "sso", "ldap", "oauth", "jwt", "ssh", "ftp", "tcp", "udp", "ip", "os", "id", "ids", "ui", "ux", "qa", "pm", "hr", "okr", "kpi", "faq", "todo", "tbd", "eta", "asap", "fyi", "diy", "ok", "cto", "ceo", "cfo", "vp", "tl", "rd", "ab", "cdn", "rpc", "grpc", "rest", "aws", "gcp", "oss", "s3", "ec2", "rds", "ecs", "k8s", "redis", "kafka", "mysql", "postgres", "postgresql", "mongodb", "sqlite", "oracle", "nginx", "linux", "unix", "macos", "windows", "ios", "android", "git", "github", "gitlab", "jira", "confluence", "slack", "excel", "word", "powerpoint", "markdown", "docker", "kubernetes", "helm", "jenkins", "grafana", "prometheus", "elasticsearch", "es", "kibana", "python", "java", "go", "golang", "rust", "javascript", "typescript", "node", "react", "vue", "spring", "django", "flask", "php", "ruby", "c", "c++", "bash", "shell", "zsh", "vim", "npm", "pip", "maven", "gradle", "chrome", "safari", "firefox", "utc", "gmt", "pdf", "ppt", "doc", "docx", "wiki", "email", "gdpr", "pii", "pci", "soc", "iso", "hipaa", "ccpa", "dpo", "dpa", "ciso", "kyc", "aml", "mfa", "2fa", "otp", "sms",
                    "dss", "lvs", "dba", "sre", "p99", "p95", "p50"])

_ENGLISH_COMMON_CAPS = frozenset(["the", "a", "an", "if", "when", "then", "do", "don't", "dont", "never", "always", "please", "note", "this", "that", "these", "those", "it", "we", "you", "i", "they", "he", "she", "our", "your", "my", "before", "after", "during", "while", "unless", "because", "so", "but", "and", "or", "also", "for", "on", "in", "at", "to", "of", "by", "with", "from", "as", "is", "are", "be", "not", "no", "yes", "all", "any", "each", "every", "some", "most", "use", "make", "check", "ask", "keep", "avoid", "run", "deploy", "test", "write", "read", "review", "first", "second", "third", "next", "finally", "step", "steps", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "team", "teams", "owner", "owners", "everyone", "someone", "only", "even", "just", "still", "again", "here", "there", "what", "why", "how", "who", "where", "which", "until", "since", "once", "otherwise", "good", "bad", "ok", "okay", "thanks", "hi", "hello", "dear", "sure", "let", "let's", "tip", "warning", "important", "rule", "rules", "example"])

_CAPS_WORDS = frozenset(["part", "layer", "note", "notes", "warning", "never", "must", "not", "do", "dont", "always", "important", "tip", "step", "rule", "rules", "skill", "work", "persona", "todo", "readme", "yes", "no", "ok", "and", "or", "the", "if", "you", "we", "all", "any", "only", "stop", "wait", "done", "fix", "bug"])

FIRST_NAMES = frozenset(["alice", "bob", "carol", "dave", "david", "eve", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter", "john", "jane", "mary", "mike", "michael", "sarah", "tom", "thomas", "james", "robert", "linda", "susan", "karen", "lisa", "paul", "mark", "peter", "kevin", "jason", "brian", "chris", "emily", "emma", "olivia", "sophia", "anna", "ben", "jack", "lucy", "amy", "kate", "tony", "steve", "andrew", "daniel", "matt", "matthew", "ryan", "eric", "alex", "sam", "nick", "lily", "leo", "max", "ken", "jim", "joe", "bill", "anne", "jessica", "jennifer", "laura", "rachel", "helen", "nancy", "betty", "george", "edward", "henry", "jerry", "larry", "scott", "frank", "wei", "lei", "jun", "ming", "hui", "yan", "ling", "fang", "jing", "li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "shen", "ren", "yao", "lu", "jiang", "cui", "zhong", "tan"])

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏"
            "苏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
            "邵万钱严覃武戴莫孔向汤")

_CODE = re.compile(r"`+[^`\n]+`+")
_CITE = re.compile(r"\[(?:E\d+(?:\s*[,，]\s*E\d+)*)\]")
_SKILL_FILE = re.compile(r"(?:SKILL|work|persona|meta|evidence|README)\.(?:md|json|jsonl)")
_MDLINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s)>\]）」』，。]+|\bwww\.[^\s)>\]）」』，。]+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MENTION = re.compile(rf"@(?:[A-Za-z][\w.\-]*[A-Za-z0-9_]|[{CJK}]{{2,4}})")
_CHANNEL = re.compile(rf"(?<![\w&])#[A-Za-z{CJK}][\w\-{CJK}]*(?:-[\w{CJK}]+)*")
_ZH_GROUP = re.compile(rf"[「“\"]?[A-Za-z0-9{CJK}·]{{2,16}}(?:群|频道|群聊)[」”\"]?")
_ZH_SYSTEM = re.compile(
    rf"(?:[A-Za-z][\w\-]*\s?|[{CJK}]{{2,4}})(?P<suffix>系统|平台|后台|中台|网关|集群|看板|机器人|"
    rf"工单|大盘|库)")
_ZH_SYSTEM_GENERIC = re.compile(
    r"^(?:这个|那个|整个|相关|内部|各个|各|本|此|该|业务|所有|其他|外部|第三方|现有|新的|旧的|"
    r"底层|上游|下游|对应|目标|测试|生产|线上|数据|操作|文件|后端|前端|客户|用户|监控|告警|日志|"
    r"缓存|消息|部署|发布|存储|配置|安全|权限|公司|团队|我们|你们|他们)")
_ZH_FUNCTION = set("先在到把用从去给对向和与跟及或并的了是就都也还再请要需找让由被将经过通问联系发贴")
_ZH_GRAMMAR = "或和与及、，,的了是在有把被给到从向让就也都还要会能可须必将为以于上下里时后前"
_ZH_VERBISH = set("把到在贴里的给向和让被说问找进拉")
_ZH_GROUP_GENERIC = re.compile(r"^(?:聊天|工作|相关|团队|微信|钉钉|飞书|企微|项目|内部|技术|各|大|"
                               r"小|本|该|这个|那个|公司|部门|任何|所有|其他|对应)")
_ZH_TEAM = re.compile(rf"(?:[A-Za-z]{{2,10}}\s?|[{CJK}]{{2,4}})(?:组|团队|小组|部门|中心|事业部)")
_ZH_TEAM_GENERIC = re.compile(r"^(?:相关|我们|你们|他们|整个|各个|各|本|其他|对应|项目|业务|"
                              r"这个|那个|兄弟|合作|外部|内部|技术|研发|核心)(?:组|团队|小组|部门|中心|事业部)$")
_EN_TEAM = re.compile(r"\b(?:the\s+)?(?:[A-Z][\w&-]*\s+){1,3}(?:team|squad|guild|group|"
                      r"department|org)\b")
_ZH_PERSON_TITLE = re.compile(rf"(?:[老小][{SURNAMES}]|[{SURNAMES}](?:总|哥|姐|工|老师|经理|老板|总监))")
_EN_VERB_PERSON = re.compile(
    r"\b(?i:ask|ping|contact|cc|message|dm|tell|call|loop in|check with|talk to|reach out to|"
    r"escalate to|go to|assign(?:ed)? to|owned by|approved by|signed off by|with|from|by)\s+"
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b")
_CAP_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_IDENT = re.compile(r"(?<![\w/])[A-Za-z][A-Za-z0-9]*(?:[-_.:/][A-Za-z0-9]+)+(?![\w/])")
_CAMEL = re.compile(r"\b[A-Z]?[a-z]+(?:[A-Z][a-z0-9]+)+\b|\b[A-Z][a-z]+[A-Z][A-Za-z0-9]*\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
_PUBLIC_COMPOUND = frozenset({"pci-dss", "iso-27001", "soc-2", "utf-8", "x-ray", "wi-fi", "e2e",
                              "node.js", "vue.js", "next.js", "asp.net", "p99", "tl;dr"})
_COMMON_HYPHEN = frozenset(["on-call", "follow-up", "follow-ups", "rule-of-thumb", "read-only", "post-mortem", "postmortem", "step-by-step", "real-time", "long-running", "third-party", "end-to-end", "up-to-date", "so-called", "built-in", "opt-in", "opt-out", "e-mail", "check-in", "sign-off", "hand-off", "handoff", "roll-back", "hot-fix", "hotfix", "pre-release", "re-run", "co-worker", "well-known", "high-risk", "low-risk", "non-critical", "self-service", "day-to-day", "face-to-face", "one-on-one", "1-on-1", "e.g.", "i.e.", "etc.", "vs.", "a.m.", "p.m.", "peer-review", "code-review", "heads-up"])

# --- numbers -------------------------------------------------------------------------------------

_ZH_NUM = "零一二两三四五六七八九十百千万半"
_UNITS = {
    "duration": r"ms|毫秒|秒钟?|s|sec|secs|seconds?|分钟|min|mins|minutes?|小时|h|hrs?|hours?|"
                r"天|d|days?|周|weeks?|个月|months?|年|years?|个工作日|工作日|business days?",
    "percent": r"%|％|个百分点|percent",
    "size": r"[KMGTP]i?B|[KMGTP]|kb|mb|gb|tb|字节|bytes?|lines?|rows?|pages?|"
            r"characters?|chars?|万条|万行",
    "money": r"元|块|万元|美元|USD|RMB|dollars?|\$",
    "rate": r"QPS|qps|TPS|tps|RPS|rps|/s|每秒|req/s",
    "count": r"次|遍|个|台|人|位|倍|核|x|times|retries|people|nodes?|machines?|instances?|"
             r"replicas?|副本|实例|节点|轮|批|项|单|笔|级|条|行|页|字|张|份|天次",
}
_UNIT_RE = "|".join(f"(?P<{k}>{v})" for k, v in _UNITS.items())
_CMP = (r"(?:超过|大于|小于|低于|高于|不超过|不低于|不少于|不多于|至少|最多|少于|多于|达到|"
        r"above|below|over|under|more than|less than|at least|at most|up to|exceeds?|"
        r">=|<=|≥|≤|>|<)")
_NUMBER = re.compile(
    rf"(?P<cmp>{_CMP}\s*)?(?P<num>(?<![\w.])\d+(?:[.,]\d+)*(?:\s*[-~～到至]\s*\d+(?:\.\d+)?)?|"
    rf"[{_ZH_NUM}]+(?=个?(?:次|遍|分钟|小时|天|周|个月|年|人|台|倍|秒|个工作日|工作日|条|行|页))|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|hundred|a hundred|a few)\b(?=\s+(?:minutes?|hours?|days?|weeks?|"
    r"months?|years?|times|retries|people|seconds?|business days?)))"
    rf"\s*(?:{_UNIT_RE})?(?![A-Za-z])")
_DATE = re.compile(
    r"\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?\b|"
    r"(?:(?:19|20)\d\d\s?年)?\s?(?:0?[1-9]|1[0-2])\s?月(?:\s?(?:0?[1-9]|[12]\d|3[01])\s?[日号])?|"
    r"(?:19|20)\d\d\s?年|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+(?:19|20)\d\d)?\b|\b(?:in|since|during)\s+(?:19|20)\d\d\b|"
    r"\b(?:last|this|next)\s+(?:january|february|march|april|june|july|august|september|"
    r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"spring|summer|autumn|fall|winter|year|quarter|month|week)\b|"
    r"(?:去年|前年|今年|上个?月|上周|上季度|Q[1-4])", re.IGNORECASE)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm|AM|PM)?\b|\b\d{1,2}\s?(?:am|pm)\b|"
                    rf"(?:凌晨|早上|上午|中午|下午|晚上|半夜)?[{_ZH_NUM}\d]{{1,3}}点(?:半|[{_ZH_NUM}\d]{{1,3}}分)?|"
                    r"(?:凌晨|半夜|深夜)")
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)+(?:[-+][\w.]+)?\b|\bv\d+(?:\.\d+)?\b")
_RELDAY = re.compile(r"\b[TD][-+]\d{1,2}(?:\s?(?:天|days?))?")
_SEVERITY = re.compile(r"\b(?:P[0-4]|SEV-?[0-4]|S[0-4])\b")
_INLINE_ENUM = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[：:（(]))\d{1,2}[.)、]\s*(?=[^\d\s])")
_STEP_NO = re.compile(r"\b[Ss]tep\s+\d+\b|第\s*[\d一二三四五六七八九十]+\s*步")

# --- conditions --------------------------------------------------------------------------------

ZH_COND = re.compile(r"(?:如果|假如|若是|若|一旦|只要|除非|万一|当(?![前然地中天初年场作成面做即下日时]))[^，,。；;！!？?\n]{1,40}?"
                     r"(?:的话|时候|时|后|之后)?[，,]\s*")
ZH_COND_TAIL = re.compile(r"[^，,。；;！!？?\n]{1,30}的话[，,]\s*")
EN_COND_LEAD = re.compile(r"\b(?:If|When|Whenever|Unless|Once|In case|As soon as)\b[^,.;:!?\n]{1,80},"
                          r"\s*")
EN_COND_TAIL = re.compile(r"\s+(?:if|when|whenever|unless|once|until|as soon as|in case)\b"
                          r"[^,.;:!?\n]{1,80}(?=[.;:!?\n]|$)")


def _overlaps(a: Span, taken: list[Span]) -> bool:
    return any(a.start < b.end and b.start < a.end for b in taken)


@lru_cache(maxsize=1)
def _posseg():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def _zh_people(text: str) -> list[tuple[int, int]]:
    if not _CJK_RE.search(text):
        return []
    out: list[tuple[int, int]] = []
    pos = 0
    for pair in _posseg().cut(text):
        word, flag = pair.word, pair.flag
        if flag == "nr" and 2 <= len(word) <= 3 and word[0] in SURNAMES + "老小":
            out.append((pos, pos + len(word)))
        pos += len(word)
    return out


def _unit_class(m: re.Match[str]) -> str:
    for k in _UNITS:
        if m.group(k):
            return k
    return ""


def find_spans(text: str, *, numbers: bool = True, known: frozenset[str] = frozenset()
               ) -> list[Span]:
    """All concrete spans in `text`, non-overlapping, in order. Earlier finders win.

    `known` are names found elsewhere in the same input (a person's name in meta.json, an
    @mention in another file): every literal occurrence is a person."""
    taken: list[Span] = []

    def add(start: int, end: int, kind: SpanKind, unit: str = "") -> None:
        while end > start and text[end - 1] in " \t":
            end -= 1
        if end <= start:
            return
        sp = Span(start, end, kind, text[start:end], unit)
        if not _overlaps(sp, taken):
            taken.append(sp)

    for m in _CITE.finditer(text):
        taken.append(Span(m.start(), m.end(), "cite", m.group(0)))  # [E12]: kept as is
    for m in _CODE.finditer(text):
        inner = m.group(0).strip("`")
        if _SKILL_FILE.fullmatch(inner):
            taken.append(Span(m.start(), m.end(), "cite", m.group(0)))
        elif re.fullmatch(r"[A-Za-z][\w.\-:/]*", inner):
            add(m.start(), m.end(), "system")  # `pay-router`: a name, not a command
        else:
            add(m.start(), m.end(), "code")
    for name in sorted(known, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            ok_left = m.start() == 0 or not (text[m.start() - 1].isalnum() and name[0].isascii())
            ok_right = m.end() == len(text) or not (text[m.end()].isalnum() and name[-1].isascii())
            if ok_left and ok_right:
                add(m.start(), m.end(), "person")
    for m in _MDLINK.finditer(text):
        add(m.start(), m.end(), "link")
    for m in _URL.finditer(text):
        add(m.start(), m.end(), "url")
    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "email")
    for m in _MENTION.finditer(text):
        add(m.start(), m.end(), "person")
    for m in _CHANNEL.finditer(text):
        add(m.start(), m.end(), "channel")
    for m in _ZH_GROUP.finditer(text):
        start = m.start()
        while m.end() - start > 3 and text[start] in _ZH_FUNCTION:
            start += 1
        name = text[start:m.end()].strip("「“\"」”")
        quoted = text[m.start()] in "「“\""
        if not _ZH_GROUP_GENERIC.match(name) and (quoted or not set(name) & _ZH_VERBISH):
            add(start, m.end(), "channel")
    if numbers:
        for rx, kind in ((_RELDAY, "time"), (_DATE, "date"), (_CLOCK, "time"),
                         (_VERSION, "version")):
            for m in rx.finditer(text):
                add(m.start(), m.end(), kind)  # type: ignore[arg-type]
    for m in _ZH_PERSON_TITLE.finditer(text):
        add(m.start(), m.end(), "person")
    for m in _EN_VERB_PERSON.finditer(text):
        name = m.group("name")
        first = name.split()[0].lower()
        if first in _ENGLISH_COMMON_CAPS | PUBLIC:
            continue
        weak = m.group(0).split()[0].lower() in ("with", "from", "by")
        # "from Vault" is a system; "from Alice", "by Raj Patel" are people
        person = not weak or first in FIRST_NAMES or " " in name
        add(m.start("name"), m.end("name"), "person" if person else "system")
    for m in _CAP_WORD.finditer(text):
        nxt = _CAP_WORD.match(text, m.end() + 1) if text[m.end():m.end() + 1] == " " else None
        if m.group(0).lower() in FIRST_NAMES and (nxt or not _sentence_start(text, m.start())):
            add(m.start(), nxt.end() if nxt else m.end(), "person")
    for s, e in _zh_people(text):
        add(s, e, "person")
    for m in _ZH_TEAM.finditer(text):
        start = m.start()
        while m.end() - start > 3 and text[start] in _ZH_FUNCTION:
            start += 1
        if not _ZH_TEAM_GENERIC.match(text[start:m.end()].replace(" ", "")):
            add(start, m.end(), "team")
    for m in _EN_TEAM.finditer(text):
        words = m.group(0).split()
        if any(w[0].isupper() and w.lower() not in _ENGLISH_COMMON_CAPS for w in words[:-1]):
            add(m.start(), m.end(), "team")
    for m in _ZH_SYSTEM.finditer(text):
        start = m.start()
        while m.end() - start > 4 and text[start] in _ZH_FUNCTION:
            start += 1  # "先在天枢平台" → "天枢平台"
        cand = text[start:m.end()]
        prefix = cand[: len(cand) - len(m.group("suffix"))]
        cut = max(prefix.rfind(c) for c in _ZH_GRAMMAR)
        if cut >= 0:  # "聊天群或工单", "日志必须有工单": the name starts after the grammar word
            start += cut + 1
            cand = text[start:m.end()]
        if (len(cand) - len(m.group("suffix")) >= 2 and not _ZH_SYSTEM_GENERIC.match(cand)
                and "的" not in cand):
            add(start, m.end(), "system")
    for m in _IDENT.finditer(text):
        tok = m.group(0)
        if _SKILL_FILE.fullmatch(tok):
            continue
        if (tok.lower() in _COMMON_HYPHEN or tok.lower().rstrip(".") in _COMMON_HYPHEN
                or tok.lower() in _PUBLIC_COMPOUND):
            continue
        if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", tok) and not _looks_internal(tok):
            continue
        if re.fullmatch(r"[A-Za-z]{1,2}[-+]\d{1,2}", tok):
            continue  # T-1, D+3: a day count, not a name
        if re.fullmatch(r"[A-Za-z]+\.[A-Za-z]+", tok) and not tok.split(".")[1].islower():
            continue  # "done.Then" — a missing space, not a name
        add(m.start(), m.end(), "system")
    for m in _CAMEL.finditer(text):
        if m.group(0).lower() not in PUBLIC:
            add(m.start(), m.end(), "system")
    for m in _ACRONYM.finditer(text):
        tok = m.group(0)
        if (tok.lower() not in PUBLIC | _CAPS_WORDS and not re.fullmatch(r"P\d|Q[1-4]|[A-Z]", tok)
                and not (len(tok) >= 4 and tok.lower() in _ENGLISH_COMMON_CAPS)):
            add(m.start(), m.end(), "system")
    if numbers:
        for m in _SEVERITY.finditer(text):
            add(m.start(), m.end(), "number", "severity")
        for m in _STEP_NO.finditer(text):
            add(m.start(), m.end(), "number", "step")
        for m in _INLINE_ENUM.finditer(text):
            add(m.start(), m.end(), "number", "enum")
        for m in _NUMBER.finditer(text):
            if m.group("num") == "一" and not m.group("cmp"):
                continue  # 一次, 一个: idiom ("once", "a"), not a figure
            unit = _unit_class(m)
            kind: SpanKind = "threshold" if m.group("cmp") else "number"
            add(m.start(), m.end(), kind, unit)
    taken.sort(key=lambda s: s.start)
    return [t for t in taken if t.kind != "cite"]


_EN_PREFIXES = ("non-", "pre-", "re-", "self-", "co-", "multi-", "cross-", "well-", "high-",
                "low-", "long-", "short-", "full-", "half-", "semi-", "sub-", "over-", "under-",
                "one-", "two-", "three-", "anti-", "post-", "inter-", "mid-", "out-", "up-",
                "in-", "all-", "open-", "hands-", "last-", "first-", "day-", "hard-", "easy-")
_EN_SUFFIXES = ("-based", "-level", "-time", "-free", "-like", "-wide", "-side", "-friendly",
                "-aware", "-specific", "-facing", "-related", "-driven", "-only", "-up", "-down",
                "-in", "-out", "-off", "-on", "-by", "-made", "-term", "-scale", "-minded",
                "-critical", "-sensitive", "-safe", "-proof", "-heavy", "-first", "-ready")


def _looks_internal(tok: str) -> bool:
    """A lower-case hyphenated word that names a thing (order-service, secure-vault) rather
    than an ordinary compound (well-known, cross-team, time-based)."""
    low = tok.lower()
    if low.startswith(_EN_PREFIXES) or low.endswith(_EN_SUFFIXES):
        return False
    parts = tok.split("-")
    if len(parts) == 2 and re.search(r"(?:ing|ed|ly|al|ive|ful|less)$", parts[1]):
        return False  # "data-processing", "user-facing", "time-boxed"
    # two short parts ("to-do", "add-on") are ordinary words
    return not (len(parts) == 2 and all(len(p) <= 3 for p in parts))


def _sentence_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t*_\"'“‘(（":
        j -= 1
    return j < 0 or text[j] in ".!?。！？\n:：-"


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def conditions(text: str) -> list[tuple[int, int]]:
    out = [(m.start(), m.end()) for rx in (ZH_COND, ZH_COND_TAIL, EN_COND_LEAD, EN_COND_TAIL)
           for m in rx.finditer(text)]
    return sorted(out)


def person_names(text: str) -> set[str]:
    """Names of people mentioned in `text` (to mask them wherever else they occur)."""
    out: set[str] = set()
    for sp in find_spans(text, numbers=False):
        if sp.kind != "person":
            continue
        name = sp.text.lstrip("@")
        if len(name) >= 2:
            out.add(sp.text)
            if sp.text.startswith("@"):
                out.add(name)
        words = name.split()
        if len(words) >= 2 and len(words[0]) >= 3 and words[0].lower() not in _ENGLISH_COMMON_CAPS:
            out.add(words[0])
    return out
