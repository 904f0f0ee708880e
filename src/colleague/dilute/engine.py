"""Diluting one text: segment it, classify each block, look up the policy, rewrite, and keep
the look (headings, list counts, fences, length).

The result records every segment's exact original text next to its diluted text, which is what
the backup stores and what `restore` splices back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from colleague.dilute.classify import PRIORITY, classify
from colleague.dilute.policy import Action, Category, Level, action_for
from colleague.dilute.rewrite import (
    _TRAILING_CITES,
    Picker,
    code_lines,
    has_quotes,
    neutral_quotes,
    quote_share,
    replace_prose,
    text_lang,
    transform,
    utterance,
)
from colleague.dilute.rewrite import cell as rewrite_cell
from colleague.dilute.segment import Segment, body, rebuild, segment

_EXAMPLE_QUOTE = re.compile(r"(?:例如|比如|譬如|e\.g\.|for example|such as|like)\s*[「“\"]", re.I)
STRUCTURE = "structure"  # blank lines, rules, table separators: never rewritten
_ORDERED = re.compile(r"^\s*\d{1,9}[.)]")


@dataclass
class Piece:
    """One segment of one file: what it was, what it became, and why."""

    index: int
    kind: str
    category: str  # a policy category, or "structure" / "heading"
    action: Action
    original: str  # the exact original text (markers, line endings and all)
    diluted: str
    line: int  # 1-based line of the original where it starts
    section: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.original != self.diluted


@dataclass
class TextResult:
    original: str
    text: str
    pieces: list[Piece]


def doc_lang(text: str) -> str:
    return text_lang(text, "en")


def dilute_unit(text: str, *, level: Level, picker: Picker, key: object,
                kind: str = "paragraph", section: tuple[str, ...] = (),
                file_hint: Category | None = None, default: str = "en",
                step_role: str | None = None, category: Category | None = None
                ) -> tuple[Category, Action, str]:
    """Category, action and new text for one block's content (no Markdown frame)."""
    cat = category or classify(text, section, file_hint, kind).category
    action = action_for(cat, level)
    lang = text_lang(text, default)  # type: ignore[arg-type]
    if step_role and cat != "critical" and action in ("generalise", "replace"):
        return cat, "replace", replace_prose(text, step_role, picker, lang, key, single=True)
    new = apply(text, cat, action, picker=picker, key=key, kind=kind, lang=lang)
    if text.strip() and not new.strip():
        new = replace_prose(text, cat if cat != "critical" else "generic", picker, lang, key)
    return cat, action, new


def apply(text: str, category: Category, action: Action, *, picker: Picker, key: object,
          kind: str, lang: str) -> str:
    d = lang  # the segment's own language is the default for every span in it
    if action == "keep":
        return text
    if action == "mask":
        return transform(text, picker=picker, default=d, key=key)  # type: ignore[arg-type]
    if action == "generalise":
        new = transform(text, picker=picker, default=d, numbers=True,  # type: ignore[arg-type]
                        strict=category == "critical", drop_conditions=True, collapse=True,
                        key=key)
        if category != "critical" and _EXAMPLE_QUOTE.search(new):
            new = neutral_quotes(new, picker, d, key)  # type: ignore[arg-type]
        return new
    if category == "persona":
        if has_quotes(text) and quote_share(text) >= 0.8:
            masked = transform(text, picker=picker, default=d, numbers=True,  # type: ignore[arg-type]
                               drop_conditions=True, key=key)
            return neutral_quotes(masked, picker, d, key)  # type: ignore[arg-type]
        if kind == "blockquote":
            return utterance(text, picker, d, key)  # type: ignore[arg-type]
    return replace_prose(text, category, picker, d, key)  # type: ignore[arg-type]


def _step_roles(segs: list[Segment]) -> dict[int, str]:
    """Ordered lists of three or more items: the first collapses into a one-line summary of the
    procedure, the rest become generic steps (so the item count stays)."""
    roles: dict[int, str] = {}
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 3:
            roles[run[0]] = "summary"
            for i in run[1:]:
                roles[i] = "step"
        run.clear()

    level = -1
    for i, s in enumerate(segs):
        if s.kind == "blank":
            continue
        if s.kind == "list_item" and _ORDERED.match(s.marker) and (not run or s.level == level):
            run.append(i)
            level = s.level
        elif s.kind == "list_item" and run and s.level > level:
            continue  # a nested bullet inside a step
        else:
            flush()
            if s.kind == "list_item" and _ORDERED.match(s.marker):
                run.append(i)
                level = s.level
    flush()
    return roles


