"""Turning one piece of text into its diluted form, in its own language.

mask        names → roles
generalise  mask + numbers → qualitative words, conditions dropped, step chains collapsed
            (strict=True for critical text: conditions stay, numbers become "the required …")
replace     generic sentences from the phrase banks, sized to the original

All choices go through a `Picker`, seeded from --seed and the segment, that remembers which
sentences a document already used so none repeats.
"""

from __future__ import annotations

import hashlib
import random
import re
from functools import lru_cache

from colleague.dilute.names import Span, conditions, find_spans, has_cjk
from colleague.dilute.phrases import (
    EN_CELLS,
    EN_CODE,
    EN_CORES,
    EN_OPENERS,
    EN_TAILS,
    EN_UTTERANCES,
    QUALITATIVE,
    ROLES,
    ZH_CELLS,
    ZH_CODE,
    ZH_CORES,
    ZH_OPENERS,
    ZH_TAILS,
    ZH_UTTERANCES,
    PLang,
)

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ARROWS = re.compile(r"[^→\n]+(?:\s*(?:→|->|=>|⇒)\s*[^→\n]+){2,}")
_ZH_STEPWORDS = re.compile(r"先|再|然后|接着|之后|最后|随后")
_EN_STEPWORDS = re.compile(r"\b(?:first|then|next|after that|finally|afterwards)\b", re.I)
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?|[^.\n]+(?:\.(?=\s|$))?")
_QUOTE = re.compile(r"(「)([^」]{2,})(」)|(“)([^”]{2,})(”)|(\")([^\"]{4,})(\")")


def stable_int(*parts: object) -> int:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big")


