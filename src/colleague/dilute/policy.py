"""The one policy table: category × level → action.

Every rewriting decision starts here; `colleague dilute --explain-policy` prints this table and
docs/dilute.md carries the same table (a test keeps them equal).

Actions, from mildest to strongest:
  keep        the segment is copied verbatim
  mask        internal names (systems, people, teams, channels, inline code, links) become roles
  generalise  mask + numbers and thresholds become qualitative, conditions are dropped,
              step chains collapse; the sentence's own claim (e.g. an obligation) stays
  replace     the segment becomes a natural, generic sentence of the same kind and language
"""

from __future__ import annotations

from typing import Literal

Level = Literal["light", "medium", "heavy"]
Action = Literal["keep", "mask", "generalise", "replace"]
Category = Literal["pitfall", "incident", "judgement", "people", "tacit", "persona", "generic",
                   "critical"]

LEVELS: tuple[Level, ...] = ("light", "medium", "heavy")
ACTIONS: tuple[Action, ...] = ("keep", "mask", "generalise", "replace")
CATEGORIES: tuple[Category, ...] = ("pitfall", "incident", "judgement", "people", "tacit",
                                    "persona", "generic", "critical")

DESCRIPTIONS: dict[Category, str] = {
    "pitfall": "pitfalls and warnings (坑, 注意, don't, watch out)",
    "incident": "incident memory (故障, 复盘, outage, last time …)",
    "judgement": "judgement and heuristics, thresholds, conditional rules, procedures",
    "people": "people network: who to ask, owners, escalation paths",
    "tacit": "tacit context: why things are the way they are (因为, 历史原因, because)",
    "persona": "distinctive behaviour: sharp persona rules, catchphrases, example utterances",
    "generic": "generic knowledge with no concrete, actionable detail",
    "critical": "safety, security, compliance, legal, data protection: never removed or "
                "made wrong",
}

# The table. Critical never gets "replace": it may be generalised, never removed.
POLICY: dict[Category, dict[Level, Action]] = {
    "pitfall": {"light": "replace", "medium": "replace", "heavy": "replace"},
    "incident": {"light": "replace", "medium": "replace", "heavy": "replace"},
    "judgement": {"light": "keep", "medium": "generalise", "heavy": "replace"},
    "people": {"light": "keep", "medium": "replace", "heavy": "replace"},
    "tacit": {"light": "keep", "medium": "replace", "heavy": "replace"},
    "persona": {"light": "keep", "medium": "replace", "heavy": "replace"},
    "generic": {"light": "keep", "medium": "mask", "heavy": "generalise"},
    "critical": {"light": "keep", "medium": "generalise", "heavy": "generalise"},
}


def action_for(category: Category, level: Level) -> Action:
    return POLICY[category][level]


def policy_table() -> str:
    """The table as Markdown (what --explain-policy prints and docs/dilute.md contains)."""
    rows = ["| category | light | medium | heavy | what it covers |",
            "|---|---|---|---|---|"]
    for cat in CATEGORIES:
        acts = " | ".join(POLICY[cat][lv] for lv in LEVELS)
        rows.append(f"| {cat} | {acts} | {DESCRIPTIONS[cat]} |")
    return "\n".join(rows) + "\n"


def policy_json() -> dict[str, dict[str, str]]:
    return {cat: dict(POLICY[cat]) for cat in CATEGORIES}
