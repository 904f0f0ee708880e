"""How actionable is a know-how document? `audit(text_or_path)` scores it 0–100 from concrete
signals (numbers, names, conditions, steps, incidents, verbatim phrasings, reasons) against
dilution markers (hedges, boilerplate, collapsed procedures, reasonless rules, uniformity),
per document and per section, with a verdict. See docs/audit.md.

Stable API (the dilute report calls it):
    audit(source: str | os.PathLike) -> AuditReport   # str = the text, PathLike = file/folder
    AuditReport.score: int, .verdict: str, .signals: Signals, .sections: list[SectionReport]
    AuditReport.as_json() -> {"score", "verdict", "signals", "sections"}
    signals(text) -> Signals; actionability(text) -> int
"""

from colleague.audit.score import (
    AuditInputError,
    AuditReport,
    SectionReport,
    actionability,
    audit,
    score,
    verdict,
)
from colleague.audit.signals import Signals, signals

__all__ = ["AuditInputError", "AuditReport", "SectionReport", "Signals", "actionability", "audit",
           "score", "signals", "verdict"]