class Picker:
    """Deterministic choices that never hand out the same filler sentence twice."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.used: set[str] = set()
        self.core_use: dict[str, int] = {}
        self.frame_use: dict[str, int] = {}  # openers and tails: no frame worn out
        self.known: frozenset[str] = frozenset()  # people's names found anywhere in the input

    def rng(self, *key: object) -> random.Random:
        return random.Random(stable_int(self.seed, *key))

    def choice(self, options: tuple[str, ...], *key: object) -> str:
        return options[stable_int(self.seed, *key) % len(options)]

    def sentence(self, category: str, lang: PLang, target: int, key: object,
                 avoid_cores: set[str]) -> str:
        rng = self.rng("sentence", category, lang, key, target)
        best: tuple[float, str, str, str, str] | None = None
        fu = self.frame_use
        for text, core, op, tail in _combos(category, lang):
            if text in self.used or core in avoid_cores:
                continue
            score = (abs(len(text) - target) / max(target, 1) + 0.2 * self.core_use.get(core, 0)
                     + 0.12 * fu.get("o" + op, 0) * bool(op)
                     + 0.12 * fu.get("t" + tail, 0) * bool(tail) + rng.random() * 0.15)
            if best is None or score < best[0]:
                best = (score, text, core, op, tail)
        if best is None:  # every combination used: allow repeats rather than fail
            combos = _combos(category, lang)
            return combos[stable_int(self.seed, key) % len(combos)][0]
        _, text, core, op, tail = best
        self.used.add(text)
        self.core_use[core] = self.core_use.get(core, 0) + 1
        fu["o" + op] = fu.get("o" + op, 0) + 1
        fu["t" + tail] = fu.get("t" + tail, 0) + 1
        return text

    def paragraph(self, category: str, lang: PLang, target: int, key: object,
                  single: bool = False) -> str:
        """Sentences of `category` adding up to about `target` characters."""
        cap = 42 if lang == "zh" else 110
        parts: list[str] = []
        cores: set[str] = set()
        remaining = target
        while True:
            want = min(remaining, cap) if not single else remaining
            s = self.sentence(category, lang, max(want, 6), (key, len(parts)), cores)
            cores.add(_core_of(s, category, lang))
            parts.append(s)
            remaining -= len(s) + (1 if lang == "en" else 0)
            if single or remaining < (12 if lang == "zh" else 30) or len(parts) >= 12:
                break
        return (" " if lang == "en" else "").join(parts)


@lru_cache(maxsize=64)
def _combos(category: str, lang: PLang) -> list[tuple[str, str, str, str]]:
    cores = (ZH_CORES if lang == "zh" else EN_CORES)[category]
    openers = ZH_OPENERS if lang == "zh" else EN_OPENERS
    tails = ZH_TAILS if lang == "zh" else EN_TAILS
    out: list[tuple[str, str, str, str]] = []
    for core in cores:
        for op in openers:
            for tail in tails:
                if _echoes(core, tail, lang):
                    continue  # "记录处理过程，并做好必要的记录"
                if "，" in core and tail and lang == "zh" and len(core) > 16:
                    continue  # two clauses plus a tail read as padding
                if lang == "zh":
                    out.append((f"{op}{core}{tail}。", core, op, tail))
                else:
                    s = f"{op}{core}{tail}."
                    out.append((s[0].upper() + s[1:], core, op, tail))
    return out


_EN_STOP = frozenset(["and", "the", "a", "an", "to", "of", "so", "as", "in", "on", "with", "for", "where", "needed", "usual"])


def _echoes(core: str, tail: str, lang: PLang) -> bool:
    if not tail:
        return False
    if lang == "zh":
        grams = {tail[i:i + 2] for i in range(len(tail) - 1)}
        grams = {g for g in grams if _CJK_CHAR.match(g[0]) and _CJK_CHAR.match(g[1])
                 and g not in ("必要", "相关")}
        return any(g in core for g in grams)
    words = {w for w in re.findall(r"[a-z]+", tail.lower()) if w not in _EN_STOP and len(w) > 3}
    return bool(words & set(re.findall(r"[a-z]+", core.lower())))


def _core_of(sentence: str, category: str, lang: PLang) -> str:
    for text, core, _, _ in _combos(category, lang):
        if text == sentence:
            return core
    return sentence


def lang_at(text: str, start: int, end: int, default: PLang) -> PLang:
    """The language around a span: a Chinese name or CJK next to it means Chinese."""
    wide = text[max(0, start - 5):start] + text[end:end + 5]
    if _CJK_CHAR.search(text[start:end]):
        return "zh" if _CJK_CHAR.search(wide) or default == "zh" else "en"
    window = text[max(0, start - 3):start] + text[end:end + 3]
    cjk, latin = bool(_CJK_CHAR.search(window)), bool(re.search(r"[A-Za-z]", window))
    if cjk != latin:
        return "zh" if cjk else "en"
    return default


_NOT_PROSE = re.compile(r"`[^`\n]*`|https?://\S+|\b[\w.]+[-_/.][\w./-]+\b")


def text_lang(text: str, default: PLang = "en") -> PLang:
    """zh or en, judged on the prose: inline code, links and identifiers do not count."""
    text = _NOT_PROSE.sub(" ", text)
    cjk = len(_CJK_CHAR.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if cjk == 0 and latin == 0:
        return default
    return "zh" if cjk * 3 >= latin else "en"


# --- masking and generalising ------------------------------------------------------------------

NAME_KINDS = frozenset({"code", "link", "url", "email", "person", "system", "team", "channel"})


def _role(span: Span, lang: PLang, picker: Picker) -> str:
    if span.kind == "link":
        m = re.match(r"!?\[([^\]]*)\]", span.text)
        label = m.group(1) if m else ""
        if label and not find_spans(label):
            return label  # a plain label ("运维手册") stays, its internal address goes
    return picker.choice(ROLES[span.kind][lang], "role", span.text)


def _qualitative(span: Span, lang: PLang, strict: bool, text: str) -> str:
    idx = 1 if strict else 0
    if span.kind == "threshold":
        m = re.match(r"(超过|大于|小于|低于|高于|不超过|不低于|不少于|不多于|至少|最多|少于|多于|达到|"
                     r"above|below|over|under|more than|less than|at least|at most|up to|"
                     r"exceeds?|>=|<=|≥|≤|>|<)", span.text)
        cmp = m.group(1) if m else ""
        cmp = {">": "高于", ">=": "不低于", "≥": "不低于", "<": "低于", "<=": "不高于",
               "≤": "不高于"}.get(cmp, cmp) if lang == "zh" else {
            ">": "above", ">=": "at least", "≥": "at least", "<": "below", "<=": "at most",
            "≤": "at most"}.get(cmp, cmp)
        word = QUALITATIVE["threshold"][lang][idx]
        return f"{cmp}{word}" if lang == "zh" else f"{cmp} {word}"
    if span.kind in ("date", "time", "version"):
        word = QUALITATIVE[span.kind][lang][idx]
        if lang == "en" and span.kind == "time" and text[:span.start].rstrip().endswith(" at"):
            word = word.removeprefix("at ")
        return word
    unit = span.unit
    if unit == "enum":
        return ""  # "1. tests 2. merge" → "tests merge": the order goes, the words stay
    after = text[span.end:span.end + 2]
    if not unit and lang == "en" and re.match(r"\s[a-z]", after):
        # "the last 4 digits" → "the last few digits"; "3 replicas" → "several replicas"
        before = text[:span.start].rstrip().lower()
        return "few" if before.endswith(("last", "first", "next")) else (
            "a few" if strict else "several")
    word = QUALITATIVE.get(unit, QUALITATIVE[""])[lang][idx]
    if unit == "count":
        m = re.search(r"(次|遍|个|台|人|位|倍|核|副本|实例|节点|轮|批|项|单|笔|级|条|行|页|字|张|份|x|"
                      r"times|retries|people|nodes?|machines?|instances?|replicas?)$", span.text)
        tail = m.group(1) if m else ""
        if lang == "zh" and strict:
            return {"次": "规定次数", "遍": "规定次数", "人": "规定人数", "位": "规定人数"}.get(
                tail, "规定数量的")
        if lang == "zh":
            return word + ("" if tail in ("x",) else tail)
        return f"{word} {'times' if tail == 'x' else tail}".strip()
    return word


def transform(text: str, *, picker: Picker, default: PLang, names: bool = True,
              numbers: bool = False, strict: bool = False, drop_conditions: bool = False,
              collapse: bool = False, key: object = "", bare_numbers: bool = True) -> str:
    """Mask names (and, when asked, numbers, conditions and step chains) in `text`."""
    if drop_conditions:
        text = _drop_reasons(_drop_conditions(text, default))
    if collapse and not strict:
        text = _collapse_steps(text, picker, default, key)
    out: list[str] = []
    pos = 0
    for span in find_spans(text, numbers=numbers, known=picker.known):
        if span.kind in NAME_KINDS:
            if not names:
                continue
        elif not numbers or (not bare_numbers and span.kind == "number" and not span.unit):
            continue  # headings keep "Layer 0", "Step 3"
        lang = lang_at(text, span.start, span.end, default)
        new = (_role(span, lang, picker) if span.kind in NAME_KINDS
               else _qualitative(span, lang, strict, text))
        before = text[pos:span.start]
        if lang == "zh":
            before = before.rstrip(" ") if before.endswith(" ") and _CJK_CHAR.search(
                before[-2:-1] or "x") else before
        if lang == "en" and _sentence_start(out, before) and new[:1].islower():
            new = new[0].upper() + new[1:]
        out.append(before)
        out.append(new)
        pos = span.end
        if lang == "zh" and text[pos:pos + 1] == " " and _CJK_CHAR.match(text[pos + 1:pos + 2]):
            pos += 1
    out.append(text[pos:])
    return _tidy("".join(out))


def _sentence_start(out: list[str], before: str) -> bool:
    prev = ("".join(out) + before).rstrip(" *_\"'“(")
    return not prev or prev[-1] in ".!?:\n"


def _tidy(text: str) -> str:
    text = re.sub(r"(相关负责人|相关系统|相关团队|the owner|the relevant system)([、/和及或, ]+\1)+",
                  r"\1", text)
    text = re.sub(r"(相应沟通渠道|团队沟通群|常用渠道)\s*(?:频道|群里|群)", lambda m: m.group(1) + (
        "里" if m.group(0).endswith("里") else ""), text)
    text = re.sub(r"(the usual channel|the team channel|the relevant channel) channel", r"\1", text)
    text = re.sub(r"必要时，\s*(?:就|则|那么|便)", "必要时", text)
    text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)  # a removed figure leaves no double space
    text = re.sub(r"\bthe the\b", "the", text)
    text = re.sub(r"\b(a|an) (a|an|the) ", r"\2 ", text)
    return text


def _drop_conditions(text: str, lang: PLang) -> str:
    spans = conditions(text)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for s, e in spans:
        if s < pos:
            continue
        chunk = text[s:e]
        out.append(text[pos:s])
        if has_cjk(chunk):
            out.append("必要时，" if chunk.endswith(("，", ",", "， ", ", ")) else "")
        elif chunk.lstrip()[:1].isupper():
            out.append("Where appropriate, ")
        else:
            out.append(" where appropriate")
        pos = e
    out.append(text[pos:])
    new = "".join(out)
    new = re.sub(r"Where appropriate, ([A-Z])", lambda m: "Where appropriate, " + m.group(1).lower()
                 if not re.match(r"[A-Z]{2}", new[m.start(1):m.start(1) + 2]) else m.group(0), new)
    return new


_ZH_REASON = re.compile(r"[，,]\s*(?:因为|由于|之所以)[^。；;！!？?\n]*|(?:因为|由于)[^，,。；;\n]{1,60}[，,]\s*"
                        r"(?:所以|因此)?")
_EN_REASON = re.compile(r"[,;]?\s+(?:because|since|as otherwise|so that)\b[^.;!?\n]*|"
                        r",\s+so\s+(?!that\b)[^.;!?\n]*", re.I)


def _drop_reasons(text: str) -> str:
    """Reasons are tacit knowledge: "…，因为 X" / "…, because X" lose the because-clause."""
    new = _ZH_REASON.sub("", text)
    new = _EN_REASON.sub("", new)
    return new if new.strip(" ，,。.") else text


def _collapse_steps(text: str, picker: Picker, lang: PLang, key: object) -> str:
    def summary(chunk: str) -> str:
        lg = text_lang(chunk, lang)
        s = picker.sentence("summary", lg, len(chunk), (key, "collapse", chunk), set())
        return s.rstrip("。.") if not chunk.rstrip().endswith(("。", ".")) else s

    text = _ARROWS.sub(lambda m: summary(m.group(0)), text)
    out: list[str] = []
    for m in _SENT.finditer(text):
        sent = m.group(0)
        steps = len(_ZH_STEPWORDS.findall(sent)) + len(_EN_STEPWORDS.findall(sent))
        out.append(summary(sent) if steps >= 3 else sent)
    return "".join(out) if out else text


# --- replacing ---------------------------------------------------------------------------------

def split_bilingual(text: str) -> list[tuple[str, PLang | None]]:
    """Runs of one language (None = separators and punctuation between them)."""
    pieces = re.split(r"(\n\s*|\s+/\s+|\s*\|\s*|\s*[（(]\s*|\s*[）)]\s*|(?<=[。！？])\s*|(?<=[.!?])\s+)",
                      text)
    runs: list[tuple[str, PLang | None]] = []
    for i, p in enumerate(pieces):
        if not p:
            continue
        lang: PLang | None = None if i % 2 else text_lang(p)
        prose = _NOT_PROSE.sub(" ", p)
        if lang is not None and len(_CJK_CHAR.findall(prose)) < 2 and len(
                re.findall(r"[A-Za-z]{2,}", prose)) < 2:
            # "`ops-cli drain`", "3.": not a sentence of its own — part of the one before it
            lang = runs[-1][1] if runs and re.search(r"\w", p) else None
        if runs and runs[-1][1] == lang and lang is not None:
            runs[-1] = (runs[-1][0] + p, lang)
        elif runs and lang is None and runs[-1][1] is None:
            runs[-1] = (runs[-1][0] + p, None)
        else:
            runs.append((p, lang))
    # separators between two runs of the same language belong to the text
    merged: list[tuple[str, PLang | None]] = []
    for run in runs:
        if (len(merged) >= 2 and merged[-1][1] is None and merged[-2][1] == run[1]
                and run[1] is not None):
            sep = merged.pop()
            prev = merged.pop()
            merged.append((prev[0] + sep[0] + run[0], run[1]))
        else:
            merged.append(run)
    return merged


_TRAILING_CITES = re.compile(r"(?:\s*\[E\d+(?:\s*[,，]\s*E\d+)*\])+\s*$")


def replace_prose(text: str, category: str, picker: Picker, default: PLang, key: object,
                  single: bool = False) -> str:
    """Generic sentences of `category` in place of `text`, per language run. Trailing
    evidence citations ([E3]) stay: they are the Skill's structure, not know-how."""
    m = _TRAILING_CITES.search(text)
    if m and m.start() > 0:
        return replace_prose(text[:m.start()], category, picker, default, key,
                             single) + m.group(0)
    runs = split_bilingual(text)
    langs = {lg for _, lg in runs if lg}
    if len(langs) <= 1:
        lang = next(iter(langs), default)
        return picker.paragraph(category, lang, _size(text), key, single)
    out: list[str] = []
    for n, (chunk, lg) in enumerate(runs):
        if lg is None:
            out.append(chunk)
        else:
            out.append(picker.paragraph(category, lg, _size(chunk), (key, n), single=True))
    return "".join(out)