def _twin_categories(segs: list[Segment], file_hint: Category | None) -> dict[int, Category]:
    """Categories of prose blocks; in a bilingual document the Chinese and English versions of
    a line (adjacent blocks of the same kind, one zh and one en) get the stronger of their two
    categories, so both versions are diluted alike."""
    cats: dict[int, Category] = {}
    prose = [i for i, s in enumerate(segs) if s.kind in ("paragraph", "list_item", "blockquote")]
    for i in prose:
        cats[i] = classify(body(segs[i]), segs[i].section, file_hint, segs[i].kind).category
    paired: set[int] = set()
    for a, b in zip(prose, prose[1:], strict=False):
        if a in paired:
            continue  # pairs do not chain: line 2 is line 1's twin, not line 3's
        sa, sb = segs[a], segs[b]
        adjacent = all(segs[k].kind == "blank" for k in range(a + 1, b))
        if (adjacent and sa.kind == sb.kind and sa.level == sb.level
                and {sa.lang, sb.lang} == {"zh", "en"}):
            best = min(cats[a], cats[b], key=PRIORITY.index)
            cats[a] = cats[b] = best
            paired.add(b)
    return cats


def _heading(text: str, level: Level, picker: Picker, key: object, default: str) -> str:
    if level == "light":
        return text
    new = transform(text, picker=picker, default=default, numbers=True, key=key,  # type: ignore[arg-type]
                    bare_numbers=False)
    return new if new.strip() else text


_FREE_TEXT_KEYS = frozenset({"description", "summary", "title", "about", "when_to_use",
                             "trigger", "triggers", "purpose"})


def _frontmatter(seg: Segment, level: Level, picker: Picker, key: object, default: str) -> str:
    if level == "light":
        return seg.text
    lines = body(seg).split("\n")
    out: list[str] = []
    for n, line in enumerate(lines):
        m = re.match(r"^(\s*[\w.-]+\s*:\s*)(.*)$", line)
        key_name = m.group(1).strip().rstrip(":").strip().lower() if m else ""
        if not m or key_name not in _FREE_TEXT_KEYS or not m.group(2).strip():
            out.append(line)  # name, metadata, versions: structure the Skill loader needs
            continue
        head, value = (m.group(1), m.group(2)) if m else ("", line)
        new = transform(value, picker=picker, default=default, numbers=True,  # type: ignore[arg-type]
                        drop_conditions=True, key=(key, n))
        out.append(head + new.replace(": ", "：" if re.search(r"[\u4e00-\u9fff]", new) else " - "))
    return rebuild(seg, "\n".join(out))


def _table_row(seg: Segment, header: bool, level: Level, picker: Picker, key: object,
               default: str, section: tuple[str, ...], file_hint: Category | None
               ) -> tuple[str, Action, str]:
    raw = seg.text
    content = raw.rstrip("\r\n")
    eol = raw[len(content):]
    cells = re.split(r"(?<!\\)\|", content)
    inner = "|".join(cells)
    if header:
        if level == "light":
            return "heading", "keep", raw
        new_cells = [transform(c, picker=picker, default=default, numbers=True,  # type: ignore[arg-type]
                               key=(key, i)).replace("|", "/") for i, c in enumerate(cells)]
        return "heading", "mask", "|".join(new_cells) + eol
    verdict = classify(inner, section, file_hint, "table_row")
    action = action_for(verdict.category, level)
    if action == "keep":
        return verdict.category, action, raw
    new_cells = []
    for i, c in enumerate(cells):
        edge = (i == 0 or i == len(cells) - 1) and not c.strip()
        new_cells.append(c if edge else rewrite_cell(
            c, verdict.category, action, picker, default, (key, i),  # type: ignore[arg-type]
            verdict.category == "critical"))
    return verdict.category, action, "|".join(new_cells) + eol


