"""Privacy: scrub secrets and personal data from anything that leaves the store.

`scrub()` is the one entry point for outputs; `redact_secrets()` is the fast path for ingest.
See docs/privacy.md.
"""

from colleague.privacy._base import Finding
from colleague.privacy.names import KnownNames, Pseudonymizer
from colleague.privacy.scrub import Scrubbed, ScrubPolicy, scrub
from colleague.privacy.secrets import redact_secrets

__all__ = [
    "Finding",
    "KnownNames",
    "Pseudonymizer",
    "ScrubPolicy",
    "Scrubbed",
    "redact_secrets",
    "scrub",
]
