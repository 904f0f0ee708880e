"""The dilution report: segments by category and action, how much stayed verbatim, the length
ratio, and actionability before and after (from the audit's signals)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from colleague.dilute.engine import STRUCTURE, Piece
from colleague.dilute.names import conditions, find_spans


def actionability(text: str) -> tuple[float, str]:
    """How actionable `text` is, 0–100, and where the figure comes from.

    The audit (`colleague.audit`) is the reference; when it is not installed the report falls
    back to a rough estimate from the same kinds of signal (concrete spans per character)."""
    try:
        from colleague.audit import audit  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return _estimate(text), "estimate"
    return float(audit(text).score), "audit"


def _estimate(text: str) -> float:
    if not text.strip():
        return 0.0
    spans = len(find_spans(text)) + len(conditions(text))
    steps = len(re.findall(r"(?m)^\s*\d+[.)]\s", text))
    per_k = (spans + 0.5 * steps) * 1000 / max(len(text), 1)
    return round(min(100.0, per_k * 4.0), 1)


@dataclass
class FileReport:
    path: str
    kind: str  # "markdown", "jsonl", "docx", "copy"
    pieces: list[Piece] = field(default_factory=list)
    original_text: str = ""
    diluted_text: str = ""

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = {}
        for p in self.pieces:
            if p.category == STRUCTURE:
                continue
            out.setdefault(p.category, Counter())[p.action] += 1
        return {c: dict(sorted(v.items())) for c, v in sorted(out.items())}

    def content_pieces(self) -> list[Piece]:
        return [p for p in self.pieces if p.category != STRUCTURE and p.original.strip()]

    def verbatim_share(self) -> float:
        content = self.content_pieces()
        return sum(1 for p in content if not p.changed) / len(content) if content else 1.0

    def length_ratio(self) -> float:
        return len(self.diluted_text) / len(self.original_text) if self.original_text else 1.0


@dataclass
class Report:
    level: str
    seed: int
    files: list[FileReport]

    def as_json(self) -> dict[str, Any]:
        # Documents only: evidence.jsonl is JSON (ids, dates) that would swamp the prose signals
        docs = [f for f in self.files if f.kind in ("markdown", "docx")] or [
            f for f in self.files if f.kind != "copy"]
        orig = "\n\n".join(f.original_text for f in docs)
        dil = "\n\n".join(f.diluted_text for f in docs)
        before, source = actionability(orig)
        after, _ = actionability(dil)
        totals: dict[str, Counter[str]] = {}
        for f in self.files:
            for cat, acts in f.counts().items():
                totals.setdefault(cat, Counter()).update(acts)
        return {
            "level": self.level,
            "seed": self.seed,
            "actionability": {"before": before, "after": after, "source": source},
            "segments": {c: dict(sorted(v.items())) for c, v in sorted(totals.items())},
            "files": [{"path": f.path, "kind": f.kind, "segments": f.counts(),
                       "verbatim": round(f.verbatim_share(), 3),
                       "length_ratio": round(f.length_ratio(), 3),
                       "actionability": _pair(f) if f.kind in ("markdown", "docx") else None}
                      for f in self.files],
        }

    def as_text(self, data: dict[str, Any] | None = None) -> str:
        d = data or self.as_json()
        a = d["actionability"]
        lines = [f"level {d['level']}, seed {d['seed']}: actionability {a['before']:.0f} → "
                 f"{a['after']:.0f} ({a['source']})", "", "segments by category and action:"]
        for cat, acts in d["segments"].items():
            lines.append(f"  {cat:<10} " + ", ".join(f"{k} {v}" for k, v in acts.items()))
        lines.append("")
        for f in d["files"]:
            act = f.get("actionability")
            score = f", actionability {act[0]:.0f} → {act[1]:.0f}" if act else ""
            lines.append(f"  {f['path'] or '.'}: {f['kind']}, {f['verbatim']:.0%} verbatim, "
                         f"length {f['length_ratio']:.0%}{score}")
        return "\n".join(lines) + "\n"


def _pair(f: FileReport) -> list[float]:
    return [actionability(f.original_text)[0], actionability(f.diluted_text)[0]]


def removed_markdown(files: list[FileReport], title: str, level: str) -> str:
    """The readable half of the backup: every changed segment's original text, by category."""
    from colleague.dilute.backup import WARNING_EN, WARNING_ZH

    by_cat: dict[str, list[tuple[str, Piece]]] = {}
    for f in files:
        for p in f.pieces:
            if p.changed:
                by_cat.setdefault(p.category, []).append((f.path, p))
    out = [f"# Dilute backup: {title} ({level})", "", f"> **{WARNING_EN}**", f"> {WARNING_ZH}",
           ""]
    if not by_cat:
        out.append("Nothing was removed.")
    for cat in sorted(by_cat):
        entries = by_cat[cat]
        out += [f"## {cat} ({len(entries)})", ""]
        for path, p in entries:
            fence = "`" * max(3, _longest_backticks(p.original) + 1)
            out += [f"### {path or title}:{p.line} — {p.action}", "", f"{fence}text",
                    p.original.rstrip("\r\n"), fence, ""]
    return "\n".join(out) + "\n"


def _longest_backticks(text: str) -> int:
    runs = re.findall(r"`+", text)
    return max((len(r) for r in runs), default=0)
