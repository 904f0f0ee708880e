"""work.reviews and work.problems: what they flag in reviews; recurring problems and fixes.

Reviews: their messages in a review context — a conversation named like review/PR/MR/patch/
评审, or a message (or the message it answers) carrying PR/MR markers (#1234, !1234, pull/…,
LGTM, nit, PTAL, [PATCH, Reviewed-by, review/评审/审核/approve) — minus review requests
(thread roots linking a PR, "please review", patch postings) and author replies ("updated",
"已修改"). Each sentence is matched against a bilingual concern lexicon (CONCERNS). A concern
becomes a claim when it occurs in ≥ REVIEW_MIN of their review messages and is distinctive:
its share of their review messages ≥ 1.5 × the team's (baseline review messages, smoothed)
or ≥ 25%. Prediction term_mentioned {"terms": their commonest wordings, "min_count": 1,
"rate": share of their review messages, "context": "review"}.

Problems: their messages with incident words (告警/故障/超时/回滚/报错/重启/OOM/outage/alert/
timeout/rollback/restart/crash/fix…), grouped by the system involved (service-like name,
else commit scope, else a stack term). A system with ≥ PROBLEM_MIN such messages on ≥ 2 days
and at least one fix sentence (回滚/重启/扩容/调到/加索引/摘掉/降级/fixed/rolled back/
restarted/reverted/bumped…) is claimed with the fixes quoted. Prediction term_mentioned with
the system.
"""

from __future__ import annotations

import re
from collections import Counter

from colleague.analyze.model import Claim, Lang, Msg, PersonData, Prediction, SectionNote
from colleague.analyze.work_common import (
    Prep,
    Sent,
    clip,
    commit_scope,
    dedupe_evidence,
    has_any,
    is_status,
    quote,
    said,
    say,
    spread,
    systems_in,
)
from colleague.analyze.work_duties import pct
from colleague.analyze.work_stack import stack_in

REVIEW_MIN = 3
PROBLEM_MIN = 3
MAX_REVIEWS = 6
MAX_PROBLEMS = 6

# key → (zh label, en label, pattern)
CONCERNS: dict[str, tuple[str, str, str]] = {
    "tests": ("测试覆盖", "missing tests", r"测试|单测|用例|覆盖|(?i:\btests?\b|unit test|coverage|test case|\bcase for\b)"),
    "naming": ("命名", "naming", r"命名|名字|变量名|函数名|改名|重命名|(?i:\bnaming\b|\brename\b|\bname[sd]?\b)"),
    "indexes": ("索引与执行计划", "missing indexes / query plans",
                r"索引|执行计划|全表扫描|慢查询|回表|(?i:\bindex(?:es)?\b|\bexplain\b|full (?:table )?scan"
                r"|select \*|\bn\+1\b|query plan|slow quer)"),
    "migrations": ("变更可回滚 / DDL", "reversible migrations / DDL",
                   r"回滚脚本|可回滚|回退|锁表|(?i:\bmigrations?\b|reversible|\bddl\b|down step|rollback script"
                   r"|locks? (?:it|the table))"),
    "errors": ("错误处理", "error handling",
               r"异常|错误码|错误处理|报错|返回 ?500|(?i:error handling|\berrors?\b|\bexceptions?\b|\bpanic\b"
               r"|swallow|\bcatch\b|error code|returns? 500)"),
    "timeouts": ("超时与重试", "timeouts and retries",
                 r"超时|重试|退避|熔断|(?i:\btimeouts?\b|\bretr(?:y|ies)\b|backoff|circuit breaker)"),
    "observability": ("日志与监控", "logging and monitoring",
                      r"日志|监控|指标|告警|大盘|(?i:\blog(?:s|ging)?\b|\bmetrics?\b|monitoring|\balerts?\b|dashboard"
                      r"|tracing)"),
    "performance": ("性能", "performance",
                    r"性能|耗时|缓存|内存|(?i:performance|\bslow(?:er)?\b|latency|\bcache\b|allocation|memory)"),
    "security": ("安全", "security",
                 r"安全|注入|权限|密码|泄露|加密|验签|(?i:security|injection|\bxss\b|csrf|secret|password|permission"
                 r"|sanitiz|vulnerab)"),
    "concurrency": ("事务与并发", "transactions and concurrency",
                    r"事务|并发|竞态|死锁|加锁|幂等|(?i:transaction|\brace\b|deadlock|mutex|\blocking\b|concurren"
                    r"|idempot)"),
    "style": ("代码风格与注释", "style and comments",
              r"注释|格式|拼写|(?i:\btypos?\b|\bcode comments?\b|docstring|whitespace|checkpatch|coding style"
              r"|indentation|\bstyle\b)"),
    "patches": ("提交拆分与说明", "patch hygiene (split, commit message)",
                r"提交信息|拆分|(?i:commit (?:message|log)|changelog|signed-off-by|split (?:this|the|it|into)"
                r"|separate patch|\bsquash\b|\brebase\b)"),
    "compat": ("兼容性", "compatibility",
               r"兼容|(?i:backward|compatib|\bdeprecat|\babi\b|breaking change)"),
}
_CONCERN_RE = {k: re.compile(v[2]) for k, v in CONCERNS.items()}
# Literal pieces of the patterns above, for the cheap pre-check.
def _literal_keys(pattern: str) -> tuple[str, ...]:
    """The literal runs of a pattern (escapes and groups removed): every match contains one."""
    flat = re.sub(r"\\[bBsSdDwW]", " ", pattern)
    flat = re.sub(r"\\(.)", r"\1", flat)
    flat = re.sub(r".\?", " ", flat)  # "tests?" matches "test": drop the optional character
    runs = re.findall(r"[\u4e00-\u9fff]{2,}|[a-z0-9+*#/ -]{2,}", flat.lower())
    return tuple(sorted({r.strip() for r in runs if len(r.strip()) >= 2}))