def _size(text: str) -> int:
    return len(text.strip())


def neutral_quotes(text: str, picker: Picker, default: PLang, key: object) -> str:
    """Each quoted utterance becomes a neutral one in the same language and quote marks."""
    n = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal n
        groups = [g for g in m.groups() if g is not None]
        open_, inner, close = groups
        lang = text_lang(inner, default)
        bank = ZH_UTTERANCES if lang == "zh" else EN_UTTERANCES
        n += 1
        new = _fresh(bank, picker, (key, "quote", n), len(inner))
        if inner[-1:] not in "。！？.!?":
            new = new.rstrip("。！？.!?")
        return open_ + new + close

    return _QUOTE.sub(swap, text)


def has_quotes(text: str) -> bool:
    return bool(_QUOTE.search(text))


def quote_share(text: str) -> float:
    quoted = sum(len(m.group(0)) for m in _QUOTE.finditer(text))
    return quoted / max(len(text), 1)


def utterance(text: str, picker: Picker, default: PLang, key: object) -> str:
    lang = text_lang(text, default)
    bank = ZH_UTTERANCES if lang == "zh" else EN_UTTERANCES
    parts: list[str] = []
    remaining = _size(text)
    while remaining > 0 and len(parts) < 6:
        u = _fresh(bank, picker, (key, len(parts)))
        parts.append(u)
        remaining -= len(u) + 1
        if remaining < 10:
            break
    return ("" if lang == "zh" else " ").join(parts)


