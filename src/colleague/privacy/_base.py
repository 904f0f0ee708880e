"""Shared pieces of the detectors: a recognizer, what it detects, and picking non-overlapping hits.

Detection is kept apart from what is done about it (the operators in scrub.py): a recognizer
only says "type T lives at [start, end)"; the policy decides whether that span is removed,
pseudonymised or kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Category = Literal["secret", "pii", "name"]
Action = Literal["redact", "pseudonymise", "keep"]

# Priority when spans overlap: a secret always wins (it must go), then personal data, then names.
_RANK: dict[str, int] = {"secret": 0, "pii": 1, "name": 2}


@dataclass(frozen=True)
class Detection:
    """A span of the input that holds something sensitive. `key` is private to the process:
    it lets the pseudonymiser give equal values equal pseudonyms and is never printed."""

    type: str
    start: int
    end: int
    category: Category
    key: str = field(default="", repr=False, compare=False)
    person: int | None = None  # a known person's id, when the span names or reaches them


@dataclass(frozen=True)
class Finding:
    """What scrubbing did to one span of the input. It never carries the original value."""

    type: str
    start: int  # offsets into the input text
    end: int
    action: Action
    category: Category = "pii"

    def as_json(self) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end, "action": self.action}


Validator = Callable[[re.Match[str], str], bool]


@dataclass(frozen=True)
class Recognizer:
    """One small detector: a compiled pattern, the group holding the sensitive value, an optional
    validator (checksum, entropy, context) and lowercase trigger strings — when none of them is
    in the lowered text, the pattern is not even run."""

    type: str
    pattern: re.Pattern[str]
    category: Category
    group: int | str = 0
    validate: Validator | None = None
    triggers: tuple[str, ...] = ()

    def find(self, text: str, lowered: str | None = None) -> Iterator[Detection]:
        if self.triggers:
            low = lowered if lowered is not None else text.lower()
            if not any(t in low for t in self.triggers):
                return
        for m in self.pattern.finditer(text):
            if self.validate is not None and not self.validate(m, text):
                continue
            start, end = m.span(self.group)
            if start < 0 or end <= start:
                continue
            yield Detection(self.type, start, end, self.category, key=m.group(self.group))


def select(detections: Iterable[Detection]) -> list[Detection]:
    """Non-overlapping detections, sorted by start: higher category first, then the longer span."""
    ranked = sorted(detections, key=lambda d: (_RANK[d.category], -(d.end - d.start), d.start))
    taken: list[Detection] = []
    for d in ranked:
        if all(d.end <= t.start or d.start >= t.end for t in taken):
            taken.append(d)
    return sorted(taken, key=lambda d: d.start)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def context_before(text: str, start: int, width: int = 24) -> str:
    return text[max(0, start - width):start].lower()


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)