_CONCERN_KEYS = _literal_keys("|".join(v[2] for v in CONCERNS.values()))
_KEYS_OF = {k: _literal_keys(v[2]) for k, v in CONCERNS.items()}

_REVIEW_CONV = re.compile(r"(?i)review|\bcr\b|pull|merge.?request|\bpr\b|\bmr\b|patch|评审|审查|审核")
# Markers that make a message itself part of a review; a message answering one that asks for
# review ("@x review", "请帮忙审核") is a review comment too.
_REVIEW_MARK = re.compile(
    r"(?i)\b(?:PR|MR|CR)\b|pull/\d+|merge_requests|(?<![\w])[!#.]\d{3,}\b|\bLGTM\b|\bnits?\b|\bptal\b"
    r"|reviewed-by|acked-by|\[patch|\bapprov|代码评审"
)
_PARENT_MARK = re.compile(_REVIEW_MARK.pattern + r"|(?i:\breview)|评审|审核|帮忙看")
_REQUEST = re.compile(
    r"(?i)please (?:re-?)?review|pls review|could you review|take a look|请.{0,6}(?:review|审核|看)|帮忙(?:review|审核|看)"
)
_AUTHOR_REPLY = re.compile(
    r"^(?:已|ok[,，]?\s*已|好的[,，]?\s*已)|(?i:^\s*(?:updated|fixed|pushed|done|added|addressed|changed)\b"
    r"|\bas suggested\b|\bre-?review\b|another look)"
)


_MARK_KEYS = ("pr ", " pr", "pr#", "mr ", " mr", "mr!", "cr ", " cr", "pull/", "merge_requests", "#", "!", "lgtm",
              "nit", "ptal", "reviewed-by", "acked-by", "[patch", "approv", "代码评审")
_PARENT_KEYS = _MARK_KEYS + ("review", "评审", "审核", "帮忙看")


def _is_review(m: Msg, ctx: dict[int, Msg], convs: dict[str, bool], low: str | None = None) -> bool:
    """Part of a review: in a review conversation, carrying a PR/patch marker, or answering a
    message that does (or that asks for a review); status reports are not."""
    low = m.text.lower() if low is None else low
    name = m.conversation_name
    if name not in convs:
        convs[name] = bool(_REVIEW_CONV.search(name))
    hit = convs[name] or (has_any(low, _MARK_KEYS) and bool(_REVIEW_MARK.search(m.text)))
    if not hit and m.reply_to is not None and (parent := ctx.get(m.reply_to)) is not None:
        head = parent.text[:400]
        hit = has_any(head.lower(), _PARENT_KEYS) and bool(_PARENT_MARK.search(head))
    return hit and not is_status(m, low)


