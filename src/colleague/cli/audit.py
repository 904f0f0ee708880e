"""`colleague audit PATH [--json]` — how actionable a document or Skill is, and whether it looks
diluted."""

from __future__ import annotations

from pathlib import Path

import click

from colleague.audit import AuditInputError, AuditReport, audit
from colleague.audit.score import contributions, dilution_markers, penalties
from colleague.cli._common import fail, json_option, out, print_json, relpath

_POSITIVE_LABELS = {
    "numbers": "numbers with units / thresholds", "names": "named systems, people, commands",
    "conditions": "conditional rules", "steps": "ordered / incident steps",
    "reasons": "reasons given", "incidents": "incident narratives",
    "verbatim": "verbatim phrasings",
}
_PENALTY_LABELS = {
    "hedges": "hedges", "boilerplate": "boilerplate", "collapsed": "collapsed procedures",
    "reasonless_rules": "rules without a reason", "uniformity": "uniform sentences",
}


def _print(report: AuditReport, path: str) -> None:
    sig = report.signals
    out.print(f"[bold]{relpath(path)}[/bold]: actionability [bold]{report.score}[/bold]/100 — "
              f"{report.verdict}", markup=True)
    if report.files:
        out.print(f"  files: {', '.join(report.files)}")
    out.print(f"  length {sig.length:.0f} units, {sig.sentences} sentences")
    out.print("  signals (count, per 100 units → points):")
    contrib = contributions(sig)
    for key, label in _POSITIVE_LABELS.items():
        out.print(f"    + {label:34s} {getattr(sig, key):4d}  {sig.densities[key]:6.2f}"
                  f"  +{contrib[key]:.1f}")
    pen = penalties(sig)
    for key, label in _PENALTY_LABELS.items():
        if key == "uniformity":
            count = f"{sig.uniformity:4.2f}"
        elif key == "reasonless_rules":
            count = f"{sig.reasonless_rules:2d}/{sig.rules}"
        else:
            count = f"{getattr(sig, key):4d}"
        out.print(f"    - {label:34s} {count:>4s}  {'':6s}  -{pen[key]:.1f}")
    out.print(f"  dilution markers {dilution_markers(sig):.2f} per 100 units")
    if report.sections:
        out.print("  sections:")
        for s in report.sections:
            indent = "  " * max(0, s.level - 1)
            where = f"{s.file}: " if s.file else ""
            title = s.title or "(before the first heading)"
            judged = s.verdict or "too short to judge"
            out.print(f"    {s.score:3d}  {indent}{where}{title} — {judged}")


@click.command("audit")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def command(path: Path, as_json: bool) -> None:
    """Score how actionable a document is (0–100) and whether it looks diluted.

    PATH is a .md, .txt or .docx file, or a Skill folder (all its .md files). The score comes
    from concrete numbers, named systems and people, conditions, steps, incidents, verbatim
    phrasings and reasons, against hedges, boilerplate, collapsed procedures, reasonless rules
    and uniform sentences; densities are per length, so long documents are not favoured.
    --json prints {"score", "verdict", "signals", "sections"}.
    """
    try:
        report = audit(path)
    except AuditInputError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(report.as_json())
    else:
        _print(report, str(path))
