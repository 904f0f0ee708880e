"""Actionability 0–100 from signal densities, per document and per section, and a verdict.

Weights and targets live in `POSITIVE` and the penalty functions below, and are documented in
docs/audit.md with the calibration data. A density at or above its target earns the full weight;
below it, a concave curve (x ** 0.6) so a document with some specifics is not scored like one
with none. Densities are per 100 length units, so a long document is not favoured.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from colleague.audit.signals import Signals, signals, text_length
from colleague.dilute.segment import Segment, body, segment

# signal → (weight, target density per 100 length units); the weights sum to 100.
POSITIVE: dict[str, tuple[float, float]] = {
    "numbers": (24, 1.6),
    "names": (20, 1.6),
    "conditions": (14, 0.5),
    "steps": (12, 0.5),
    "reasons": (12, 0.5),
    "incidents": (10, 0.25),
    "verbatim": (8, 0.2),
}
CURVE = 0.6
SPECIFIC_AT = 60  # score at or above: "specific"
VAGUE_BELOW = 40  # score below: "vague", or "diluted" when dilution markers are present
DILUTED_MARKERS = 1.0  # hedges + boilerplate + 2×collapsed per 100 units: "diluted" below 40
MIN_SECTION_LENGTH = 20.0  # shorter sections are reported but not given a verdict of their own

Verdict = str  # "specific" | "mixed" | "vague" | "diluted"


def penalties(sig: Signals) -> dict[str, float]:
    """Points taken off for hedges, boilerplate, collapsed procedures, bare rules, uniformity."""
    d = sig.densities
    out = {
        "hedges": min(12.0, 8.0 * d.get("hedges", 0.0)),
        "boilerplate": min(20.0, 12.0 * d.get("boilerplate", 0.0)),
        "collapsed": min(15.0, 15.0 * d.get("collapsed", 0.0)),
        "reasonless_rules": 10.0 * d.get("reasonless_share", 0.0) if sig.rules >= 3 else 0.0,
        "uniformity": 15.0 * max(0.0, sig.uniformity - 0.4) / 0.6,
    }
    return {k: round(v, 2) for k, v in out.items()}


def contributions(sig: Signals) -> dict[str, float]:
    out = {}
    for key, (weight, target) in POSITIVE.items():
        x = min(1.0, sig.densities.get(key, 0.0) / target)
        out[key] = round(weight * x**CURVE, 2)
    return out


def score(sig: Signals) -> int:
    """0–100; an empty text scores 0."""
    if sig.length < 1:
        return 0
    raw = sum(contributions(sig).values()) - sum(penalties(sig).values())
    return int(round(max(0.0, min(100.0, raw))))


def dilution_markers(sig: Signals) -> float:
    """Density of what dilution leaves behind: hedges, boilerplate, collapsed procedures."""
    d = sig.densities
    return round(d.get("hedges", 0) + d.get("boilerplate", 0) + 2 * d.get("collapsed", 0), 3)


def verdict(sig: Signals, value: int) -> Verdict:
    if value >= SPECIFIC_AT:
        return "specific"
    if value >= VAGUE_BELOW:
        return "mixed"
    markers = dilution_markers(sig)
    if markers >= DILUTED_MARKERS or (sig.uniformity >= 0.7 and markers >= 0.3):
        return "diluted"
    return "vague"


@dataclass
class SectionReport:
    title: str  # the nearest heading ("" before the first heading)
    path: tuple[str, ...]  # all headings down to this one
    level: int
    file: str  # the file inside a Skill folder; "" for a single document
    score: int
    verdict: Verdict | None  # None when the section is too short to judge
    signals: Signals

    def as_dict(self) -> dict[str, object]:
        s = self.signals
        return {"title": self.title, "path": list(self.path), "level": self.level,
                "file": self.file, "score": self.score, "verdict": self.verdict,
                "length": round(s.length, 1),
                "counts": {k: getattr(s, k) for k in (
                    "numbers", "names", "conditions", "steps", "incidents", "verbatim",
                    "reasons", "hedges", "boilerplate", "collapsed", "reasonless_rules")}}


@dataclass
class AuditReport:
    score: int
    verdict: Verdict
    signals: Signals
    sections: list[SectionReport] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """Exactly {"score", "verdict", "signals", "sections"} (the `audit --json` output)."""
        sig = self.signals.as_dict()
        sig["contributions"] = contributions(self.signals)
        sig["penalties"] = penalties(self.signals)
        sig["dilution_markers"] = dilution_markers(self.signals)
        return {"score": self.score, "verdict": self.verdict, "signals": sig,
                "sections": [s.as_dict() for s in self.sections]}


# --- reading ---------------------------------------------------------------------------------------


class AuditInputError(ValueError):
    """The path cannot be audited (missing, unreadable, or an unsupported kind of file)."""


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)


def docx_markdown(path: Path) -> str:
    """Paragraph text of a .docx as Markdown (heading styles → #), using only the stdlib."""
    try:
        with zipfile.ZipFile(path) as z:
            root = ElementTree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise AuditInputError(f"{path}: not a readable .docx ({exc})") from exc
    lines = []
    for p in root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        style = p.find(f"{_W}pPr/{_W}pStyle")
        name = style.get(f"{_W}val", "") if style is not None else ""
        m = _HEADING_STYLE.search(name)
        if m and text.strip():
            text = "#" * min(6, int(m.group(1))) + " " + text
        elif p.find(f"{_W}pPr/{_W}numPr") is not None and text.strip():
            text = "- " + text
        lines.append(text)
    return "\n\n".join(lines) + "\n"


def read_document(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_markdown(path)
    if suffix not in (".md", ".markdown", ".txt", ""):
        raise AuditInputError(f"{path}: expected a .md, .txt or .docx file or a Skill folder")
    try:
        return _decode(path.read_bytes())
    except OSError as exc:
        raise AuditInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def skill_files(folder: Path) -> list[Path]:
    """A Skill folder's Markdown files: SKILL.md first, then the rest in path order."""
    files = sorted(p for p in folder.rglob("*.md") if p.is_file())
    return sorted(files, key=lambda p: (p.name != "SKILL.md", str(p.relative_to(folder))))


# --- auditing ------------------------------------------------------------------------------------


def _sections(segs: list[Segment], file: str) -> list[tuple[str, tuple[str, ...], int, str,
                                                                 list[Segment]]]:
    """Group segments by their nearest heading (a heading starts its own section)."""
    groups: list[tuple[str, tuple[str, ...], int, str, list[Segment]]] = []
    current: list[Segment] = []
    title, path, level = "", (), 0
    for s in segs:
        if s.kind == "heading":
            if current:
                groups.append((title, path, level, file, current))
            title = " ".join(body(s).split())
            path, level, current = s.section + (title,), s.level, [s]
        else:
            current.append(s)
    if current:
        groups.append((title, path, level, file, current))
    return groups


def _report(docs: list[tuple[str, str]]) -> AuditReport:
    all_segs: list[Segment] = []
    sections: list[SectionReport] = []
    for file, text in docs:
        segs = segment(text)
        all_segs.extend(segs)
        for title, path, level, f, group in _sections(segs, file):
            sig = signals("", group)
            value = score(sig)
            judged = verdict(sig, value) if sig.length >= MIN_SECTION_LENGTH else None
            if sig.length > 0 or title:
                sections.append(SectionReport(title, path, level, f, value, judged, sig))
    sig = signals("", all_segs)
    value = score(sig)
    return AuditReport(value, verdict(sig, value), sig, sections, [f for f, _ in docs if f])


def audit(source: str | os.PathLike[str]) -> AuditReport:
    """Audit a document's actionability.

    `source` is either the Markdown/plain text itself (a `str`) or a path (`pathlib.Path` or any
    other `os.PathLike`) to a .md/.txt/.docx file or a Skill folder (all its .md files, SKILL.md
    first). A `str` is always treated as text, never as a file name. Raises `AuditInputError`
    for a path that cannot be read. Deterministic: the same input always gives the same report.
    """
    if isinstance(source, str):
        return _report([("", source)])
    path = Path(source)
    if path.is_dir():
        files = skill_files(path)
        if not files:
            raise AuditInputError(f"{path}: no .md files in this folder")
        return _report([(str(f.relative_to(path)), read_document(f)) for f in files])
    if not path.exists():
        raise AuditInputError(f"{path}: no such file or folder")
    return _report([("", read_document(path))])


def actionability(text: str) -> int:
    """The 0–100 score alone, for a text (what the dilute report shows before/after)."""
    return audit(text).score


__all__ = ["AuditInputError", "AuditReport", "SectionReport", "actionability", "audit",
           "contributions", "penalties", "score", "text_length", "verdict"]
