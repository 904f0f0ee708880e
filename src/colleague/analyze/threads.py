"""One reply structure per subject, shared by the analyzers that need it.

social and decisions both read `social.build_structure(data)` (who answers whom, streams,
mentions); style and rhythm both read `rhythm.Threads(data)` (what each message answers).
On a person with 100,000 messages each costs about a second to build, so the first analyzer
to ask builds it and the others reuse it. The cache lives on the `PersonData` object itself
(not a dataclass field, so `dataclasses.replace` starts a new one) and is keyed by the lists
it was built from: an analyzer handed a different `own`/`context` gets a fresh structure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from colleague.analyze.model import Msg, PersonData

T = TypeVar("T")

_ATTR = "_colleague_structures"


def _fingerprint(data: PersonData) -> tuple:
    return (
        data.person_id,
        id(data.own), len(data.own),
        id(data.context), len(data.context),
        id(data.people), len(data.people),
        data.bots, data.name, data.aliases,
    )


def shared(data: PersonData, name: str, build: Callable[[PersonData], T]) -> T:
    """`build(data)`, computed once per `data` (and per `name`) while its lists are unchanged."""
    cache: dict[str, tuple[tuple, object]] = data.__dict__.setdefault(_ATTR, {})
    key = _fingerprint(data)
    hit = cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]  # type: ignore[return-value]
    value = build(data)
    cache[name] = (key, value)
    return value


# Platforms whose messages are not turns of a conversation: a commit does not answer the
# commit before it, however close in time (explicit replies still count).
NOT_TURNS = frozenset({"git"})


def is_turn(m: Msg) -> bool:
    """Whether `m` may implicitly answer the message before it in its stream."""
    return m.platform not in NOT_TURNS


def seconds_between(a: Msg, b: Msg) -> float | None:
    """`(b.ts - a.ts).total_seconds()`, from the epochs (None when either has no time).

    The same float: stored times are whole microseconds (or milliseconds), each epoch is
    within 1.2e-7 s of its exact value for dates before 2100, so rounding the difference to
    the microsecond recovers the exact one, and dividing that by 10**6 is what total_seconds()
    does. Subtracting aware datetimes costs several times as much."""
    if a.epoch is None or b.epoch is None:
        return None
    return round((b.epoch - a.epoch) * 1_000_000) / 1_000_000
