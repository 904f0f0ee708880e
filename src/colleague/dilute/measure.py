"""Measuring a dilution against ground truth and the look rules — what the tests assert and
docs/dilute.md reports.

Ground truth (`<doc>.items.json`): concrete items as literal substrings with a category, and
critical items with keywords that must survive in the same section.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from colleague.dilute.segment import Segment, segment


@dataclass
class Removal:
    removed: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)  # items still present (for diagnosis)

    def rate(self, categories: tuple[str, ...] | None = None) -> float:
        cats = categories or tuple(self.total)
        total = sum(self.total[c] for c in cats)
        return sum(self.removed[c] for c in cats) / total if total else 1.0

    def add(self, other: Removal) -> None:
        self.removed.update(other.removed)
        self.total.update(other.total)
        self.kept.extend(other.kept)


def removal(items: list[dict[str, Any]], diluted: dict[str, str]) -> Removal:
    """An item is removed when its literal text no longer occurs in the diluted file."""
    r = Removal()
    for it in items:
        cat = it["category"]
        r.total[cat] += 1
        if it["text"] in diluted.get(it["file"], ""):
            r.kept.append(f"{it['file']}: {it['text']} [{cat}]")
        else:
            r.removed[cat] += 1
    return r


def sections(text: str) -> list[str]:
    """The text of each section, by heading ordinal (0 = before the first heading)."""
    out = [""]
    for s in segment(text):
        if s.kind == "heading":
            out.append("")
        out[-1] += s.text
    return out


def section_of(text: str, needle: str) -> int:
    pos = text.find(needle)
    if pos < 0:
        return -1
    n = 0
    for s in segment(text):
        if s.start > pos:
            break
        if s.kind == "heading":
            n += 1
    return n


def critical_kept(critical: list[dict[str, Any]], originals: dict[str, str],
                  diluted: dict[str, str]) -> list[str]:
    """Critical items whose keywords are missing from their section of the diluted copy."""
    missing: list[str] = []
    for it in critical:
        orig, new = originals[it["file"]], diluted[it["file"]]
        k = section_of(orig, it["text"].split("…")[0])
        secs = sections(new)
        hay = (secs[k] if 0 <= k < len(secs) else new).lower()
        if not any(kw.lower() in hay for kw in it["keywords"]):
            missing.append(f"{it['file']}: {it['text']}")
    return missing


def _content(segs: list[Segment]) -> list[Segment]:
    return [s for s in segs if s.kind not in ("blank",)]


def look_problems(original: str, diluted: str) -> list[str]:
    """Violations of the look rules: headings, list counts, empty sections, fences, length,
    block structure."""
    problems: list[str] = []
    a, b = segment(original), segment(diluted)
    ha = [s.level for s in a if s.kind == "heading"]
    hb = [s.level for s in b if s.kind == "heading"]
    if ha != hb:
        problems.append(f"headings differ: {ha} vs {hb}")
    la, lb = _lists_per_section(a), _lists_per_section(b)
    for k in range(max(len(la), len(lb))):
        x = la[k] if k < len(la) else 0
        y = lb[k] if k < len(lb) else 0
        if x and not (0.7 * x <= y <= 1.3 * x):
            problems.append(f"section {k}: {x} list items became {y}")
    sa, sb = sections(original), sections(diluted)
    for k, (x, y) in enumerate(zip(sa, sb, strict=False)):
        if _has_body(x) and not _has_body(y):
            problems.append(f"section {k} became empty")
    if _open_fences(diluted) != _open_fences(original):
        problems.append("code fences unbalanced")
    ratio = len(diluted) / max(len(original), 1)
    if not 0.85 <= ratio <= 1.15:
        problems.append(f"length ratio {ratio:.2f}")
    ka = [s.kind for s in _content(a)]
    kb = [s.kind for s in _content(b)]
    if ka != kb:
        problems.append("block structure changed")
    return problems


def _has_body(section: str) -> bool:
    return any(s.kind not in ("heading", "blank") for s in segment(section))


def _lists_per_section(segs: list[Segment]) -> list[int]:
    out = [0]
    for s in segs:
        if s.kind == "heading":
            out.append(0)
        elif s.kind == "list_item":
            out[-1] += 1
    return out


def _open_fences(text: str) -> int:
    """Fenced code blocks that never close (should be 0 in both, or equal)."""
    n = 0
    for s in segment(text):
        if s.kind == "code" and s.marker:
            fence = re.match(r"`{3,}|~{3,}", s.marker)
            last = s.text.rstrip("\r\n").split("\n")[-1].strip()
            lines = s.text.rstrip("\r\n").split("\n")
            if fence and (len(lines) < 2 or not last.startswith(fence.group(0))):
                n += 1
    return n


def verbatim_share(original: str, diluted: str) -> float:
    """Share of content segments (not blank) whose text is unchanged."""
    a = [s for s in segment(original) if s.kind not in ("blank", "hr", "table_sep")]
    b = [s for s in segment(diluted) if s.kind not in ("blank", "hr", "table_sep")]
    if len(a) != len(b):
        return 0.0
    same = sum(1 for x, y in zip(a, b, strict=True) if x.text == y.text)
    return same / len(a) if a else 1.0