def _fresh(bank: tuple[str, ...], picker: Picker, key: object, size: int = 0) -> str:
    """An unused entry of `bank` (closest in length to `size` when given)."""
    start = stable_int(picker.seed, key) % len(bank)
    order = [bank[(start + i) % len(bank)] for i in range(len(bank))]
    if size:
        order.sort(key=lambda c: abs(len(c) - size))
    for cand in order:
        if cand not in picker.used:
            picker.used.add(cand)
            return cand
    return order[0]


def code_lines(body: str, info: str, picker: Picker, default: PLang, key: object) -> str:
    """Code becomes comment lines of similar length, one per original non-blank line."""
    lang_name = (info.strip("`~ ").split() or [""])[0].lower()
    if lang_name in ("js", "javascript", "ts", "typescript", "java", "go", "c", "cpp", "c++",
                     "rust", "kotlin", "swift", "scala", "json", "jsonc", "csharp", "cs", "php"):
        mark = "//"
    elif lang_name in ("sql", "lua", "haskell"):
        mark = "--"
    elif lang_name in ("html", "xml", "vue"):
        mark = "<!--"
    else:
        mark = "#"
    lang: PLang = "zh" if has_cjk(body) else default  # code itself has no language
    bank = ZH_CODE if lang == "zh" else EN_CODE
    lines = body.split("\n")
    out: list[str] = []
    for n, line in enumerate(lines):
        if not line.strip():
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        words = picker.choice(bank, key, "code", n, line)
        if len(words) < 0.5 * len(line.strip()) - 4:
            other = picker.choice(bank, key, "code2", n, line)
            if other != words:
                words = f"{words}{'，' if lang == 'zh' else ', '}{other}"
        out.append(f"{indent}{mark} {words}{' -->' if mark == '<!--' else ''}")
    return "\n".join(out)


def cell(text: str, category: str, action: str, picker: Picker, default: PLang,
         key: object, strict: bool) -> str:
    """One table cell under `action`."""
    stripped = text.strip()
    if not stripped or action == "keep":
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    if action == "mask":
        new = transform(stripped, picker=picker, default=default, key=key)
    elif action == "generalise" or strict:
        new = transform(stripped, picker=picker, default=default, numbers=True, strict=strict,
                        drop_conditions=True, key=key)
    else:
        lang = text_lang(stripped, default)
        if len(stripped) > (16 if lang == "zh" else 36):
            new = picker.paragraph(category, lang, len(stripped), key, single=True)
        else:
            new = transform(stripped, picker=picker, default=default, numbers=True,
                            drop_conditions=True, key=key)
            if find_spans(new) or new == stripped and not _is_label(stripped):
                new = picker.choice(ZH_CELLS if lang == "zh" else EN_CELLS, key, stripped)
    return lead + new.replace("|", "/") + trail


def _is_label(text: str) -> bool:
    """A short label such as "CPU" or "负责人" that carries no detail by itself."""
    return len(text) <= 8 and not re.search(r"\d", text)
