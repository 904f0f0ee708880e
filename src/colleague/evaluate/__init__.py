"""Fidelity evaluation: how well a Skill fits its person, measured on data it never saw.

- `split`: per person, the earliest share of their messages (by time; by file order where a
  source has no times) builds the Skill, the rest is held out (`split_person`,
  `eligible_people`).
- `attribution`: style profiles from the build parts attribute held-out messages — singly and
  in batches — beside a character n-gram TF-IDF baseline on the same batches (`attribute`).
- `claims`: each claim's prediction judged on the held-out messages (hit rate).
- `leaks`: secrets or personal data left in the Skill's files.
"""

from colleague.evaluate.attribution import AttributionResult, attribute
from colleague.evaluate.split import Split, eligible_people, split_person

__all__ = ["AttributionResult", "Split", "attribute", "eligible_people", "split_person"]
