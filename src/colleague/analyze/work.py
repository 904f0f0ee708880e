"""The work analyzer: how the person works — what they own and are asked about, their stack,
the rules they state, their procedures, what they flag in reviews, their decisions with
reasons, and the problems they keep fixing.

`analyze(data, lang)` is the entry point; each section lives in a small module:
work_duties (work.duties, work.stack), work_rules (work.rules, work.decisions),
work_workflows (work.workflows), work_reviews (work.reviews, work.problems); shared helpers
in work_common, the technology lexicon in work_stack. Thresholds and prediction params are documented in those modules.

Every claim cites the subject's own messages (role "said", with a span on the sentence or
term the claim rests on) or, for what they are asked about, context messages addressed to
them (role "addressed"). A section without enough evidence returns no claims and a note
with enough=False. Pure and deterministic: no clock, no randomness, sorted iteration; each
message's sentences are located once, and only candidate sentences are tokenised.
"""

from __future__ import annotations

from colleague.analyze.model import AnalyzerResult, Lang, PersonData
from colleague.analyze.work_common import addressed_to, prepare
from colleague.analyze.work_duties import duties, stack
from colleague.analyze.work_reviews import problems, reviews
from colleague.analyze.work_rules import decisions, rules
from colleague.analyze.work_workflows import workflows


def analyze(data: PersonData, lang: Lang) -> AnalyzerResult:
    preps = prepare([m for m in data.own if m.author not in data.bots])
    addr = addressed_to(data)
    claims = []
    notes = []
    for cs, note in (
        duties(data, preps, addr, lang),
        stack(data, preps, lang),
        rules(data, preps, lang),
        workflows(preps, lang),
        reviews(data, preps, lang),
        decisions(data, preps, lang),
        problems(data, preps, lang),
    ):
        claims.extend(cs)
        notes.append(note)
    return AnalyzerResult(claims=claims, notes=notes)
