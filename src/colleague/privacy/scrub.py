"""The one scrub function every output passes through (Skill, report, LLM prompt, log line).

    from colleague.privacy import scrub, ScrubPolicy, Pseudonymizer

    pseudonyms = Pseudonymizer.from_db(db)          # one per output; None = no known names
    policy = ScrubPolicy(subject=42, subject_name="keep")
    result = scrub(text, policy=policy, pseudonyms=pseudonyms)
    result.text        # the scrubbed text
    result.findings    # [Finding(type, start, end, action, category)], spans in the input text

Stable interface:
- `scrub(text, *, policy=ScrubPolicy(), pseudonyms=None) -> Scrubbed`
- Secrets (category "secret") are always removed: `[REDACTED:<type>]`. No policy keeps them.
- Personal data of third parties (category "pii": email, phone, id_number, bank_card,
  ip_address, passport, qq, wechat, address) is pseudonymised (`[phone#1]`, equal values share
  the number within one Pseudonymizer) or removed (`[REDACTED:phone]`) per
  `policy.third_party`. An email of a known person is that person: it becomes their pseudonym.
- Names of known people (category "name") become "同事A" / "Colleague A" (the language of the
  surrounding text), stable across one Pseudonymizer; or `[REDACTED:name]` when third parties
  are removed.
- The subject (`policy.subject`, a person id) keeps their name when `subject_name="keep"`,
  else is pseudonymised like anyone else; their own contact data (their known emails) is
  removed unless `keep_subject_contact=True`.
- `policy.keep` names PII types to leave untouched (e.g. {"ip_address"} for an ops report);
  it never applies to secrets.
- Findings never carry the original value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from colleague.privacy._base import Action, Detection, Finding, has_cjk, select
from colleague.privacy.names import Pseudonymizer
from colleague.privacy.pii import find_pii
from colleague.privacy.secrets import MARKER, find_secrets


@dataclass(frozen=True)
class ScrubPolicy:
    third_party: Literal["pseudonymise", "remove"] = "pseudonymise"
    subject: int | None = None
    subject_name: Literal["keep", "pseudonymise"] = "pseudonymise"
    keep_subject_contact: bool = False
    keep: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scrubbed:
    text: str
    findings: list[Finding]

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "findings": [f.as_json() for f in self.findings]}


_CLAUSE_END = re.compile(r"[;；。.!?！？\n]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _chinese_context(text: str, start: int, end: int, width: int = 40) -> bool:
    """Is the clause around [start, end) Chinese? CJK characters against Latin words (a CJK
    character carries about half a word), the name itself left out; a tie goes to the name's
    own script."""
    before = _CLAUSE_END.split(text[max(0, start - width):start])[-1]
    after = _CLAUSE_END.split(text[end:end + width])[0]
    around = before + " " + after
    cjk = sum(1 for ch in around if "\u4e00" <= ch <= "\u9fff")
    latin = 2 * len(_LATIN_WORD.findall(around))
    if cjk == latin:
        return has_cjk(text[start:end])
    return cjk > latin


def _person_of(d: Detection, pseudonyms: Pseudonymizer) -> int | None:
    if d.person is not None:
        return d.person
    if d.type == "email":
        return pseudonyms.known.person_of_email(d.key)
    return None


def _operate(d: Detection, text: str, policy: ScrubPolicy,
             pseudonyms: Pseudonymizer) -> tuple[Action, str]:
    """What to do with one detection, and the replacement text."""
    if d.category == "secret":
        return "redact", MARKER.format(d.type)
    if d.type in policy.keep:
        return "keep", text[d.start:d.end]
    person = _person_of(d, pseudonyms)
    is_subject = person is not None and person == policy.subject
    if is_subject and d.category == "pii":  # the subject's own contact data
        if policy.keep_subject_contact:
            return "keep", text[d.start:d.end]
        return "redact", MARKER.format(d.type)
    if is_subject and policy.subject_name == "keep":
        return "keep", text[d.start:d.end]
    if policy.third_party == "remove" and not is_subject:
        return "redact", MARKER.format(d.type)
    if person is not None:
        return "pseudonymise", pseudonyms.person(
            person, chinese=_chinese_context(text, d.start, d.end))
    return "pseudonymise", pseudonyms.value(d.type, d.key)


def detect(text: str, pseudonyms: Pseudonymizer | None = None) -> list[Detection]:
    """All sensitive spans, non-overlapping: secrets, then personal data, then known names."""
    found = find_secrets(text) + find_pii(text)
    if pseudonyms is not None:
        found += pseudonyms.known.find(text)
    return select(found)


def scrub(text: str, *, policy: ScrubPolicy | None = None,
          pseudonyms: Pseudonymizer | None = None) -> Scrubbed:
    """Scrub `text` under `policy`; see the module docstring for the contract."""
    policy = policy or ScrubPolicy()
    pseudo = pseudonyms if pseudonyms is not None else Pseudonymizer()
    parts: list[str] = []
    findings: list[Finding] = []
    pos = 0
    for d in detect(text, pseudonyms):
        action, replacement = _operate(d, text, policy, pseudo)
        parts.append(text[pos:d.start])
        parts.append(replacement)
        pos = d.end
        findings.append(Finding(d.type, d.start, d.end, action, d.category))
    parts.append(text[pos:])
    return Scrubbed("".join(parts), findings)