def _is_request(m: Msg) -> bool:
    if _REQUEST.search(m.text):
        return True
    root = m.reply_to is None and m.thread is None
    return root and bool(re.search(r"(?i)pull/\d+|merge_requests/\d+|^\s*(?:MR\s*)?[#!.]\d{3,}|\[patch", m.text[:200]))


_CODE_LINE = re.compile(r'[;{}]\s*$|^\s*[+-]\S|=\s*"|^\s*#(?:include|define)')


def _concerns(sents: list[Sent]) -> dict[str, tuple[Sent, str]]:
    found: dict[str, tuple[Sent, str]] = {}
    for s in sents:
        low = s.text.lower()
        if not has_any(low, _CONCERN_KEYS) or _AUTHOR_REPLY.search(s.text) or _CODE_LINE.search(s.text):
            continue
        for k, rx in _CONCERN_RE.items():
            if k not in found and has_any(low, _KEYS_OF[k]) and (x := rx.search(s.text)):
                found[k] = (s, x.group(0).lower())
    return found


def reviews(data: PersonData, preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    ctx = {c.uid: c for c in data.context}
    convs: dict[str, bool] = {}
    # Commits are not review comments (their "#123" is an issue reference).
    reviewed = [p for p in preps if p.msg.platform != "git" and _is_review(p.msg, ctx, convs, p.low)
                and not _is_request(p.msg)]
    mine = [p for p in reviewed if has_any(p.low, _CONCERN_KEYS)]
    per: dict[str, list[tuple[Msg, Sent, str]]] = {}
    for p in mine:
        for k, (s, form) in _concerns(p.sents).items():
            per.setdefault(k, []).append((p.msg, s, form))
    base_msgs = [m for m in data.baseline if m.platform != "git" and _is_review(m, {}, convs)
                 and not _is_request(m)]
    base: Counter[str] = Counter()
    for m in base_msgs:
        low = m.text.lower()
        if not has_any(low, _CONCERN_KEYS):
            continue
        for k, rx in _CONCERN_RE.items():
            if has_any(low, _KEYS_OF[k]) and rx.search(m.text):
                base[k] += 1
    claims = []
    for k in sorted(per):
        hits = per[k]
        share = len(hits) / len(reviewed)
        bshare = (base[k] + 0.5) / (len(base_msgs) + 1)
        lift = share / bshare if base_msgs else 1.5
        if len(hits) < REVIEW_MIN or share < 0.05 or not (lift >= 1.5 or share >= 0.25):
            continue
        zh, en, _ = CONCERNS[k]
        ex = spread(hits, 3)
        m0, s0, _ = ex[-1]
        forms = [f for f, _ in Counter(h[2] for h in hits).most_common(3)]
        text = say(lang, f"评审时关注{zh}（{len(hits)} 条评审意见，占其评审 {pct(share)}），例如{quote(lang, clip(s0.text))}",
                   f"In reviews, flags {en} ({len(hits)} review comments, {pct(share)} of theirs), "
                   f"e.g. {quote(lang, clip(s0.text))}")
        ev = dedupe_evidence([said(m0, (s0.start, s0.end))] + [said(m, (s.start, s.end)) for m, s, _ in ex], 4)
        pred = Prediction("term_mentioned", {"terms": sorted(forms), "min_count": 1, "rate": round(share, 4),
                                             "context": "review"})
        claims.append(Claim("work.reviews", text, ev, pred, len(hits) * min(lift, 4.0), f"review:{k}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = claims[:MAX_REVIEWS]
    return claims, SectionNote("work.reviews", len(reviewed), len(claims), bool(claims))


# -- problems ----------------------------------------------------------------------------------

_INCIDENT = re.compile(
    r"告警|故障|超时|回滚(?!脚本|语句|方案|SQL|sql)|报错|重启|宕机|挂了|挂掉|抖动|雪崩|打满|卡住|积压|失败|事故|(?<![A-Za-z])P[01](?![0-9])"
    r"|(?i:outage|\balerts?\b|\btimeouts?\b|timed out|rollback(?! script| sql| plan)|roll(?:ed)? back|restart(?:ed)?|\bcrash(?:ed|es)?\b"
    r"|\boom(?:killed)?\b|\bincident\b|\bdown\b|\b5xx\b|\blag\b|\bfail(?:ed|ure|s)?\b|\bbug\b|\bregression\b"
    r"|\bbroken\b|\bfix(?:es|ed)?\b|\bpanic\b|\bleak\b|\berrors?\b)"
)
_FIX = re.compile(
    r"回滚(?!脚本|语句|方案|SQL|sql)|重启|扩容|调到|调大|调高|加了?索引|摘掉|摘除|切换|切到|降级|限流|修复|已修|修了|止血"
    r"|(?i:\bfixed\b|\bfix(?:es)?\b|rolled back|roll(?:ing)? back|\brollback\b(?! script| sql| plan)|\brevert(?:ed|s)?\b|restart(?:ed)?"
    r"|\bscaled\b|\bbump(?:ed)?\b|drained|fail(?:ed)? ?over|hotfix|added an index|work ?around)"
)


_INCIDENT_KEYS = ("告警", "故障", "超时", "回滚", "报错", "重启", "宕机", "挂", "抖动", "雪崩", "打满", "卡住", "积压", "失败",
                  "事故", "p0", "p1", "outage", "alert", "timeout", "timed out", "rollback", "roll", "restart",
                  "crash", "oom", "incident", "down", "5xx", "lag", "fail", "bug", "regression", "broken", "fix",
                  "panic", "leak", "error")
# A release checklist names its rollback plan; that is preparation, not a problem.
_CHECKLIST = re.compile(r"(?i)checklist|检查清单|发布通知|rollback (?:tested|verified|plan)|回滚(?:脚本|方案)已验证")


def _system_of(m: Msg) -> str | None:
    names = systems_in(m.text)
    if names:
        return Counter(n for n, _, _ in names).most_common(1)[0][0]
    sc = commit_scope(m)
    if sc:
        return sc
    tech = [t for t, _, _ in stack_in(m.text) if t not in _GENERIC]
    return tech[0] if tech else None


_GENERIC = frozenset({"SQL", "Git", "GitHub", "GitLab", "Linux", "Windows", "macOS"})


def problems(data: PersonData, preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    groups: dict[str, list[Prep]] = {}
    looked = 0
    for p in preps:
        if not has_any(p.low, _INCIDENT_KEYS) or not _INCIDENT.search(p.msg.text) or is_status(p.msg, p.low) \
                or _CHECKLIST.search(p.msg.text):
            continue
        looked += 1
        sysname = _system_of(p.msg)
        if sysname:
            groups.setdefault(sysname, []).append(p)
    claims = []
    for name in sorted(groups):
        ps = groups[name]
        days = {p.msg.ts.date() for p in ps if p.msg.ts}
        if len(ps) < PROBLEM_MIN or len(days) < 2:
            continue
        fixes: list[tuple[Msg, Sent, str]] = []
        words: Counter[str] = Counter()
        for p in ps:
            for s in p.sents:
                if x := _INCIDENT.search(s.text):
                    words[x.group(0).lower()] += 1
                f = _FIX.search(s.text)
                # A fix they used, not a question ("can you restart it?") or a checklist field
                # ("Rollback: back to v2.15.0").
                if f and not s.text.rstrip().endswith(("?", "？")) and "吗" not in s.text \
                        and not re.match(r"\s*[:：]", s.text[f.end():]):
                    fixes.append((p.msg, s, f.group(0).lower()))
        if not fixes:
            continue
        top = "、".join(w for w, _ in words.most_common(3)) if lang == "zh" else \
            ", ".join(w for w, _ in words.most_common(3))
        how = Counter(f[2] for f in fixes).most_common(3)
        how_s = ("、" if lang == "zh" else ", ").join(f"{w} ×{n}" for w, n in how)
        m0, s0, _ = fixes[-1]
        text = say(lang,
                   f"{name} 反复出问题（{len(ps)} 条消息，{len(days)} 天；{top}）；用过的办法：{how_s}，"
                   f"如{quote(lang, clip(s0.text))}",
                   f"{name}: recurring problems ({len(ps)} messages over {len(days)} days; {top}); "
                   f"fixes used: {how_s}, e.g. {quote(lang, clip(s0.text))}")
        ev = dedupe_evidence([said(m0, (s0.start, s0.end))] + [said(m, (s.start, s.end)) for m, s, _ in
                                                               spread(fixes, 3)], 4)
        pred = Prediction("term_mentioned", {"terms": [name], "min_count": 1})
        claims.append(Claim("work.problems", text, ev, pred, len(ps) + len(fixes) / 2, f"problem:{name}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = claims[:MAX_PROBLEMS]
    return claims, SectionNote("work.problems", looked, len(claims), bool(claims))
