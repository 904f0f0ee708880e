"""work.workflows: procedures they describe, as ordered steps.

Three shapes are read from their messages:
- numbered lists (1. 2. 3. / 1、 / 1）/ (1) / 第一步 / Step 1), on separate lines or inline,
  at least MIN_STEPS steps counting up from 1;
- arrows (A → B → C, ->, =>), at least MIN_STEPS parts that are words, not numbers;
- sequences 先…然后…最后 / first…then…finally (two steps when "然后/then" is explicit).
Lists that are status reports (header or most steps about 今天/本周/计划/进展/yesterday/today/
blockers/plan), reasons (因为/reasons) or bug reports (期望/实际/expected/actual) are not
procedures and are skipped. Versions of the same procedure (token overlap of all steps) merge;
a Chinese and an English version posted on the same days with the same number of steps merge
too (the one in the output language is shown). A workflow is claimed when posted in ≥ 2
messages, or once with a procedure word in its header (流程/步骤/清单/checklist/runbook/发布/
release/交接/handover/排查…). The steps shown are the latest version's, in order.
Prediction rule_restated {"keywords", "min_count": 1, "count"} for workflows posted in
≥ RESTATED_MIN messages (one posted once or twice gives no expectation of another).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from colleague.analyze.model import Claim, Lang, Msg, Prediction, SectionNote
from colleague.analyze.text import is_chinese
from colleague.analyze.work_common import (
    Prep,
    clip,
    cluster_by_overlap,
    content_tokens,
    dedupe_evidence,
    said,
    say,
    spread,
)

MIN_STEPS = 3
MAX_WORKFLOWS = 6
RESTATED_MIN = 3  # messages posting a workflow before predicting it is posted again

_ZH_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MARK = re.compile(
    r"(?:^|(?<=[\s：:；;，,。（(】]))(?:(\d{1,2})[.、)）](?![\d.])|[(（](\d{1,2})[)）]|第([一二三四五六七八九十])步[:：，,]?"
    r"|(?i:step\s*(\d{1,2})[:.：]?))\s*",
    re.M,
)
_ARROW = re.compile(r"\s*(?:→|->|=>|⇒|⟶)\s*")
_SEQ_ZH = re.compile(
    r"先(?P<a>[^。！？!?\n]{2,40}?)[，,；;]?\s*(?P<m>然后|接着|之后|再)(?P<b>[^。！？!?\n]{2,40}?)"
    r"(?:[，,；;]\s*(?:最后|然后|再)(?P<c>[^。！？!?\n]{2,40}))?(?=[。！？!?\n]|$)"
)
_SEQ_EN = re.compile(
    r"(?i)\bfirst,?\s+(?P<a>[^.;!?\n]{3,80}?)[,;]?\s*(?P<m>and then|then|next)\s+(?P<b>[^.;!?\n]{3,80}?)"
    r"(?:[,;]?\s*(?:and\s+)?(?:finally|then|lastly)\s+(?P<c>[^.;!?\n]{3,80}))?(?=[.;!?\n]|$)"
    r"|(?P<a2>[\w' -]{3,40}?) first,?\s+(?P<m2>then)\s+(?P<b2>[^.;!?\n]{3,60})"
)
_STATUS = re.compile(
    r"今日|今天|明天|昨天|本周|下周|上周|周报|日报|计划|进展|进度|安排|碎碎念|选项|方案[一二]|待办|行动项|改进项"
    r"|(?i:\byesterday\b|\btoday\b|\btomorrow\b|this week|next week|last week|\bblockers?\b|\bplans?\b"
    r"|\bstatus\b|\bprogress\b|stand-?up|\bagenda\b|\boptions?\b|action items?|\btodo\b)"
)
_REASONS = re.compile(r"因为|原因|理由|(?i:\breasons?\b|\bbecause\b|\bwhy\b)")
_BUG = re.compile(r"期望|实际|(?i:\bexpected\b|\bactual\b)")
_PROCEDURE = re.compile(
    r"流程|步骤|清单|检查|操作|runbook|SOP|发布|上线|回滚|交接|排查|部署|申请|(?i:checklist|procedure|\bsteps?\b"
    r"|how to|release|deploy|rollout|rollback|handover|hand-off|on-?call|process|playbook)"
)


@dataclass
class Flow:
    msg: Msg
    steps: list[str]
    header: str
    start: int
    end: int

    @property
    def cue(self) -> bool:
        return bool(_PROCEDURE.search(self.header))


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _header(text: str, pos: int) -> str:
    a, _ = _line_bounds(text, pos)
    same = text[a:pos].strip(" :：")
    if same:
        return same
    prev = text[:a].rstrip("\n").rsplit("\n", 1)[-1].strip(" :：")
    return prev


def _numbered(m: Msg) -> list[Flow]:
    text = m.text
    if not any(ch in text for ch in "123一") :
        return []
    marks = []
    for x in _MARK.finditer(text):
        raw = x.group(1) or x.group(2) or x.group(4)
        n = int(raw) if raw else _ZH_NUM[x.group(3)]
        marks.append((n, x.start(), x.end()))
    flows: list[Flow] = []
    run: list[tuple[int, int, int]] = []
    for mk in marks + [(0, len(text), len(text))]:
        if run and mk[0] == run[-1][0] + 1:
            run.append(mk)
            continue
        if len(run) >= MIN_STEPS:
            flows.append(_flow_of(m, run))
        run = [mk] if mk[0] == 1 else []
    return flows


def _flow_of(m: Msg, run: list[tuple[int, int, int]]) -> Flow:
    text = m.text
    steps = []
    end = run[0][1]
    for i, (_, _, s) in enumerate(run):
        _, eol = _line_bounds(text, s)
        nxt = run[i + 1][1] if i + 1 < len(run) else len(text)
        e = min(eol, nxt)
        steps.append(text[s:e].strip(" ；;，,。"))
        end = e
    return Flow(m, steps, _header(text, run[0][1]), run[0][1], end)


def _arrows(m: Msg) -> list[Flow]:
    if not any(a in m.text for a in ("→", "->", "=>", "⇒", "⟶")):
        return []
    flows = []
    offset = 0
    for line in m.text.split("\n"):
        if len(_ARROW.findall(line)) >= MIN_STEPS - 1:
            parts = _ARROW.split(line)
            first = re.split(r"[：:，,；;。(（]", parts[0])
            last = re.split(r"[：:，,；;。)）]", parts[-1])
            parts = [first[-1], *parts[1:-1], last[0]]
            parts = [p.strip() for p in parts]
            if all(p and len(p) <= 40 and re.search(r"[A-Za-z\u4e00-\u9fff]", p) for p in parts):
                a = offset + line.find(parts[0])
                b = offset + line.rfind(parts[-1]) + len(parts[-1])
                header = line[: line.find(parts[0])].strip(" :：")
                flows.append(Flow(m, parts, header, a, b))
        offset += len(line) + 1
    return flows


def _sequences(m: Msg) -> list[Flow]:
    if "先" not in m.text and "first" not in m.text.lower():
        return []
    flows = []
    for rx in (_SEQ_ZH, _SEQ_EN):
        for x in rx.finditer(m.text):
            g = x.groupdict()
            steps = [g.get(k) or "" for k in ("a", "b", "c", "a2", "b2")]
            steps = [s.strip(" ，,；;") for s in steps if s and s.strip()]
            marker = g.get("m") or g.get("m2") or ""
            if len(steps) >= 3 or (len(steps) == 2 and marker.lower() in {"然后", "接着", "then", "and then"}):
                flows.append(Flow(m, steps, _header(m.text, x.start()), x.start(), x.end()))
    return flows


def _skip(f: Flow) -> bool:
    if _STATUS.search(f.header) or _REASONS.search(f.header) or _BUG.search(f.msg.text):
        return True
    return sum(1 for s in f.steps if _STATUS.match(s)) * 2 >= len(f.steps)


def _days(fs: list[Flow]) -> set[str]:
    return {f.msg.ts.date().isoformat() for f in fs if f.msg.ts}


def workflows(preps: list[Prep], lang: Lang) -> tuple[list[Claim], SectionNote]:
    flows = []
    for p in preps:
        for f in _numbered(p.msg) + _arrows(p.msg) + _sequences(p.msg):
            if not _skip(f):
                flows.append(f)
    toks = [frozenset(content_tokens(" ".join(f.steps))) for f in flows]
    clusters = cluster_by_overlap(toks, min_small=0.6, min_large=0.4)
    groups = [[flows[i] for i in c.members] for c in clusters]
    groups = _merge_twins(groups)
    claims = []
    for g in groups:
        n = len({f.msg.uid for f in g})
        shown = [f for f in g if is_chinese(" ".join(f.steps)) == (lang == "zh")] or g
        latest = max(shown, key=lambda f: (f.msg.ts is not None, f.msg.ts.timestamp() if f.msg.ts else 0,
                                           f.msg.uid))
        if n < 2 and not (latest.cue and len(latest.steps) >= MIN_STEPS):
            continue
        days = len(_days(g))
        title = clip(latest.header.strip("【】[] "), 60) or say(lang, "步骤", "Steps")
        steps = " ".join(f"{i}. {clip(s, 70)}" for i, s in enumerate(latest.steps[:10], 1))
        count = say(lang, f"（{n} 条消息，{days} 天）", f" ({n} messages over {days} days)") if n > 1 else ""
        text = f"{title}{count}{'：' if lang == 'zh' else ': '}{steps}"
        ev = dedupe_evidence([said(latest.msg, (latest.start, latest.end))]
                             + [said(f.msg, (f.start, f.end)) for f in spread(g, 3)], 4)
        kw = _keywords(g)
        pred = Prediction("rule_restated", {"keywords": kw, "min_count": 1, "count": n}) if n >= RESTATED_MIN and kw else None
        w = n + len(latest.steps) / 10 + (1.0 if latest.cue else 0.0)
        claims.append(Claim("work.workflows", text, ev, pred, w, f"workflow:{'|'.join(kw) or latest.msg.uid}"))
    claims.sort(key=lambda c: (-c.weight, c.key))
    claims = claims[:MAX_WORKFLOWS]
    return claims, SectionNote("work.workflows", len(flows), len(claims), bool(claims))


def _keywords(g: list[Flow]) -> list[str]:
    vocab: dict[str, int] = {}
    for f in g:
        for t in set(content_tokens(" ".join(f.steps))):
            vocab[t] = vocab.get(t, 0) + 1
    return [t for t, _ in sorted(vocab.items(), key=lambda x: (-x[1], x[0]))[:4]]


def _zh(g: list[Flow]) -> bool:
    return is_chinese(" ".join(g[0].steps))


def _merge_twins(groups: list[list[Flow]]) -> list[list[Flow]]:
    """A procedure posted in Chinese and in English on the same days is one procedure: merge
    groups with the same step count whose days mostly coincide."""
    out: list[list[Flow]] = []
    for g in groups:
        d, k = _days(g), len(g[-1].steps)
        for o in out:
            od = _days(o)
            if len(o[-1].steps) == k and d and od and len(d & od) * 2 >= min(len(d), len(od)) \
                    and len(g) >= 2 and len(o) >= 2 and _zh(g) != _zh(o):
                o.extend(g)
                break
        else:
            out.append(list(g))
    return out