def dilute_markdown(text: str, level: Level, picker: Picker, name: str = "",
                    file_hint: Category | None = None) -> TextResult:
    """Dilute a Markdown (or plain) text; the pieces tile both the original and the result."""
    segs = segment(text)
    default = doc_lang(text)
    roles = _step_roles(segs) if level != "light" else {}
    cats = _twin_categories(segs, file_hint)
    pieces: list[Piece] = []
    for i, seg in enumerate(segs):
        key = (name, i, seg.text)
        line = text.count("\n", 0, seg.start) + 1
        cat: str
        action: Action
        if seg.kind in ("blank", "hr", "table_sep"):
            cat, action, new = STRUCTURE, "keep", seg.text
        elif seg.kind == "frontmatter":
            new = _frontmatter(seg, level, picker, key, default)
            cat, action = "generic", ("keep" if new == seg.text else "mask")
        elif seg.kind == "heading":
            new = rebuild(seg, _heading(body(seg), level, picker, key, default))
            cat, action = "heading", ("keep" if new == seg.text else "mask")
        elif seg.kind == "table_row":
            header = i + 1 < len(segs) and segs[i + 1].kind == "table_sep"
            cat, action, new = _table_row(seg, header, level, picker, key, default, seg.section,
                                          file_hint)
        elif seg.kind == "code":
            content = body(seg)
            verdict = classify(content, seg.section, file_hint, "code")
            cat, action = verdict.category, action_for(verdict.category, level)
            if action == "keep" or not content.strip():
                new = seg.text
            else:
                new = rebuild(seg, code_lines(content, seg.marker, picker, default, key))  # type: ignore[arg-type]
        elif seg.kind == "html":
            verdict = classify(seg.text, seg.section, file_hint, "html")
            cat, action = verdict.category, action_for(verdict.category, level)
            new = seg.text if action == "keep" else transform(
                seg.text, picker=picker, default=default, numbers=True, key=key)  # type: ignore[arg-type]
        else:
            content = body(seg)
            cat, action, new_body = dilute_unit(
                content, level=level, picker=picker, key=key, kind=seg.kind,
                section=seg.section, file_hint=file_hint, default=default,
                step_role=roles.get(i), category=cats.get(i))
            new = seg.text if new_body == content else rebuild(seg, new_body)
        if new == seg.text:
            action = "keep" if cat in (STRUCTURE, "heading") else action
        pieces.append(Piece(i, seg.kind, cat, action, seg.text, new, line, seg.section))
    _balance_length(pieces, picker, default)
    return TextResult(text, "".join(p.diluted for p in pieces), pieces)


def _balance_length(pieces: list[Piece], picker: Picker, default: str) -> None:
    """Keep the total within 85–115% of the original: add a sentence to, or drop the last
    sentence of, the largest replaced paragraphs."""
    orig = sum(len(p.original) for p in pieces)
    if orig == 0:
        return
    lo, hi = 0.90, 1.10
    cur = sum(len(p.diluted) for p in pieces)
    candidates = sorted((p for p in pieces if p.action == "replace"
                         and p.kind in ("paragraph", "blockquote", "list_item")),
                        key=lambda p: -len(p.original))
    rounds = 0
    while cur < lo * orig and candidates and rounds < 200:
        p = candidates[rounds % len(candidates)]
        seg_text = p.diluted.rstrip("\r\n")
        eol = p.diluted[len(seg_text):]
        lang = text_lang(seg_text, default)  # type: ignore[arg-type]
        extra = picker.paragraph(p.category if p.category != "critical" else "generic", lang,
                                 min(int(lo * orig - cur) + 4, 60 if lang == "zh" else 140),
                                 ("pad", p.index, rounds), single=True)
        m = _TRAILING_CITES.search(seg_text)
        cut = m.start() if m and m.start() > 0 else len(seg_text)
        p.diluted = (seg_text[:cut] + ("" if lang == "zh" else " ") + extra + seg_text[cut:]
                     + eol)
        cur = sum(len(q.diluted) for q in pieces)
        rounds += 1
    rounds = 0
    while cur > hi * orig and candidates and rounds < 400:
        p = candidates[rounds % len(candidates)]
        seg_text = p.diluted.rstrip("\r\n")
        eol = p.diluted[len(seg_text):]
        m = _TRAILING_CITES.search(seg_text)
        tail = m.group(0) if m and m.start() > 0 else ""
        core = seg_text[:len(seg_text) - len(tail)]
        cut = max(core.rfind("。", 0, len(core) - 1), core.rfind(". ", 0, len(core) - 1))
        if cut > len(core) // 3:
            p.diluted = core[:cut + 1] + tail + eol
            cur = sum(len(q.diluted) for q in pieces)
        rounds += 1
