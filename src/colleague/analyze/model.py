"""What analyzers read and what they return. Pure data: no store, no files, no CLI.

An analyzer is a pure function `analyze(data: PersonData, lang: str) -> list[Claim]`.
Every claim cites evidence (messages or documents of the subject, or — for "asked about"
claims — messages addressed to the subject) and, where it can, carries a `Prediction`: a
statement about the subject's future messages that the fidelity evaluation checks on
held-out data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Lang = Literal["zh", "en"]
EvidenceRole = Literal["said", "addressed"]  # written by the subject / asked of them


@dataclass(frozen=True, slots=True)
class Msg:
    """One stored message, as analyzers see it."""

    uid: int  # stable id (messages.uid)
    ts: datetime | None  # aware, in the writer's zone as stored
    text: str  # stored text (secrets already removed at ingest)
    author: int | None  # person id
    conversation: int  # conversation id
    conversation_name: str
    platform: str
    reply_to: int | None = None  # uid of the parent
    thread: int | None = None  # uid of the thread root
    mentions: tuple[int, ...] = ()  # person ids mentioned
    extra: dict[str, Any] = field(default_factory=dict)
    # ts.timestamp(), worked out once: analyzers order and compare hundreds of thousands of
    # messages by it, and datetime.timestamp() is slow. The loader passes it (from the stored
    # milliseconds, the same float); left out, it is computed from `ts`.
    epoch: float | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.epoch is None and self.ts is not None:
            object.__setattr__(self, "epoch", self.ts.timestamp())


@dataclass(frozen=True, slots=True)
class Doc:
    uid: int  # documents.id
    title: str
    text: str
    kind: str
    created: datetime | None


@dataclass
class PersonData:
    """Everything distillation may look at for one subject."""

    person_id: int
    name: str
    aliases: tuple[str, ...]  # names, handles, emails of the subject (to spot address)
    own: list[Msg]  # what they wrote (kind 'message'), oldest first
    context: list[Msg]  # other people's messages in conversations the subject took part in
    baseline: list[Msg]  # a sample of everybody else's messages (team baseline)
    documents: list[Doc]
    people: dict[int, str]  # person id → display name, for everyone in own/context
    bots: frozenset[int] = frozenset()
    own_total: int = 0  # messages they wrote in all; more than len(own) when own is a sample


@dataclass(frozen=True, slots=True)
class Evidence:
    """A pointer to the message (or document) that supports a claim."""

    uid: int
    kind: Literal["message", "document"] = "message"
    role: EvidenceRole = "said"
    # The part of the stored text to quote (start, end); None = the whole text, shortened.
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Prediction:
    """A checkable statement about the subject's held-out messages.

    kind                 params
    phrase_rate          {"phrase": str, "min_rate": float}   share of messages containing it
    term_mentioned       {"terms": [str], "min_count": int}   a system/tool they keep naming
    rule_restated        {"keywords": [str], "min_count": int}
    active_hours         {"hours": [int]}                     most activity falls in these hours
    active_weekdays      {"days": [int]}                      0 = Monday
    length_range         {"lo": float, "hi": float}           median message length (chars)
    rate_range           {"feature": str, "lo": float, "hi": float}  e.g. emoji per message
    latency_range        {"lo_s": float, "hi_s": float}       median reply latency (seconds)
    counterpart          {"person": int}                      still among the top counterparts
    """

    kind: str
    params: dict[str, Any]


@dataclass
class Claim:
    """One statement in the Skill, with the evidence behind it."""

    section: str  # "work.rules", "persona.expression", … (see skill.sections)
    text: str  # the statement, in the output language; quotes stay in their own language
    evidence: list[Evidence]
    prediction: Prediction | None = None
    weight: float = 1.0  # for ordering within a section (higher first)
    key: str = ""  # stable identity within the section (for merging/dedup, determinism)


@dataclass
class SectionNote:
    """How much evidence stands behind a section (or that it is too thin to say)."""

    section: str
    messages: int  # messages the analyzer looked at for this section
    claims: int
    enough: bool


@dataclass
class AnalyzerResult:
    """What one analyzer returns: its claims and, per section it covers, how much stood
    behind them (a section with too little evidence says so instead of padding)."""

    claims: list[Claim]
    notes: list[SectionNote]


# The sections of a Skill, in the order they are written. work.md holds the work.* sections,
# persona.md the persona.* ones.
SECTIONS: tuple[str, ...] = (
    "work.duties",  # what they own and are asked about (systems, repos, channels, documents)
    "work.stack",  # technologies and tools they use
    "work.rules",  # rules and standards they state or enforce, quotable
    "work.workflows",  # procedures they describe, as ordered steps
    "work.reviews",  # what they flag in reviews
    "work.decisions",  # decisions they made and the reasons they gave
    "work.problems",  # recurring problems and the fixes they used
    "persona.expression",  # signature phrases vs the team, length, punctuation, emoji, mixing
    "persona.examples",  # real quoted examples by situation
    "persona.decisions",  # how they say yes and no, push back, escalate
    "persona.interpersonal",  # who they talk with, how tone changes, reply latency
    "persona.rhythm",  # active hours and weekdays, time to reply
    "persona.boundaries",  # what they refuse or redirect
)
