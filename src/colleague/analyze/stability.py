"""Stability across time: does a finding hold in each third of the subject's record?

A Skill should state what is characteristic of a person, not what happened to dominate one
period of a long history (a system they handled in 2006, a channel they left, a habit they
dropped). The analyzers therefore split the messages they look at into `PARTS` (3)
consecutive parts (in the order given — `PersonData.own` is oldest first) and make a claim, or
attach a prediction, only when the finding holds in every part, the most recent included; a
predicted rate is the *lowest* of the parts' rates, so the prediction promises only what every
period shows. (Thirds held out better than halves for phrases and hours on the real corpora,
docs/fidelity.md; work.duties names are claimed on halves — `parts=2` — as thirds cut too
thin a record of a name mentioned a handful of times, but predict a rate only on thirds.)

Pure helpers, shared by the analyzers (no store, no clock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


PARTS = 3  # thirds: the check includes the most recent third of the record


@dataclass(frozen=True)
class Halves:  # named for the first version (two parts); now PARTS parts
    """Which part each message uid falls in (0 = earliest) and the parts' sizes."""

    half: dict[int, int]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, uids: Sequence[int], parts: int = PARTS) -> Halves:
        n = len(uids)
        half = {u: i * parts // n for i, u in enumerate(uids)}
        sizes = [0] * parts
        for h in half.values():
            sizes[h] += 1
        return cls(half, tuple(sizes))

    def counts(self, uids: Iterable[int]) -> tuple[int, ...]:
        """How many of `uids` (each counted once) fall in each part; unknown uids are skipped."""
        c = [0] * len(self.sizes)
        for u in set(uids):
            h = self.half.get(u)
            if h is not None:
                c[h] += 1
        return tuple(c)

    def rates(self, uids: Iterable[int]) -> tuple[float, ...]:
        """The share of each part's messages among `uids`."""
        return tuple(k / n if n else 0.0 for k, n in zip(self.counts(uids), self.sizes, strict=True))

    def low_rate(self, uids: Iterable[int]) -> float:
        """The lowest of the parts' shares: what every period supports."""
        return min(self.rates(uids))

    def in_both(self, uids: Iterable[int], each: int = 1) -> bool:
        return all(k >= each for k in self.counts(uids))


def split_half(items: Sequence[T], parts: int = PARTS) -> list[list[T]]:
    """`items` (already in time order) cut into `parts` consecutive parts."""
    n = len(items)
    return [list(items[k * n // parts:(k + 1) * n // parts]) for k in range(parts)]


def holds_in_both(items: Sequence[T], test: Callable[[Sequence[T]], bool], parts: int = PARTS) -> bool:
    """`test` holds on every part of `items`."""
    cut = split_half(items, parts)
    return all(cut) and all(test(p) for p in cut)


__all__ = ["Halves", "holds_in_both", "split_half"]
